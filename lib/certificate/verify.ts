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
  const details = { issuer: cert.issuer.rfc4514, caSubject: ca.subject.rfc4514 };
  switch (failure.check) {
    case 'issuer-name':
      throw new CertificateNotIssuedByCaError(
        `Certificate issuer "${cert.issuer.rfc4514}" is not the CA "${ca.subject.rfc4514}"`,
        { details },
      );
    case 'ca-constraints':
      throw new CertificateNotIssuedByCaError(`"${ca.subject.rfc4514}" is not allowed to sign certificates`, {
        details: { ...details, isCa: failure.isCa, keyUsage: failure.keyUsage },
      });
    case 'authority-key-identifier':
      throw new CertificateNotIssuedByCaError(
        'Certificate authorityKeyIdentifier does not match the CA key',
        {
          details: {
            ...details,
            authorityKeyIdentifier: failure.authorityKeyIdentifier,
            caSubjectKeyIdentifier: failure.caSubjectKeyIdentifier,
          },
        },
      );
    case 'unsupported-algorithm':
      throw new CertificateUnsupportedAlgorithmError(
        `Unsupported certificate signature algorithm ${failure.signatureAlgorithm}`,
        { details: { ...details, signatureAlgorithm: failure.signatureAlgorithm } },
      );
    case 'signature':
      throw new CertificateSignatureInvalidError('Certificate signature does not verify with the CA key', {
        details: { ...details, signatureAlgorithm: failure.signatureAlgorithm },
      });
  }
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
    throw new CertificateNotYetValidError(`Certificate is not valid before ${details.notBefore}`, {
      details,
    });
  }
  if (now.getTime() > cert.notAfter.getTime() + skewMs) {
    throw new CertificateExpiredError(`Certificate expired at ${details.notAfter}`, { details });
  }
}
