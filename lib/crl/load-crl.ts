// Loading a CRL: parse, verify against the CA, check freshness, index the revoked serials.
import type { CertificateFacts } from '../certificate/index.js';
import { toDer } from '../certificate/pem.js';
import { signedBy } from '../certificate/signed-by.js';
import { DEFAULT_VALIDITY_SKEW_SECONDS } from '../certificate/verify.js';
import { JitrError } from '../errors/jitr-error.js';
import { parseCrlFrame } from './crl-frame.js';
import {
  CrlIssuerMismatchError,
  CrlMalformedError,
  CrlNotYetValidError,
  CrlSignatureInvalidError,
  CrlSignerNotAuthorizedError,
  CrlStaleError,
  CrlUnsupportedAlgorithmError,
} from './errors.js';
import { SerialIndex } from './serial-index.js';
import type { VerifiedCrl } from './types.js';
import { IndexedCrl } from './verified-crl.js';

/**
 * Default `CRL_MAX_STALENESS` (lib/config/variables.ts declares it with this value): 3600 s of
 * grace past `nextUpdate`.
 * `nextUpdate` is the CA's promise of a newer CRL; a CA that publishes on time replaces the
 * object before it, but the handler only re-checks S3 every `CRL_REFRESH_SECONDS` (300 s by
 * default) and publication jobs jitter, so a zero grace would fail registrations around every
 * CRL rollover although nothing is wrong. One hour covers that with margin while staying small
 * against usual CRL lifetimes (days); a stale CRL beyond it is a transient failure (retried),
 * never a silent pass. Set 0 to trust a CRL exactly until nextUpdate.
 */
export const DEFAULT_CRL_MAX_STALENESS_SECONDS = 3600;

/**
 * Allowance for the CRL signer's clock running ahead of ours when checking `thisUpdate ≤ now`
 * (same 5 minutes as certificate validity).
 */
export const DEFAULT_CRL_CLOCK_SKEW_SECONDS = DEFAULT_VALIDITY_SKEW_SECONDS;

export interface LoadCrlOptions {
  now: Date;
  /** Grace past nextUpdate, in seconds (`CRL_MAX_STALENESS`). */
  maxStalenessSeconds: number;
  /** Default {@link DEFAULT_CRL_CLOCK_SKEW_SECONDS}. */
  clockSkewSeconds?: number;
}

const CRL_LABELS = ['X509 CRL', 'CRL'];

/**
 * Largest CRL input accepted, PEM or DER: 64 MiB. A 1,000,000-entry CRL is ≈ 38.5 MB as DER and
 * ≈ 52 MB as PEM (base64 adds a third, plus line breaks), so it fits with room to spare; anything
 * larger is refused before it is decoded.
 */
export const MAX_CRL_BYTES = 64 * 1024 * 1024;

/**
 * Checks `thisUpdate ≤ now + skew` and `now ≤ nextUpdate + maxStaleness` (a CRL without
 * nextUpdate is never fresh: RFC 5280 requires the field). Use it on a cached CRL before each
 * decision.
 *
 * @throws {@link CrlNotYetValidError}
 * @throws {@link CrlStaleError}
 */
export function checkCrlFreshness(
  crl: Pick<VerifiedCrl, 'thisUpdate' | 'nextUpdate'>,
  now: Date,
  maxStalenessSeconds: number,
  clockSkewSeconds = DEFAULT_CRL_CLOCK_SKEW_SECONDS,
): void {
  const details = {
    thisUpdate: crl.thisUpdate.toISOString(),
    nextUpdate: crl.nextUpdate?.toISOString() ?? null,
    now: now.toISOString(),
    maxStalenessSeconds,
  };
  if (crl.thisUpdate.getTime() > now.getTime() + clockSkewSeconds * 1000) {
    throw new CrlNotYetValidError({ ...details, clockSkewSeconds });
  }
  if (crl.nextUpdate === null) {
    throw new CrlStaleError(details);
  }
  if (now.getTime() > crl.nextUpdate.getTime() + maxStalenessSeconds * 1000) {
    throw new CrlStaleError(details);
  }
}

