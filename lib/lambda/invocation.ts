/**
 * One Lambda invocation of the JITR function. Two kinds of payload arrive:
 * - the registered event itself (from the IoT rule, asynchronously; or a replay);
 * - an SQS batch from the DLQ, when the DLQ is enabled as an event source (issue 6): each
 *   record is decoded (`decodeDlqMessage`) and re-run; records whose failure a later try can
 *   fix are reported in `batchItemFailures` so SQS keeps only those.
 * Metrics are flushed after every invocation, whatever happens.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { isJitrError } from '../errors/jitr-error.js';
import { withEventKeys } from '../observability.js';
import { type DlqMessageAttributes, decodeDlqMessage } from '../operations/dlq-message.js';
import { formatFailureMessage, isFailureMessageFor } from '../operations/failure-text.js';
import type { Delivery } from '../registration/duplicate-gate.js';
import { eventIds } from '../registration/event.js';
import {
  type RegistrationDeps,
  type RegistrationResult,
  registerCertificate,
} from '../registration/register-certificate.js';

/** The subset of the Lambda context the handler uses. */
export interface LambdaContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName?: string;
  logStreamName?: string;
  getRemainingTimeInMillis(): number;
}

export interface SqsRecord {
  messageId: string;
  body: string;
  messageAttributes?: DlqMessageAttributes;
  eventSource?: string;
}

export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

export interface InvocationRuntime {
  logger: Logger;
  metrics: { publishStoredMetrics(): void };
  deps: RegistrationDeps;
}

function isSqsEvent(event: unknown): event is { Records: SqsRecord[] } {
  if (typeof event !== 'object' || event === null || !('Records' in event)) return false;
  const records = (event as { Records: unknown }).Records;
  return (
    Array.isArray(records) &&
    records.every((r) => typeof r === 'object' && r !== null && (r as SqsRecord).eventSource === 'aws:sqs')
  );
}

/** A claim outlives the invocation's deadline by this much (clock skew, the settle write). */
const LEASE_MARGIN_MS = 5000;

/** This delivery: its id survives Lambda's async retries (same request id) and SQS redeliveries (same message id). */
function delivery(id: string, context: LambdaContext): Delivery {
  return { id, leaseMs: Math.max(0, context.getRemainingTimeInMillis()) + LEASE_MARGIN_MS };
}

/** Runs one event with its ids on every log line. */
function registerWithKeys(
  runtime: InvocationRuntime,
  payload: unknown,
  by: Delivery,
): Promise<RegistrationResult> {
  return withEventKeys(runtime.logger, eventIds(payload), () =>
    registerCertificate(payload, runtime.deps, by),
  );
}

async function processRecord(
  runtime: InvocationRuntime,
  record: SqsRecord,
  context: LambdaContext,
): Promise<boolean> {
  const decoded = decodeDlqMessage(record.body, record.messageAttributes);
  if (decoded.kind === 'unknown') {
    // Left in the queue (like `jitr replay` does) for an operator to look at.
    runtime.logger.error('DLQ message is not a JITR event in any known shape; leaving it in the queue', {
      messageId: record.messageId,
      reason: decoded.reason,
    });
    return false;
  }
  try {
    await registerWithKeys(runtime, decoded.event, delivery(record.messageId, context));
    return true;
  } catch (error) {
    // Already logged by the use case's summary line; keep the record for the next try.
    runtime.logger.debug('DLQ record failed again', {
      messageId: record.messageId,
      retryable: isJitrError(error),
    });
    return false;
  }
}

/**
 * Prepares an error for Lambda's runtime, which reports `name` as `errorType` and `message` as
 * `errorMessage` — all the on-failure destination record (and a classic DLQ message, first
 * 1 KB) keeps. A JitrError's message becomes the DLQ wire format
 * (`[<Code>] <message> — remedy: <remedy>`, under 1 KB; lib/operations/failure-text.ts), so
 * every DLQ shape carries the code and a record alone says what to do. Called once, after the
 * use case logged.
 */
export function lambdaError(error: unknown): unknown {
  if (isJitrError(error) && !isFailureMessageFor(error.code, error.message)) {
    error.message = formatFailureMessage(error.code, error.message, error.remedy);
  }
  return error;
}

/**
 * Handles one invocation: a registered event (returns the use case's result, throws on
 * configuration/transient failures) or an SQS batch (never throws; partial-batch response).
 *
 * @example
 * export const handler = (event: unknown, context: LambdaContext) => handleInvocation(runtime, event, context);
 */
export async function handleInvocation(
  runtime: InvocationRuntime,
  event: unknown,
  context: LambdaContext,
): Promise<RegistrationResult | SqsBatchResponse> {
  runtime.logger.addContext(context);
  try {
    if (!isSqsEvent(event)) {
      try {
        return await registerWithKeys(runtime, event, delivery(context.awsRequestId, context));
      } catch (error) {
        throw lambdaError(error);
      }
    }
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      // Sequential on purpose: the IoT quotas (10 TPS for several calls) are the bottleneck.
      if (!(await processRecord(runtime, record, context)))
        batchItemFailures.push({ itemIdentifier: record.messageId });
    }
    return { batchItemFailures };
  } finally {
    runtime.metrics.publishStoredMetrics();
  }
}
