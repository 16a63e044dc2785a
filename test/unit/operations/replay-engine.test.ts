import { describe, expect, it } from 'vitest';
import { NO_ERROR_RECORDED } from '../../../lib/operations/recorded-failures.js';
import type { RegisteredEvent } from '../../../lib/operations/registered-event.js';
import { type ReplayOptions, replayDlq, replayExitCode } from '../../../lib/operations/replay/engine.js';
import type { EventInvoker, InvokeResult } from '../../../lib/operations/replay/ports.js';
import { destinationRecord, FakeClock, FakeQueue, FakeStatuses, registeredEvent } from './fakes.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);
const D = 'd'.repeat(64);

const OPTIONS: ReplayOptions = { max: 100, ratePerSecond: 1000, dryRun: false, certificateIds: [] };

/** An invoker that activates the certificate in `statuses` unless told to fail it. */
class FakeInvoker implements EventInvoker {
  readonly invoked: string[] = [];
  constructor(
    readonly statuses: Map<string, string>,
    readonly failures: Map<string, InvokeResult> = new Map(),
    readonly onInvoke?: (id: string) => void,
  ) {}
  async invoke(event: RegisteredEvent): Promise<InvokeResult> {
    this.invoked.push(event.certificateId);
    this.onInvoke?.(event.certificateId);
    const failure = this.failures.get(event.certificateId);
    if (failure !== undefined) return failure;
    this.statuses.set(event.certificateId, 'ACTIVE');
    return { ok: true };
  }
}

function setup(ids: string[]) {
  const queue = new FakeQueue();
  const statuses = new Map(ids.map((id) => [id, 'PENDING_ACTIVATION']));
  return { queue, statuses, certificates: new FakeStatuses(statuses), clock: new FakeClock() };
}

