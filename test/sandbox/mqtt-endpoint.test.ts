// The MQTT endpoint on its own: a certificate that cannot be handled is refused, never a crash.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStore } from '../../infra/sandbox/iot/model.js';
import { type MqttEndpoint, startMqttEndpoint } from '../../infra/sandbox/mqtt/endpoint.js';
import { createServerIdentity } from '../../infra/sandbox/mqtt/server-pki.js';
import { attemptConnect } from '../../lib/device/attempt.js';
import { createCa, issueDeviceCertificate } from '../../lib/pki/index.js';

let dir: string;
let endpoint: MqttEndpoint;
let calls = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jitr-mqtt-endpoint-'));
  endpoint = await startMqttEndpoint({
    store: createStore({ region: 'us-east-1', accountId: '123456789012' }),
    identity: await createServerIdentity(dir),
    deviceConnects() {
      calls += 1;
      throw new TypeError('registry exploded');
    },
  });
});

afterAll(async () => {
  await endpoint?.stop();
  await rm(dir, { recursive: true, force: true });
});

it('refuses a connection whose certificate the registry cannot handle, records why, and keeps serving', async () => {
  const ca = createCa({ keyType: 'ec', subject: [{ type: 'CN', value: 'Any CA' }] });
  const issued = issueDeviceCertificate({ ca, keyType: 'ec', subject: [{ type: 'CN', value: 'dev' }] });
  const target = {
    host: '127.0.0.1',
    port: endpoint.port,
    cert: issued.certificatePem,
    key: issued.privateKeyPem,
    ca: await readFile(endpoint.trustFile, 'utf8'),
    clientId: 'dev',
    protocolVersion: 4 as const,
  };
  expect((await attemptConnect(target, 5_000)).outcome).toBe('refused');
  expect((await attemptConnect(target, 5_000)).outcome).toBe('refused');
  expect(calls).toBe(2);
  expect(endpoint.events().map((e) => [e.kind, e.detail])).toEqual([
    ['refused', 'certificate not usable: registry exploded'],
    ['refused', 'certificate not usable: registry exploded'],
  ]);
  expect(endpoint.url).toBe(`mqtts://127.0.0.1:${endpoint.port}`);
});
