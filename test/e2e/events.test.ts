// Every sample in events/ run through the BUILT handler the way the README says to run it
// (`npm run invoke -- -e events/<file> -n events/sandbox-env.json` against the sandbox), with
// the outcome the README promises for it. The env file is events/sandbox-env.json with the
// sandbox's random ports in place of 4566/4568 (tests never use fixed ports).
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../infra/sandbox/index.js';
import { ensureHandlerBundle, repoRoot } from '../helpers/e2e-bundle.js';

const run = promisify(execFile);
let sandbox: Sandbox;
let dir: string;
let envFile: string;

interface Invoked {
  code: number;
  /** The last stdout line: the function's result, or its error. */
  result: Record<string, unknown>;
  stdout: string;
  stderr: string;
}

async function invoke(...args: string[]): Promise<Invoked> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...sandbox.env() };
  const argv = ['--import', 'tsx', join(repoRoot, 'scripts', 'invoke.ts'), ...args];
  let out: { stdout: string; stderr: string; code: number };
  try {
    const { stdout, stderr } = await run(process.execPath, argv, { env, cwd: repoRoot, timeout: 60_000 });
    out = { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    out = { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code ?? -1 };
  }
  const last = out.stdout.trim().split('\n').at(-1) ?? '';
  let result: Record<string, unknown> = {};
  try {
    result = JSON.parse(last) as Record<string, unknown>;
  } catch {
    result = { unparsed: last };
  }
  return { code: out.code, result, stdout: out.stdout, stderr: out.stderr };
}

function sample(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(repoRoot, 'events', name), 'utf8')) as Record<string, unknown>;
}

beforeAll(async () => {
  await ensureHandlerBundle();
  sandbox = await startSandbox({ port: 0, buckets: ['jitr-crls'] });
  dir = await mkdtemp(join(tmpdir(), 'jitr-events-'));
  // events/sandbox-env.json as written for `jitr sandbox start --port 4566`, moved to our ports.
  const shipped = readFileSync(join(repoRoot, 'events', 'sandbox-env.json'), 'utf8');
  envFile = join(dir, 'sandbox-env.json');
  await writeFile(
    envFile,
    shipped
      .replaceAll('http://127.0.0.1:4566', sandbox.endpoints.iot)
      .replaceAll('http://127.0.0.1:4568', sandbox.endpoints.s3),
  );
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('events/ through the built handler (npm run invoke) against the sandbox', () => {
  it('has a test below for every file in events/', () => {
    expect(readdirSync(join(repoRoot, 'events')).sort()).toEqual([
      'already-active.json',
      'dlq-record.json',
      'malformed.json',
      'registered.json',
      'sandbox-env.docker.json',
      'sandbox-env.json',
      'sqs-dlq-batch.json',
    ]);
  });

  it('sandbox-env.json points at `jitr sandbox start --port 4566` (IoT 4566, S3 4568) and sandbox-env.docker.json at the host', () => {
    const local = sample('sandbox-env.json') as { JitrFunction: Record<string, string> };
    const docker = sample('sandbox-env.docker.json') as { JitrFunction: Record<string, string> };
    expect([local.JitrFunction.AWS_ENDPOINT_URL_IOT, local.JitrFunction.AWS_ENDPOINT_URL_S3]).toEqual([
      'http://127.0.0.1:4566',
      'http://127.0.0.1:4568',
    ]);
    expect([docker.JitrFunction.AWS_ENDPOINT_URL_IOT, docker.JitrFunction.AWS_ENDPOINT_URL_S3]).toEqual([
      'http://host.docker.internal:4566',
      'http://host.docker.internal:4568',
    ]);
    const { AWS_ENDPOINT_URL_IOT: _i, AWS_ENDPOINT_URL_S3: _s, ...rest } = docker.JitrFunction;
    const { AWS_ENDPOINT_URL_IOT: _i2, AWS_ENDPOINT_URL_S3: _s2, ...localRest } = local.JitrFunction;
    expect(rest).toEqual(localRest);
  });

  it('registered.json: CertificateNotFound (thrown, exit 1) while its certificate is not registered', async () => {
    const { code, result } = await invoke('-e', 'events/registered.json', '-n', envFile);
    expect(code).toBe(1);
    expect(result.errorType).toBe('CertificateNotFoundError');
    expect(String(result.errorMessage)).toMatch(/^\[CertificateNotFound\] /);
  });

  it('already-active.json: a valid event; already-active (exit 0) once its certificate is ACTIVE', async () => {
    // Prepare: the certificate the event names, ACTIVE under the event's CA, as AWS IoT would hold it.
    const event = sample('already-active.json') as { certificateId: string; caCertificateId: string };
    const before = await invoke('-e', 'events/already-active.json', '-n', envFile);
    const now = Date.now();
    sandbox.iot.store.certificates.set(event.certificateId, {
      certificateId: event.certificateId,
      certificateArn: `arn:aws:iot:${sandbox.region}:${sandbox.accountId}:cert/${event.certificateId}`,
      caCertificateId: event.caCertificateId,
      status: 'ACTIVE',
      certificatePem: '-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n',
      creationDate: now,
      lastModifiedDate: now,
      customerVersion: 1,
      generationId: 'g-1',
      notBefore: now - 60_000,
      notAfter: now + 86_400_000,
      certificateMode: 'DEFAULT',
    });
    // Act
    const after = await invoke('-e', 'events/already-active.json', '-n', envFile);
    // Assess: not dropped as InvalidEvent (the id was 63 characters once).
    expect(before.result.errorType).toBe('CertificateNotFoundError');
    expect(after.code).toBe(0);
    expect(after.result).toMatchObject({ outcome: 'already-active' });
  });

  it.each([
    ['malformed.json', 'a malformed event'],
    ['dlq-record.json', 'a destination record is not a registered event'],
  ])('%s: dropped as InvalidEvent (exit 0, no retry)', async (file) => {
    const { code, result } = await invoke('-e', `events/${file}`, '-n', envFile);
    expect(code).toBe(0);
    expect(result).toMatchObject({ outcome: 'dropped', code: 'InvalidEvent' });
  });

  it('sqs-dlq-batch.json: every record fails again here and is reported as a batch item failure', async () => {
    const batch = sample('sqs-dlq-batch.json') as { Records: { messageId: string }[] };
    const { code, result } = await invoke('-e', 'events/sqs-dlq-batch.json', '-n', envFile);
    expect(code).toBe(0);
    expect(result).toEqual({
      batchItemFailures: batch.Records.map((r) => ({ itemIdentifier: r.messageId })),
    });
  });
});

describe('npm run invoke: errors, not stack traces', () => {
  it.each([
    [['--help'], 0, /^usage: npm run invoke -- -e EVENT\.json/],
    [
      ['-e', 'nope.json'],
      1,
      /^error FileNotFound: -e nope\.json does not exist\n {2}while: npm run invoke\n/,
    ],
    [['-e', 'events'], 1, /^error NotAFile: -e events is a directory, not a file\n/],
    [['--bogus'], 2, /^error InvalidCommandLine: Unknown option '--bogus'/],
    [[], 2, /^error InvalidCommandLine: -e EVENT\.json is required\n/],
  ])('%j exits %i', async (args, want, text) => {
    const { code, stdout, stderr } = await invoke(...args);
    expect(code).toBe(want);
    expect(want === 0 ? stdout : stderr).toMatch(text);
    expect(`${stdout}${stderr}`).not.toMatch(/\n\s+at /);
  });
});
