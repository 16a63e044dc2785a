/** Time as the operations tools see it: injectable so that tests run on a fake clock. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A token bucket of capacity one: `acquire()` returns at most `ratePerSecond` times per
 * second, evenly spaced, so a replay or a reconcile run never bursts past an IoT quota
 * (DescribeCertificate: 10 TPS per account and region, shared with the live handler).
 */
export class TokenBucket {
  readonly #intervalMs: number;
  readonly #clock: Clock;
  #nextAt = Number.NEGATIVE_INFINITY;

  constructor(ratePerSecond: number, clock: Clock) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
      throw new RangeError(`rate must be a positive number, got ${ratePerSecond}`);
    }
    this.#intervalMs = 1000 / ratePerSecond;
    this.#clock = clock;
  }

  /** Whether `acquire()` would return at once: the next slot is free and nobody waits for one. */
  get idle(): boolean {
    return this.#clock.now() >= this.#nextAt;
  }

  /**
   * Takes the next free slot at once, then waits for it: concurrent callers (the records of a
   * batch) queue one interval apart instead of all waking at the same slot.
   */
  async acquire(): Promise<void> {
    const now = this.#clock.now();
    const at = Math.max(now, this.#nextAt);
    this.#nextAt = at + this.#intervalMs;
    if (at > now) await this.#clock.sleep(at - now);
  }
}
