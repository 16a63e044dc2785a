// Error types of the S3 CRL store and the revocation decision (see lib/errors/jitr-error.ts for the model).
import { s3ObjectArn } from '../arn/arn.js';
import { JitrError } from '../errors/jitr-error.js';

const STEP = 'crl';

/** Where a CRL object lives; every store error carries it so the log names the exact object. */
export interface CrlObjectLocation {
  bucket: string;
  key: string;
  caCertificateId: string;
}

/**
 * The handler's role may not read the CRL object. S3 also answers `AccessDenied` (not
 * `NoSuchKey`) for a missing object when the role lacks `s3:ListBucket` on the bucket.
 */
export class CrlAccessDeniedError extends JitrError {
  readonly code = 'CrlAccessDenied';
  readonly disposition = 'configuration' as const;
  constructor(location: CrlObjectLocation, options: { awsErrorName?: string; cause?: unknown } = {}) {
    super(`Access denied reading the CRL s3://${location.bucket}/${location.key}`, {
      step: STEP,
      remedy:
        `Allow s3:GetObject on ${s3ObjectArn(location.bucket, location.key)} for the handler's role ` +
        '(and check that the object exists: without s3:ListBucket S3 reports a missing object as AccessDenied).',
      awsErrorName: options.awsErrorName,
      details: {
        ...location,
        missingPermission: 's3:GetObject',
        resource: s3ObjectArn(location.bucket, location.key),
      },
      cause: options.cause,
    });
  }
}

/** The configured CRL bucket does not exist (in this region/account). */
export class CrlBucketNotFoundError extends JitrError {
  readonly code = 'CrlBucketNotFound';
  readonly disposition = 'configuration' as const;
  constructor(location: CrlObjectLocation, options: { awsErrorName?: string; cause?: unknown } = {}) {
    super(`The CRL bucket ${location.bucket} does not exist`, {
      step: STEP,
      remedy: "Set CRL_BUCKET to an existing bucket in the function's region (or create it).",
      awsErrorName: options.awsErrorName,
      details: { ...location },
      cause: options.cause,
    });
  }
}

/** S3 could not be read right now (network, 5xx, throttling, or another S3 error). Retried. */
export class CrlUnavailableError extends JitrError {
  readonly code = 'CrlUnavailable';
  readonly disposition = 'transient' as const;
  constructor(
    location: CrlObjectLocation,
    options: { awsErrorName?: string; httpStatusCode?: number; cause?: unknown } = {},
  ) {
    const reason =
      options.awsErrorName ?? (options.cause instanceof Error ? options.cause.message : 'unknown');
    super(`Could not read the CRL s3://${location.bucket}/${location.key}: ${reason}`, {
      step: STEP,
      remedy:
        'Transient: the function retries the event by itself (run a command again); if it persists, check S3 availability and the network path to S3.',
      awsErrorName: options.awsErrorName,
      details: {
        ...location,
        ...(options.httpStatusCode === undefined ? {} : { httpStatusCode: options.httpStatusCode }),
      },
      cause: options.cause,
    });
  }
}

/** `CRL_MODE=required` and the CA has no CRL object. Nothing is activated; the event is retried. */
export class CrlMissingError extends JitrError {
  readonly code = 'CrlMissing';
  readonly disposition = 'transient' as const;
  constructor(location: { caCertificateId: string }) {
    super(`No CRL is published for CA ${location.caCertificateId} and CRL_MODE is required`, {
      step: STEP,
      remedy:
        "Publish the CA's CRL (jitr pki crl && jitr pki publish-crl --bucket $CRL_BUCKET), then replay the event; " +
        'or set CRL_MODE=optional to allow CAs without a CRL.',
      details: { ...location },
    });
  }
}

/**
 * The CRL step failed in a way no other error describes (an unexpected exception while reading
 * or verifying the CRL). Fails closed as transient, as issue 3 requires for an unreadable or
 * invalid CRL; the original is kept as `cause` (and its code, if any, in `details.crlErrorCode`).
 */
export class CrlNotUsableError extends JitrError {
  readonly code = 'CrlNotUsable';
  readonly disposition = 'transient' as const;
  constructor(caCertificateId: string, cause: unknown) {
    const inner = cause instanceof JitrError ? cause : undefined;
    super(
      `The CRL of CA ${caCertificateId} cannot be used: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        step: STEP,
        remedy:
          inner?.remedy ??
          'Publish a valid, current CRL signed by the CA (jitr crl inspect checks a CRL file offline), then replay the event.',
        details: {
          caCertificateId,
          ...(inner === undefined ? {} : { crlErrorCode: inner.code, ...inner.details }),
        },
        cause,
      },
    );
  }
}
