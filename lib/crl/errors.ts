// Error types of the crl area (see lib/errors/jitr-error.ts for the model).
//
// Every CRL fault is `transient`: the device is not at fault, the CRL must be fixed or
// refreshed, and the event retried (issue 3: "a missing, unreadable, invalid or stale CRL is a
// transient failure: the event is retried and ends in the DLQ, nothing is activated").
import { failureFacts, type IssuerFailure } from '../certificate/signed-by.js';
import { JitrError } from '../errors/jitr-error.js';

const STEP = 'crl';

/** The names compared by the issuer check, as RFC 4514 text. */
export interface CrlNames {
  crlIssuer: string;
  caSubject: string;
}

/** The CRL's window and the clock it was checked against (ISO 8601). */
export interface CrlFreshnessFacts {
  thisUpdate: string;
  nextUpdate: string | null;
  now: string;
  maxStalenessSeconds: number;
}

/**
 * Why the bytes are not a CRL: the DER/PEM reader's words (`said`), at a byte offset when the
 * reader knows it, in a revoked entry, or an object too large to be read at all.
 */
export type CrlMalformation =
  | { kind: 'encoding'; said: string; offset?: number }
  | { kind: 'entry'; said: string; offset: number }
  | { kind: 'too-large'; bytes: number; maxBytes: number; location: Record<string, unknown> };

function malformation(p: CrlMalformation): { reason: string; details?: Record<string, unknown> } {
  switch (p.kind) {
    case 'encoding':
      return p.offset === undefined
        ? { reason: p.said }
        : { reason: `${p.said} (at byte ${p.offset})`, details: { offset: p.offset } };
    case 'entry':
      return { reason: `revoked entry at byte ${p.offset}: ${p.said}` };
    case 'too-large':
      return {
        reason: `the object has ${p.bytes} bytes; at most ${p.maxBytes} are accepted`,
        details: { ...p.location, contentLength: p.bytes, maxBytes: p.maxBytes },
      };
  }
}

/** The bytes are not a well-formed X.509 CRL (PEM or DER). */
export class CrlMalformedError extends JitrError {
  readonly code = 'CrlMalformed';
  readonly disposition = 'transient' as const;
  constructor(problem: CrlMalformation, cause?: unknown) {
    const { reason, details } = malformation(problem);
    super(`Malformed CRL: ${reason}`, {
      step: STEP,
      remedy: 'Publish a DER (or PEM) X.509 CRL produced by the CA; check that the upload is complete.',
      ...(details === undefined ? {} : { details }),
      ...(cause === undefined ? {} : { cause }),
    });
  }
}

/** The CRL's signature does not verify with the CA's key. */
export class CrlSignatureInvalidError extends JitrError {
  readonly code = 'CrlSignatureInvalid';
  readonly disposition = 'transient' as const;
  constructor(signatureAlgorithm: string, names: CrlNames) {
    super("CRL signature does not verify with the CA's key", {
      step: STEP,
      remedy:
        "Publish a CRL signed by this CA's private key (the object may be corrupted or from another CA).",
      details: { ...names, signatureAlgorithm },
    });
  }
}

/** The CRL's signature algorithm is not one this handler verifies. */
export class CrlUnsupportedAlgorithmError extends JitrError {
  readonly code = 'CrlUnsupportedAlgorithm';
  readonly disposition = 'transient' as const;
  constructor(signatureAlgorithm: string, names: CrlNames) {
    super(`Unsupported CRL signature algorithm ${signatureAlgorithm}`, {
      step: STEP,
      remedy:
        'Sign the CRL with RSA PKCS#1 v1.5 or RSA-PSS (SHA-256/384/512), ECDSA (SHA-256/384/512) or Ed25519.',
      details: { ...names, signatureAlgorithm },
    });
  }
}

