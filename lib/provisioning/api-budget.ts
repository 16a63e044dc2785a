/**
 * Per-API budgets: each container paces every IoT API it calls to its share of that API's
 * quota, so that all containers together stay at the quota instead of being throttled (and
 * retried, and sent to the DLQ). On the queue path the share is quota ÷ the event source's
 * maximum concurrency (each container is one of at most that many); on the direct path the
 * concurrency is unknown and the SDK's adaptive retry mode adapts to throttling instead.
 *
 * The budget also says whether a call would go out at once (its slot is free, nobody waits,
 * and no call of that API was throttled or retried lately in this container): the registration
 * use case only sends a DescribeCertificate speculatively when it costs no other device its slot.
 */
import { type Clock, systemClock, TokenBucket } from '../pacing/token-bucket.js';
import { DEFAULT_IOT_TPS } from './iot-quotas.js';

export interface ApiBudget {
  /** Waits until this container may send one request of `operation` (an IoT API name). */
  pace(operation: string): Promise<void>;
  /**
   * Whether a request of `operation` would be sent at once: its bucket (if paced) has a free slot
   * and no waiter, and no request of it was throttled or retried in the last
   * {@link CONTENTION_MEMORY_MS}.
   */
  isFree(operation: string): boolean;
  /** A request of `operation` was throttled or needed retries (the quota is contended). */
  noteContention(operation: string): void;
}

/** How long a throttle or retry of an API marks it contended. */
export const CONTENTION_MEMORY_MS = 10_000;

/**
 * The budget of one container. `concurrency` 0 (the direct path) paces nothing: only the
 * contention memory remains. `quotas` overrides the default table (accounts with raised
 * quotas); an API missing from both is not paced.
 * @example const budget = createApiBudget({ concurrency: 5, quotas: { DescribeCertificate: 50 } });
 */
export function createApiBudget(options: {
  concurrency: number;
  quotas?: Readonly<Record<string, number>>;
  clock?: Clock;
}): ApiBudget {
  const clock = options.clock ?? systemClock;
  const buckets = new Map<string, TokenBucket>();
  if (options.concurrency > 0) {
    const table = { ...DEFAULT_IOT_TPS, ...(options.quotas ?? {}) };
    for (const [api, tps] of Object.entries(table)) {
      if (tps > 0) buckets.set(api, new TokenBucket(tps / options.concurrency, clock));
    }
  }
  const contendedAt = new Map<string, number>();
  return {
    async pace(operation) {
      await buckets.get(operation)?.acquire();
    },
    isFree(operation) {
      const at = contendedAt.get(operation);
      if (at !== undefined && clock.now() - at < CONTENTION_MEMORY_MS) return false;
      return buckets.get(operation)?.idle ?? true;
    },
    noteContention(operation) {
      contendedAt.set(operation, clock.now());
    },
  };
}
