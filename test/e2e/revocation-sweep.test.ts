// Revocation that reaches active devices, end to end in the sandbox: the built handler onboards
// 20 devices (writing the ledger in the registration-state table, dynalite), the CA publishes a
// CRL that revokes 3 of them, and the built sweep function (dist/handlers/revocation-sweep.cjs)
// runs on the S3 event notification of that object. The devices also connect over MQTT/TLS to
// the sandbox's endpoint, which admits a certificate only while AWS IoT's registry says ACTIVE:
// after the sweep the revoked ones lose their connection and are refused when they reconnect.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishCrl } from '../../infra/local-aws/aws-setup.js';
import { baseFunctionEnv } from '../../infra/local-aws/deployment.js';
import type { SandboxFunction } from '../../infra/sandbox/index.js';
import { type AttemptResult, attemptConnect } from '../../lib/device/attempt.js';
import type { DynamoDbLedger } from '../../lib/ledger/dynamodb-ledger.js';
import { createCa } from '../../lib/pki/index.js';
import { repoRoot } from '../helpers/e2e-bundle.js';
import { type E2e, issueDevice, sandboxLedger, startE2e } from '../helpers/e2e-jitr.js';

let e2e: E2e;
let sweep: SandboxFunction;
let ledger: DynamoDbLedger;
let closeLedger: (() => void) | undefined;
interface SweptDevice {
  name: string;
  certificateId: string;
  serialHex: string;
  certificatePem: string;
  privateKeyPem: string;
}
const devices: SweptDevice[] = [];
/** The MQTT sessions opened before the sweep, by certificate id. */
const sessions = new Map<string, Extract<AttemptResult, { outcome: 'connected' }>['client']>();

function crlEvent() {
  return {
    Records: [
      {
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: e2e.aws.bucket }, object: { key: `crl/${e2e.ca.caCertificateId}.crl` } },
      },
    ],
  };
}

async function runSweep(): Promise<Record<string, unknown>> {
  const outcome = await sweep.invoke(crlEvent());
  if (!outcome.ok) throw new Error(`sweep failed: ${JSON.stringify(outcome.error)}`);
  const [report] = outcome.value as Record<string, unknown>[];
  return report ?? {};
}

/** One MQTT/TLS connection attempt as the device (its thing name is its client id, as the policy wants). */
async function connectOverMqtt(device: SweptDevice): Promise<AttemptResult> {
  const endpoint = e2e.aws.sandbox.mqtt;
  if (endpoint === undefined) throw new Error('the sandbox has no MQTT endpoint');
  return attemptConnect(
    {
      host: '127.0.0.1',
      port: Number(new URL(endpoint.url).port),
      cert: device.certificatePem,
      key: device.privateKeyPem,
      ca: await readFile(endpoint.trustFile, 'utf8'),
      clientId: device.name,
      protocolVersion: 4,
    },
    10_000,
  );
}

function statuses(): string[] {
  return devices.map((d) => e2e.aws.sandbox.iot.certificate(d.certificateId)?.status ?? 'missing');
}

beforeAll(async () => {
  e2e = await startE2e({ containers: 4, mqtt: true });
  for (let i = 0; i < 20; i++) {
    const device = issueDevice(e2e.ca, { commonName: `sweep-dev-${i}`, serialNumber: `SN-W${i}` });
    const { certificateId } = await e2e.deployment.connect(device.certificatePem);
    devices.push({
      name: device.name,
      certificateId,
      serialHex: Buffer.from(device.serialBytes).toString('hex'),
      certificatePem: device.certificatePem,
      privateKeyPem: device.privateKeyPem,
    });
  }
  sweep = e2e.aws.sandbox.deployFunction({
    bundle: join(repoRoot, 'dist', 'handlers', 'revocation-sweep.cjs'),
    name: 'jitr-revocation-sweep',
    // Never a target of the registered-event rule.
    caCertificateId: '0'.repeat(64),
    env: {
      ...baseFunctionEnv(e2e.aws),
      POWERTOOLS_SERVICE_NAME: 'jitr-revocation-sweep',
      SWEEP_UPDATE_SHARE: '1',
    },
    containers: 1,
    retries: 0,
  });
  ({ ledger, close: closeLedger } = sandboxLedger(e2e.aws));
}, 180_000);

afterAll(async () => {
  for (const client of sessions.values()) client.end(true);
  closeLedger?.();
  await sweep?.stop();
  await e2e?.stop();
});