/** The CRL's issuer (or its authorityKeyIdentifier) is not the CA, or the CA may not sign CRLs. */
export class CrlIssuerMismatchError extends JitrError {
  readonly code = 'CrlIssuerMismatch';
  readonly disposition = 'transient' as const;
  constructor(failure: IssuerFailure, names: CrlNames) {
    const message =
      failure.check === 'issuer-name'
        ? `CRL issuer "${names.crlIssuer}" is not the CA "${names.caSubject}"`
        : failure.check === 'ca-constraints'
          ? // RFC 5280 §6.3.3 (f): the CRL issuer's keyUsage, when present, must allow cRLSign.
            `"${names.caSubject}" is not allowed to sign CRLs`
          : "CRL authorityKeyIdentifier does not match the CA's key";
    super(message, {
      step: STEP,
      remedy:
        "Publish this CA's own CRL at the CA's key (CRL_KEY_TEMPLATE); another CA's CRL says nothing about it.",
      details: { ...names, ...failureFacts(failure) },
    });
  }
}

/** now is past nextUpdate + the allowed staleness (or the CRL has no nextUpdate). */
export class CrlStaleError extends JitrError {
  readonly code = 'CrlStale';
  readonly disposition = 'transient' as const;
  constructor(freshness: CrlFreshnessFacts) {
    super(
      freshness.nextUpdate === null
        ? 'CRL has no nextUpdate, so its freshness cannot be established'
        : `CRL is stale: nextUpdate ${freshness.nextUpdate} (+${freshness.maxStalenessSeconds} s allowed) has passed`,
      {
        step: STEP,
        remedy:
          'Publish a fresh CRL (before nextUpdate), or raise CRL_MAX_STALENESS if late publication is acceptable.',
        details: { ...freshness },
      },
    );
  }
}

/** thisUpdate is in the future (beyond the clock-skew allowance). */
export class CrlNotYetValidError extends JitrError {
  readonly code = 'CrlNotYetValid';
  readonly disposition = 'transient' as const;
  constructor(freshness: CrlFreshnessFacts & { clockSkewSeconds: number }) {
    super(`CRL thisUpdate ${freshness.thisUpdate} is in the future`, {
      step: STEP,
      remedy: 'Check the clock of the system that signs the CRL; thisUpdate must not be in the future.',
      details: { ...freshness },
    });
  }
}

/** Which critical extension the CRL (or one of its entries) carries that this handler does not implement. */
export type UnsupportedCrlExtension =
  | { kind: 'delta'; oid: string }
  /** issuingDistributionPoint narrows the CRL's scope (`field`: onlyContainsCACerts, indirectCRL…). */
  | { kind: 'scope'; oid: string; field: string }
  | { kind: 'crl-extension'; oid: string }
  /** An entry's extension: its OID as DER hex (the fast reader does not decode it) and the entry's offset. */
  | { kind: 'entry-extension'; oidDer: string; offset: number };

function unsupportedExtension(p: UnsupportedCrlExtension): {
  message: string;
  details: Record<string, unknown>;
} {
  switch (p.kind) {
    case 'delta':
      return {
        message: 'A delta CRL is not a complete list of revoked certificates',
        details: { oid: p.oid, level: 'crl' },
      };
    case 'scope':
      return {
        message: `CRL issuingDistributionPoint sets ${p.field}, so it may not cover device certificates`,
        details: { oid: p.oid, level: 'crl' },
      };
    case 'crl-extension':
      return {
        message: `CRL carries an unsupported critical extension ${p.oid}`,
        details: { oid: p.oid, level: 'crl' },
      };
    case 'entry-extension':
      return {
        message: `CRL entry carries an unsupported critical extension (OID DER ${p.oidDer})`,
        details: { offset: p.offset, oidDer: p.oidDer, level: 'entry' },
      };
  }
}

