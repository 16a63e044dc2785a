/**
 * Lambda's and SQS's waits, as AWS documents them (aws-facts §5.1, §9.2, §9.3), in one of two
 * profiles: `aws` (the real delays: a burst bench measures what a deployment would see) or
 * `compressed` (every wait ÷ 600, so tests and the demo stay fast: 1 min → 100 ms).
 */
export type RetryDelays = 'aws' | 'compressed';

export const RETRY_DELAYS: readonly RetryDelays[] = ['aws', 'compressed'];

/** How much faster the `compressed` profile runs every wait. */
export const COMPRESSION = 600;

/** Function errors of an asynchronous invocation: ~1 min before the 2nd attempt, ~2 min before the 3rd. */
const FUNCTION_ERROR_DELAYS_MS = [60_000, 120_000] as const;
/** A throttled asynchronous event goes back to Lambda's queue: retried from 1 s, growing to 5 min. */
const THROTTLE_FIRST_MS = 1000;
const THROTTLE_MAX_MS = 300_000;

export interface LambdaTiming {
  readonly profile: RetryDelays;
  /** Scales one AWS wait to this profile. */
  scale(ms: number): number;
  /** Waits before retry 1 and 2 of an asynchronous invocation that returned a function error. */
  readonly functionErrorDelaysMs: readonly number[];
  /**
   * The wait before re-trying a throttled event for the `n`th time (0-based): 1 s doubling up to
   * 5 min. AWS documents no jitter; half of each wait is random here so that hundreds of events
   * throttled together do not come back in lockstep (an assumption, stated in the README).
   */
  throttleBackoffMs(n: number, random: () => number): number;
}

export function lambdaTiming(profile: RetryDelays): LambdaTiming {
  const factor = profile === 'aws' ? 1 : 1 / COMPRESSION;
  const scale = (ms: number): number => ms * factor;
  return {
    profile,
    scale,
    functionErrorDelaysMs: FUNCTION_ERROR_DELAYS_MS.map(scale),
    throttleBackoffMs(n, random) {
      const cap = Math.min(THROTTLE_MAX_MS, THROTTLE_FIRST_MS * 2 ** Math.min(n, 20));
      return scale(cap / 2 + (random() * cap) / 2);
    },
  };
}

/** Parses a `--retry-delays` value. */
export function parseRetryDelays(value: string): RetryDelays {
  if (value === 'aws' || value === 'compressed') return value;
  throw new Error(`--retry-delays expects aws or compressed, got ${value}`);
}
