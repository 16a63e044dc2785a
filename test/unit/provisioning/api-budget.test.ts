// Per-API budgets: each container paces an IoT API to quota ÷ the number of containers.
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../lib/pacing/token-bucket.js';
import { createApiPacer } from '../../../lib/provisioning/api-budget.js';

function fakeClock(): Clock & { slept: number[] } {
  let now = 1_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    async sleep(ms) {
      slept.push(ms);
      now += ms;
    },
  };
}

describe('createApiPacer', () => {
  it('paces each API to its quota ÷ concurrency, independently of the others', async () => {
    // Prepare: DescribeCertificate 10 TPS over 5 containers = 2/s each; DescribeThing 350 = 70/s.
    const clock = fakeClock();
    const pace = createApiPacer({ concurrency: 5, clock });
    // Act
    for (let i = 0; i < 3; i += 1) await pace?.('DescribeCertificate');
    const afterDescribes = [...clock.slept];
    await pace?.('DescribeThing');
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
    const pace = createApiPacer({ concurrency: 5, clock });

    // Act
    await Promise.all([1, 2, 3, 4].map(() => pace?.('DescribeCertificate')));

    // Assess: 2/s each: the first goes now, then 500, 1000 and 1500 ms later.
    expect(slept).toEqual([500, 1000, 1500]);
  });

  it('takes overrides for raised quotas and leaves unknown APIs unpaced', async () => {
    const clock = fakeClock();
    const pace = createApiPacer({ concurrency: 10, quotas: { DescribeCertificate: 100 }, clock });
    for (let i = 0; i < 3; i += 1) await pace?.('DescribeCertificate');
    for (let i = 0; i < 3; i += 1) await pace?.('SomeFutureApi');
    expect(clock.slept).toEqual([100, 100]);
  });

  it('does not pace at all on the direct path (concurrency 0: the SDK adapts instead)', () => {
    expect(createApiPacer({ concurrency: 0 })).toBeNull();
  });
});