describe('revocation sweep in the sandbox', () => {
  it('starts from 20 ACTIVE devices, each in the ledger with its serial', async () => {
    expect(statuses()).toEqual(Array(20).fill('ACTIVE'));
    const records = await ledger.getMany(devices.map((d) => d.certificateId));
    expect([...records.values()].map((r) => [r.outcome, r.serial])).toEqual(
      devices.map((d) => ['activated', d.serialHex]),
    );
  });

  it('all 20 devices connect over MQTT/TLS before the sweep', async () => {
    const attempts = await Promise.all(devices.map(connectOverMqtt));
    for (const [i, attempt] of attempts.entries()) {
      if (attempt.outcome === 'connected') sessions.set(devices[i]?.certificateId ?? '', attempt.client);
    }
    expect(attempts.map((a) => a.outcome)).toEqual(Array(20).fill('connected'));
  });

  it('revokes exactly the 3 devices a new CRL lists, and the ledger says why', async () => {
    // Prepare
    const revokedAt = new Date(Date.now() - 3_600_000);
    const picked = [devices[2], devices[9], devices[17]].map((d) => d as (typeof devices)[number]);
    await e2e.ca.publishCrl(
      picked.map((d) => ({ serial: d.serialHex, revocationDate: revokedAt, reason: 'keyCompromise' })),
    );

    // Act
    const report = await runSweep();

    // Assess
    expect(report).toMatchObject({
      result: 'swept',
      crlNumber: '2',
      newlyRevoked: 3,
      inLedger: 3,
      revokedActive: 3,
      revoked: 3,
    });
    const want = devices.map((d) => (picked.includes(d) ? 'REVOKED' : 'ACTIVE'));
    expect(statuses()).toEqual(want);
    expect(want.filter((s) => s === 'ACTIVE')).toHaveLength(17);
    const record = await ledger.get(picked[0]?.certificateId ?? '');
    expect(record?.revokedBySweep).toMatchObject({
      crlNumber: '2',
      status: 'REVOKED',
      reason: 'keyCompromise',
      revocationDate: new Date(Math.floor(revokedAt.getTime() / 1000) * 1000).toISOString(),
    });
  });

  it('the 3 revoked devices lose their MQTT connection and are refused on reconnect; the 17 others connect', async () => {
    const revokedIds = devices.filter((_, i) => [2, 9, 17].includes(i)).map((d) => d.certificateId);
    // The endpoint re-checks connected certificates every 250 ms (AWS IoT: within minutes).
    await expect
      .poll(() => revokedIds.map((id) => sessions.get(id)?.connected), { timeout: 5_000 })
      .toEqual([false, false, false]);
    const stillConnected = devices.map((d) => sessions.get(d.certificateId)?.connected === true);
    expect(stillConnected).toEqual(devices.map((d) => !revokedIds.includes(d.certificateId)));
    for (const client of sessions.values()) client.end(true);

    const attempts = await Promise.all(devices.map(connectOverMqtt));
    for (const attempt of attempts) if (attempt.outcome === 'connected') attempt.client.end(true);

    expect(attempts.map((a) => a.outcome)).toEqual(
      devices.map((d) => (revokedIds.includes(d.certificateId) ? 'refused' : 'connected')),
    );
    const refusals = (e2e.aws.sandbox.mqtt?.events() ?? [])
      .filter((e) => e.kind === 'refused' && e.detail === 'certificate is REVOKED')
      .map((e) => e.certificateId);
    expect(refusals.sort()).toEqual([...revokedIds].sort());
  });

  it('changes nothing when the same CRL arrives again', async () => {
    const report = await runSweep();
    expect(report).toMatchObject({ result: 'already-swept', revoked: 0 });
    expect(statuses().filter((s) => s === 'REVOKED')).toHaveLength(3);
  });

  it('changes nothing and refuses a forged CRL (same CA name, another key) or an older CRL number', async () => {
    const victim = devices[5]?.serialHex ?? '';
    const impostor = createCa({
      keyType: 'ec',
      subject: [
        { type: 'C', value: 'JP' },
        { type: 'O', value: 'Example Corp' },
        { type: 'CN', value: 'E2E Device CA' },
      ],
    });
    const now = Date.now();
    const spec = {
      entries: [{ serial: victim, revocationDate: new Date(now) }],
      thisUpdate: new Date(now - 60_000),
      nextUpdate: new Date(now + 86_400_000),
    };
    await publishCrl(e2e.aws.s3, e2e.aws.bucket, e2e.ca.caCertificateId, {
      ...spec,
      ca: impostor,
      crlNumber: 9,
    });
    const forged = await runSweep();
    await publishCrl(e2e.aws.s3, e2e.aws.bucket, e2e.ca.caCertificateId, {
      ...spec,
      ca: e2e.ca.ca,
      crlNumber: 1,
    });
    const older = await runSweep();

    expect(forged).toMatchObject({ result: 'refused', revoked: 0 });
    expect((forged.refusal as { code: string }).code).toMatch(/^Crl(IssuerMismatch|SignatureInvalid)$/);
    expect(older).toMatchObject({ result: 'refused', refusal: { code: 'CrlNotNewer' }, revoked: 0 });
    expect(statuses().filter((s) => s === 'REVOKED')).toHaveLength(3);
    // The alarm's metric, in the function's EMF output.
    const emf = sweep
      .logs()
      .map((l) => l.text)
      .filter((t) => t.includes('RevocationSweepRefused'));
    expect(emf.length).toBeGreaterThanOrEqual(2);
  });
});
