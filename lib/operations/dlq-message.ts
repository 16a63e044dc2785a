/**
 * Decodes whatever lands in the JITR dead-letter queue (aws-facts §5.2, §5.3) back into the
 * registered-certificate event and, when the shape carries it, why it failed:
 *
 * - `registered-event`: the raw event (an SQS message someone sent by hand, or a DLQ
 *   message without Lambda's attributes);
 * - `destination-record`: a Lambda on-failure destination record (`requestPayload` +
 *   `responsePayload` with the runtime's `errorType`/`errorMessage`);
 * - `dlq-message`: a classic Lambda DLQ message (body = event, attributes `RequestID`,
 *   `ErrorCode`, `ErrorMessage`);
 * - `rule-error-action`: an IoT rule error-action message (`base64OriginalPayload`,
 *   `failures[]`).
 *
 * Pure: no I/O. Anything else decodes to `{ kind: 'unknown', reason }` and is left in the
 * queue by replay.
 */
import { parseFailureText } from './failure-text.js';
import { type RegisteredEvent, validateRegisteredEvent } from './registered-event.js';

/** SQS message attributes as the Lambda SQS event source delivers them. */
export type DlqMessageAttributes = Record<string, { stringValue?: string; dataType?: string }>;

export interface DlqFailure {
  /** The runtime's error type (our error class name, e.g. `MissingPermissionError`). */
  errorType?: string;
  /** The runtime's error message, without the remedy. */
  errorMessage?: string;
  /** What to do, from the message's ` — remedy: …` tail (see formatFailureMessage). */
  remedy?: string;
  /** Our JitrError code, from the wire format (lib/operations/failure-text.ts) or the ledger. */
  code?: string;
  /** The pipeline step that failed (the ledger's `lastError.step`; the wire format has none). */
  step?: string;
  /** When the handler recorded the failure in the registration-state table (ISO 8601). */
  recordedAt?: string;
  /**
   * Why nothing explains the message (a bare event the table says nothing about): the
   * grouping key, e.g. `no error recorded: the registration-state table has no record of this
   * certificate` (lib/operations/recorded-failures.ts).
   */
  unexplained?: string;
}

export type DecodedKind = 'registered-event' | 'destination-record' | 'dlq-message' | 'rule-error-action';

