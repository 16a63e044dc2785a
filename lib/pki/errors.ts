// Error types of the `jitr pki` toolkit (operator CLI; not part of the handler). Built from
// the problem's facts (the file, the option, the value); each class writes its own message
// and remedy, so no throw site words an error.
import { s3ObjectArn } from '../arn/arn.js';
import { CA_ID_PLACEHOLDER } from '../crl/object-key.js';
import { REVOCATION_REASON_CODES } from '../crl/reasons.js';
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

/** Why a CA directory file cannot be used: the kind, and where in the file (`revoked[2]`). */
export type PkiStateProblem =
  | { kind: 'not-json' }
  | { kind: 'not-an-object'; at?: string }
  | { kind: 'version' }
  | { kind: 'last-crl-number' }
  | { kind: 'revoked-not-a-list' }
  | { kind: 'serial'; at: string }
  | { kind: 'revocation-date'; at: string }
  | { kind: 'reason'; at: string }
  /** The CA's files do not load (key and certificate do not match, …): what the loader said. */
  | { kind: 'ca-files'; said: string };

function stateReason(p: PkiStateProblem): string {
  switch (p.kind) {
    case 'not-json':
      return 'not JSON';
    case 'not-an-object':
      return p.at === undefined ? 'not an object' : `${p.at} is not an object`;
    case 'version':
      return 'version must be 1';
    case 'last-crl-number':
      return 'lastCrlNumber must be a non-negative integer';
    case 'revoked-not-a-list':
      return 'revoked must be an array';
    case 'serial':
      return `${p.at}.serial must be lowercase hex`;
    case 'revocation-date':
      return `${p.at}.revocationDate must be an ISO date`;
    case 'reason':
      return `${p.at}.reason is not an RFC 5280 reason name`;
    case 'ca-files':
      return p.said;
  }
}

/** A CA directory file exists but cannot be used (corrupt JSON, wrong shape, key not matching the certificate). */
export class PkiStateInvalidError extends JitrError {
  readonly code = 'PkiStateInvalid';
  readonly disposition = 'invalid-input' as const;
  readonly problem: PkiStateProblem;
  constructor(path: string, problem: PkiStateProblem, cause?: unknown) {
    super(`${path} cannot be used: ${stateReason(problem)}`, {
      step: 'pki',
      remedy: 'Restore the file from a backup, or fix it by hand (it is JSON).',
      path,
      cause,
    });
    this.problem = problem;
  }
}

/** What is wrong with a `jitr pki` command-line value: the kind and the value given. */
export type PkiArgumentProblem =
  | { kind: 'ca-certificate-id' }
  | { kind: 'key-template-placeholder' }
  | { kind: 'registration-code' }
  | { kind: 'serial-or-cert' }
  | { kind: 'serial'; value: string }
  | { kind: 'not-a-certificate'; file: string; said: string }
  | { kind: 'not-issued-by-ca'; file: string; code: string }
  | { kind: 'reason'; value: string }
  | { kind: 'key-type'; value: string }
  | { kind: 'curve-without-ec' }
  | { kind: 'curve'; value: string }
  | { kind: 'days'; option: string; value: string | number; max: number }
  /** The subject does not parse; `said` is the parser's reason. */
  | { kind: 'subject'; said: string };

function argument(p: PkiArgumentProblem): { option: string; reason: string } {
  switch (p.kind) {
    case 'ca-certificate-id':
      return {
        option: '--ca-certificate-id',
        reason: 'expected the 64 hex characters AWS IoT shows for the CA',
      };
    case 'key-template-placeholder':
      return { option: '--key-template', reason: `must contain ${CA_ID_PLACEHOLDER}` };
    case 'registration-code':
      return {
        option: '--registration-code',
        reason: 'expected the hex code from aws iot get-registration-code',
      };
    case 'serial-or-cert':
      return { option: '--serial', reason: 'give exactly one of --serial <hex> or --cert <file>' };
    case 'serial':
      return { option: '--serial', reason: `"${p.value}" is not a hex serial number` };
    case 'not-a-certificate':
      return { option: '--cert', reason: `${p.file} is not a certificate (${p.said})` };
    case 'not-issued-by-ca':
      return { option: '--cert', reason: `${p.file} was not issued by this CA (${p.code})` };
    case 'reason':
      return {
        option: '--reason',
        reason: `"${p.value}" is not one of ${Object.keys(REVOCATION_REASON_CODES).join(', ')}`,
      };
    case 'key-type':
      return { option: '--key-type', reason: `"${p.value}" is not rsa or ec` };
    case 'curve-without-ec':
      return { option: '--curve', reason: 'only applies to --key-type ec' };
    case 'curve':
      return { option: '--curve', reason: `"${p.value}" is not P-256 or P-384` };
    case 'days':
      return {
        option: p.option,
        reason: `"${p.value}" is not a whole number of days between 1 and ${p.max}`,
      };
    case 'subject':
      return { option: '--subject', reason: p.said };
  }
}

/** A command-line value is malformed (serial, reason, subject, number of days, key type). */
export class PkiInvalidArgumentError extends JitrError {
  readonly code = 'PkiInvalidArgument';
  readonly disposition = 'invalid-input' as const;
  readonly problem: PkiArgumentProblem;
  constructor(problem: PkiArgumentProblem) {
    const { option, reason } = argument(problem);
    super(`Invalid ${option}: ${reason}`, {
      step: 'pki',
      remedy: `Fix ${option} (see jitr pki --help).`,
      details: { option },
    });
    this.problem = problem;
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
