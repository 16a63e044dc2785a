// Reconciliation end to end: a certificate whose registered event was lost (no function was
// deployed when the device connected) stays PENDING_ACTIVATION; `jitr reconcile` finds it by
// listing the CA's certificates and runs it through the registration use case in process,
// configured from the same environment variables as the function.

import { dirname, join } from 'node:path';
import { DescribeCertificateCommand, ListCertificatesByCACommand } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { baseFunctionEnv } from '../../../infra/local-aws/deployment.js';
import { addCa, type LocalAws, type LocalCa, startLocalAws } from '../../../infra/local-aws/local-aws.js';
import { reconcileCa } from '../../../lib/operations/reconcile.js';
import { useCaseInvoker } from '../../../lib/operations/replay/use-case-invoker.js';
import { systemClock } from '../../../lib/pacing/token-bucket.js';
import { issueDeviceCertificate } from '../../../lib/pki/index.js';
import { createRuntimeFromEnv } from '../../../lib/runtime/runtime.js';
import { ensureHandlerBundle } from '../../helpers/e2e-bundle.js';
import { deployForTest } from '../../helpers/e2e-deployment.js';

let aws: LocalAws;
let ca: LocalCa;
let stuck: string;
let active: string;

async function status(certificateId: string): Promise<string | undefined> {
  const out = await aws.iot.send(new DescribeCertificateCommand({ certificateId }));
  return out.certificateDescription?.status;
}

beforeAll(async () => {
  const bundle = await ensureHandlerBundle();
  aws = await startLocalAws();
  ca = await addCa(aws, { commonName: 'Ops Reconcile CA' });
  // No function yet: the event is published to nobody, as when the rule was broken.
  const lost = issueDeviceCertificate({
    ca: ca.ca,
    keyType: 'ec',
    subject: [{ type: 'CN', value: 'reconcile-lost' }],
  });
  stuck = (await aws.sandbox.registerDevice(lost.certificatePem, { wait: true })).certificateId;
  const deployment = await deployForTest(aws, { bundle });
  const fine = issueDeviceCertificate({
    ca: ca.ca,
    keyType: 'ec',
    subject: [{ type: 'CN', value: 'reconcile-fine' }],
  });
  active = (await deployment.connect(fine.certificatePem)).certificateId;
}, 120_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await aws?.stop();
});

describe('jitr reconcile against the sandbox', () => {
  it('finds the stuck certificate and activates it through the registration pipeline', async () => {
    // Prepare
    expect([await status(stuck), await status(active)]).toEqual(['PENDING_ACTIVATION', 'ACTIVE']);
    const env = { ...aws.sandbox.env(), ...baseFunctionEnv(aws), POWERTOOLS_LOG_LEVEL: 'SILENT' };
    // The SDK reads endpoints from the process environment, as in the function.
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const runtime = createRuntimeFromEnv(env);
    // Act
    const report = await reconcileCa(
      { iot: runtime.deps.iot, invoker: useCaseInvoker(runtime.deps), clock: systemClock },
      { caCertificateId: ca.caCertificateId, olderThanMs: 0, max: 10, dryRun: false, ratePerSecond: 10 },
    );
    // Assess
    expect(report).toEqual({
      caCertificateId: ca.caCertificateId,
      scanned: 2,
      pending: 1,
      stuck: 1,
      complete: true,
      selected: [stuck],
      outcomes: { activated: 1 },
      failures: [],
      dryRun: false,
      interrupted: false,
    });
    expect(await status(stuck)).toBe('ACTIVE');
  });

  it('selects only certificates pending longer than the threshold', async () => {
    // Prepare: the function fails on this one (denied), so it stays PENDING_ACTIVATION.
    aws.sandbox.faults.deny('iot:CreateThing');
    const young = issueDeviceCertificate({
      ca: ca.ca,
      keyType: 'ec',
      subject: [{ type: 'CN', value: 'reconcile-young' }],
    });
    const id = (await aws.sandbox.registerDevice(young.certificatePem, { wait: true })).certificateId;
    const runtime = createRuntimeFromEnv({ ...aws.sandbox.env(), ...baseFunctionEnv(aws) });
    const deps = { iot: runtime.deps.iot, invoker: useCaseInvoker(runtime.deps), clock: systemClock };
    const options = { caCertificateId: ca.caCertificateId, max: 10, dryRun: true, ratePerSecond: 10 };
    // Act
    const tenMinutes = await reconcileCa(deps, { ...options, olderThanMs: 600_000 });
    const now = await reconcileCa(deps, { ...options, olderThanMs: 0 });
    // Assess
    expect([tenMinutes.pending, tenMinutes.selected]).toEqual([1, []]);
    expect([now.pending, now.selected, now.outcomes]).toEqual([1, [id], {}]);
    expect(await status(id)).toBe('PENDING_ACTIVATION');
  });

  it('runs as the scheduled function: the built reconcile bundle activates what the sweep finds', async () => {
    // Prepare: the permission is back; the young certificate of the previous test is still pending.
    aws.sandbox.faults.allow('iot:CreateThing');
    const bundle = join(dirname(await ensureHandlerBundle()), 'reconcile.cjs');
    const fn = aws.sandbox.deployFunction({
      bundle,
      name: 'jitr-reconcile',
      // Not a target of the registered-event rule: no CA of this test has this id.
      caCertificateId: 'f'.repeat(64),
      env: {
        ...baseFunctionEnv(aws),
        RECONCILE_OLDER_THAN: '0s',
        RECONCILE_RATE: '10',
        POWERTOOLS_METRICS_DISABLED: 'true',
      },
    });
    // Act: the schedule's input names the CA.
    const answer = await fn.invoke({ caCertificateIds: [ca.caCertificateId] });
    // Assess
    expect(answer.ok).toBe(true);
    const reports = answer.ok
      ? (answer.value as { outcomes: Record<string, number>; pending: number }[])
      : [];
    expect(reports.map((r) => [r.pending, r.outcomes])).toEqual([[1, { activated: 1 }]]);
    const listed = await aws.iot.send(
      new ListCertificatesByCACommand({ caCertificateId: ca.caCertificateId }),
    );
    expect(listed.certificates?.map((c) => c.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
  });
});
