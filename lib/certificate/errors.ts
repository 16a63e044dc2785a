// Error types of the certificate area (see lib/errors/jitr-error.ts for the model).
import { JitrError, type JitrErrorOptions } from '../errors/jitr-error.js';

type Extra = Pick<JitrErrorOptions, 'details' | 'cause'>;

/** The input is not a parseable X.509 certificate (PEM or DER). */
export class CertificateMalformedError extends JitrError {
  readonly code = 'CertificateMalformed';
  readonly outcome = 'invalid-input' as const;
  constructor(message: string, extra: Extra = {}) {
    super(`Malformed certificate: ${message}`, {
      step: 'certificate-parse',
      remedy: 'Supply a DER or PEM X.509 certificate; check that the file is not truncated or re-encoded.',
      ...extra,
    });
  }
}

/** The certificate's issuer is not the CA (issuer DN, AKI/SKI, or CA constraints). */
export class CertificateNotIssuedByCaError extends JitrError {
  readonly code = 'CertificateNotIssuedByCa';
  readonly outcome = 'rejected' as const;
  constructor(message: string, extra: Extra = {}) {
    super(message, {
      step: 'certificate-issuer',
      remedy: 'Issue the device certificate from the CA it was registered under (or register its real CA).',
      ...extra,
    });
  }
}

/** The CA's key does not verify the certificate's signature. */
export class CertificateSignatureInvalidError extends JitrError {
  readonly code = 'CertificateSignatureInvalid';
  readonly outcome = 'rejected' as const;
  constructor(message: string, extra: Extra = {}) {
    super(message, {
      step: 'certificate-issuer',
      remedy: 'The certificate was not signed by this CA key or was altered; reissue it from the CA.',
      ...extra,
    });
  }
}

/** The signature algorithm is not one this handler verifies (fails closed). */
export class CertificateUnsupportedAlgorithmError extends JitrError {
  readonly code = 'CertificateUnsupportedAlgorithm';
  readonly outcome = 'rejected' as const;
  constructor(message: string, extra: Extra = {}) {
    super(message, {
      step: 'certificate-issuer',
      remedy:
        'Sign device certificates with RSA PKCS#1 v1.5 or RSA-PSS (SHA-256/384/512), ECDSA (SHA-256/384/512) or Ed25519.',
      ...extra,
    });
  }
}

/** now > notAfter + skew. */
export class CertificateExpiredError extends JitrError {
  readonly code = 'CertificateExpired';
  readonly outcome = 'rejected' as const;
  constructor(message: string, extra: Extra = {}) {
    super(message, {
      step: 'certificate-validity',
      remedy: 'Issue the device a new certificate.',
      ...extra,
    });
  }
}

/** now < notBefore − skew. */
export class CertificateNotYetValidError extends JitrError {
  readonly code = 'CertificateNotYetValid';
  readonly outcome = 'rejected' as const;
  constructor(message: string, extra: Extra = {}) {
    super(message, {
      step: 'certificate-validity',
      remedy: "Check the issuing system's clock, or wait until notBefore and retry.",
      ...extra,
    });
  }
}

/** A critical extension this handler does not recognise (RFC 5280 §4.2: MUST reject). */
export class CertificateUnsupportedCriticalExtensionError extends JitrError {
  readonly code = 'CertificateUnsupportedCriticalExtension';
  readonly outcome = 'rejected' as const;
  constructor(message: string, extra: Extra = {}) {
    super(message, {
      step: 'certificate-extensions',
      remedy:
        'Issue the device certificate without that critical extension, or mark it non-critical (recognised critical extensions: basicConstraints, keyUsage, extKeyUsage, subjectAltName, subjectKeyIdentifier, authorityKeyIdentifier, certificatePolicies).',
      ...extra,
    });
  }
}

/** The device certificate is itself a CA (basicConstraints cA=TRUE). */
export class CertificateIsCaError extends JitrError {
  readonly code = 'CertificateIsCa';
  readonly outcome = 'rejected' as const;
  constructor(message: string, extra: Extra = {}) {
    super(message, {
      step: 'certificate-extensions',
      remedy:
        'Issue the device an end-entity certificate (basicConstraints cA=FALSE or absent); a CA certificate is never activated as a device.',
      ...extra,
    });
  }
}
