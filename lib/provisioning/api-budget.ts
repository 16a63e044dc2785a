/**
 * Per-API budgets: each container paces every IoT API it calls to its share of that API's
 * quota, so that all containers together stay at the quota instead of being throttled (and
 * retried, and sent to the DLQ). On the queue path the share is quota ÷ the event source's
 * maximum concurrency (each container is one of at most that many); on the direct path the
 * concurrency is unknown and the SDK's adaptive retry mode adapts to throttling instead.
 */
import { type Clock, systemClock, TokenBucket } from '../pacing/token-bucket.js';
import { DEFAULT_IOT_TPS } from './iot-quotas.js';

/** Waits until this container may send one request of `operation` (an IoT API name). */
export type ApiPacer = (operation: string) => Promise<void>;

/**
 * The pacer for one container, or null when there is nothing to pace by (`concurrency` 0:
 * the direct path). `quotas` overrides the default table (accounts with raised quotas); an
 * API missing from both is not paced.
 * @example const pace = createApiPacer({ concurrency: 5, quotas: { DescribeCertificate: 50 } });
 */
export function createApiPacer(options: {
  concurrency: number;
  quotas?: Readonly<Record<string, number>>;
  clock?: Clock;
}): ApiPacer | null {
  if (options.concurrency <= 0) return null;
  const table = { ...DEFAULT_IOT_TPS, ...(options.quotas ?? {}) };
  const clock = options.clock ?? systemClock;
  const buckets = new Map<string, TokenBucket>();
  for (const [api, tps] of Object.entries(table)) {
    if (tps > 0) buckets.set(api, new TokenBucket(tps / options.concurrency, clock));
  }
  return async (operation) => {
    await buckets.get(operation)?.acquire();
  };
}
