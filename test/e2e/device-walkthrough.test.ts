// The README's "Real devices" walkthrough, step by step, as a newcomer runs it: the built CLI in
// child processes against `jitr sandbox start --jitr`. The registration step is the AWS CLI in
// the README; here the SDK sends the same RegisterCACertificate request (no AWS CLI in CI).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetRegistrationCodeCommand, IoTClient, RegisterCACertificateCommand } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureHandlerBundle, repoRoot } from '../helpers/e2e-bundle.js';

const run = promisify(execFile);
const CLI = join(repoRoot, 'bin', 'jitr.mjs');

interface SandboxInfo {
  endpoints: Record<string, string>;
  mqttTrustFile: string;
  crlBucket: string;
  deadLetterQueueUrl: string;
  ingestion: string;
  ingestionQueueUrl?: string;
  ruleName: string;
  functionName: string;
  env: Record<string, string>;
}

let dir: string;
let sandbox: ChildProcess;
let info: SandboxInfo;
let stdout = '';

async function jitr(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ...info.env },
      timeout: 60_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(async () => {
  await ensureHandlerBundle();
  dir = await mkdtemp(join(tmpdir(), 'jitr-walkthrough-'));
  sandbox = spawn(process.execPath, [CLI, 'sandbox', 'start', '--jitr', '--json'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  sandbox.stderr?.resume();
  info = await new Promise<SandboxInfo>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no JSON from jitr sandbox start --jitr: ${stdout}`)),
      45_000,
    );
    sandbox.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      try {
        const parsed = JSON.parse(stdout) as SandboxInfo;
        clearTimeout(timer);
        resolve(parsed);
      } catch {
        // not complete yet
      }
    });
    sandbox.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
}, 90_000);

afterAll(async () => {
  if (sandbox !== undefined && sandbox.exitCode === null) {
    const exited = new Promise((resolve) => sandbox.once('exit', resolve));
    sandbox.kill('SIGINT');
    await exited;
  }
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('README walkthrough: a real device against jitr sandbox start --jitr', () => {
  it('prints the whole local AWS side as one JSON object, MQTT on loopback', () => {
    expect(info.endpoints.mqtt).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    for (const key of ['iot', 's3', 'sqs', 'lambda', 'iam'])
      expect(info.endpoints[key]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect([info.crlBucket, info.functionName]).toEqual(['jitr-crls', 'jitr']);
    expect(info.deadLetterQueueUrl).toMatch(/\/jitr-dlq$/);
    // The stack's default path (template.yaml IngestionMode: queue): the rule writes to the queue.
    expect(info.ingestion).toBe('queue');
    expect(info.ingestionQueueUrl).toMatch(/\/jitr-ingest$/);
    expect(info.ruleName).toBe('jitr_registered');
    expect(info.env.AWS_ENDPOINT_URL_IOT).toBe(info.endpoints.iot);
  });

  it('create a CA, register it with auto-registration, publish its CRL, issue a device, connect it', async () => {
    const created = await jitr([
      'pki',
      'create-ca',
      '--dir',
      './pki',
      '--key-type',
      'ec',
      '--subject',
      'O=Example,CN=Example Device CA',
    ]);
    expect(created.code).toBe(0);

    // aws iot get-registration-code / register-ca-certificate --set-as-active --allow-auto-registration
    const iot = new IoTClient({
      region: info.env.AWS_REGION,
      endpoint: info.endpoints.iot,
      credentials: {
        accessKeyId: info.env.AWS_ACCESS_KEY_ID ?? '',
        secretAccessKey: info.env.AWS_SECRET_ACCESS_KEY ?? '',
      },
    });
    const { registrationCode } = await iot.send(new GetRegistrationCodeCommand({}));
    expect(
      (
        await jitr([
          'pki',
          'verification-cert',
          '--dir',
          './pki',
          '--registration-code',
          registrationCode ?? '',
        ])
      ).code,
    ).toBe(0);
    const registered = await iot.send(
      new RegisterCACertificateCommand({
        caCertificate: await readFile(join(dir, 'pki', 'ca.pem'), 'utf8'),
        verificationCertificate: await readFile(join(dir, 'pki', 'verification.pem'), 'utf8'),
        setAsActive: true,
        allowAutoRegistration: true,
      }),
    );
    iot.destroy();
    expect(registered.certificateId).toBe(JSON.parse(created.stdout).caCertificateId);

    expect((await jitr(['pki', 'crl', '--dir', './pki'])).code).toBe(0);
    const published = await jitr(['pki', 'publish-crl', '--dir', './pki', '--bucket', info.crlBucket]);
    expect([published.code, published.stderr.includes('error')]).toEqual([0, false]);

    const issued = await jitr([
      'pki',
      'issue-device',
      '--dir',
      './pki',
      '--subject',
      'C=JP,O=Example,CN=lamp-0001',
    ]);
    const device = JSON.parse(issued.stdout) as { certificate: string; privateKey: string };
    const endpoint = info.endpoints.mqtt?.replace('mqtts://', '') ?? '';
    const common = [
      'device',
      'connect',
      '--endpoint',
      endpoint,
      '--ca',
      info.mqttTrustFile,
      '--cert',
      device.certificate,
      '--key',
      device.privateKey,
    ];

    const connect = await jitr([
      ...common,
      '--publish',
      'devices/lamp-0001/hello',
      '--backoff-initial-ms',
      '200',
      '--timeout-s',
      '60',
      '--json',
    ]);
    expect(connect.code).toBe(0);
    const report = JSON.parse(connect.stdout) as {
      connected: boolean;
      attempts: Array<{ outcome: string; reason: string | null }>;
      timeToConnectMs: number;
      publish: { acknowledged: boolean };
    };
    // Refused first (JITR registered it PENDING_ACTIVATION), connected once the handler activated it.
    expect(report.attempts[0]).toMatchObject({
      outcome: 'refused',
      reason: 'connection closed without CONNACK',
    });
    expect(report.attempts.at(-1)?.outcome).toBe('connected');
    expect(report.attempts.slice(0, -1).every((a) => a.outcome === 'refused')).toBe(true);
    expect([report.connected, report.publish.acknowledged, report.timeToConnectMs > 0]).toEqual([
      true,
      true,
      true,
    ]);

    const other = await jitr([...common, '--subscribe', 'devices/lamp-0002/#', '--json']);
    expect(other.code).toBe(1);
    expect(JSON.parse(other.stdout).subscribe).toEqual([
      { filter: 'devices/lamp-0002/#', code: 128, granted: false },
    ]);

    // The stack's rule is there too: doctor passes every check on the queue path.
    const doctor = await jitr([
      'doctor',
      '--ca',
      registered.certificateId ?? '',
      '--function-name',
      info.functionName,
      '--rule',
      info.ruleName,
      '--queue-url',
      info.deadLetterQueueUrl,
    ]);
    expect([doctor.code, doctor.stdout.split('\n').filter((l) => l.includes('✗'))]).toEqual([0, []]);
    expect(doctor.stdout).toContain('  ✓ the rule writes to queue jitr-ingest, which feeds function jitr');
    expect(doctor.stdout).toContain('  ✓ the event source mapping is Enabled');
    expect(doctor.stdout).toContain('All checks passed.');
  }, 120_000);

  it('jitr device fleet: N devices from the CA directory at once, time-to-connect percentiles', async () => {
    const endpoint = info.endpoints.mqtt?.replace('mqtts://', '') ?? '';
    const fleet = await jitr([
      'device',
      'fleet',
      '--dir',
      './pki',
      '--count',
      '4',
      '--endpoint',
      endpoint,
      '--ca',
      info.mqttTrustFile,
      '--backoff-initial-ms',
      '100',
      '--backoff-max-ms',
      '500',
      '--timeout-s',
      '60',
      '--json',
    ]);
    expect(fleet.code).toBe(0);
    const report = JSON.parse(fleet.stdout) as {
      devices: number;
      connected: number;
      attempts: number;
      timeToConnectMs: Record<string, number>;
    };
    expect([report.devices, report.connected]).toEqual([4, 4]);
    // Every device is refused at least once (JITR), then connects.
    expect(report.attempts).toBeGreaterThanOrEqual(8);
    const t = report.timeToConnectMs;
    expect(0 < (t.p50 ?? 0) && (t.p50 ?? 0) <= (t.p90 ?? 0) && (t.p90 ?? 0) <= (t.max ?? 0)).toBe(true);
  }, 90_000);
});
