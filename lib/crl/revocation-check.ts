// The revocation decision for one device certificate: pure except for the store call.
import type { CertificateFacts } from '../certificate/index.js';
import { JitrError } from '../errors/jitr-error.js';
import { CertificateRevokedError, CrlScopeMismatchError } from './errors.js';
import type { VerifiedCrl } from './index.js';
import { CrlMissingError, CrlNotUsableError } from './store-errors.js';

/** `CRL_MODE`: whether a CA without a published CRL may still register devices. */
export type CrlMode = 'required' | 'optional';

/** The port the decision reads CRLs through ({@link S3CrlStore} implements it). */
export interface CrlStore {
  /** The verified, fresh CRL of a CA, or null when none is published. Throws otherwise. */
  get(caCertificateId: string, ca: CertificateFacts): Promise<VerifiedCrl | null>;
  /**
   * `get` for a CA certificate still being read: a store may start reading the CRL before the CA
   * is known (it needs the CA only to verify). Absent: the caller awaits the CA, then `get`s.
   */
  getOnceKnown?(caCertificateId: string, ca: Promise<CertificateFacts>): Promise<VerifiedCrl | null>;
}

/** The CRL the certificate was checked against, for the decision's log line. */
export interface CrlEvidence {
  crlNumber: VerifiedCrl['crlNumber'];
  thisUpdate: VerifiedCrl['thisUpdate'];
  nextUpdate: VerifiedCrl['nextUpdate'];
  entryCount: number;
}

export type RevocationDecision =
  | { checked: true; evidence: CrlEvidence }
  /** Only with `mode: 'optional'`: the handler logs a warning and emits a metric. */
  | { checked: false; reason: 'no-crl' };

export interface CheckRevocationInput {
  store: CrlStore;
  mode: CrlMode;
  caCertificateId: string;
  ca: CertificateFacts;
  cert: CertificateFacts;
  /** Kept for the decision's contract; the store applies its own clock to freshness. */
  now: Date;
}

/**
 * Decides whether a device certificate may proceed, given its CA's CRL.
 *
 * - Listed on the CRL: throws {@link CertificateRevokedError} (disposition `rejected`) with the evidence.
 * - Not listed: `{ checked: true, evidence }`.
 * - No CRL published: `{ checked: false, reason: 'no-crl' }` in optional mode; in required mode
 *   throws {@link CrlMissingError} (transient).
 * - CRL invalid or stale, in either mode: the CRL module's transient error passes through
 *   (`CrlStale`, `CrlSignatureInvalid`, `CrlIssuerMismatch`, `CrlMalformed`, …).
 * - S3 errors pass through: `CrlAccessDenied` / `CrlBucketNotFound` (configuration),
 *   `CrlUnavailable` (transient).
 * - Anything unexpected from the store: {@link CrlNotUsableError} (transient, fail closed).
 *
 * @example
 * const decision = await checkRevocation({ store, mode: 'required', caCertificateId, ca, cert, now });
 * if (decision.checked) logger.info('crl', decision.evidence);
 */
export async function checkRevocation(input: CheckRevocationInput): Promise<RevocationDecision> {
  const { store, mode, caCertificateId, ca, cert } = input;
  let crl: VerifiedCrl | null;
  try {
    crl = await store.get(caCertificateId, ca);
  } catch (error) {
    throw asRevocationStepError(caCertificateId, error);
  }
  if (crl === null) {
    if (mode === 'optional') return { checked: false, reason: 'no-crl' };
    throw new CrlMissingError({ caCertificateId });
  }
  checkScope(crl, cert, caCertificateId);
  const entry = crl.lookup(cert.serialBytes);
  if (entry !== null) {
    throw new CertificateRevokedError(caCertificateId, {
      serial: cert.serialHex,
      revocationDate: entry.revocationDate.toISOString(),
      reason: entry.reason,
      crlNumber: crl.crlNumber,
      thisUpdate: crl.thisUpdate.toISOString(),
      nextUpdate: crl.nextUpdate === null ? null : crl.nextUpdate.toISOString(),
    });
  }
  return {
    checked: true,
    evidence: {
      crlNumber: crl.crlNumber,
      thisUpdate: crl.thisUpdate,
      nextUpdate: crl.nextUpdate,
      entryCount: crl.entryCount,
    },
  };
}

/**
 * A partitioned CRL (issuingDistributionPoint with distribution point names) covers only the
 * certificates whose cRLDistributionPoints name one of those names; for any other certificate,
 * one without the extension included, it proves nothing.
 *
 * @throws {@link CrlScopeMismatchError} (configuration)
 */
function checkScope(crl: VerifiedCrl, cert: CertificateFacts, caCertificateId: string): void {
  const scope = crl.distributionPoints;
  if (scope === null) return;
  const named = cert.crlDistributionPoints;
  if (named?.some((point) => scope.some((covered) => covered.key === point.key))) return;
  throw new CrlScopeMismatchError({
    caCertificateId,
    crlDistributionPoints: scope.map((point) => point.text),
    certificateDistributionPoints: named === null ? null : named.map((point) => point.text),
  });
}

/**
 * Store failures that are already transient (S3 unavailable, and every CRL verification or
 * freshness error of the CRL module) or configuration errors (access denied, missing bucket)
 * pass through with their own stable codes. Anything else (an unexpected exception, or an error
 * of another outcome that must not reject the device) fails closed as a transient
 * {@link CrlNotUsableError} with the original as `cause`.
 */
function asRevocationStepError(caCertificateId: string, error: unknown): unknown {
  if (
    error instanceof JitrError &&
    (error.disposition === 'transient' || error.disposition === 'configuration')
  ) {
    return error;
  }
  return new CrlNotUsableError(caCertificateId, error);
}
