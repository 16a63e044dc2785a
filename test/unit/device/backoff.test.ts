// Full-jitter exponential backoff: sleep = random(0, min(max, initial × 2^n)).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../lib/device/backoff.js';

describe('backoffDelay', () => {
  it('grows as initial × 2^n up to the cap (random = just below 1)', () => {
    const top = () => 0.999_999;
    expect(
      [0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, { initialMs: 1_000, maxMs: 30_000 }, top)),
    ).toEqual([999, 1_999, 3_999, 7_999, 15_999, 29_999, 29_999]);
  });

  it('is 0 when random is 0 (full jitter starts at zero)', () => {
    expect(backoffDelay(4, { initialMs: 1_000, maxMs: 30_000 }, () => 0)).toBe(0);
  });

  it('always lies in [0, min(max, initial × 2^n)), for any attempt number', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.integer({ min: 1, max: 600_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, initialMs, maxMs, r) => {
          const d = backoffDelay(n, { initialMs, maxMs }, () => r);
          return Number.isInteger(d) && d >= 0 && d < Math.min(maxMs, initialMs * 2 ** Math.min(n, 30)) + 1;
        },
      ),
    );
  });
});
