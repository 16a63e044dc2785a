// `jitr revocation sweep` end to end: the built CLI in child processes against the sandbox (AWS
// default quotas enforced). 4 devices onboarded by the built handler (the ledger knows them) and
// 20 certificates registered ACTIVE directly, as JITP or a pre-ledger handler would have left
// them (the ledger does not know them). The CA's CRL lists 2 of the first and 5 of the second.
// --dry-run changes nothing; the plain sweep revokes what the ledger knows; --full finds the rest
// through ListCertificatesByCA + DescribeCertificate, and an interrupted --full resumes without
// describing a certificate twice.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { RegisterCertificateCommand } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDbLedger } from '../../lib/ledger/dynamodb-ledger.js';
import { issueDeviceCertificate } from '../../lib/pki/index.js';
import { repoRoot } from '../helpers/e2e-bundle.js';
import { type E2e, issueDevice, sandboxLedger, startE2e } from '../helpers/e2e-jitr.js';
import { type CliResult, runJitr } from '../helpers/jitr-cli.js';

const CLI = join(repoRoot, 'bin', 'jitr.mjs');

interface Cert {
  certificateId: string;
  serialHex: string;
}

let e2e: E2e;
let env: Record<string, string>;
let closeLedger: (() => void) | undefined;
let ledger: DynamoDbLedger;
const known: Cert[] = [];
const unknown: Cert[] = [];
let revokedIds: string[];

function status(id: string): string {
  return e2e.aws.sandbox.iot.certificate(id)?.status ?? 'missing';
}

function statuses(): Record<string, string> {
  return Object.fromEntries([...known, ...unknown].map((c) => [c.certificateId, status(c.certificateId)]));
}

/** Successful calls of an IoT operation since the counters were reset (throttled ones excluded). */
function iotCalls(operation: string): number {
  const counters = e2e.aws.sandbox.counters();
  const key = `iot:${operation}`;
  return (counters.calls[key] ?? 0) - (counters.throttled[key] ?? 0);
}

function sweep(...args: string[]): Promise<CliResult> {
  return runJitr(['revocation', 'sweep', '--ca', e2e.ca.caCertificateId, ...args], env);
}

function json(result: CliResult): Record<string, unknown> & { full: Record<string, unknown> | null } {
  return JSON.parse(result.stdout) as Record<string, unknown> & { full: Record<string, unknown> | null };
}

beforeAll(async () => {
  e2e = await startE2e({ containers: 2, quotas: true });
  env = {
    ...e2e.aws.sandbox.env(),
    CRL_BUCKET: e2e.aws.bucket,
    REGISTRATION_STATE_TABLE: e2e.aws.stateTable,
  };
  for (let i = 0; i < 4; i++) {
    const device = issueDevice(e2e.ca, { commonName: `cli-sweep-${i}`, serialNumber: `SN-C${i}` });
    const { certificateId } = await e2e.deployment.connect(device.certificatePem);
    known.push({ certificateId, serialHex: Buffer.from(device.serialBytes).toString('hex') });
  }
  for (let i = 0; i < 20; i++) {
    const issued = issueDeviceCertificate({ ca: e2e.ca.ca, subject: `CN=legacy-${i}`, keyType: 'ec' });
    await e2e.aws.iot.send(
      new RegisterCertificateCommand({
        certificatePem: issued.certificatePem,
        caCertificatePem: e2e.ca.ca.certificatePem,
        status: 'ACTIVE',
      }),
    );
    unknown.push({ certificateId: issued.certificateId, serialHex: issued.serialBytes.toString('hex') });
  }
  const listed = [...known.slice(0, 2), ...unknown.slice(0, 5)];
  revokedIds = listed.map((c) => c.certificateId);
  const revokedAt = new Date(Date.now() - 3_600_000);
  await e2e.ca.publishCrl(
    listed.map((c) => ({ serial: c.serialHex, revocationDate: revokedAt, reason: 'keyCompromise' })),
  );
  ({ ledger, close: closeLedger } = sandboxLedger(e2e.aws));
}, 180_000);

