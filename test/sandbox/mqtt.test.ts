// The sandbox's MQTT-over-TLS endpoint through the project's MQTT client: connect-time JITR,
// policies enforced on CONNECT / PUBLISH / SUBSCRIBE / delivery, MQTT 3.1.1 and 5.
import { readFileSync } from 'node:fs';
import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  type IoTClient,
  UpdateCACertificateCommand,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCa } from '../../infra/local-aws/aws-setup.js';
import { type Sandbox, startSandbox } from '../../infra/sandbox/index.js';
import {
  attemptConnect,
  type DeviceTarget,
  publishAcknowledged,
  subscribeCodes,
} from '../../lib/device/attempt.js';
import { type Ca, createCa, issueDeviceCertificate } from '../../lib/pki/index.js';
import { clientsFor } from './helpers/clients.js';

// biome-ignore lint/suspicious/noTemplateCurlyInString: AWS IoT policy variable.
const THING = '${iot:Connection.Thing.ThingName}';
const DEVICE_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'iot:Connect', Resource: `arn:aws:iot:*:*:client/${THING}` },
    {
      Effect: 'Allow',
      Action: ['iot:Publish', 'iot:Receive'],
      Resource: `arn:aws:iot:*:*:topic/devices/${THING}/*`,
    },
    { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `arn:aws:iot:*:*:topicfilter/devices/${THING}/*` },
  ],
});
/** A listener allowed to subscribe anywhere but to receive only devices/dev-1/public. */
const LISTENER_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'iot:Connect', Resource: 'arn:aws:iot:*:*:client/listener' },
    { Effect: 'Allow', Action: 'iot:Subscribe', Resource: 'arn:aws:iot:*:*:topicfilter/*' },
    { Effect: 'Allow', Action: 'iot:Receive', Resource: 'arn:aws:iot:*:*:topic/devices/dev-1/public' },
    {
      Effect: 'Allow',
      Action: 'iot:Receive',
      Resource: 'arn:aws:iot:*:*:topic/$aws/events/certificates/registered/*',
    },
  ],
});

interface Device {
  certificateId: string;
  target: (clientId?: string, protocolVersion?: 4 | 5) => DeviceTarget;
}

let sandbox: Sandbox;
let iot: IoTClient;
let ca: Ca;
let caId: string;
let port: number;
let trust: string;
const open: MqttClient[] = [];

function device(issuer: Ca, cn: string): Device {
  const issued = issueDeviceCertificate({ ca: issuer, keyType: 'ec', subject: [{ type: 'CN', value: cn }] });
  return {
    certificateId: issued.certificateId,
    target: (clientId = cn, protocolVersion = 4) => ({
      host: '127.0.0.1',
      port,
      cert: issued.certificatePem,
      key: issued.privateKeyPem,
      ca: trust,
      clientId,
      protocolVersion,
    }),
  };
}

async function connect(d: Device, clientId?: string, protocolVersion: 4 | 5 = 4): Promise<MqttClient> {
  const result = await attemptConnect(d.target(clientId, protocolVersion), 5_000);
  if (result.outcome !== 'connected') throw new Error(`refused: ${result.reason}`);
  open.push(result.client);
  return result.client;
}

/** Waits until `done()` holds (polling), at most 5 s. */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 5_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
}

/** What the handler would do: thing named after the device, policy attached, certificate ACTIVE last. */
async function provision(d: Device, thingName: string, policyName: string): Promise<void> {
  const arn = `arn:aws:iot:${sandbox.region}:${sandbox.accountId}:cert/${d.certificateId}`;
  await iot.send(new CreateThingCommand({ thingName }));
  await iot.send(new AttachThingPrincipalCommand({ thingName, principal: arn }));
  await iot.send(new AttachPolicyCommand({ policyName, target: arn }));
  await iot.send(new UpdateCertificateCommand({ certificateId: d.certificateId, newStatus: 'ACTIVE' }));
}

