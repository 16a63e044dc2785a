// A failure between any two steps of the flow, then Lambda's retry: for every IoT call the
// flow makes (found from a clean run's sandbox counters), the Nth call of that operation
// fails once; the retry must complete the remaining steps and end in exactly the state of a
// clean run, with nothing activated before the last step and nothing in the DLQ.
import { afterEach, describe, expect, it } from 'vitest';
import { type DeviceState, readDeviceState } from '../../infra/demo/device-state.js';
import type { Device } from '../../infra/demo/world.js';
import { failNthCall, type OneShotFailure } from '../helpers/e2e-faults.js';
import { dlqRecords, type E2e, issueDevice, provisionedState, startE2e } from '../helpers/e2e-jitr.js';

const subject = { commonName: 'crash-device', serialNumber: 'SN-C1', organization: 'Example-Corp' };

/** IoT calls answered normally, per operation. */
function answeredIotCalls(e2e: E2e): Record<string, number> {
  const { calls, denied, throttled, failed } = e2e.aws.sandbox.counters();
  const out: Record<string, number> = {};
  for (const [action, count] of Object.entries(calls)) {
    if (!action.startsWith('iot:')) continue;
    out[action] = count - (denied[action] ?? 0) - (throttled[action] ?? 0) - (failed[action] ?? 0);
  }
  return out;
}

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [action, count] of Object.entries(after)) {
    const delta = count - (before[action] ?? 0);
    if (delta > 0) out[action] = delta;
  }
  return out;
}

describe('a failure between two steps, then retry', () => {
  const started: E2e[] = [];

  afterEach(async () => {
    await Promise.all(started.splice(0).map((e2e) => e2e.stop()));
  });

  async function freshSetup(): Promise<{ e2e: E2e; device: Device; setupCalls: Record<string, number> }> {
    // The direct path: a failed attempt is retried by Lambda's asynchronous invocation.
    const e2e = await startE2e({ containers: 1, ingestion: 'direct' });
    started.push(e2e);
    return { e2e, device: issueDevice(e2e.ca, subject), setupCalls: answeredIotCalls(e2e) };
  }

  it.each<[string, OneShotFailure]>([
    ['is denied (AccessDeniedException, not retried by the SDK)', 'AccessDeniedException'],
    ['fails with InternalFailureException on every SDK attempt', 'InternalFailureException'],
  ])(
    'converges to the clean state whichever call of the flow %s',
    async (_, failure) => {
      // Prepare: a clean run tells which IoT calls the flow makes, and how many of each.
      const clean = await freshSetup();
      await clean.e2e.deployment.connect(clean.device.certificatePem);
      const flowCalls = diff(answeredIotCalls(clean.e2e), clean.setupCalls);
      expect(await readDeviceState(clean.e2e.aws.iot, clean.device.certificateId)).toEqual(
        provisionedState(clean.device, subject),
      );
      expect(Object.keys(flowCalls)).toEqual(
        expect.arrayContaining([
          'iot:DescribeCertificate',
          'iot:DescribeCACertificate',
          'iot:CreateThing',
          'iot:AddThingToThingGroup',
          'iot:CreatePolicy',
          'iot:AttachPolicy',
          'iot:AttachThingPrincipal',
          'iot:UpdateCertificate',
        ]),
      );
      expect(flowCalls['iot:AddThingToThingGroup']).toBe(2);
      const cases = Object.entries(flowCalls).flatMap(([action, count]) =>
        Array.from({ length: count }, (_, i) => ({ action, n: i + 1 })),
      );

      // Act: three cases at a time, each in its own sandbox (cold caches, no policy yet).
      type Observed = {
        action: string;
        n: number;
        fired: boolean;
        attempts: boolean[] | undefined;
        status: string | undefined;
        state: DeviceState;
        expected: DeviceState;
        dlq: number;
      };
      const runCase = async ({ action, n }: { action: string; n: number }): Promise<Observed> => {
        const { e2e, device } = await freshSetup();
        const fault = failNthCall(e2e.aws.sandbox.faults, action, n, failure);
        await e2e.deployment.connect(device.certificatePem);
        fault.restore();
        const [record] = e2e.deployment.fn.invocations();
        const observed = {
          action,
          n,
          fired: fault.fired(),
          attempts: record?.attempts.map((a) => a.outcome.ok),
          status: record?.status,
          state: await readDeviceState(e2e.aws.iot, device.certificateId),
          expected: provisionedState(device, subject),
          dlq: dlqRecords(e2e).length,
        };
        started.splice(started.indexOf(e2e), 1);
        await e2e.stop();
        return observed;
      };
      const observed: Observed[] = [];
      const queue = cases.map((c, index) => ({ ...c, index }));
      await Promise.all(
        [1, 2, 3].map(async () => {
          for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
            observed[next.index] = await runCase(next);
          }
        }),
      );

      // Assess
      expect(observed).toEqual(
        cases.map(({ action, n }, i) => ({
          action,
          n,
          fired: true,
          attempts: [false, true],
          status: 'succeeded',
          state: observed[i]?.expected,
          expected: observed[i]?.expected,
          dlq: 0,
        })),
      );
    },
    120_000,
  );
});