export type DecodedDlqMessage =
  | { kind: DecodedKind; event: RegisteredEvent; failure?: DlqFailure }
  | { kind: 'unknown'; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Builds a failure from a runtime error type and message, dropping empty fields. */
export function failureFrom(
  errorType: string | undefined,
  errorMessage: string | undefined,
): DlqFailure | undefined {
  if (errorType === undefined && errorMessage === undefined) return undefined;
  const parsed = parseFailureText(errorType, errorMessage);
  const failure: DlqFailure = {};
  if (errorType !== undefined) failure.errorType = errorType;
  if (parsed.message !== undefined) failure.errorMessage = parsed.message;
  if (parsed.code !== undefined) failure.code = parsed.code;
  if (parsed.remedy !== undefined) failure.remedy = parsed.remedy;
  return failure;
}

function withFailure(
  kind: DecodedKind,
  event: RegisteredEvent,
  failure: DlqFailure | undefined,
): DecodedDlqMessage {
  return failure === undefined ? { kind, event } : { kind, event, failure };
}

function decodeDestinationRecord(record: Record<string, unknown>): DecodedDlqMessage {
  const inner = validateRegisteredEvent(record.requestPayload);
  if (!inner.ok) return { kind: 'unknown', reason: `destination record requestPayload: ${inner.reason}` };
  const response = record.responsePayload;
  const context = isRecord(record.responseContext) ? record.responseContext : {};
  const requestContext = isRecord(record.requestContext) ? record.requestContext : {};
  let errorType: string | undefined;
  let errorMessage: string | undefined;
  if (isRecord(response)) {
    errorType = optionalString(response.errorType);
    errorMessage = optionalString(response.errorMessage);
  } else if (typeof response === 'string') {
    errorMessage = optionalString(response);
  }
  // A record without a response error (e.g. EventAgeExceeded) still says why it is here.
  errorType ??= optionalString(context.functionError);
  if (errorType === undefined && errorMessage === undefined) {
    errorMessage = optionalString(requestContext.condition);
  }
  return withFailure('destination-record', inner.event, failureFrom(errorType, errorMessage));
}

function decodeRuleErrorAction(message: Record<string, unknown>): DecodedDlqMessage {
  const encoded = message.base64OriginalPayload;
  if (typeof encoded !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) {
    return { kind: 'unknown', reason: 'rule error action: base64OriginalPayload is not base64' };
  }
  let original: unknown;
  try {
    original = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    return { kind: 'unknown', reason: 'rule error action: original payload is not JSON' };
  }
  const inner = validateRegisteredEvent(original);
  if (!inner.ok) return { kind: 'unknown', reason: `rule error action payload: ${inner.reason}` };
  const failures = Array.isArray(message.failures) ? message.failures.filter(isRecord) : [];
  const first = failures[0];
  const failure = first
    ? failureFrom(optionalString(first.failedAction), optionalString(first.errorMessage))
    : undefined;
  return withFailure('rule-error-action', inner.event, failure);
}

/** Case-insensitive attribute lookup (SQS names are case-sensitive, but be forgiving of `errorCode`). */
function attribute(attributes: DlqMessageAttributes | undefined, name: string): string | undefined {
  if (attributes === undefined) return undefined;
  for (const [key, value] of Object.entries(attributes)) {
    if (key.toLowerCase() === name.toLowerCase()) return optionalString(value?.stringValue);
  }
  return undefined;
}

/**
 * Decodes one DLQ message body (and its SQS attributes) into the registered event it
 * carries and the failure it records.
 *
 * @example
 * const d = decodeDlqMessage(record.body, record.messageAttributes);
 * if (d.kind !== 'unknown') await registerCertificate(d.event, deps);
 */
export function decodeDlqMessage(body: string, attributes?: DlqMessageAttributes): DecodedDlqMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { kind: 'unknown', reason: 'body is not JSON' };
  }
  if (!isRecord(parsed)) return { kind: 'unknown', reason: 'body is not a JSON object' };
  if ('requestPayload' in parsed && 'requestContext' in parsed) return decodeDestinationRecord(parsed);
  if ('base64OriginalPayload' in parsed) return decodeRuleErrorAction(parsed);
  const direct = validateRegisteredEvent(parsed);
  if (!direct.ok) return { kind: 'unknown', reason: `not a registered event: ${direct.reason}` };
  const errorCode = attribute(attributes, 'ErrorCode');
  const errorMessage = attribute(attributes, 'ErrorMessage');
  const requestId = attribute(attributes, 'RequestID');
  if (errorCode === undefined && errorMessage === undefined && requestId === undefined) {
    return { kind: 'registered-event', event: direct.event };
  }
  // ErrorCode is Lambda's HTTP status number, not an error type: the reason is in the message.
  const failure =
    failureFrom(undefined, errorMessage) ?? (errorCode ? { errorMessage: `HTTP ${errorCode}` } : undefined);
  return withFailure('dlq-message', direct.event, failure);
}

/**
 * The grouping key of a decoded message: our error `code` when the failure carries one (e.g.
 * `"ThingGroupNotFound"`, `"AccessDenied"`), else the runtime's error type
 * (`"Sandbox.Timedout"`, `"LambdaAction"`), else the start of the message; `"no failure
 * recorded"` for a bare event, `"undecodable"` for unknown shapes.
 */
export function failureReason(decoded: DecodedDlqMessage): string {
  if (decoded.kind === 'unknown') return 'undecodable';
  return decoded.failure === undefined ? 'no failure recorded' : failureKey(decoded.failure);
}

/** The grouping key of one failure (see {@link failureReason}). */
export function failureKey(failure: DlqFailure): string {
  return (
    failure.code ??
    failure.errorType ??
    failure.unexplained ??
    failure.errorMessage?.slice(0, 120) ??
    'no failure recorded'
  );
}

/** One line for a failed certificate: `<code or type>: <message>` (at most 300 characters). */
export function failureSummary(failure: DlqFailure): string {
  const head = failure.code ?? failure.errorType ?? failure.unexplained;
  const message = failure.errorMessage;
  const text =
    head === undefined
      ? (message ?? 'no failure recorded')
      : message === undefined
        ? head
        : `${head}: ${message}`;
  return text.length > 300 ? `${text.slice(0, 299)}\u2026` : text;
}
