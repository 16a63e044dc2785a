/**
 * Translates an error thrown by an AWS IoT call into a JitrError. Used only by the SDK
 * adapter, at the edge, so no other module ever sees an SDK exception. Classification is by
 * `name`, `$fault` and `$metadata.httpStatusCode` (SDK v3 exceptions are plain errors with
 * those fields), plus Node network codes. This module imports nothing from the SDK.
 */
import { isJitrError, type JitrError, type JitrErrorOptions } from '../errors/jitr-error.js';
import { accessDeniedRemedy, parseAccessDenied } from './access-denied.js';
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
  UnexpectedAwsError,
} from './errors.js';

/** What the adapter knows about the call that failed. */
export interface IotCallContext {
  /** The IoT API name, which is also the IAM action after `iot:` (e.g. `CreateThing`). */
  operation: string;
  /** Pipeline step reported on the error. */
  step: string;
  /** Builds the precise error for a `ResourceNotFoundException` of this call. */
  notFound?: (options: Omit<JitrErrorOptions, 'remedy'>, awsMessage: string) => JitrError;
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
    const denied = parseAccessDenied(facts.message, `iot:${operation}`);
    return new IotAccessDeniedError(
      `${operation} was denied: the function's role may not perform ${denied.missingPermission} on ${denied.resource}`,
      {
        ...base,
        remedy: accessDeniedRemedy(denied),
        details: {
          ...details,
          missingPermission: denied.missingPermission,
          resource: denied.resource,
          principal: denied.principal,
          denyKind: denied.denyKind,
          policyType: denied.policyType,
          statement: denied.statement,
        },
      },
    );
  }
  if (THROTTLING_NAMES.has(facts.name) || facts.status === 429) {
    return new AwsThrottledError(`${operation} was throttled after the SDK's retries: ${said}`, {
      ...base,
      remedy: 'Transient; Lambda retries. If it persists, raise the IoT API quota or lower the concurrency.',
    });
  }
  if (facts.name === 'LimitExceededException') {
    if (RATE_MESSAGE.test(facts.message)) {
      return new AwsThrottledError(`${operation} hit a rate limit: ${said}`, {
        ...base,
        remedy:
          'Transient; Lambda retries. If it persists, raise the IoT API quota or lower the concurrency.',
      });
    }
    return new IotLimitExceededError(`${operation} exceeded an AWS IoT limit: ${said}`, {
      ...base,
      remedy:
        'A hard AWS IoT limit was reached (e.g. policies per certificate, groups per thing): reduce what the template attaches, then replay the DLQ.',
    });
  }
  if (facts.name === 'ResourceNotFoundException') {
    if (context.notFound !== undefined) {
      return context.notFound(base, facts.message);
    }
    return new IotResourceNotFoundError(`${operation}: a resource does not exist: ${said}`, {
      ...base,
      remedy: 'Create the missing resource named in the AWS message, then replay the DLQ.',
    });
  }
  if (facts.name === 'InvalidRequestException') {
    return new IotInvalidRequestError(`AWS IoT rejected ${operation} as invalid: ${said}`, {
      ...base,
      remedy:
        context.invalidRequestRemedy ??
        'Fix the template or the value named in the AWS message, then replay the DLQ.',
    });
  }
  if (facts.name === 'MalformedPolicyException') {
    return new MalformedPolicyError(`AWS IoT rejected the policy document: ${said}`, {
      ...base,
      remedy:
        "Fix the template's PolicyDocument (valid IoT policy JSON, ≤ 2048 characters), then replay the DLQ.",
    });
  }
  if (facts.name === 'CertificateStateException') {
    return new CertificateStateError(
      `${operation} is not allowed in the certificate's current state: ${said}`,
      {
        ...base,
        remedy:
          'Check the certificate status; a REVOKED certificate can never change status. Nothing to retry.',
      },
    );
  }
  if (facts.name === 'VersionConflictException' || facts.name === 'ConflictingResourceUpdateException') {
    return new IotConflictError(`${operation} conflicted with a concurrent update: ${said}`, {
      ...base,
      remedy: 'Transient; Lambda retries and the retry converges.',
    });
  }
  if (
    facts.fault === 'server' ||
    (facts.status !== undefined && facts.status >= 500) ||
    UNAVAILABLE_NAMES.has(facts.name) ||
    (facts.code !== undefined && NETWORK_CODES.has(facts.code))
  ) {
    return new AwsUnavailableError(`AWS IoT was unavailable for ${operation}: ${said}`, {
      ...base,
      remedy: 'Transient; Lambda retries. Check the AWS Health Dashboard if it persists.',
    });
  }
  return new UnexpectedAwsError(`${operation} failed with an unexpected error: ${facts.name}: ${said}`, {
    ...base,
    remedy:
      'Treated as transient; Lambda retries. If it persists, read the cause in the DLQ record and report it.',
  });
}
