// Issuer and validity checks on parsed certificates (pure: the clock is passed in).
import {
  CertificateExpiredError,
  CertificateNotIssuedByCaError,
  CertificateNotYetValidError,
  CertificateSignatureInvalidError,
  CertificateUnsupportedAlgorithmError,
} from './errors.js';
import { signedBy } from './signed-by.js';
import type { CertificateFacts } from './types.js';

/**
 * Default tolerance for clock differences between the issuing system and the handler (5 min,
 * the usual Kerberos/TLS allowance): a certificate issued seconds ago by a CA whose clock runs
 * ahead must not be refused, while anything further off is.
 */
export const DEFAULT_VALIDITY_SKEW_SECONDS = 300;

/**
 * Checks that `ca` issued `cert`: the issuer DN equals the CA subject (RFC 5280 comparison), the
 * CA may sign certificates (basicConstraints cA and keyUsage keyCertSign, when present), the
 * authorityKeyIdentifier matches the CA's subjectKeyIdentifier when both are present, and the
 * signature verifies with the CA's key (RSA PKCS#1 v1.5, RSA-PSS, ECDSA, Ed25519).
 *
 * @example
 * verifyIssuedBy(parseCertificate(devicePem), parseCertificate(caPem));
 * @throws {@link CertificateNotIssuedByCaError} issuer DN, AKI/SKI or CA constraints do not match.
 * @throws {@link CertificateUnsupportedAlgorithmError} the signature algorithm is not supported.
 * @throws {@link CertificateSignatureInvalidError} the signature does not verify.
 */
export function verifyIssuedBy(cert: CertificateFacts, ca: CertificateFacts): void {
  const failure = signedBy({ ...cert, signature: cert.signatureValue }, ca, 'keyCertSign');
  if (failure === null) return;
  const names = { issuer: cert.issuer.rfc4514, caSubject: ca.subject.rfc4514 };
  if (failure.check === 'unsupported-algorithm') {
    throw new CertificateUnsupportedAlgorithmError(failure.signatureAlgorithm, names);
  }
  if (failure.check === 'signature')
    throw new CertificateSignatureInvalidError(failure.signatureAlgorithm, names);
  throw new CertificateNotIssuedByCaError(failure, names);
}

/**
 * Checks `notBefore − skew ≤ now ≤ notAfter + skew`.
 *
 * @example
 * checkValidity(facts, new Date(), DEFAULT_VALIDITY_SKEW_SECONDS);
 * @throws {@link CertificateNotYetValidError}
 * @throws {@link CertificateExpiredError}
 */
export function checkValidity(cert: CertificateFacts, now: Date, skewSeconds: number): void {
  const skewMs = skewSeconds * 1000;
  const details = {
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    now: now.toISOString(),
    skewSeconds,
  };
  if (now.getTime() < cert.notBefore.getTime() - skewMs) {
    throw new CertificateNotYetValidError(details);
  }
  if (now.getTime() > cert.notAfter.getTime() + skewMs) {
    throw new CertificateExpiredError(details);
  }
}
