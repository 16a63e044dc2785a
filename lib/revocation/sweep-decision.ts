/**
 * Whether a verified CRL may be swept, given the CA's sweep bookkeeping (pure). CRL numbers
 * are monotonically increasing (RFC 5280 §5.2.3), so a CRL is swept only when its number is
 * greater than the last swept one; the same object again (S3 delivers events at least once)
 * is a quiet no-op, anything else that is not newer is refused and alarmed.
 */
import type { SweepState } from '../ledger/record.js';

export type SweepDecision =
  /** Sweep it. `first`: the CA was never swept. */
  | { kind: 'sweep'; first: boolean }
  /** The very CRL swept last (same number, same bytes): nothing to do, no alarm. */
  | { kind: 'already-swept' }
  /** A CRL number not greater than the last swept one (an older or replayed CRL): refused. */
  | { kind: 'not-newer'; crlNumber: string; lastSweptCrlNumber: string }
  /** A CRL without cRLNumber cannot be ordered against the last sweep: refused. */
  | { kind: 'no-crl-number' };

/**
 * @example
 * decideSweep({ crlNumber: '8', sha256 }, { lastSweptCrlNumber: '7', … }) // { kind: 'sweep', first: false }
 */
export function decideSweep(
  crl: { crlNumber: string | null; sha256: string },
  state: Pick<SweepState, 'lastSweptCrlNumber' | 'lastSweptCrlSha256'> | null,
): SweepDecision {
  if (crl.crlNumber === null) return { kind: 'no-crl-number' };
  if (state === null) return { kind: 'sweep', first: true };
  const number = BigInt(crl.crlNumber);
  const last = BigInt(state.lastSweptCrlNumber);
  if (number > last) return { kind: 'sweep', first: false };
  if (number === last && crl.sha256 === state.lastSweptCrlSha256) return { kind: 'already-swept' };
  return { kind: 'not-newer', crlNumber: crl.crlNumber, lastSweptCrlNumber: state.lastSweptCrlNumber };
}

/**
 * The status a sweep gives a revoked certificate: `INACTIVE` for `certificateHold` (RFC 5280
 * lets a CA lift a hold; AWS IoT never lets a certificate out of REVOKED), `REVOKED` otherwise.
 */
export function sweepStatusFor(reason: string | null): 'REVOKED' | 'INACTIVE' {
  return reason === 'certificateHold' ? 'INACTIVE' : 'REVOKED';
}

/**
 * UpdateCertificate requests per second a sweep may use: `share` of the quota, which it shares
 * with every activation (default half, so devices keep coming online during a sweep).
 *
 * @example sweepUpdateRate(10, 0.5) // 5
 */
export function sweepUpdateRate(quotaTps: number, share: number): number {
  if (!(quotaTps > 0) || !Number.isFinite(quotaTps))
    throw new RangeError(`quota must be > 0, got ${quotaTps}`);
  if (!(share > 0 && share <= 1)) throw new RangeError(`share must be in (0, 1], got ${share}`);
  return quotaTps * share;
}
