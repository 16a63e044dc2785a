/**
 * What the operating system, the network or AWS answered, as JitrErrors with a code, what was
 * being done and the fix: `describeFailure` turns a raw error (ENOENT, ECONNREFUSED, an SDK
 * error) into one, so no tool ever shows a stack trace or a bare `connect ECONNREFUSED`.
 */
import { type Disposition, JitrError } from './jitr-error.js';

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

/** What the operating system, the network or AWS answered: the kind and its facts. */
export type SystemProblem =
  | { kind: 'file-not-found'; file?: string | undefined; option?: string }
  | { kind: 'is-a-directory'; file?: string | undefined; option?: string }
  | { kind: 'not-a-directory'; file?: string | undefined; option?: string }
  | { kind: 'file-exists'; file?: string | undefined; option?: string }
  | { kind: 'file-denied'; file?: string | undefined; option?: string }
  | { kind: 'listen-denied'; where?: string | undefined }
  | { kind: 'port-in-use'; where?: string | undefined }
  | { kind: 'no-such-address'; where?: string | undefined }
  | { kind: 'unreachable'; where?: string | undefined; errno: string }
  | { kind: 'host-not-found'; host?: string | undefined; errno: string }
  | { kind: 'credentials-missing'; said: string }
  | { kind: 'region-missing' }
  | { kind: 'aws-request-failed'; awsErrorName: string; said: string }
  | { kind: 'unexpected'; name: string; said: string };

interface Described {
  code: SystemErrorCode;
  disposition?: Disposition;
  message: string;
  remedy: string;
  details?: Record<string, unknown>;
}

const ENDPOINT_REMEDY =
  'Start the endpoint (e.g. npx jitr sandbox start, then export the variables it prints) or fix the AWS_ENDPOINT_URL_* variables and the region; unset AWS_ENDPOINT_URL_* to talk to AWS itself.';

/** `--template nope.json` / `nope.json` / the fallback, for a message about a file. */
function fileText(p: { file?: string | undefined; option?: string }, fallback: string): string {
  const file = p.file ?? fallback;
  return p.option === undefined ? file : `${p.option} ${file}`;
}

function fileDetails(p: { file?: string | undefined; option?: string }): Record<string, unknown> | undefined {
  if (p.file === undefined) return undefined;
  return p.option === undefined ? { file: p.file } : { option: p.option, file: p.file };
}

function describe(p: SystemProblem): Described {
  switch (p.kind) {
    case 'file-not-found':
      return {
        code: 'FileNotFound',
        message: `${fileText(p, 'a file')} does not exist`,
        remedy: `Check the path (a relative path starts at ${process.cwd()}).`,
        ...withDetails(fileDetails(p)),
      };
    case 'is-a-directory':
      return {
        code: 'NotAFile',
        message: `${fileText(p, 'the path')} is a directory, not a file`,
        remedy: 'Give the path of a file inside it.',
        ...withDetails(fileDetails(p)),
      };
    case 'not-a-directory':
      return {
        code: 'NotAFile',
        message: `a part of ${fileText(p, 'the path')} is a file, not a directory`,
        remedy: 'Check the path.',
        ...withDetails(fileDetails(p)),
      };
    case 'file-exists':
      return {
        code: 'FileExists',
        message: `${fileText(p, 'the path')} already exists`,
        remedy: 'Choose another path, or move the existing one away first (nothing is overwritten).',
        ...withDetails(fileDetails(p)),
      };
    case 'file-denied':
      return {
        code: 'FileNotAccessible',
        message: `no permission to use ${fileText(p, 'the file')}`,
        remedy: 'Check the permissions of the file and its directory.',
        ...withDetails(fileDetails(p)),
      };
    case 'listen-denied':
      return {
        code: 'PortInUse',
        message: `not allowed to listen on ${p.where ?? 'that port'}`,
        remedy: 'Choose a port above 1023 with --port, or omit --port for random free ports.',
      };
    case 'port-in-use':
      return {
        code: 'PortInUse',
        message: `${p.where === undefined ? 'the port' : `port ${p.where}`} is already in use`,
        remedy:
          'Stop what listens there (LocalStack also uses 4566) or choose other ports with --port N (the sandbox uses N to N+6); without --port it picks free ports.',
      };
    case 'no-such-address':
      return {
        code: 'PortInUse',
        message: `cannot listen on ${p.where ?? 'that address'}: no such local address`,
        remedy: 'Give --host an address of this machine (127.0.0.1, 0.0.0.0 for every interface).',
      };
    case 'unreachable':
      return {
        code: 'EndpointUnreachable',
        disposition: 'transient',
        message: `nothing answers at ${p.where ?? 'the endpoint'} (${p.errno})`,
        remedy: ENDPOINT_REMEDY,
        details: { errno: p.errno },
      };
    case 'host-not-found':
      return {
        code: 'HostNotFound',
        disposition: 'transient',
        message: `cannot resolve ${p.host ?? 'the endpoint host'} (${p.errno})`,
        remedy: `Check the network and DNS (this machine may have no internet access), the region and AWS_ENDPOINT_URL_*. ${ENDPOINT_REMEDY}`,
      };
    case 'credentials-missing':
      return {
        code: 'AwsCredentialsMissing',
        disposition: 'configuration',
        message: `no AWS credentials: ${p.said}`,
        remedy:
          'Configure credentials (aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY); for the sandbox, export what jitr sandbox start prints.',
      };
    case 'region-missing':
      return {
        code: 'AwsRegionMissing',
        disposition: 'configuration',
        message: 'no AWS region is configured',
        remedy:
          'Give the region: --region, AWS_REGION (or AWS_DEFAULT_REGION), or region in your AWS profile (aws configure); for the sandbox, export what jitr sandbox start prints.',
      };
    case 'aws-request-failed':
      return {
        code: 'AwsRequestFailed',
        disposition: 'configuration',
        message: `AWS answered ${p.awsErrorName}: ${p.said}`,
        remedy:
          'Check the region, the resource names and the permissions of your credentials for this call (the AWS message above names what is wrong).',
      };
    case 'unexpected':
      return {
        code: 'UnexpectedError',
        disposition: 'transient',
        message: `${p.name}: ${p.said}`,
        remedy: 'This is a bug in jitr: report it with the command you ran and this message.',
      };
  }
}

