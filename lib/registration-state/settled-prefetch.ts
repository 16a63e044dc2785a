/**
 * One SQS batch's view of the registration-state table: the batch reads the settled items of
 * all its certificates at once (one BatchGetItem per 100), and a record whose certificate is
 * settled for its registration stops as a duplicate without a conditional write of its own —
 * the same answer its claim would get (a settled item only frees a newer registration).
 * Everything else claims as usual.
 */
import type { RegistrationStateStore, SettledState } from './state-store.js';

export function withSettledPrefetch(
  store: RegistrationStateStore,
  settled: ReadonlyMap<string, SettledState>,
): RegistrationStateStore {
  return {
    async claim(request) {
      const found = settled.get(request.certificateId);
      const newerRegistration =
        request.registeredAt !== null &&
        found?.registeredAt !== null &&
        found?.registeredAt !== undefined &&
        found.registeredAt < request.registeredAt;
      if (found !== undefined && !newerRegistration) {
        return { kind: 'settled', outcome: found.outcome, code: found.code, settledAt: found.settledAt };
      }
      return store.claim(request);
    },
    settle: (request) => store.settle(request),
    release: (certificateId, owner) => store.release(certificateId, owner),
  };
}
