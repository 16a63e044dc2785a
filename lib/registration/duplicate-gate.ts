/**
 * The use case's side of the registration-state table (lib/registration-state/): claim the
 * certificate before the first IoT call, stop a duplicate that finds a settled outcome or a
 * live lease, and settle or release at the end. Every store failure falls back to the plain
 * path (the registration runs as if there were no table) and is counted
 * (`RegistrationStateUnavailable`): correctness never depends on the table.
 */
import type { JitrLogger, RegistrationMetrics } from '../observability.js';
import {
  DEFAULT_LEASE_MS,
  isFinalOutcome,
  type RegistrationStateStore,
} from '../registration-state/state-store.js';
import type { RegisteredEvent } from './event.js';
import type { RegistrationResult } from './result.js';

/** Who is delivering the event: stable across this delivery's retries. */
export interface Delivery {
  /** Lambda request id (async retries keep it), SQS message id, or a random id. */
  id: string;
  /** How long the claim may last (the invocation's remaining time plus a margin). */
  leaseMs: number;
}

/** The gate's decision for one event. */
export type GateDecision =
  | { kind: 'proceed'; claimed: boolean }
  | { kind: 'duplicate'; reason: 'settled' | 'in-progress'; outcome: string | null; code: string | null };

interface GateDeps {
  state?: RegistrationStateStore | null;
  clock: () => Date;
  logger: JitrLogger;
  metrics: RegistrationMetrics;
}

function unavailable(deps: GateDeps, action: string, error: unknown): void {
  deps.metrics.count('RegistrationStateUnavailable');
  deps.logger.warn(`registration-state table unavailable (${action}); continuing without it`, {
    error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
  });
}

function registeredAt(event: RegisteredEvent): number | null {
  return event.certificateRegistrationTimestamp === null
    ? null
    : Number(event.certificateRegistrationTimestamp);
}

/** Claims the certificate for this delivery, or says why this event is a duplicate. */
export async function claim(
  event: RegisteredEvent,
  delivery: Delivery,
  deps: GateDeps,
): Promise<GateDecision> {
  if (deps.state === undefined || deps.state === null) return { kind: 'proceed', claimed: false };
  try {
    const found = await deps.state.claim({
      certificateId: event.certificateId,
      owner: delivery.id,
      now: deps.clock().getTime(),
      leaseMs: delivery.leaseMs,
      registeredAt: registeredAt(event),
    });
    if (found.kind === 'claimed') return { kind: 'proceed', claimed: true };
    if (found.kind === 'settled') {
      return { kind: 'duplicate', reason: 'settled', outcome: found.outcome, code: found.code };
    }
    return { kind: 'duplicate', reason: 'in-progress', outcome: null, code: null };
  } catch (error) {
    unavailable(deps, 'claim', error);
    return { kind: 'proceed', claimed: false };
  }
}

/**
 * After the use case: a final outcome is recorded (also when the claim itself failed: the
 * record helps the next duplicate); anything else gives the lease up at once.
 */
export async function conclude(
  event: RegisteredEvent,
  delivery: Delivery,
  claimed: boolean,
  outcome: RegistrationResult | null,
  deps: GateDeps,
): Promise<void> {
  const state = deps.state;
  if (state === undefined || state === null) return;
  try {
    if (outcome !== null && isFinalOutcome(outcome.outcome, outcome.certificateStatus)) {
      await state.settle({
        certificateId: event.certificateId,
        caCertificateId: event.caCertificateId,
        outcome: outcome.outcome,
        code: outcome.code,
        now: deps.clock().getTime(),
        registeredAt: registeredAt(event),
      });
    } else if (claimed) {
      await state.release(event.certificateId, delivery.id);
    }
  } catch (error) {
    unavailable(deps, outcome === null ? 'release' : 'settle', error);
  }
}

/** A delivery without a Lambda context (replay, reconcile): a fresh id and the default lease. */
export function localDelivery(): Delivery {
  return { id: `local-${crypto.randomUUID()}`, leaseMs: DEFAULT_LEASE_MS };
}
