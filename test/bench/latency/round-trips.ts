// The latency bench's arithmetic (pure): sequential round trips from the sandbox's request log.
// A request that starts after another one was answered may depend on it; requests in flight
// together share a round trip. So a request's depth is one more than the deepest request
// answered before it started, and the round trips to the activation are the depth of
// UpdateCertificate: exact, whatever the latency or the machine's load (a time ÷ latency
// estimate counts the calls' own overhead as a fraction of a round trip).
import type { RequestSpan } from '../../../infra/sandbox/request-log.js';

export interface DeviceRoundTrips {
  /** Depth of UpdateCertificate (the activation). */
  roundTripsToActivation: number;
  /** IoT requests sent up to and including the activation. */
  iotCallsToActivation: number;
  listThingPrincipals: number;
  /** DynamoDB requests sent before the activation (the claim). */
  dynamodbBeforeActivation: number;
  /** Requests after the activation's answer (the outcome record), and their round trips. */
  requestsAfterActivation: number;
  roundTripsAfterActivation: number;
  /** From the first request's arrival to the activation's answer. */
  msToActivation: number;
  /** The requests of each round trip up to the activation, e.g. `DescribeCertificate + UpdateItem`. */
  path: string[];
}

/** Depth of every span (same order as `spans`). */
export function depths(spans: readonly RequestSpan[]): number[] {
  const order = spans
    .map((_, i) => i)
    .sort((a, b) => (spans[a]?.startedAt ?? 0) - (spans[b]?.startedAt ?? 0));
  const depth = new Array<number>(spans.length).fill(0);
  for (const i of order) {
    const span = spans[i];
    if (span === undefined) continue;
    let deepest = 0;
    for (const j of order) {
      const before = spans[j];
      if (before === undefined || j === i) continue;
      if (before.endedAt !== null && before.endedAt <= span.startedAt)
        deepest = Math.max(deepest, depth[j] ?? 0);
    }
    depth[i] = deepest + 1;
  }
  return depth;
}

/** The round trips of one device's registration (every span of it, nothing else). */
export function analyse(spans: readonly RequestSpan[]): DeviceRoundTrips {
  const depth = depths(spans);
  const at = spans.findIndex((s) => s.service === 'iot' && s.operation === 'UpdateCertificate');
  const activation = spans[at];
  if (activation === undefined || activation.endedAt === null) {
    throw new Error('no answered UpdateCertificate among the requests: the device was not activated');
  }
  const toActivation = spans.filter((s) => s.startedAt <= activation.startedAt);
  const after = spans
    .map((s, i) => ({ s, d: depth[i] ?? 0 }))
    .filter(({ s }) => s.startedAt >= (activation.endedAt ?? 0));
  const activationDepth = depth[at] ?? 0;
  // The requests of each round trip, in a stable order (arrival order within one varies).
  const steps: string[][] = [];
  spans.forEach((s, i) => {
    const d = depth[i] ?? 0;
    if (s.startedAt > activation.startedAt) return;
    steps[d - 1] = [...(steps[d - 1] ?? []), s.operation];
  });
  const first = Math.min(...toActivation.map((s) => s.startedAt));
  return {
    roundTripsToActivation: activationDepth,
    iotCallsToActivation: toActivation.filter((s) => s.service === 'iot').length,
    listThingPrincipals: toActivation.filter((s) => s.operation === 'ListThingPrincipals').length,
    dynamodbBeforeActivation: toActivation.filter((s) => s.service === 'dynamodb').length,
    requestsAfterActivation: after.length,
    roundTripsAfterActivation:
      after.length === 0 ? 0 : Math.max(...after.map(({ d }) => d)) - activationDepth,
    msToActivation: activation.endedAt - first,
    path: Array.from(steps, (step) => (step === undefined ? '(none)' : [...step].sort().join(' + '))),
  };
}
