/**
 * Translates an error thrown by an AWS IoT call into a JitrError. Used only by the SDK
 * adapter, at the edge, so no other module ever sees an SDK exception. Classification is by
 * `name`, `$fault` and `$metadata.httpStatusCode` (SDK v3 exceptions are plain errors with
 * those fields), plus Node network codes. This module imports nothing from the SDK.
 */
import { isJitrError, type JitrError } from '../errors/jitr-error.js';
import { credentialsMissing, isRegionMissing, regionMissing } from '../errors/system-errors.js';
import { parseAccessDenied } from './access-denied.js';
import {
  AwsThrottledError,
  AwsUnavailableError,
  CertificateStateError,
  IotAccessDeniedError,
  IotConflictError,
  IotInvalidRequestError,
  IotLimitExceededError,
  IotResourceNotFoundError,
  MalformedPolicyError,
  type ProvisioningContext,
  UnexpectedAwsError,
} from './errors.js';

/** What the adapter knows about the call that failed. */
export interface IotCallContext {
  /** The IoT API name, which is also the IAM action after `iot:` (e.g. `CreateThing`). */
  operation: string;
  /** Pipeline step reported on the error. */
  step: string;
  /** Builds the precise error for a `ResourceNotFoundException` of this call. */
  notFound?: (context: ProvisioningContext, awsMessage: string) => JitrError;
  /**
   * What to do about an `InvalidRequestException` when the request carries no template value
   * (e.g. a CA id given on the command line); default: fix the template, then replay.
   */
  invalidRequestRemedy?: string;
}

interface AwsErrorFacts {
  name: string;
  message: string;
  fault: string | undefined;
  status: number | undefined;
  code: string | undefined;
  isAws: boolean;
}

const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ThrottledException',
  'SlowDown',
]);
const UNAVAILABLE_NAMES = new Set([
  'InternalFailureException',
  'InternalServerException',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/** IoT uses LimitExceededException for hard limits; only a message about rates means throttling. */
const RATE_MESSAGE = /\brate\b|throttl|too many requests/i;

/**
 * Whether an error is IoT's `LimitExceededException` for a hard limit (HTTP 410, e.g. too many
 * policies attached), as opposed to a rate limit. The SDK classifies the name as throttling and
 * would retry it; createIotClient's retry strategy uses this to stop that.
 */
export function isHardLimitError(error: unknown): boolean {
  const facts = factsOf(error);
  return facts.name === 'LimitExceededException' && !RATE_MESSAGE.test(facts.message);
}

function factsOf(error: unknown): AwsErrorFacts {
  if (typeof error !== 'object' || error === null) {
    return {
      name: typeof error,
      message: String(error),
      fault: undefined,
      status: undefined,
      code: undefined,
      isAws: false,
    };
  }
  const record = error as Record<string, unknown>;
  const metadata = record.$metadata as { httpStatusCode?: unknown } | undefined;
  const status = typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
  return {
    name: typeof record.name === 'string' ? record.name : 'Error',
    message: typeof record.message === 'string' ? record.message : '',
    fault: typeof record.$fault === 'string' ? record.$fault : undefined,
    status,
    code: typeof record.code === 'string' ? record.code : undefined,
    isAws: metadata !== undefined || typeof record.$fault === 'string',
  };
}

/**
 * Maps an IoT SDK error to the JitrError the rest of the project handles.
 * A JitrError passes through unchanged; an unknown error becomes a transient
 * {@link UnexpectedAwsError} with the original as `cause`.
 */
export function translateIotError(error: unknown, context: IotCallContext): JitrError {
  if (isJitrError(error)) {
    return error;
  }
  const facts = factsOf(error);
  const { operation, step } = context;
  const awsErrorName = facts.isAws ? facts.name : undefined;
  const details: Record<string, unknown> = {
    operation,
    awsMessage: facts.message,
    ...(facts.status === undefined ? {} : { httpStatusCode: facts.status }),
    ...(facts.code === undefined ? {} : { errorCode: facts.code }),
  };
  const base = { step, awsErrorName, cause: error, details };
  const said = facts.message === '' ? facts.name : facts.message;

  if (facts.name === 'AccessDeniedException' || facts.name === 'UnauthorizedException') {
    return new IotAccessDeniedError(base, operation, parseAccessDenied(facts.message, `iot:${operation}`));
  }
  const answer = { operation, said };
  if (THROTTLING_NAMES.has(facts.name) || facts.status === 429) return new AwsThrottledError(base, answer);
  if (facts.name === 'LimitExceededException') {
    return RATE_MESSAGE.test(facts.message)
      ? new AwsThrottledError(base, { ...answer, rateLimit: true })
      : new IotLimitExceededError(base, answer);
  }
  if (facts.name === 'ResourceNotFoundException') {
    return context.notFound?.(base, facts.message) ?? new IotResourceNotFoundError(base, answer);
  }
  if (facts.name === 'InvalidRequestException') {
    return new IotInvalidRequestError(base, { ...answer, remedy: context.invalidRequestRemedy });
  }
  if (facts.name === 'MalformedPolicyException') return new MalformedPolicyError(base, answer);
  if (facts.name === 'CertificateStateException') return new CertificateStateError(base, answer);
  if (facts.name === 'VersionConflictException' || facts.name === 'ConflictingResourceUpdateException') {
    return new IotConflictError(base, answer);
  }
  if (facts.name === 'CredentialsProviderError') {
    // No credentials reached the call (a shell without AWS configuration): not AWS's answer,
    // and nothing Lambda's retries can fix.
    return credentialsMissing(error, step);
  }
  if (isRegionMissing(error)) return regionMissing(error, step);
  if (
    facts.fault === 'server' ||
    (facts.status !== undefined && facts.status >= 500) ||
    UNAVAILABLE_NAMES.has(facts.name) ||
    (facts.code !== undefined && NETWORK_CODES.has(facts.code))
  ) {
    return new AwsUnavailableError(base, answer);
  }
  return new UnexpectedAwsError(base, { ...answer, name: facts.name });
}
