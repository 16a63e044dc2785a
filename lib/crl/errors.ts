// Error types of the crl area (see lib/errors.ts for the model).
//
// Every CRL fault is `transient`: the device is not at fault, the CRL must be fixed or
// refreshed, and the event retried (issue 3: "a missing, unreadable, invalid or stale CRL is a
// transient failure: the event is retried and ends in the DLQ, nothing is activated").
import { JitrError, type JitrErrorOptions } from '../errors/jitr-error.js';

type Extra = Pick<JitrErrorOptions, 'details' | 'cause'>;
const STEP = 'crl';

/** The bytes are not a well-formed X.509 CRL (PEM or DER). */
export class CrlMalformedError extends JitrError {
  readonly code = 'CrlMalformed';
  readonly outcome = 'transient' as const;
  constructor(message: string, extra: Extra = {}) {
    super(`Malformed CRL: ${message}`, {
      step: STEP,
      remedy: 'Publish a DER (or PEM) X.509 CRL produced by the CA; check that the upload is complete.',
      ...extra,
    });
  }
}

/** The CRL's signature does not verify with the CA's key. */
export class CrlSignatureInvalidError extends JitrError {
  readonly code = 'CrlSignatureInvalid';
  readonly outcome = 'transient' as const;
  constructor(message: string, extra: Extra = {}) {
    super(message, {
      step: STEP,
      remedy:
        "Publish a CRL signed by this CA's private key (the object may be corrupted or from another CA).",
      ...extra,
    });
  }
}

/** The CRL's signature algorithm is not one this handler verifies. */
export class CrlUnsupportedAlgorithmError extends JitrError {
  readonly code = 'CrlUnsupportedAlgorithm';
  readonly outcome = 'transient' as const;
  constructor(message: string, extra: Extra = {}) {
    super(message, {
      step: STEP,
      remedy:
        'Sign the CRL with RSA PKCS#1 v1.5 or RSA-PSS (SHA-256/384/512), ECDSA (SHA-256/384/512) or Ed25519.',
      ...extra,
    });
  }
}

/** The CRL's issuer (or its authorityKeyIdentifier) is not the CA. */
export class CrlIssuerMismatchError extends JitrError {
  readonly code = 'CrlIssuerMismatch';
  readonly outcome = 'transient' as const;
  constructor(message: string, extra: Extra = {}) {
    super(message, {
      step: STEP,
      remedy:
        "Publish this CA's own CRL at the CA's key (CRL_KEY_TEMPLATE); another CA's CRL says nothing about it.",
      ...extra,
    });
  }
}

/** now is past nextUpdate + the allowed staleness (or the CRL has no nextUpdate). */
export class CrlStaleError extends JitrError {
  readonly code = 'CrlStale';
  readonly outcome = 'transient' as const;
  constructor(message: string, extra: Extra = {}) {
    super(message, {
      step: STEP,
      remedy:
        'Publish a fresh CRL (before nextUpdate), or raise CRL_MAX_STALENESS if late publication is acceptable.',
      ...extra,
    });
  }
}

/** thisUpdate is in the future (beyond the clock-skew allowance). */
export class CrlNotYetValidError extends JitrError {
  readonly code = 'CrlNotYetValid';
  readonly outcome = 'transient' as const;
  constructor(message: string, extra: Extra = {}) {
    super(message, {
      step: STEP,
      remedy: 'Check the clock of the system that signs the CRL; thisUpdate must not be in the future.',
      ...extra,
    });
  }
}

/** A critical CRL or entry extension this handler does not implement (RFC 5280 §5.2, §5.3). */
export class CrlUnsupportedCriticalExtensionError extends JitrError {
  readonly code = 'CrlUnsupportedCriticalExtension';
  readonly outcome = 'transient' as const;
  constructor(message: string, extra: Extra = {}) {
    super(message, {
      step: STEP,
      remedy:
        'Publish a complete, direct CRL without that critical extension (delta, indirect and partitioned-by-reason CRLs are not supported).',
      ...extra,
    });
  }
}