beforeAll(async () => {
  sandbox = await startSandbox({ mqtt: true });
  ({ iot } = clientsFor(sandbox));
  ca = createCa({ keyType: 'ec', subject: [{ type: 'CN', value: 'MQTT Test CA' }] });
  caId = await registerCa(iot, ca);
  port = Number(new URL(sandbox.endpoints.mqtt ?? '').port);
  trust = readFileSync(sandbox.mqtt?.trustFile ?? '', 'utf8');
  await iot.send(new CreatePolicyCommand({ policyName: 'device', policyDocument: DEVICE_POLICY }));
  await iot.send(new CreatePolicyCommand({ policyName: 'listener', policyDocument: LISTENER_POLICY }));
});

afterAll(async () => {
  for (const c of open) c.end(true);
  iot?.destroy();
  await sandbox?.stop();
});

describe('the endpoint', () => {
  it('is mqtts on loopback and its trust file holds the server CA', () => {
    expect(sandbox.endpoints.mqtt).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    expect(trust).toContain('-----BEGIN CERTIFICATE-----');
  });
});

describe('connect-time JITR', () => {
  it('registers an unknown certificate PENDING_ACTIVATION, publishes the event and closes without CONNACK; again on reconnect', async () => {
    const d = device(ca, 'dev-1');
    const before = sandbox.lambda.published().length;
    const first = await attemptConnect(d.target(), 5_000);
    expect(first).toMatchObject({ outcome: 'refused', reason: 'connection closed without CONNACK' });
    expect(sandbox.iot.certificate(d.certificateId)?.status).toBe('PENDING_ACTIVATION');
    const second = await attemptConnect(d.target(), 5_000);
    expect(second.outcome).toBe('refused');
    const events = sandbox.lambda.published().slice(before);
    expect(events.map((e) => [e.certificateId, e.caCertificateId, e.certificateStatus])).toEqual([
      [d.certificateId, caId, 'PENDING_ACTIVATION'],
      [d.certificateId, caId, 'PENDING_ACTIVATION'],
    ]);
    expect(
      sandbox.mqtt
        ?.events()
        .filter((e) => e.certificateId === d.certificateId)
        .map((e) => e.kind),
    ).toEqual(['registered', 'republished']);
  });

  it('connects an ACTIVE certificate whose policy allows iot:Connect for the client id, and only for it', async () => {
    const d = device(ca, 'dev-2');
    await attemptConnect(d.target(), 5_000);
    await provision(d, 'dev-2', 'device');
    const other = await attemptConnect(d.target('someone-else'), 5_000);
    expect(other.outcome).toBe('refused');
    const client = await connect(d);
    expect(client.connected).toBe(true);
  });

  it('fails closed on a policy the evaluator refuses (an IpAddress condition): connect denied, the reason recorded', async () => {
    await iot.send(
      new CreatePolicyCommand({
        policyName: 'by-ip',
        policyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'iot:*',
              Resource: '*',
              Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } },
            },
          ],
        }),
      }),
    );
    const d = device(ca, 'dev-ip');
    await attemptConnect(d.target(), 5_000);
    await provision(d, 'dev-ip', 'by-ip');
    expect((await attemptConnect(d.target(), 5_000)).outcome).toBe('refused');
    const denied = sandbox.mqtt
      ?.events()
      .filter((e) => e.certificateId === d.certificateId && e.kind === 'denied');
    expect(denied?.map((e) => e.detail)).toEqual([
      'iot:Connect client/dev-ip (UnsupportedPolicyCondition: policy by-ip: condition operator IpAddress is not supported by this evaluator)',
    ]);
  });

  it('refuses, and publishes nothing for, an unknown CA, a CA without auto-registration, and INACTIVE/REVOKED certificates', async () => {
    const stranger = device(
      createCa({ keyType: 'ec', subject: [{ type: 'CN', value: 'Stranger CA' }] }),
      'dev-x',
    );
    const closedCa = createCa({ keyType: 'ec', subject: [{ type: 'CN', value: 'No Auto CA' }] });
    const closedCaId = await registerCa(iot, closedCa);
    await iot.send(
      new UpdateCACertificateCommand({ certificateId: closedCaId, newAutoRegistrationStatus: 'DISABLE' }),
    );
    const noAuto = device(closedCa, 'dev-y');
    const inactive = device(ca, 'dev-3');
    await attemptConnect(inactive.target(), 5_000);
    await iot.send(
      new UpdateCertificateCommand({ certificateId: inactive.certificateId, newStatus: 'INACTIVE' }),
    );
    const revoked = device(ca, 'dev-4');
    await attemptConnect(revoked.target(), 5_000);
    await iot.send(
      new UpdateCertificateCommand({ certificateId: revoked.certificateId, newStatus: 'REVOKED' }),
    );
    const before = sandbox.lambda.published().length;
    for (const d of [stranger, noAuto, inactive, revoked]) {
      expect((await attemptConnect(d.target(), 5_000)).outcome).toBe('refused');
    }
    expect(sandbox.lambda.published().length).toBe(before);
    expect(sandbox.iot.certificate(stranger.certificateId)).toBeUndefined();
    expect(sandbox.iot.certificate(noAuto.certificateId)).toBeUndefined();
  });
});

