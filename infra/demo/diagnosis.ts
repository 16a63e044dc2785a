/**
 * Turns the DLQ's messages into a diagnosis an operator can act on: which certificate, after how
 * many attempts, the error code and step, the missing permission and the remedy. A direct-path
 * message is Lambda's on-failure destination record and carries its error; a queue-path message
 * is the bare event SQS redrive moved there, explained by the handler's record in the
 * registration-state table. Decoding and that join are the operations area's (decodeDlqMessage,
 * joinRecordedFailure), as `jitr replay` and `jitr doctor` use them.
 */
import { sqsQueueName } from '../../lib/arn/arn.js';
import { decodeDlqMessage } from '../../lib/operations/dlq-message.js';
import { joinRecordedFailure, type RecordedFailures } from '../../lib/operations/recorded-failures.js';
import type { Diagnosis } from './report.js';
import type { DlqEntry } from './world.js';

export type { Diagnosis };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * The `error` of the handler's "registration summary" log lines that carry one, keyed by Lambda
 * request id and by certificate id (the last one wins): what CloudWatch Logs Insights would show
 * an operator. A queued record runs in a batch's invocation, so the certificate id is its key.
 */
function summaryErrors(logLines: readonly string[]): Map<string, Record<string, unknown>> {
  const byKey = new Map<string, Record<string, unknown>>();
  for (const line of logLines) {
    if (!line.includes('"error"')) continue;
    const entry = parseJson(line);
    if (!isRecord(entry) || !isRecord(entry.error)) continue;
    for (const key of [entry.function_request_id, entry.certificateId]) {
      if (typeof key === 'string') byKey.set(key, entry.error);
    }
  }
  return byKey;
}

/**
 * Diagnoses every decodable DLQ message, in queue order. A destination record gives the
 * certificate, the condition, the attempts and the error; a bare event gets them from the
 * registration-state table (`recorded`); the handler's log line for the same request or
 * certificate (when given) fills in what neither carries (the missing permission).
 */
export function diagnoseDlq(
  entries: readonly DlqEntry[],
  logLines: readonly string[] = [],
  recorded: RecordedFailures = { kind: 'not-configured' },
): Diagnosis[] {
  const logged = summaryErrors(logLines);
  const out: Diagnosis[] = [];
  for (const entry of entries) {
    const decoded = joinRecordedFailure(decodeDlqMessage(entry.body), recorded);
    if (decoded.kind === 'unknown') continue;
    const record = parseJson(entry.body);
    const requestContext = isRecord(record) && isRecord(record.requestContext) ? record.requestContext : {};
    const response = isRecord(record) && isRecord(record.responsePayload) ? record.responsePayload : {};
    const certificateId = decoded.event.certificateId;
    const requestId = text(requestContext.requestId);
    const log =
      (requestId === undefined ? undefined : logged.get(requestId)) ?? logged.get(certificateId) ?? {};
    const failure = decoded.failure;
    const ledger = recorded.kind === 'read' ? recorded.records.get(certificateId.toLowerCase()) : undefined;
    const redrive =
      entry.redrivenFrom === undefined ? undefined : `redrive of ${sqsQueueName(entry.redrivenFrom)}`;
    out.push({
      certificateId,
      condition: text(requestContext.condition) ?? redrive ?? decoded.kind,
      attempts:
        typeof requestContext.approximateInvokeCount === 'number'
          ? requestContext.approximateInvokeCount
          : (ledger?.attempts ?? 1),
      errorType: text(response.errorType) ?? failure?.errorType ?? '—',
      code: failure?.code ?? text(log.code) ?? failure?.unexplained ?? '—',
      step: failure?.step ?? '—',
      source: failure?.recordedAt !== undefined ? 'the registration-state table' : 'the DLQ message',
      missingPermission: text(log.missingPermission) ?? '—',
      remedy: failure?.remedy ?? text(log.remedy) ?? '—',
      message: failure?.errorMessage ?? text(log.message) ?? '—',
    });
  }
  return out;
}
