// Ctrl-C during `jitr replay`: the certificate in flight finishes, nothing else is deleted, the
// exit code is 1, and a second run picks up exactly what was left.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DescribeCertificateCommand } from '@aws-sdk/client-iot';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseFunctionEnv } from '../../../infra/local-aws/deployment.js';
import { addCa, type LocalAws, startLocalAws } from '../../../infra/local-aws/local-aws.js';
import { issueDeviceCertificate } from '../../../lib/pki/index.js';
import { ensureHandlerBundle, repoRoot } from '../../helpers/e2e-bundle.js';
import { deployForTest } from '../../helpers/e2e-deployment.js';

let aws: LocalAws;
const ids: string[] = [];

/** Runs the CLI; sends SIGINT `interruptAfterMs` after the plan is printed (when given). */
function jitr(args: string[], interruptAfterMs?: number): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'jitr.mjs'), ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        ...aws.sandbox.env(),
        ...baseFunctionEnv(aws),
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      // Interrupt once the plan is printed, i.e. while certificates are being replayed.
      if (interruptAfterMs !== undefined && stdout.includes('distinct certificate')) {
        setTimeout(() => child.kill('SIGINT'), interruptAfterMs);
        interruptAfterMs = undefined;
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

async function depth(): Promise<number> {
  const out = await aws.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: aws.queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(out.Attributes?.ApproximateNumberOfMessages) +
    Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

async function statuses(): Promise<(string | undefined)[]> {
  return Promise.all(
    ids.map(async (certificateId) => {
      const out = await aws.iot.send(new DescribeCertificateCommand({ certificateId }));
      return out.certificateDescription?.status;
    }),
  );
}

beforeAll(async () => {
  const bundle = await ensureHandlerBundle();
  aws = await startLocalAws({ faults: { deny: ['iot:CreateThing'] } });
  const ca = await addCa(aws, { commonName: 'Ops Interrupt CA' });
  // The stack's default ingestion path with one receive per event (QueueMaxReceiveCount=1): the
  // four failures reach the DLQ by redrive at once; Ctrl-C during the replay is the subject.
  const deployment = await deployForTest(aws, { bundle, parameters: { QueueMaxReceiveCount: '1' } });
  const devices = [1, 2, 3, 4].map((n) =>
    issueDeviceCertificate({ ca: ca.ca, keyType: 'ec', subject: [{ type: 'CN', value: `interrupt-${n}` }] }),
  );
  const connected = await Promise.all(devices.map((device) => deployment.connect(device.certificatePem)));
  ids.push(...connected.map((c) => c.certificateId));
  aws.sandbox.faults.allow('iot:CreateThing');
}, 120_000);

afterAll(async () => {
  await aws?.stop();
});

describe('jitr replay on Ctrl-C', () => {
  it('stops after the certificate in flight and loses no message', async () => {
    // Act: one certificate per second; interrupt half a second into the run.
    const first = await jitr(['replay', '--queue-url', aws.queueUrl, '--local', '--rate', '1'], 500);
    // Assess
    expect(first.code).toBe(130);
    expect(first.stdout).toContain('Interrupted: unprocessed messages were left in the queue.');
    const after = await statuses();
    const activated = after.filter((s) => s === 'ACTIVE').length;
    expect(activated).toBeGreaterThanOrEqual(1);
    expect(activated).toBeLessThan(4);
    // Every certificate is either ACTIVE (its message deleted) or still has its message.
    expect(await depth()).toBe(4 - activated);

    // Act: a second run finishes the rest.
    const second = await jitr(['replay', '--queue-url', aws.queueUrl, '--local', '--rate', '20']);
    // Assess
    expect(second.code).toBe(0);
    expect(await statuses()).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE']);
    expect(await depth()).toBe(0);
  });
});
