/**
 * Turns the DLQ's Lambda on-failure destination records into a diagnosis an operator can act
 * on: which certificate, after how many attempts, the error code, the missing permission and
 * the remedy. Decoding of the record shapes is the operations area's (decodeDlqMessage).
 */
import { decodeDlqMessage } from '../../lib/operations/dlq-message.js';
import type { Diagnosis } from './report.js';
import type { DlqEntry } from './world.js';

export type { Diagnosis };

const IAM_ACTION = /\b((?:iot|s3|sqs|kms):[A-Z][A-Za-z0-9]+)\b/;

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

/** A serialised JitrError (`toJSON()`) inside an error message, when the handler put one there. */
function embeddedError(message: string): Record<string, unknown> {
  const start = message.indexOf('{');
  const value = start < 0 ? undefined : parseJson(message.slice(start));
  return isRecord(value) ? value : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Diagnoses every decodable DLQ message, in queue order. */
export function diagnoseDlq(entries: readonly DlqEntry[]): Diagnosis[] {
  const out: Diagnosis[] = [];
  for (const entry of entries) {
    const decoded = decodeDlqMessage(entry.body);
    if (decoded.kind === 'unknown') continue;
    const record = parseJson(entry.body);
    const requestContext = isRecord(record) && isRecord(record.requestContext) ? record.requestContext : {};
    const response = isRecord(record) && isRecord(record.responsePayload) ? record.responsePayload : {};
    const rawMessage = text(response.errorMessage) ?? decoded.failure?.errorMessage ?? '';
    const error = embeddedError(rawMessage);
    const details = isRecord(error.details) ? error.details : {};
    const message = text(error.message) ?? decoded.failure?.errorMessage ?? rawMessage;
    out.push({
      certificateId: decoded.event.certificateId,
      condition: text(requestContext.condition) ?? decoded.kind,
      attempts:
        typeof requestContext.approximateInvokeCount === 'number' ? requestContext.approximateInvokeCount : 1,
      errorType: text(response.errorType) ?? decoded.failure?.errorType ?? '—',
      code: text(error.code) ?? decoded.failure?.code ?? '—',
      missingPermission: text(details.missingPermission) ?? IAM_ACTION.exec(message)?.[1] ?? '—',
      remedy: text(error.remedy) ?? /remedy:\s*(.+)$/im.exec(rawMessage)?.[1]?.trim() ?? '—',
      message,
    });
  }
  return out;
}