/** A critical CRL or entry extension this handler does not implement (RFC 5280 §5.2, §5.3). */
export class CrlUnsupportedCriticalExtensionError extends JitrError {
  readonly code = 'CrlUnsupportedCriticalExtension';
  readonly disposition = 'transient' as const;
  constructor(extension: UnsupportedCrlExtension) {
    const { message, details } = unsupportedExtension(extension);
    super(message, {
      step: STEP,
      remedy:
        'Publish a complete, direct CRL without that critical extension (delta, indirect and partitioned-by-reason CRLs are not supported).',
      details,
    });
  }
}

/**
 * The CA's certificate restricts its key (keyUsage) and does not allow it to sign CRLs
 * (cRLSign), so a CRL signed with it proves nothing (RFC 5280 5.1.1.3, 4.2.1.3). The operator
 * registered a CA whose CRLs come from another key, or published the wrong CA's CRL.
 */
export class CrlSignerNotAuthorizedError extends JitrError {
  readonly code = 'CrlSignerNotAuthorized';
  readonly disposition = 'configuration' as const;
  constructor(facts: { caSubject: string; keyUsage: readonly string[] }) {
    super(
      `The CA "${facts.caSubject}" may not sign CRLs: its keyUsage (${facts.keyUsage.join(', ') || 'none'}) lacks cRLSign`,
      {
        step: STEP,
        remedy:
          "Register a CA certificate whose keyUsage includes cRLSign (or has no keyUsage), or publish a CRL signed by the CA's own CRL-signing key; then replay.",
        details: { caSubject: facts.caSubject, keyUsage: [...facts.keyUsage] },
      },
    );
  }
}

/**
 * The published CRL is partitioned (its issuingDistributionPoint names distribution points) and
 * the device certificate names none of them in cRLDistributionPoints (or has none): the CRL says
 * nothing about this certificate (RFC 5280 6.3.3 b; OpenSSL: "different CRL scope"), so "not
 * listed" would not mean "not revoked".
 */
export class CrlScopeMismatchError extends JitrError {
  readonly code = 'CrlScopeMismatch';
  readonly disposition = 'configuration' as const;
  constructor(facts: {
    caCertificateId: string;
    crlDistributionPoints: readonly string[];
    certificateDistributionPoints: readonly string[] | null;
  }) {
    const named =
      facts.certificateDistributionPoints === null
        ? 'names no CRL distribution point'
        : `names ${facts.certificateDistributionPoints.join(', ') || 'no usable distribution point'}`;
    super(
      `The CRL of CA ${facts.caCertificateId} covers only ${facts.crlDistributionPoints.join(', ')}; the certificate ${named}`,
      {
        step: STEP,
        remedy:
          "Publish a complete CRL for the CA at its CRL key (an issuingDistributionPoint without distributionPoint), or one whose distribution point is the one the CA writes into its devices' cRLDistributionPoints; then replay.",
        details: { ...facts },
      },
    );
  }
}

/** Evidence that a certificate is on its CA's CRL; logged with the decision. */
export interface RevocationEvidence {
  /** The certificate's serial (lowercase hex of the DER INTEGER content). */
  serial: string;
  /** ISO 8601. */
  revocationDate: string;
  /** RFC 5280 reason name, or null when the CRL entry has none. */
  reason: string | null;
  /** cRLNumber as a decimal string, or null when the CRL has none. */
  crlNumber: string | null;
  thisUpdate: string;
  nextUpdate: string | null;
}

/** The device certificate is listed on its CA's CRL. The handler sets its status to REVOKED. */
export class CertificateRevokedError extends JitrError {
  readonly code = 'CertificateRevoked';
  readonly disposition = 'rejected' as const;
  readonly evidence: RevocationEvidence;
  constructor(caCertificateId: string, evidence: RevocationEvidence) {
    super(`Certificate serial ${evidence.serial} is revoked on the CRL of CA ${caCertificateId}`, {
      step: STEP,
      remedy: 'None for this certificate: the CA revoked it. Issue the device a new certificate.',
      details: { caCertificateId, ...evidence },
    });
    this.evidence = evidence;
  }
}