describe('replayDlq', () => {
  it('invokes once per certificate and deletes every copy once the certificate is ACTIVE', async () => {
    // Prepare
    const { queue, statuses, certificates, clock } = setup([A, B]);
    queue.add(destinationRecord(A, 'ThingGroupNotFoundError', 'thing group plant-7 does not exist'));
    queue.add(JSON.stringify(registeredEvent(A)));
    queue.add(destinationRecord(B, 'ThingGroupNotFoundError', 'thing group plant-7 does not exist'));
    const invoker = new FakeInvoker(statuses);
    const plans: unknown[] = [];
    // Act
    const report = await replayDlq(
      { queue, invoker, certificates, clock },
      { ...OPTIONS, onPlan: (plan) => plans.push(plan) },
    );
    // Assess
    expect(invoker.invoked).toEqual([A, B]);
    expect(queue.ids()).toEqual([]);
    expect(plans).toEqual([
      {
        received: 3,
        groups: [
          { reason: 'ThingGroupNotFound', count: 2, remedies: [] },
          { reason: NO_ERROR_RECORDED.notConfigured, count: 1, remedies: [] },
        ],
        messages: [
          { messageId: 'm1', certificateId: A, shape: 'destination-record', reason: 'ThingGroupNotFound' },
          {
            messageId: 'm2',
            certificateId: A,
            shape: 'registered-event',
            reason: NO_ERROR_RECORDED.notConfigured,
          },
          { messageId: 'm3', certificateId: B, shape: 'destination-record', reason: 'ThingGroupNotFound' },
        ],
        unknown: [],
        skipped: 0,
        certificates: 2,
      },
    ]);
    expect(report.results).toEqual([
      { certificateId: A, outcome: 'activated', status: 'ACTIVE', messages: 2, deleted: 2 },
      { certificateId: B, outcome: 'activated', status: 'ACTIVE', messages: 1, deleted: 1 },
    ]);
    expect(replayExitCode(report)).toBe(0);
  });

  it('leaves a failed certificate in the queue and exits 1', async () => {
    // Prepare
    const { queue, statuses, certificates, clock } = setup([A, B]);
    queue.add(JSON.stringify(registeredEvent(A)));
    queue.add(JSON.stringify(registeredEvent(B)));
    const invoker = new FakeInvoker(
      statuses,
      new Map([[B, { ok: false, reason: 'MissingPermission iot:CreateThing' }]]),
    );
    // Act
    const report = await replayDlq({ queue, invoker, certificates, clock }, OPTIONS);
    // Assess
    expect(queue.ids()).toEqual(['m2']);
    expect(queue.deleted).toEqual(['m1']);
    expect(queue.released).toEqual(['m2']);
    expect(report.results[1]).toEqual({
      certificateId: B,
      outcome: 'failed',
      status: 'PENDING_ACTIVATION',
      reason: 'MissingPermission iot:CreateThing',
      messages: 1,
      deleted: 0,
    });
    expect(replayExitCode(report)).toBe(1);
  });

  it('keeps the message when the handler succeeded but the certificate is still pending', async () => {
    // Prepare
    const { queue, certificates, clock } = setup([A]);
    queue.add(JSON.stringify(registeredEvent(A)));
    const invoker: EventInvoker = { invoke: async () => ({ ok: true }) };
    // Act
    const report = await replayDlq({ queue, invoker, certificates, clock }, OPTIONS);
    // Assess
    expect(queue.ids()).toEqual(['m1']);
    expect(report.results).toEqual([
      {
        certificateId: A,
        outcome: 'failed',
        status: 'PENDING_ACTIVATION',
        reason: 'the handler succeeded but the certificate is still PENDING_ACTIVATION',
        messages: 1,
        deleted: 0,
      },
    ]);
  });

  it('deletes definitively rejected, revoked and vanished certificates', async () => {
    // Prepare
    const { queue, statuses, certificates, clock } = setup([A, B]);
    statuses.set(B, 'REVOKED');
    queue.add(JSON.stringify(registeredEvent(A)));
    queue.add(JSON.stringify(registeredEvent(B)));
    queue.add(JSON.stringify(registeredEvent(C)));
    const invoker: EventInvoker = {
      invoke: async (event) => (event.certificateId === A ? { ok: true, outcome: 'rejected' } : { ok: true }),
    };
    // Act
    const report = await replayDlq({ queue, invoker, certificates, clock }, OPTIONS);
    // Assess
    expect(queue.ids()).toEqual([]);
    expect(report.results).toEqual([
      { certificateId: A, outcome: 'rejected', status: 'PENDING_ACTIVATION', messages: 1, deleted: 1 },
      { certificateId: B, outcome: 'rejected', status: 'REVOKED', messages: 1, deleted: 1 },
      {
        certificateId: C,
        outcome: 'deleted',
        reason: 'the certificate no longer exists',
        messages: 1,
        deleted: 1,
      },
    ]);
    expect(replayExitCode(report)).toBe(0);
  });

  it('reports undecodable messages and leaves them in the queue', async () => {
    // Prepare
    const { queue, statuses, certificates, clock } = setup([A]);
    queue.add('not json');
    queue.add(JSON.stringify(registeredEvent(A)));
    const invoker = new FakeInvoker(statuses);
    // Act
    const report = await replayDlq({ queue, invoker, certificates, clock }, OPTIONS);
    // Assess
    expect(report.unknown).toEqual([{ messageId: 'm1', reason: 'body is not JSON' }]);
    expect(queue.ids()).toEqual(['m1']);
    expect(replayExitCode(report)).toBe(1);
  });

  it('stops after the summary on a dry run', async () => {
    // Prepare
    const { queue, statuses, certificates, clock } = setup([A]);
    queue.add(destinationRecord(A, 'MissingPermissionError', 'not authorized to perform: iot:CreateThing'));
    const invoker = new FakeInvoker(statuses);
    // Act
    const report = await replayDlq({ queue, invoker, certificates, clock }, { ...OPTIONS, dryRun: true });
    // Assess
    expect(invoker.invoked).toEqual([]);
    expect(certificates.calls).toEqual([]);
    expect(queue.ids()).toEqual(['m1']);
    expect(report.groups).toEqual([{ reason: 'MissingPermission', count: 1, remedies: [] }]);
    expect(replayExitCode(report)).toBe(0);
  });

  it('replays only the requested certificates', async () => {
    // Prepare
    const { queue, statuses, certificates, clock } = setup([A, B]);
    queue.add(JSON.stringify(registeredEvent(A)));
    queue.add(JSON.stringify(registeredEvent(B)));
    const invoker = new FakeInvoker(statuses);
    // Act
    const report = await replayDlq(
      { queue, invoker, certificates, clock },
      { ...OPTIONS, certificateIds: [B.toUpperCase()] },
    );
    // Assess
    expect(invoker.invoked).toEqual([B]);
    expect(queue.ids()).toEqual(['m1']);
    expect(report.skipped).toBe(1);
  });

  it('receives no more than max messages', async () => {
    // Prepare
    const { queue, statuses, certificates, clock } = setup([A, B, C]);
    for (const id of [A, B, C]) queue.add(JSON.stringify(registeredEvent(id)));
    const invoker = new FakeInvoker(statuses);
    // Act
    const report = await replayDlq({ queue, invoker, certificates, clock }, { ...OPTIONS, max: 2 });
    // Assess
    expect(report.received).toBe(2);
    expect(invoker.invoked).toEqual([A, B]);
    expect(queue.ids()).toEqual(['m3']);
  });

  it('spaces invocations to respect the rate', async () => {
    // Prepare
    const { queue, statuses, certificates, clock } = setup([A, B, C]);
    for (const id of [A, B, C]) queue.add(JSON.stringify(registeredEvent(id)));
    const invoker = new FakeInvoker(statuses);
    // Act
    await replayDlq({ queue, invoker, certificates, clock }, { ...OPTIONS, ratePerSecond: 4 });
    // Assess
    expect(clock.sleeps).toEqual([250, 250]);
  });

  it('finishes the in-flight certificate on abort and deletes nothing unsettled', async () => {
    // Prepare
    const { queue, statuses, certificates, clock } = setup([A, B, C, D]);
    for (const id of [A, B, C, D]) queue.add(JSON.stringify(registeredEvent(id)));
    const controller = new AbortController();
    const invoker = new FakeInvoker(statuses, new Map(), (id) => {
      if (id === B) controller.abort();
    });
    // Act
    const report = await replayDlq(
      { queue, invoker, certificates, clock },
      { ...OPTIONS, signal: controller.signal },
    );
    // Assess
    expect(invoker.invoked).toEqual([A, B]);
    expect(queue.ids()).toEqual(['m3', 'm4']);
    expect(queue.released).toEqual(['m3', 'm4']);
    expect(report.interrupted).toBe(true);
    expect(report.results.map((r) => [r.certificateId, r.outcome, r.deleted])).toEqual([
      [A, 'activated', 1],
      [B, 'activated', 1],
      [C, 'not-processed', 0],
      [D, 'not-processed', 0],
    ]);
    expect(replayExitCode(report)).toBe(1);
  });

  it('counts an invoker that throws as a failure and keeps going', async () => {
    // Prepare
    const { queue, statuses, certificates, clock } = setup([A, B]);
    queue.add(JSON.stringify(registeredEvent(A)));
    queue.add(JSON.stringify(registeredEvent(B)));
    const inner = new FakeInvoker(statuses);
    const invoker: EventInvoker = {
      invoke: async (event) => {
        if (event.certificateId === A) throw new Error('socket hang up');
        return inner.invoke(event);
      },
    };
    // Act
    const report = await replayDlq({ queue, invoker, certificates, clock }, OPTIONS);
    // Assess
    expect(report.results.map((r) => [r.outcome, r.reason])).toEqual([
      ['failed', 'socket hang up'],
      ['activated', undefined],
    ]);
    expect(queue.ids()).toEqual(['m1']);
  });
});

