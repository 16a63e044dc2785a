/**
 * Runs tasks at a fixed rate with several in flight: the rate, not the latency, bounds the
 * throughput (one UpdateCertificate takes ~50–300 ms; 5 per second need a few in flight).
 */
import { type Clock, TokenBucket } from '../pacing/token-bucket.js';

export class PacedRunner {
  readonly #bucket: TokenBucket;
  readonly #maxInFlight: number;
  readonly #running = new Set<Promise<void>>();

  constructor(ratePerSecond: number, clock: Clock, maxInFlight = 16) {
    this.#bucket = new TokenBucket(ratePerSecond, clock);
    this.#maxInFlight = maxInFlight;
  }

  /** Waits for a token (and a free slot), then starts `task` without waiting for it. */
  async start(task: () => Promise<void>): Promise<void> {
    while (this.#running.size >= this.#maxInFlight) await Promise.race(this.#running);
    await this.#bucket.acquire();
    const run: Promise<void> = task().finally(() => {
      this.#running.delete(run);
    });
    this.#running.add(run);
  }

  /** Waits for every started task. Tasks must not reject (report failures themselves). */
  async drain(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }
}