function withDetails(details: Record<string, unknown> | undefined): { details?: Record<string, unknown> } {
  return details === undefined ? {} : { details };
}

/**
 * What the operating system, the network or AWS answered, with the fix. Built from the problem
 * (`{ kind: 'file-not-found', file }`, …) and the command it happened in: the class derives the
 * code, the disposition, the message and the remedy.
 */
export class SystemError extends JitrError {
  readonly code: SystemErrorCode;
  readonly disposition: Disposition;
  readonly problem: SystemProblem;
  constructor(problem: SystemProblem, step: string, cause?: unknown) {
    const described = describe(problem);
    super(described.message, {
      step,
      remedy: described.remedy,
      ...(problem.kind === 'aws-request-failed' ? { awsErrorName: problem.awsErrorName } : {}),
      ...withDetails(described.details),
      ...(cause === undefined ? {} : { cause }),
    });
    this.code = described.code;
    this.disposition = described.disposition ?? 'invalid-input';
    this.problem = problem;
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

function fromErrno(e: ErrnoLike, command: string): SystemError | undefined {
  const file = str(e.path);
  const where =
    str(e.address) === undefined
      ? undefined
      : `${str(e.address)}${e.port === undefined ? '' : `:${String(e.port)}`}`;
  const errno = String(e.code);
  switch (e.code) {
    case 'ENOENT':
      return new SystemError({ kind: 'file-not-found', file }, command);
    case 'EISDIR':
      return new SystemError({ kind: 'is-a-directory', file }, command);
    case 'ENOTDIR':
      return new SystemError({ kind: 'not-a-directory', file }, command);
    case 'EEXIST':
      return new SystemError({ kind: 'file-exists', file }, command);
    case 'EACCES':
    case 'EPERM':
      return e.syscall === 'listen'
        ? new SystemError({ kind: 'listen-denied', where }, command)
        : new SystemError({ kind: 'file-denied', file }, command);
    case 'EADDRINUSE':
      return new SystemError({ kind: 'port-in-use', where }, command);
    case 'EADDRNOTAVAIL':
      return new SystemError({ kind: 'no-such-address', where }, command);
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EPIPE':
      return new SystemError({ kind: 'unreachable', where, errno }, command);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new SystemError({ kind: 'host-not-found', host: str(e.hostname), errno }, command);
    default:
      return undefined;
  }
}

/**
 * The SDK found no credentials (`CredentialsProviderError`): `AwsCredentialsMissing`, a
 * configuration error (an operator must act; retrying cannot help), with how to provide them.
 */
export function credentialsMissing(error: unknown, step: string): SystemError {
  const said = error instanceof Error ? error.message : String(error);
  return new SystemError({ kind: 'credentials-missing', said }, step, error);
}

/** The SDK's answer when no region is configured anywhere (a plain Error: its message is all it has). */
export function isRegionMissing(error: unknown): boolean {
  return error instanceof Error && error.message === 'Region is missing';
}

/** No region for an AWS call: `AwsRegionMissing`, a configuration error, with where to set one. */
export function regionMissing(error: unknown, step: string): SystemError {
  return new SystemError({ kind: 'region-missing' }, step, error);
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
    return new SystemError({ kind: 'aws-request-failed', awsErrorName: name, said: message }, command);
  }
  return new SystemError({ kind: 'unexpected', name, said: message }, command);
}
