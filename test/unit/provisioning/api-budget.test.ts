// Per-API budgets: each container paces an IoT API to quota ÷ the number of containers, and
// says whether a call would go out at once (the fast path's "speculation is free").
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../lib/pacing/token-bucket.js';
import { CONTENTION_MEMORY_MS, createApiBudget } from '../../../lib/provisioning/api-budget.js';

function fakeClock(): Clock & { slept: number[]; advance(ms: number): void } {
  let now = 1_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    async sleep(ms) {
      slept.push(ms);
      now += ms;
    },
    advance(ms) {
      now += ms;
    },
  };
}

describe('createApiBudget', () => {
  it('paces each API to its quota ÷ concurrency, independently of the others', async () => {
    // Prepare: DescribeCertificate 10 TPS over 5 containers = 2/s each; DescribeThing 350 = 70/s.
    const clock = fakeClock();
    const budget = createApiBudget({ concurrency: 5, clock });
    // Act
    for (let i = 0; i < 3; i += 1) await budget.pace('DescribeCertificate');
    const afterDescribes = [...clock.slept];
    await budget.pace('DescribeThing');
    // Assess
    expect(afterDescribes).toEqual([500, 500]);
    expect(clock.slept).toEqual([500, 500]);
  });

  it('spaces the concurrent calls of a batch one interval apart (none share a slot)', async () => {
    // Prepare: the clock does not move while the four calls of a batch wait together.
    const slept: number[] = [];
    const clock: Clock = {
      now: () => 1_000_000,
      async sleep(ms) {
        slept.push(ms);
      },
    };
    const budget = createApiBudget({ concurrency: 5, clock });

    // Act
    await Promise.all([1, 2, 3, 4].map(() => budget.pace('DescribeCertificate')));

    // Assess: 2/s each: the first goes now, then 500, 1000 and 1500 ms later.
    expect(slept).toEqual([500, 1000, 1500]);
  });

  it('takes overrides for raised quotas and leaves unknown APIs unpaced', async () => {
    const clock = fakeClock();
    const budget = createApiBudget({ concurrency: 10, quotas: { DescribeCertificate: 100 }, clock });
    for (let i = 0; i < 3; i += 1) await budget.pace('DescribeCertificate');
    for (let i = 0; i < 3; i += 1) await budget.pace('SomeFutureApi');
    expect(clock.slept).toEqual([100, 100]);
  });

  it('does not pace at all on the direct path (concurrency 0: the SDK adapts instead)', async () => {
    const clock = fakeClock();
    const budget = createApiBudget({ concurrency: 0, clock });
    for (let i = 0; i < 20; i += 1) await budget.pace('DescribeCertificate');
    expect([clock.slept, budget.isFree('DescribeCertificate')]).toEqual([[], true]);
  });

  it('is free for a call only while its slot is free and nobody waits for one', async () => {
    // Prepare: 2/s per container; the clock stands still while calls wait.
    const clock = fakeClock();
    const budget = createApiBudget({ concurrency: 5, clock });
    const before = budget.isFree('DescribeCertificate');
    // Act: one call takes the slot; the next slot is 500 ms away.
    await budget.pace('DescribeCertificate');
    const justAfter = budget.isFree('DescribeCertificate');
    clock.advance(499);
    const at499 = budget.isFree('DescribeCertificate');
    clock.advance(1);
    const at500 = budget.isFree('DescribeCertificate');
    // Assess
    expect([before, justAfter, at499, at500]).toEqual([true, false, false, true]);
    expect(budget.isFree('DescribeThing')).toBe(true);
  });

  it('is not free for an API throttled or retried in the last 10 s, on either path', () => {
    for (const concurrency of [0, 5]) {
      // Prepare
      const clock = fakeClock();
      const budget = createApiBudget({ concurrency, clock });
      // Act
      budget.noteContention('DescribeCertificate');
      const now = budget.isFree('DescribeCertificate');
      const other = budget.isFree('UpdateCertificate');
      clock.advance(CONTENTION_MEMORY_MS - 1);
      const almost = budget.isFree('DescribeCertificate');
      clock.advance(1);
      const after = budget.isFree('DescribeCertificate');
      // Assess
      expect([CONTENTION_MEMORY_MS, now, other, almost, after]).toEqual([10_000, false, true, false, true]);
    }
  });
});