/**
 * Parses a DER or PEM CRL (v1 or v2) and verifies it against the CA: issuer equals the CA
 * subject (RFC 5280 comparison) and the CRL's AKI matches the CA's SKI when both are present;
 * no unsupported critical CRL or entry extension; the signature verifies with the CA key over
 * the raw tbsCertList; then freshness ({@link checkCrlFreshness}). The result keeps a
 * reference to `bytes` (no copy): do not modify them afterwards.
 *
 * @example
 * const crl = loadCrl(der, caFacts, { now: new Date(), maxStalenessSeconds: 0 });
 * crl.lookup(deviceFacts.serialBytes); // RevocationEntry | null
 * @throws {@link CrlMalformedError}, {@link CrlIssuerMismatchError}, {@link CrlUnsupportedAlgorithmError},
 *   {@link CrlSignatureInvalidError}, {@link CrlUnsupportedCriticalExtensionError},
 *   {@link CrlNotYetValidError}, {@link CrlStaleError} — all `transient`.
 */
export function loadCrl(bytes: Uint8Array, ca: CertificateFacts, options: LoadCrlOptions): VerifiedCrl {
  return verifyCrl(bytes, ca, (frame) =>
    checkCrlFreshness(frame, options.now, options.maxStalenessSeconds, options.clockSkewSeconds),
  );
}

/**
 * {@link loadCrl} without the freshness check (for `jitr crl inspect`, which reports freshness
 * separately with {@link checkCrlFreshness}). The handler must use `loadCrl`.
 */
export function loadCrlIgnoringFreshness(bytes: Uint8Array, ca: CertificateFacts): VerifiedCrl {
  return verifyCrl(bytes, ca, () => undefined);
}

function verifyCrl(
  bytes: Uint8Array,
  ca: CertificateFacts,
  checkFreshness: (frame: Pick<VerifiedCrl, 'thisUpdate' | 'nextUpdate'>) => void,
): VerifiedCrl {
  let buf: Uint8Array;
  let frame: ReturnType<typeof parseCrlFrame>;
  try {
    buf = toDer(bytes, CRL_LABELS, MAX_CRL_BYTES);
    frame = parseCrlFrame(buf);
  } catch (error) {
    if (error instanceof JitrError) throw error; // e.g. CrlUnsupportedCriticalExtension
    // DerError, PemError, or a TypeError for input that is not bytes at all: all malformed.
    throw new CrlMalformedError(
      { kind: 'encoding', said: error instanceof Error ? error.message : String(error) },
      error,
    );
  }
  const failure = signedBy(frame, ca, 'cRLSign');
  if (failure !== null) {
    const names = { crlIssuer: frame.issuer.rfc4514, caSubject: ca.subject.rfc4514 };
    if (failure.check === 'unsupported-algorithm') {
      throw new CrlUnsupportedAlgorithmError(failure.signatureAlgorithm, names);
    }
    if (failure.check === 'signature') throw new CrlSignatureInvalidError(failure.signatureAlgorithm, names);
    // As verifyIssuedBy demands keyCertSign for certificates: a restricted key must allow cRLSign.
    if (
      failure.check === 'ca-constraints' &&
      failure.keyUsage !== null &&
      !failure.keyUsage.includes('cRLSign')
    ) {
      throw new CrlSignerNotAuthorizedError({ caSubject: names.caSubject, keyUsage: failure.keyUsage });
    }
    throw new CrlIssuerMismatchError(failure, names);
  }
  // Freshness before the (costlier) index walk: a stale CRL is refused without building it.
  checkFreshness(frame);
  const index =
    frame.revokedStart < 0
      ? new SerialIndex(buf, 0, 0)
      : new SerialIndex(buf, frame.revokedStart, frame.revokedEnd);
  return new IndexedCrl(buf, frame, index);
}
