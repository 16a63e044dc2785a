/**
 * What the operating system, the network or AWS answered, as JitrErrors with a code, what was
 * being done and the fix: `describeFailure` turns a raw error (ENOENT, ECONNREFUSED, an SDK
 * error) into one, so no tool ever shows a stack trace or a bare `connect ECONNREFUSED`.
 */
import { type Disposition, JitrError, type JitrErrorOptions } from './jitr-error.js';

/** The stable codes of {@link SystemError}, one per failure kind the operating system reports. */
export type SystemErrorCode =
  | 'FileNotFound'
  | 'NotAFile'
  | 'FileExists'
  | 'FileNotAccessible'
  | 'PortInUse'
  | 'EndpointUnreachable'
  | 'HostNotFound'
  | 'AwsCredentialsMissing'
  | 'AwsRegionMissing'
  | 'AwsRequestFailed'
  | 'UnexpectedError';

/** What the operating system, the network or AWS answered, with the fix. */
export class SystemError extends JitrError {
  readonly code: SystemErrorCode;
  readonly disposition: Disposition;
  constructor(
    code: SystemErrorCode,
    message: string,
    options: JitrErrorOptions,
    disposition: Disposition = 'invalid-input',
  ) {
    super(message, options);
    this.code = code;
    this.disposition = disposition;
  }
}

