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
import { withSettledPrefetch } from '../registration-state/settled-prefetch.js';

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

/**
 * Runs one record's event with a logger of its own (records of a batch run at once, so the
 * shared logger's keys would leak between them). True = done, false = keep it in the queue.
 */
async function processRecord(
  runtime: InvocationRuntime,
  deps: RegistrationDeps,
  record: SqsRecord,
  payload: unknown,
  context: LambdaContext,
): Promise<boolean> {
  const logger = runtime.logger.createChild();
  logger.appendKeys({ ...eventIds(payload), messageId: record.messageId });
  try {
    await registerCertificate(payload, { ...deps, logger }, delivery(record.messageId, context));
    return true;
  } catch (error) {
    // Already logged by the use case's summary line; keep the record for the next try.
    logger.debug('queued record failed; it stays in the queue for the next try', {
      retryable: isJitrError(error),
    });
    return false;
  }
}

/**
 * The batch's dependencies: with a registration-state table that reads in batches, one read of
 * every certificate in a batch of two or more first, so that copies of an event already settled
 * (a device reconnecting while it waited in the queue) stop without a write each. A batch of one
 * certificate skips it: its claim gets the same answer (the settled item comes back with the
 * failed condition), and the read would only cost it a round trip. If the read fails, every
 * record claims on its own (and counts the table's unavailability there).
 */
async function withBatchRead(
  runtime: InvocationRuntime,
  certificateIds: ReadonlyArray<string | undefined>,
): Promise<RegistrationDeps> {
  const state = runtime.deps.state;
  const ids = certificateIds.filter((id): id is string => id !== undefined);
  if (state === undefined || state === null || state.readSettled === undefined || ids.length < 2)
    return runtime.deps;
  try {
    const settled = await state.readSettled(ids);
    // Copies of these never speculate a DescribeCertificate in this container (fast-path.ts).
    for (const id of settled.keys()) runtime.deps.memory?.settled(id);
    return { ...runtime.deps, state: withSettledPrefetch(state, settled) };
  } catch (error) {
    runtime.logger.debug('batch read of the registration-state table failed; records claim one by one', {
      error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
    });
    return runtime.deps;
  }
}

/**
 * An SQS batch (the ingestion queue, or the DLQ as an event source): every record is decoded
 * (the raw registered event, or any DLQ shape); copies of one certificate's event in the batch
 * run once and share the outcome; the distinct certificates run concurrently (each container
 * paces its IoT calls to its share of the quotas). Returns the records to keep.
 */
async function processBatch(
  runtime: InvocationRuntime,
  records: SqsRecord[],
  context: LambdaContext,
): Promise<string[]> {
  const failed: string[] = [];
  const groups = new Map<string, { payload: unknown; records: SqsRecord[] }>();
  for (const record of records) {
    const decoded = decodeDlqMessage(record.body, record.messageAttributes);
    if (decoded.kind === 'unknown') {
      // Left in the queue (like `jitr replay` does) for an operator to look at.
      runtime.logger.error('queued message is not a JITR event in any known shape; leaving it in the queue', {
        messageId: record.messageId,
        reason: decoded.reason,
      });
      failed.push(record.messageId);
      continue;
    }
    // Malformed events have no certificate id: each runs alone (and is dropped).
    const ids = eventIds(decoded.event);
    const key =
      ids.certificateId === undefined
        ? `record:${record.messageId}`
        : `${ids.certificateId}/${ids.caCertificateId ?? ''}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { payload: decoded.event, records: [record] });
    else group.records.push(record);
  }
  const deps = await withBatchRead(
    runtime,
    [...groups.values()].map((g) => eventIds(g.payload).certificateId),
  );
  await Promise.all(
    [...groups.values()].map(async (group) => {
      const [first] = group.records;
      if (first === undefined) return;
      if (group.records.length > 1)
        runtime.deps.metrics.count('DuplicateSuppressed', group.records.length - 1);
      if (!(await processRecord(runtime, deps, first, group.payload, context))) {
        failed.push(...group.records.map((r) => r.messageId));
      }
    }),
  );
  return failed;
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
    const failed = new Set(await processBatch(runtime, event.Records, context));
    // In the batch's order, as Lambda reads them.
    return {
      batchItemFailures: event.Records.filter((r) => failed.has(r.messageId)).map((r) => ({
        itemIdentifier: r.messageId,
      })),
    };
  } finally {
    runtime.metrics.publishStoredMetrics();
  }
}
