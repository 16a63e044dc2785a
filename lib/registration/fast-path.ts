/**
 * Whether an event may send its DescribeCertificate together with the registration-state claim
 * (one round trip less) instead of after it. A copy of an event is indistinguishable from the
 * original until the claim answers, so speculating makes a concurrent copy pay one
 * DescribeCertificate; the fast path is taken only where that cannot happen in practice or
 * costs nobody anything:
 *  1. the event is the certificate's first publication: AWS publishes it milliseconds after
 *     registering the certificate (8 ms in AWS's samples), while every republication follows a
 *     reconnect of the still-pending device — a new TLS handshake, and AWS IoT accepts one
 *     CONNECT per second per client ID (aws-facts §9.4 "Backoff") — so it comes ≥ ~1 s after
 *     the registration. A missing or unparseable registration time: claim first;
 *  2. the DescribeCertificate budget would send the call at once (no waiter, no recent throttle):
 *     in a burst every event claims first, so no duplicate spends quota another device needs;
 *  3. this container is not already running, and has not settled, the certificate.
 * Pure: the caller gathers the facts.
 */

import { MILLIS_TEXT } from './event.js';

export type ClaimFirstReason =
  /** FIRST_PUBLICATION_WINDOW_MS is 0. */
  | 'window-off'
  /** The registration time (or the publication time) is missing or unparseable. */
  | 'no-registration-time'
  /** Published more than the window after (or before) the registration: a reconnect. */
  | 'republication'
  /** The container runs this certificate now, or knows its outcome. */
  | 'known-in-container'
  /** DescribeCertificate's budget has waiters or was throttled lately. */
  | 'quota-contended';

export type FastPathDecision = { path: 'fast' } | { path: 'claim-first'; reason: ClaimFirstReason };

export interface FastPathFacts {
  /** The event's `timestamp` (epoch ms of this publication). */
  timestamp: unknown;
  /** The event's `certificateRegistrationTimestamp` (epoch ms as a string; AWS has sent null). */
  certificateRegistrationTimestamp: unknown;
  /** FIRST_PUBLICATION_WINDOW_MS; 0 = the fast path is off. */
  windowMs: number;
  /** The certificate is in flight or settled in this container. */
  knownInContainer: boolean;
  /** DescribeCertificate would be sent at once (budget free, no recent throttle). */
  describeBudgetFree: boolean;
}

/** Epoch milliseconds from a number or a string of digits; null for anything else. */
function epochMs(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value === 'string' && MILLIS_TEXT.test(value)) {
    const ms = Number(value);
    return Number.isSafeInteger(ms) ? ms : null;
  }
  return null;
}

/**
 * The path for one event.
 * @example decideFastPath({ timestamp: 1552061705285, certificateRegistrationTimestamp: '1552061705277',
 *   windowMs: 250, knownInContainer: false, describeBudgetFree: true }) // { path: 'fast' }
 */
export function decideFastPath(facts: FastPathFacts): FastPathDecision {
  if (!(facts.windowMs > 0)) return { path: 'claim-first', reason: 'window-off' };
  const published = epochMs(facts.timestamp);
  const registered = epochMs(facts.certificateRegistrationTimestamp);
  if (published === null || registered === null) {
    return { path: 'claim-first', reason: 'no-registration-time' };
  }
  if (Math.abs(published - registered) > facts.windowMs)
    return { path: 'claim-first', reason: 'republication' };
  if (facts.knownInContainer) return { path: 'claim-first', reason: 'known-in-container' };
  if (!facts.describeBudgetFree) return { path: 'claim-first', reason: 'quota-contended' };
  return { path: 'fast' };
}