describe('policies enforced', () => {
  it.each([
    [4, 0x80],
    [5, 0x87],
  ] as const)(
    'MQTT %s: SUBACK failure code %i for a filter outside the policy, granted for its own',
    async (version, failure) => {
      const d = device(ca, `dev-sub-${version}`);
      await attemptConnect(d.target(), 5_000);
      await provision(d, `dev-sub-${version}`, 'device');
      const client = await connect(d, undefined, version);
      expect(
        await subscribeCodes(client, [`devices/dev-sub-${version}/#`, 'devices/dev-1/#', 'devices/#']),
      ).toEqual([1, failure, failure]);
    },
  );

  it.each([4, 5] as const)(
    'MQTT %s: publish to its own topic is acknowledged; to another device, the connection is closed',
    async (version) => {
      const d = device(ca, `dev-pub-${version}`);
      await attemptConnect(d.target(), 5_000);
      await provision(d, `dev-pub-${version}`, 'device');
      const client = await connect(d, undefined, version);
      await publishAcknowledged(client, `devices/dev-pub-${version}/state`, 'on');
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      await expect(publishAcknowledged(client, 'devices/dev-1/state', 'x')).rejects.toThrow();
      await closed;
      expect(client.connected).toBe(false);
    },
  );

  it('checks iot:Receive on every delivery', async () => {
    const publisher = device(ca, 'dev-1');
    await attemptConnect(publisher.target(), 5_000);
    await provision(publisher, 'dev-1', 'device');
    const listener = device(ca, 'listener');
    await attemptConnect(listener.target(), 5_000);
    await provision(listener, 'listener', 'listener');
    const sub = await connect(listener);
    const got: string[] = [];
    sub.on('message', (topic) => got.push(topic));
    expect(await subscribeCodes(sub, ['devices/#'])).toEqual([1]);
    const pub = await connect(publisher);
    await publishAcknowledged(pub, 'devices/dev-1/private', 'p');
    await publishAcknowledged(pub, 'devices/dev-1/public', 'q');
    // Deliveries keep their order: once the second message arrived, the first would have too.
    await until(() => got.length > 0);
    expect(got).toEqual(['devices/dev-1/public']);
  });

  it('publishes the registered event on $aws/events/certificates/registered/<caId> to allowed subscribers', async () => {
    const listener = device(ca, 'listener');
    await attemptConnect(listener.target(), 5_000);
    await provision(listener, 'listener', 'listener');
    const sub = await connect(listener);
    const got: Array<{ topic: string; certificateId: string }> = [];
    sub.on('message', (topic, payload) =>
      got.push({ topic, certificateId: JSON.parse(payload.toString()).certificateId }),
    );
    expect(await subscribeCodes(sub, [`$aws/events/certificates/registered/${caId}`])).toEqual([1]);
    const newcomer = device(ca, 'dev-new');
    expect((await attemptConnect(newcomer.target(), 5_000)).outcome).toBe('refused');
    await until(() => got.length > 0);
    expect(got).toEqual([
      { topic: `$aws/events/certificates/registered/${caId}`, certificateId: newcomer.certificateId },
    ]);
  });

  it('disconnects a device whose certificate leaves ACTIVE, and refuses it afterwards', async () => {
    const d = device(ca, 'dev-5');
    await attemptConnect(d.target(), 5_000);
    await provision(d, 'dev-5', 'device');
    const client = await connect(d);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await iot.send(new UpdateCertificateCommand({ certificateId: d.certificateId, newStatus: 'REVOKED' }));
    await closed;
    expect((await attemptConnect(d.target(), 5_000)).outcome).toBe('refused');
  });
});
