/**
 * Turns the DLQ's Lambda on-failure destination records into a diagnosis an operator can act
 * on: which certificate, after how many attempts, the error code, the missing permission and
 * the remedy. Decoding of the record shapes is the operations area's (decodeDlqMessage).
 */
import { decodeDlqMessage } from '../../lib/operations/dlq-message.js';
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
 * The `error` of the handler's last "registration summary" log line for a request, keyed by
 * Lambda request id: what CloudWatch Logs Insights would show an operator for that invocation.
 */
function summaryErrors(logLines: readonly string[]): Map<string, Record<string, unknown>> {
  const byRequest = new Map<string, Record<string, unknown>>();
  for (const line of logLines) {
    if (!line.includes('"function_request_id"') || !line.includes('"error"')) continue;
    const entry = parseJson(line);
    if (!isRecord(entry) || typeof entry.function_request_id !== 'string' || !isRecord(entry.error)) continue;
    byRequest.set(entry.function_request_id, entry.error);
  }
  return byRequest;
}

/**
 * Diagnoses every decodable DLQ message, in queue order. The destination record gives the
 * certificate, the condition, the attempts and the error; the handler's log line for the same
 * request id (when given) fills in what the record's error text does not carry.
 */
export function diagnoseDlq(entries: readonly DlqEntry[], logLines: readonly string[] = []): Diagnosis[] {
  const logged = summaryErrors(logLines);
  const out: Diagnosis[] = [];
  for (const entry of entries) {
    const decoded = decodeDlqMessage(entry.body);
    if (decoded.kind === 'unknown') continue;
    const record = parseJson(entry.body);
    const requestContext = isRecord(record) && isRecord(record.requestContext) ? record.requestContext : {};
    const response = isRecord(record) && isRecord(record.responsePayload) ? record.responsePayload : {};
    // The record carries the wire format `[Code] <message> — remedy: <remedy>`; the handler's
    // summary log line for the same request adds the structured details (missing permission).
    const requestId = text(requestContext.requestId);
    const log = (requestId === undefined ? undefined : logged.get(requestId)) ?? {};
    const failure = decoded.failure;
    out.push({
      certificateId: decoded.event.certificateId,
      condition: text(requestContext.condition) ?? decoded.kind,
      attempts:
        typeof requestContext.approximateInvokeCount === 'number' ? requestContext.approximateInvokeCount : 1,
      errorType: text(response.errorType) ?? failure?.errorType ?? '—',
      code: failure?.code ?? text(log.code) ?? '—',
      missingPermission: text(log.missingPermission) ?? '—',
      remedy: failure?.remedy ?? text(log.remedy) ?? '—',
      message: failure?.errorMessage ?? text(log.message) ?? '—',
    });
  }
  return out;
}