afterAll(async () => {
  closeLedger?.();
  await e2e?.stop();
});

describe('jitr revocation sweep (built CLI, sandbox)', () => {
  it('--dry-run --json: exactly one JSON document with what it would revoke; nothing changes', async () => {
    const before = statuses();
    e2e.aws.sandbox.faults.resetCounters();

    const result = await sweep('--dry-run', '--json');

    expect(result.code).toBe(0);
    expect(result.stdout.endsWith('}\n')).toBe(true);
    expect(json(result)).toMatchObject({
      caCertificateId: e2e.ca.caCertificateId,
      result: 'dry-run',
      dryRun: true,
      crlNumber: '2',
      lastSweptCrlNumber: null,
      entryCount: 7,
      newlyRevoked: 7,
      inLedger: 2,
      revokedActive: 2,
      revoked: 0,
      failures: [],
      full: null,
    });
    expect(statuses()).toEqual(before);
    expect(iotCalls('UpdateCertificate')).toBe(0);
    expect(await ledger.sweepState(e2e.ca.caCertificateId)).toBeNull();
  });

  it('--dry-run --full on a terminal: a progress line with an ETA on stderr, still nothing changed', async () => {
    const before = statuses();
    e2e.aws.sandbox.faults.resetCounters();
    const command = [process.execPath, CLI, 'revocation', 'sweep', '--ca', e2e.ca.caCertificateId]
      .concat(['--dry-run', '--full'])
      .map((a) => `'${a}'`)
      .join(' ');

    // util-linux `script` gives the CLI a pseudo-terminal (stdout and stderr both on it).
    const tty = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], {
        env: { PATH: process.env.PATH ?? '', AWS_MAX_ATTEMPTS: '1', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out }));
    });

    expect(tty.code).toBe(0);
    expect(tty.out).toContain('\r\x1b[2K--full list: 24');
    expect(tty.out).toContain(`\r\x1b[2K--full describe [█${'░'.repeat(19)}] 1/20 ETA 0h00m04s`); // 19 left at 5/s
    expect(tty.out).toContain(`\r\x1b[2K--full describe [${'█'.repeat(20)}] 20/20 ETA 0h00m00s`);
    expect(tty.out).toContain('(dry run: nothing changed)');
    expect(tty.out).toContain(
      '--full: 24 certificates listed, 24 ACTIVE, 4 known to the ledger, 20 described, 7 to revoke, 0 revoked',
    );
    expect(statuses()).toEqual(before);
    expect(iotCalls('UpdateCertificate')).toBe(0);
    expect(iotCalls('DescribeCertificate')).toBe(20);
    // A dry run writes no ledger record either: the next walk describes them again.
    expect((await ledger.getMany(unknown.map((c) => c.certificateId))).size).toBe(0);
  });

  it('the sweep revokes the ACTIVE certificates the ledger knows; no progress output off a terminal', async () => {
    e2e.aws.sandbox.faults.resetCounters();

    const result = await sweep('--json');

    expect(result.code).toBe(0);
    expect(json(result)).toMatchObject({ result: 'swept', revokedActive: 2, revoked: 2, full: null });
    expect(result.stderr).not.toContain('\x1b[2K');
    const after = statuses();
    expect(Object.keys(after).filter((id) => after[id] === 'REVOKED')).toEqual(revokedIds.slice(0, 2));
    expect(iotCalls('UpdateCertificate')).toBe(2);
    expect((await ledger.sweepState(e2e.ca.caCertificateId))?.lastSweptCrlNumber).toBe('2');
  });

  it('while another sweep of the CA holds its lease: exit 1, in-progress, nothing changed, and the holder is asked to rerun', async () => {
    const now = Date.now();
    expect(
      await ledger.acquireSweepLease(e2e.ca.caCertificateId, 'function:elsewhere', now, now + 60_000),
    ).toEqual({
      acquired: true,
    });
    e2e.aws.sandbox.faults.resetCounters();

    const asJson = await sweep('--json');
    const asText = await sweep();

    expect(asJson.code).toBe(1);
    expect(json(asJson)).toMatchObject({
      result: 'in-progress',
      revoked: 0,
      refusal: { code: 'SweepInProgress' },
      reruns: [],
    });
    expect(asText.code).toBe(1);
    expect(asText.stdout).toContain(`CA ${e2e.ca.caCertificateId}: in-progress`);
    expect(asText.stdout).toContain(
      `✗ SweepInProgress: Another sweep of CA ${e2e.ca.caCertificateId} is running (lease held by function:elsewhere until ${new Date(now + 60_000).toISOString()}); nothing was changed`,
    );
    expect(iotCalls('UpdateCertificate')).toBe(0);
    expect(await ledger.releaseSweepLease(e2e.ca.caCertificateId, 'function:elsewhere')).toBe('rerun');
    expect(await ledger.releaseSweepLease(e2e.ca.caCertificateId, 'function:elsewhere')).toBe('released');
  });

  it('--full, interrupted (SIGINT) while describing, exits 130 having recorded what it described', async () => {
    e2e.aws.sandbox.faults.resetCounters();
    const child = spawn(
      process.execPath,
      [CLI, 'revocation', 'sweep', '--ca', e2e.ca.caCertificateId, '--full', '--json'],
      {
        env: { PATH: process.env.PATH ?? '', AWS_MAX_ATTEMPTS: '1', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.resume();
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

    // Interrupt once a few of the 20 unknown certificates are in the ledger (5 described per second).
    await expect
      .poll(async () => (await ledger.getMany(unknown.map((c) => c.certificateId))).size, {
        timeout: 20_000,
        interval: 100,
      })
      .toBeGreaterThanOrEqual(3);
    child.kill('SIGINT');
    const code = await exited;

    expect(code).toBe(130);
    const report = JSON.parse(stdout) as { result: string; full: Record<string, number | boolean> };
    expect(report.result).toBe('already-swept');
    expect(report.full.interrupted).toBe(true);
    const described = report.full.described as number;
    expect(described).toBeGreaterThanOrEqual(3);
    expect(described).toBeLessThan(20);
    expect(iotCalls('DescribeCertificate')).toBe(described);
    expect((await ledger.getMany(unknown.map((c) => c.certificateId))).size).toBe(described);
    expect(iotCalls('UpdateCertificate')).toBe(0);
  });

  it('--full again resumes: describes only the rest, then revokes the 5 the ledger did not know', async () => {
    const firstRun = iotCalls('DescribeCertificate');

    const result = await sweep('--full', '--json');

    expect(result.code).toBe(0);
    const { full } = json(result);
    expect(full).toMatchObject({
      scanned: 24,
      active: 22,
      knownToLedger: 2 + firstRun,
      described: 20 - firstRun,
      revokedActive: 5,
      revoked: 5,
      failures: [],
      interrupted: false,
    });
    expect(iotCalls('DescribeCertificate')).toBe(20);
    const after = statuses();
    expect(Object.keys(after).filter((id) => after[id] === 'REVOKED')).toEqual(revokedIds);
    const record = await ledger.get(unknown[0]?.certificateId ?? '');
    expect(record).toMatchObject({
      source: 'full-sweep',
      serial: unknown[0]?.serialHex,
      revokedBySweep: { crlNumber: '2', status: 'REVOKED', reason: 'keyCompromise' },
    });
  });

  it('--full once more finds nothing left to do', async () => {
    e2e.aws.sandbox.faults.resetCounters();

    const result = await sweep('--full', '--json');

    expect(result.code).toBe(0);
    expect(json(result).full).toMatchObject({ active: 17, knownToLedger: 17, described: 0, revoked: 0 });
    expect(iotCalls('DescribeCertificate')).toBe(0);
    expect(iotCalls('UpdateCertificate')).toBe(0);
  });
});
