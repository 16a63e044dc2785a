// Error types of the certificate area (see lib/errors/jitr-error.ts for the model).
// One construction style: each class takes the facts and builds its message and remedy.
import { JitrError } from '../errors/jitr-error.js';
import { failureFacts, type IssuerFailure } from './signed-by.js';

/** The names compared by the issuer check, as RFC 4514 text. */
export interface CertificateNames {
  issuer: string;
  caSubject: string;
}

/** The validity window and the clock it was checked against (ISO 8601). */
export interface ValidityFacts {
  notBefore: string;
  notAfter: string;
  now: string;
  skewSeconds: number;
}

/**
 * Why the input is not a certificate: the DER/PEM reader's words (`said`: which element, at
 * which byte), or input that is not even text or bytes.
 */
export type CertificateMalformation = { kind: 'encoding'; said: string } | { kind: 'not-text-or-bytes' };

/** The input is not a parseable X.509 certificate (PEM or DER). */
export class CertificateMalformedError extends JitrError {
  readonly code = 'CertificateMalformed';
  readonly disposition = 'invalid-input' as const;
  constructor(problem: CertificateMalformation, cause?: unknown) {
    const reason = problem.kind === 'encoding' ? problem.said : 'input is neither a string nor bytes';
    super(`Malformed certificate: ${reason}`, {
      step: 'certificate-parse',
      remedy: 'Supply a DER or PEM X.509 certificate; check that the file is not truncated or re-encoded.',
      ...(cause === undefined ? {} : { cause }),
    });
  }
}

/** The certificate's issuer is not the CA (issuer DN, AKI/SKI, or CA constraints). */
export class CertificateNotIssuedByCaError extends JitrError {
  readonly code = 'CertificateNotIssuedByCa';
  readonly disposition = 'rejected' as const;
  constructor(failure: IssuerFailure, names: CertificateNames) {
    const message =
      failure.check === 'issuer-name'
        ? `Certificate issuer "${names.issuer}" is not the CA "${names.caSubject}"`
        : failure.check === 'ca-constraints'
          ? `"${names.caSubject}" is not allowed to sign certificates`
          : 'Certificate authorityKeyIdentifier does not match the CA key';
    super(message, {
      step: 'certificate-issuer',
      remedy: 'Issue the device certificate from the CA it was registered under (or register its real CA).',
      details: { ...names, ...failureFacts(failure) },
    });
  }
}

/** The CA's key does not verify the certificate's signature. */
export class CertificateSignatureInvalidError extends JitrError {
  readonly code = 'CertificateSignatureInvalid';
  readonly disposition = 'rejected' as const;
  constructor(signatureAlgorithm: string, names: CertificateNames) {
    super('Certificate signature does not verify with the CA key', {
      step: 'certificate-issuer',
      remedy: 'The certificate was not signed by this CA key or was altered; reissue it from the CA.',
      details: { ...names, signatureAlgorithm },
    });
  }
}

/** The signature algorithm is not one this handler verifies (fails closed). */
export class CertificateUnsupportedAlgorithmError extends JitrError {
  readonly code = 'CertificateUnsupportedAlgorithm';
  readonly disposition = 'rejected' as const;
  constructor(signatureAlgorithm: string, names: CertificateNames) {
    super(`Unsupported certificate signature algorithm ${signatureAlgorithm}`, {
      step: 'certificate-issuer',
      remedy:
        'Sign device certificates with RSA PKCS#1 v1.5 or RSA-PSS (SHA-256/384/512), ECDSA (SHA-256/384/512) or Ed25519.',
      details: { ...names, signatureAlgorithm },
    });
  }
}

/** now > notAfter + skew. */
export class CertificateExpiredError extends JitrError {
  readonly code = 'CertificateExpired';
  readonly disposition = 'rejected' as const;
  constructor(validity: ValidityFacts) {
    super(`Certificate expired at ${validity.notAfter}`, {
      step: 'certificate-validity',
      remedy: 'Issue the device a new certificate.',
      details: { ...validity },
    });
  }
}

/** now < notBefore − skew. */
export class CertificateNotYetValidError extends JitrError {
  readonly code = 'CertificateNotYetValid';
  readonly disposition = 'rejected' as const;
  constructor(validity: ValidityFacts) {
    super(`Certificate is not valid before ${validity.notBefore}`, {
      step: 'certificate-validity',
      remedy: "Check the issuing system's clock, or wait until notBefore and retry.",
      details: { ...validity },
    });
  }
}

/** A critical extension this handler does not recognise (RFC 5280 §4.2: MUST reject). */
export class CertificateUnsupportedCriticalExtensionError extends JitrError {
  readonly code = 'CertificateUnsupportedCriticalExtension';
  readonly disposition = 'rejected' as const;
  constructor(oid: string) {
    super(`Certificate carries an unsupported critical extension ${oid}`, {
      step: 'certificate-extensions',
      remedy:
        'Issue the device certificate without that critical extension, or mark it non-critical (recognised critical extensions: basicConstraints, keyUsage, extKeyUsage, subjectAltName, subjectKeyIdentifier, authorityKeyIdentifier, certificatePolicies).',
      details: { oid },
    });
  }
}

/** The device certificate is itself a CA (basicConstraints cA=TRUE). */
export class CertificateIsCaError extends JitrError {
  readonly code = 'CertificateIsCa';
  readonly disposition = 'rejected' as const;
  constructor() {
    super('Certificate is a CA certificate (basicConstraints cA=TRUE), not a device', {
      step: 'certificate-extensions',
      remedy:
        'Issue the device an end-entity certificate (basicConstraints cA=FALSE or absent); a CA certificate is never activated as a device.',
    });
  }
}
