/**
 * The DLQ wire format: how a failed invocation's error travels to the dead-letter queue, and
 * how every DLQ reader gets the stable error `code` back.
 *
 * Lambda's Node.js runtime keeps only `errorType` (the error's `name`) and `errorMessage`; a
 * classic DLQ keeps only the first 1 KB of the message (as the `ErrorMessage` attribute). So
 * the handler throws one format, written only by {@link formatFailureMessage}:
 *
 *     [<Code>] <message> — remedy: <remedy>
 *
 * at most {@link MAX_FAILURE_MESSAGE_BYTES} UTF-8 bytes, and every reader (destination records,
 * classic DLQ messages, SQS batch failures, `jitr replay`, the demo) parses it with
 * {@link parseFailureText}. Grouping is by `code` alone, never by matching English text. Codes
 * never change once released; message wording may.
 */

export interface FailureText {
  /** Our stable error code (from the `[Code]` prefix, else from a `<Code>Error` error type). */
  code?: string;
  /** The message without the code prefix and the remedy. */
  message?: string;
  /** What to do, when the text carries ` — remedy: …`. */
  remedy?: string;
}

/** Between the message and the remedy in a thrown error's message. */
export const REMEDY_SEPARATOR = ' \u2014 remedy: ';

/** A classic DLQ keeps the first 1 KB of ErrorMessage; stay under it with room to spare. */
export const MAX_FAILURE_MESSAGE_BYTES = 1000;

/** At most this share of the budget goes to the remedy, so the message always shows. */
const MAX_REMEDY_BYTES = 500;

/** A code: PascalCase, 3–64 characters, with an inner capital (`AccessDenied`, not `Error`). */
const CODE = /^[A-Z][A-Za-z0-9]{2,63}$/;

/** `[Code] ` at the start of a message. */
const CODE_PREFIX = /^\[([A-Z][A-Za-z0-9]{2,63})\] /;

/** Cuts `text` to at most `maxBytes` UTF-8 bytes, ending with `…` when cut. */
function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const ellipsis = '\u2026';
  let out = '';
  let bytes = Buffer.byteLength(ellipsis, 'utf8');
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes) break;
    out += char;
    bytes += size;
  }
  return out + ellipsis;
}

/** Whether `value` is shaped like one of our error codes. */
export function isErrorCode(value: string): boolean {
  return CODE.test(value);
}

/**
 * The message a failed invocation reports, so a DLQ record alone tells the operator what it
 * is and what to do: `[<code>] <message> — remedy: <remedy>`, at most
 * {@link MAX_FAILURE_MESSAGE_BYTES} UTF-8 bytes (the message is shortened first, the remedy
 * only beyond half the budget; the code is never cut).
 *
 * @example
 * formatFailureMessage('ThingGroupNotFound', 'thing group plant-7 does not exist', 'Create it, then replay the DLQ.')
 * // → '[ThingGroupNotFound] thing group plant-7 does not exist — remedy: Create it, then replay the DLQ.'
 */
export function formatFailureMessage(code: string, message: string, remedy: string): string {
  if (!isErrorCode(code)) throw new RangeError(`not an error code: ${code}`);
  const head = `[${code}] `;
  const tail = truncateUtf8(remedy.trim(), MAX_REMEDY_BYTES);
  const rest = tail.length === 0 ? '' : `${REMEDY_SEPARATOR}${tail}`;
  const budget = MAX_FAILURE_MESSAGE_BYTES - Buffer.byteLength(head + rest, 'utf8');
  return `${head}${truncateUtf8(message, budget)}${rest}`;
}

/** Whether `text` is already in the wire format for `code`. */
export function isFailureMessageFor(code: string, text: string): boolean {
  return text.startsWith(`[${code}] `);
}

/** Splits `<message> — remedy: <remedy>` (the last separator wins; none → no remedy). */
export function splitRemedy(text: string): { message: string; remedy?: string } {
  const at = text.lastIndexOf(REMEDY_SEPARATOR);
  if (at < 0) return { message: text };
  const remedy = text.slice(at + REMEDY_SEPARATOR.length).trim();
  return remedy.length === 0 ? { message: text.slice(0, at) } : { message: text.slice(0, at), remedy };
}

const GENERIC_ERROR_TYPES = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'ReferenceError',
  'EvalError',
  'URIError',
  'AggregateError',
]);

/** Our error classes whose name is not `<code>Error` (test/unit/operations pins this list). */
const CODE_BY_CLASS: Readonly<Record<string, string>> = {
  IotAccessDeniedError: 'AccessDenied',
  UnexpectedAwsError: 'UnexpectedAwsError',
};

/**
 * Our error code for an error class name: `ThingGroupNotFoundError` → `ThingGroupNotFound`.
 * Records written before the `[Code]` prefix existed still carry it this way.
 */
export function codeFromErrorType(errorType: string | undefined): string | undefined {
  if (errorType === undefined || GENERIC_ERROR_TYPES.has(errorType)) return undefined;
  const alias = CODE_BY_CLASS[errorType];
  if (alias !== undefined) return alias;
  const match = /^([A-Z][A-Za-z0-9]+)Error$/.exec(errorType);
  return match?.[1];
}

/**
 * Reads a runtime error type and message in the wire format back into `{ code, message,
 * remedy }`. The code comes from the `[Code]` prefix, else from a `<Code>Error` error type.
 *
 * @example
 * parseFailureText('ThingGroupNotFoundError', '[ThingGroupNotFound] thing group plant-7 does not exist — remedy: Create it.')
 * // → { code: 'ThingGroupNotFound', message: 'thing group plant-7 does not exist', remedy: 'Create it.' }
 */
export function parseFailureText(
  errorType: string | undefined,
  errorMessage: string | undefined,
): FailureText {
  if (errorMessage === undefined) {
    const code = codeFromErrorType(errorType);
    return code === undefined ? {} : { code };
  }
  const split = splitRemedy(errorMessage);
  const prefix = CODE_PREFIX.exec(split.message);
  const code = prefix?.[1] ?? codeFromErrorType(errorType);
  const message = prefix === null ? split.message : split.message.slice(prefix[0].length);
  return {
    ...(code === undefined ? {} : { code }),
    message,
    ...(split.remedy === undefined ? {} : { remedy: split.remedy }),
  };
}

/**
 * What a thrown error is, in one line, for a per-certificate failure table: `<code>: <message>`
 * for a JitrError-like value, else `<name>: <message>`.
 */
export function reasonFromError(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : '';
    if (typeof code === 'string' && isErrorCode(code)) {
      const parsed = parseFailureText(undefined, text);
      return parsed.message === undefined || parsed.message === '' ? code : `${code}: ${parsed.message}`;
    }
    if (error instanceof Error) return `${error.name}: ${error.message}`;
  }
  return String(error);
}
