/**
 * The registration-state port: one item per certificate in a small DynamoDB table (design:
 * README "Registration-state table"). A delivery claims the certificate with a short lease
 * before its first IoT call; the outcome is recorded (settled) once it is final, so a
 * duplicate of the event — AWS IoT republishes while a device reconnects, Lambda may deliver
 * twice — reads that and stops without calling IoT. Correctness never depends on the table:
 * the use case falls back to its plain path when the store fails.
 */

/** What a claim found. */
export type ClaimResult =
  /** This delivery owns the certificate until `leaseUntil` (epoch ms). */
  | { kind: 'claimed'; leaseUntil: number }
  /** The outcome is final already: stop, no IoT call. */
  | { kind: 'settled'; outcome: string; code: string | null; settledAt: number | null }
  /** Another delivery holds a live lease: it carries the event; stop. */
  | { kind: 'leased'; owner: string; leaseUntil: number };

export interface ClaimRequest {
  certificateId: string;
  /** Id of this delivery, stable across its retries (Lambda request id, SQS message id). */
  owner: string;
  /** Epoch ms. */
  now: number;
  leaseMs: number;
  /**
   * The event's certificateRegistrationTimestamp (epoch ms) or null. A settled item recorded
   * for an older registration does not stop this one: the certificate was deleted and the
   * device registered it again.
   */
  registeredAt: number | null;
}

export interface SettleRequest {
  certificateId: string;
  caCertificateId: string;
  outcome: string;
  code: string | null;
  now: number;
  registeredAt: number | null;
}

/** A settled item as a batch read finds it. */
export interface SettledState {
  outcome: string;
  code: string | null;
  settledAt: number | null;
  /** The registration it was recorded for (epoch ms), or null when the item has none. */
  registeredAt: number | null;
}

export interface RegistrationStateStore {
  claim(request: ClaimRequest): Promise<ClaimResult>;
  /**
   * The settled items among these certificates, in one read per 100 (strongly consistent):
   * a batch of queued events learns which are duplicates of a final outcome without a write
   * each. Optional: a store without it is claimed record by record.
   */
  readSettled?(certificateIds: readonly string[]): Promise<Map<string, SettledState>>;
  /** Records a final outcome (removes the lease and its TTL). */
  settle(request: SettleRequest): Promise<void>;
  /** Gives the lease up at once (the delivery failed; a retry or a duplicate may claim). */
  release(certificateId: string, owner: string): Promise<void>;
}

/**
 * Whether an outcome is final for the certificate, so that a duplicate may stop on it. Only
 * outcomes read from or written to the certificate itself: `dropped` (a malformed or
 * mismatched event says nothing about the certificate) and failures are not, nor a rejection
 * that left the certificate PENDING_ACTIVATION (REJECTED_CERTIFICATE_STATUS=PENDING_ACTIVATION:
 * the operator chose to re-evaluate it on the next event).
 */
export function isFinalOutcome(outcome: string, certificateStatus: string | null): boolean {
  switch (outcome) {
    case 'activated':
    case 'provisioned-inactive':
    case 'already-active':
    case 'skipped':
    case 'revoked':
      return true;
    case 'rejected':
      return certificateStatus !== null && certificateStatus !== 'PENDING_ACTIVATION';
    default:
      return false;
  }
}

/** The key of a certificate's item. */
export function certificateKey(certificateId: string): string {
  return `cert#${certificateId.toLowerCase()}`;
}

/** A claim's item disappears (DynamoDB TTL) this long after its lease, if nobody settles it. */
export const CLAIM_TTL_GRACE_SECONDS = 3600;

/** Lease for a delivery that knows no deadline (replay, reconcile): longer than any run of one event. */
export const DEFAULT_LEASE_MS = 60_000;

/** The table's only key (a string partition key) and its TTL attribute (epoch seconds), as template.yaml declares them. */
export const STATE_TABLE_KEY = 'pk';
export const STATE_TABLE_TTL_ATTRIBUTE = 'expiresAt';