interface ErrnoLike {
  code?: unknown;
  path?: unknown;
  address?: unknown;
  port?: unknown;
  hostname?: unknown;
  syscall?: unknown;
  errors?: unknown;
  cause?: unknown;
  name?: unknown;
  message?: unknown;
  $metadata?: unknown;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The first errno-carrying error: the error itself, an AggregateError's first, or a cause. */
function errnoOf(error: unknown, depth = 0): ErrnoLike | undefined {
  if (typeof error !== 'object' || error === null || depth > 4) return undefined;
  const e = error as ErrnoLike;
  if (typeof e.code === 'string' && /^E[A-Z_]+$/.test(e.code)) {
    // Node's happy-eyeballs AggregateError carries the code; its members carry address and port.
    const first = Array.isArray(e.errors) ? errnoOf(e.errors[0], depth + 1) : undefined;
    return first === undefined ? e : { ...first, code: e.code };
  }
  if (Array.isArray(e.errors)) return errnoOf(e.errors[0], depth + 1);
  return errnoOf(e.cause, depth + 1);
}

const ENDPOINT_REMEDY =
  'Start the endpoint (e.g. npx jitr sandbox start, then export the variables it prints) or fix the AWS_ENDPOINT_URL_* variables and the region; unset AWS_ENDPOINT_URL_* to talk to AWS itself.';

function fromErrno(e: ErrnoLike, command: string): SystemError | undefined {
  const path = str(e.path);
  const where =
    str(e.address) === undefined
      ? undefined
      : `${str(e.address)}${e.port === undefined ? '' : `:${String(e.port)}`}`;
  const step = command;
  switch (e.code) {
    case 'ENOENT':
      return new SystemError('FileNotFound', `${path ?? 'a file'} does not exist`, {
        step,
        remedy: `Check the path (a relative path starts at ${process.cwd()}).`,
        ...(path === undefined ? {} : { details: { file: path } }),
      });
    case 'EISDIR':
      return new SystemError('NotAFile', `${path ?? 'the path'} is a directory, not a file`, {
        step,
        remedy: 'Give the path of a file inside it.',
        ...(path === undefined ? {} : { details: { file: path } }),
      });
    case 'ENOTDIR':
      return new SystemError('NotAFile', `a part of ${path ?? 'the path'} is a file, not a directory`, {
        step,
        remedy: 'Check the path.',
      });
    case 'EEXIST':
      return new SystemError('FileExists', `${path ?? 'the path'} already exists`, {
        step,
        remedy: 'Choose another path, or move the existing one away first (nothing is overwritten).',
      });
    case 'EACCES':
    case 'EPERM':
      if (e.syscall === 'listen') {
        return new SystemError('PortInUse', `not allowed to listen on ${where ?? 'that port'}`, {
          step,
          remedy: 'Choose a port above 1023 with --port, or omit --port for random free ports.',
        });
      }
      return new SystemError('FileNotAccessible', `no permission to use ${path ?? 'the file'}`, {
        step,
        remedy: 'Check the permissions of the file and its directory.',
      });
    case 'EADDRINUSE':
      return new SystemError(
        'PortInUse',
        `${where === undefined ? 'the port' : `port ${where}`} is already in use`,
        {
          step,
          remedy:
            'Stop what listens there (LocalStack also uses 4566) or choose other ports with --port N (the sandbox uses N to N+6); without --port it picks free ports.',
        },
      );
    case 'EADDRNOTAVAIL':
      return new SystemError(
        'PortInUse',
        `cannot listen on ${where ?? 'that address'}: no such local address`,
        {
          step,
          remedy: 'Give --host an address of this machine (127.0.0.1, 0.0.0.0 for every interface).',
        },
      );
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EPIPE':
      return new SystemError(
        'EndpointUnreachable',
        `nothing answers at ${where ?? 'the endpoint'} (${String(e.code)})`,
        { step, remedy: ENDPOINT_REMEDY, details: { errno: e.code } },
        'transient',
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new SystemError(
        'HostNotFound',
        `cannot resolve ${str(e.hostname) ?? 'the endpoint host'} (${String(e.code)})`,
        {
          step,
          remedy: `Check the network and DNS (this machine may have no internet access), the region and AWS_ENDPOINT_URL_*. ${ENDPOINT_REMEDY}`,
        },
        'transient',
      );
    default:
      return undefined;
  }
}

/**
 * The SDK found no credentials (`CredentialsProviderError`): `AwsCredentialsMissing`, a
 * configuration error (an operator must act; retrying cannot help), with how to provide them.
 */
export function credentialsMissing(error: unknown, step: string): SystemError {
  const message = error instanceof Error ? error.message : String(error);
  return new SystemError(
    'AwsCredentialsMissing',
    `no AWS credentials: ${message}`,
    {
      step,
      remedy:
        'Configure credentials (aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY); for the sandbox, export what jitr sandbox start prints.',
      cause: error,
    },
    'configuration',
  );
}

/** The SDK's answer when no region is configured anywhere (a plain Error: its message is all it has). */
export function isRegionMissing(error: unknown): boolean {
  return error instanceof Error && error.message === 'Region is missing';
}

/** No region for an AWS call: `AwsRegionMissing`, a configuration error, with where to set one. */
export function regionMissing(error: unknown, step: string): SystemError {
  return new SystemError(
    'AwsRegionMissing',
    'no AWS region is configured',
    {
      step,
      remedy:
        'Give the region: --region, AWS_REGION (or AWS_DEFAULT_REGION), or region in your AWS profile (aws configure); for the sandbox, export what jitr sandbox start prints.',
      cause: error,
    },
    'configuration',
  );
}

/**
 * Turns anything a command threw into a JitrError with a code, what was being done and a
 * remedy: a JitrError stays as it is; an operating-system or network error gets its code
 * (`FileNotFound`, `PortInUse`, `EndpointUnreachable`, …); an AWS SDK error becomes
 * `AwsCredentialsMissing` or `AwsRequestFailed` with the AWS error name; anything else is
 * `UnexpectedError` (a bug: the message, never a stack trace).
 */
export function describeFailure(error: unknown, command: string): JitrError {
  if (error instanceof JitrError) return error;
  const errno = errnoOf(error);
  const mapped = errno === undefined ? undefined : fromErrno(errno, command);
  if (mapped !== undefined) return mapped;
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrnoLike;
  const name = str(e.name) ?? 'Error';
  const message = str(e.message) ?? String(error);
  if (name === 'CredentialsProviderError') return credentialsMissing(error, command);
  if (isRegionMissing(error)) return regionMissing(error, command);
  if (e.$metadata !== undefined) {
    return new SystemError(
      'AwsRequestFailed',
      `AWS answered ${name}: ${message}`,
      {
        step: command,
        awsErrorName: name,
        remedy:
          'Check the region, the resource names and the permissions of your credentials for this call (the AWS message above names what is wrong).',
      },
      'configuration',
    );
  }
  return new SystemError(
    'UnexpectedError',
    `${name}: ${message}`,
    {
      step: command,
      remedy: 'This is a bug in jitr: report it with the command you ran and this message.',
    },
    'transient',
  );
}