describe('replayDlq with handler outcomes', () => {
  it('deletes an event the handler dropped as invalid input while the certificate stays pending', async () => {
    // Prepare
    const { queue, certificates, clock } = setup([A]);
    queue.add(JSON.stringify(registeredEvent(A)));
    const invoker: EventInvoker = { invoke: async () => ({ ok: true, outcome: 'dropped' }) };
    // Act
    const report = await replayDlq({ queue, invoker, certificates, clock }, OPTIONS);
    // Assess
    expect(report.results).toEqual([
      { certificateId: A, outcome: 'rejected', status: 'PENDING_ACTIVATION', messages: 1, deleted: 1 },
    ]);
    expect(queue.ids()).toEqual([]);
  });
});

describe('replayDlq interrupted while waiting for the rate', () => {
  it('starts no new certificate after the wait', async () => {
    // Prepare
    const { queue, statuses, certificates } = setup([A, B]);
    queue.add(JSON.stringify(registeredEvent(A)));
    queue.add(JSON.stringify(registeredEvent(B)));
    const controller = new AbortController();
    const clock = new FakeClock();
    const sleeping = {
      now: () => clock.now(),
      sleep: async (ms: number) => {
        await clock.sleep(ms);
        controller.abort();
      },
    };
    const invoker = new FakeInvoker(statuses);
    // Act
    const report = await replayDlq(
      { queue, invoker, certificates, clock: sleeping },
      { ...OPTIONS, ratePerSecond: 1, signal: controller.signal },
    );
    // Assess
    expect(invoker.invoked).toEqual([A]);
    expect(report.results.map((r) => r.outcome)).toEqual(['activated', 'not-processed']);
    expect(queue.ids()).toEqual(['m2']);
  });
});
