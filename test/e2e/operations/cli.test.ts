// The `jitr replay`, `jitr reconcile` and `jitr doctor` commands as users run them: the built
// CLI (bin/jitr.mjs) in a child process, configured only by the environment, against the sandbox.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeCertificateCommand } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseFunctionEnv } from '../../../infra/local-aws/deployment.js';
import { addCa, type LocalAws, type LocalCa, startLocalAws } from '../../../infra/local-aws/local-aws.js';
import { issueDeviceCertificate } from '../../../lib/pki/index.js';
import { ensureHandlerBundle, repoRoot } from '../../helpers/e2e-bundle.js';
import { deployForTest } from '../../helpers/e2e-deployment.js';

const run = promisify(execFile);
let aws: LocalAws;
let ca: LocalCa;
let certificateId: string;

async function jitr(args: string[], extraEnv: Record<string, string> = {}) {
  const env = {
    PATH: process.env.PATH ?? '',
    ...aws.sandbox.env(),
    // No IAM in the sandbox: fail fast instead of reaching for AWS.
    AWS_ENDPOINT_URL_IAM: 'http://127.0.0.1:9',
    AWS_MAX_ATTEMPTS: '1',
    ...extraEnv,
  };
  try {
    const { stdout, stderr } = await run(process.execPath, [join(repoRoot, 'bin', 'jitr.mjs'), ...args], {
      env,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(async () => {
  const bundle = await ensureHandlerBundle();
  aws = await startLocalAws({ faults: { deny: ['iot:CreateThing'] } });
  ca = await addCa(aws, { commonName: 'Ops CLI CA' });
  // The stack's default ingestion path: the failed event reaches the DLQ by redrive.
  const deployment = await deployForTest(aws, { bundle });
  const device = issueDeviceCertificate({
    ca: ca.ca,
    keyType: 'ec',
    subject: [{ type: 'CN', value: 'cli-dev-1' }],
  });
  certificateId = (await deployment.connect(device.certificatePem)).certificateId;
}, 120_000);

afterAll(async () => {
  await aws?.stop();
});

/**
 * What a dry run prints for the one failed event. The stack's default (queue) path: SQS redrive
 * moved the bare event to the DLQ; its code, step and remedy are the handler's record in the
 * registration-state table.
 */
const DRY_RUN_SUMMARY = [
  '1 message received from the DLQ',
  '      1 event:  AccessDenied',
  '               step: thing',
  `               remedy: Add this statement to the function's role policy: {"Effect":"Allow","Action":"iot:CreateThing","Resource":"arn:aws:iot:us-east-1:123456789012:thing/cli-dev-1"}, then replay the DLQ.`,
  '               source: moved here by the redrive of jitr-ingest (the bare event, no error); 1 error as the handler recorded it in the registration-state table',
  '1 distinct certificate(s) to replay',
];

describe('jitr operations CLI against the sandbox', () => {
  it('prints the DLQ summary on a dry run and exits 0', async () => {
    // Act
    const result = await jitr([
      'replay',
      '--queue-url',
      aws.queueUrl,
      '--function-name',
      'jitr',
      '--table',
      aws.stateTable,
      '--dry-run',
    ]);
    // Assess
    expect(result.stdout.split('\n').slice(0, 6)).toEqual(DRY_RUN_SUMMARY);
    expect(result.code).toBe(0);
  });

  it('runs a --local dry run without the function configuration (no CRL_BUCKET)', async () => {
    // Act
    const result = await jitr(['replay', '--queue-url', aws.queueUrl, '--local', '--dry-run'], {
      REGISTRATION_STATE_TABLE: aws.stateTable,
    });
    // Assess
    expect(result.stderr).not.toContain('ConfigurationInvalid');
    expect(result.stdout.split('\n').slice(0, 6)).toEqual(DRY_RUN_SUMMARY);
    expect(result.code).toBe(0);
  });

  it('exits 1 when the replay still fails, with the reason in the table', async () => {
    // Act
    const result = await jitr(['replay', '--queue-url', aws.queueUrl, '--function-name', 'jitr']);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `${certificateId}  PENDING_ACTIVATION  AccessDenied: CreateThing was denied`,
    );
  });

  it('lists the stuck certificate with reconcile --dry-run', async () => {
    // Act
    const result = await jitr(['reconcile', '--ca', ca.caCertificateId, '--older-than', '0s', '--dry-run']);
    // Assess
    expect(result.stdout.split('\n').slice(0, 2)).toEqual([
      `CA ${ca.caCertificateId}: 1 certificates scanned, 1 PENDING_ACTIVATION, 1 older than 0s`,
      `  would reconcile ${certificateId}`,
    ]);
    expect(result.code).toBe(0);
  });

  it('says there is nothing to reconcile when no pending certificate is old enough (not an empty table)', async () => {
    // Act
    const result = await jitr([
      'reconcile',
      '--ca',
      ca.caCertificateId,
      '--older-than',
      '1d',
      '--function-name',
      'jitr',
    ]);
    // Assess
    expect(result.stdout).toBe(
      `CA ${ca.caCertificateId}: 1 certificates scanned, 1 PENDING_ACTIVATION, 0 older than 1d\n  nothing to reconcile\n`,
    );
    expect(result.code).toBe(0);
  });

  it('shows the doctor checklist and exits 1 on a ✗', async () => {
    // Act
    const result = await jitr([
      'doctor',
      '--ca',
      ca.caCertificateId,
      '--function-name',
      'jitr',
      '--queue-url',
      aws.queueUrl,
    ]);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`  ✓ CA ${ca.caCertificateId} is ACTIVE`);
    expect(result.stdout).toContain("  ✗ the function role's permissions can be simulated");
    expect(result.stdout).toContain('  ✗ the DLQ is empty (it holds 1 message: 1 × AccessDenied)');
  });

  it('never passes doctor with a misspelt function: its read is a ✗ line and what depends on it is not checked', async () => {
    // Act
    const result = await jitr([
      'doctor',
      '--ca',
      ca.caCertificateId,
      '--function-name',
      'jitr-typo',
      '--queue-url',
      aws.queueUrl,
    ]);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('  ✗ function jitr-typo exists');
    expect(result.stdout).toContain(
      '  ✗ the template and what it references: not checked (no template source known)',
    );
    expect(result.stdout).not.toContain('All checks passed.');
  });

  it('reports an unreachable endpoint as a ✗ line per read, with the fix, not a raw ECONNREFUSED', async () => {
    // Act: every endpoint points at a port where nothing listens.
    const nowhere = 'http://127.0.0.1:9';
    const result = await jitr(
      ['doctor', '--ca', ca.caCertificateId, '--function-name', 'jitr', '--queue-url', aws.queueUrl],
      {
        AWS_ENDPOINT_URL_IOT: nowhere,
        AWS_ENDPOINT_URL_LAMBDA: nowhere,
        AWS_ENDPOINT_URL_SQS: nowhere,
        AWS_ENDPOINT_URL_S3: nowhere,
      },
    );
    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('  ✗ function jitr can be read (its role and settings)');
    expect(result.stdout).toContain('EndpointUnreachable: nothing answers at');
    expect(result.stdout).not.toContain('All checks passed.');
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/\n\s+at /);
  });

  it('keeps stdout exactly JSON with --json although the handler logs at INFO (logs go to stderr)', async () => {
    // Act: the pipeline runs in process and fails (permission still denied), logging as it goes.
    const result = await jitr(['reconcile', '--ca', ca.caCertificateId, '--older-than', '0s', '--json'], {
      ...baseFunctionEnv(aws),
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    // Assess
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ stuck: 1, outcomes: { failed: 1 } });
    expect(result.stderr).toContain('"message":"registration summary"');
    // The SDK's Node-version warning is silenced (machines here run Node 20).
    expect(result.stderr).not.toContain('NodeVersionSupportWarning');
  });

  it('replays in process with --local once the permission is granted', async () => {
    // Prepare
    aws.sandbox.faults.allow('iot:CreateThing');
    // Act
    const result = await jitr(['replay', '--queue-url', aws.queueUrl, '--local', '--json'], {
      ...baseFunctionEnv(aws),
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    // Assess
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).results).toMatchObject([
      { certificateId, outcome: 'activated', deleted: 1 },
    ]);
    const described = await aws.iot.send(new DescribeCertificateCommand({ certificateId }));
    expect(described.certificateDescription?.status).toBe('ACTIVE');
  });
});
