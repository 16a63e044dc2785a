// Error types of the `jitr pki` toolkit (operator CLI; not part of the handler).
import { s3ObjectArn } from '../arn/arn.js';
import { JitrError } from '../errors/jitr-error.js';

/** `jitr pki create-ca` would overwrite an existing CA. */
export class PkiCaExistsError extends JitrError {
  readonly code = 'PkiCaExists';
  readonly disposition = 'invalid-input' as const;
  constructor(path: string) {
    super(`A CA already exists at ${path}`, {
      step: 'pki-create-ca',
      remedy:
        'Use another --dir, or move the existing CA away first (its key cannot be recovered if overwritten).',
      path,
    });
  }
}

/** A `jitr pki` command would overwrite a certificate or key file. */
export class PkiFileExistsError extends JitrError {
  readonly code = 'PkiFileExists';
  readonly disposition = 'invalid-input' as const;
  constructor(path: string) {
    super(`${path} already exists`, {
      step: 'pki',
      remedy: 'Choose another --out-dir (or --out), or move the existing file away first.',
      path,
    });
  }
}

/** A `jitr pki` command needs a CA that is not there. */
export class PkiCaNotFoundError extends JitrError {
  readonly code = 'PkiCaNotFound';
  readonly disposition = 'invalid-input' as const;
  constructor(path: string, cause?: unknown) {
    super(`No CA found at ${path}`, {
      step: 'pki',
      remedy: 'Run jitr pki create-ca first, or pass --dir with the CA directory.',
      path,
      cause,
    });
  }
}

/** A CA directory file exists but cannot be used (corrupt JSON, wrong shape, key not matching the certificate). */
export class PkiStateInvalidError extends JitrError {
  readonly code = 'PkiStateInvalid';
  readonly disposition = 'invalid-input' as const;
  constructor(path: string, reason: string, cause?: unknown) {
    super(`${path} cannot be used: ${reason}`, {
      step: 'pki',
      remedy: 'Restore the file from a backup, or fix it by hand (it is JSON).',
      path,
      cause,
    });
  }
}

/** A command-line value is malformed (serial, reason, subject, number of days, key type). */
export class PkiInvalidArgumentError extends JitrError {
  readonly code = 'PkiInvalidArgument';
  readonly disposition = 'invalid-input' as const;
  constructor(option: string, reason: string) {
    super(`Invalid ${option}: ${reason}`, {
      step: 'pki',
      remedy: `Fix ${option} (see jitr pki --help).`,
      details: { option },
    });
  }
}

/** Uploading the CRL failed. */
export class PkiPublishFailedError extends JitrError {
  readonly code = 'PkiPublishFailed';
  readonly disposition = 'transient' as const;
  constructor(bucket: string, key: string, awsErrorName: string | undefined, cause: unknown) {
    super(
      `Could not upload the CRL to s3://${bucket}/${key}: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        step: 'pki-publish-crl',
        remedy:
          awsErrorName === 'AccessDenied'
            ? `Allow s3:PutObject on ${s3ObjectArn(bucket, key)} for your credentials.`
            : 'Check the bucket name, region, credentials and AWS_ENDPOINT_URL_S3, then retry.',
        awsErrorName,
        details: { bucket, key },
        cause,
      },
    );
  }
}
