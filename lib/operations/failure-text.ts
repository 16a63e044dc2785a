/**
 * Recovers our error code and the thing it is about from the text a failed invocation
 * leaves behind. Lambda's Node.js runtime keeps only `errorType` (the error's `name`, for
 * us `<Code>Error`) and `errorMessage`; a classic DLQ keeps only the first 1 KB of the
 * message. So the handler throws `<message> — remedy: <remedy>` (formatFailureMessage, kept
 * under 1 KB) and the code comes from, in order: a JSON message carrying `code` (a serialised
 * JitrError), a `Code: …` or `[Code] …` prefix, or the `<Code>Error` class name.
 */

export interface FailureText {
  code?: string;
  subject?: string;
  /** The message without the remedy. */
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

/**
 * The message a failed invocation reports, so a DLQ record alone tells the operator what to
 * do: `<message> — remedy: <remedy>`, at most {@link MAX_FAILURE_MESSAGE_BYTES} UTF-8 bytes
 * (the message is shortened first, the remedy only beyond half the budget).
 *
 * @example
 * formatFailureMessage('thing group plant-7 does not exist', 'Create it, then replay the DLQ.')
 * // → 'thing group plant-7 does not exist — remedy: Create it, then replay the DLQ.'
 */
export function formatFailureMessage(message: string, remedy: string): string {
  const tail = truncateUtf8(remedy.trim(), MAX_REMEDY_BYTES);
  if (tail.length === 0) return truncateUtf8(message, MAX_FAILURE_MESSAGE_BYTES);
  const budget = MAX_FAILURE_MESSAGE_BYTES - Buffer.byteLength(REMEDY_SEPARATOR + tail, 'utf8');
  return `${truncateUtf8(message, budget)}${REMEDY_SEPARATOR}${tail}`;
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

/** `details` keys, most specific first, that name what a JitrError is about. */
const SUBJECT_KEYS = [
  'subject',
  'missingPermission',
  'thingGroup',
  'thingGroupName',
  'thingType',
  'thingTypeName',
  'billingGroup',
  'billingGroupName',
  'policyName',
  'parameter',
  'parameterName',
  'templateName',
  'resource',
  'name',
];

const PASCAL = /^[A-Z][A-Za-z0-9]{2,63}$/;
const IAM_ACTION = /\b((?:iot|s3|sqs|lambda|kms|iam|logs):[A-Z][A-Za-z0-9]+)\b/;
const QUOTED = /['"`\u2018\u201c]([^'"`\u2019\u201d\s]{1,128})['"`\u2019\u201d]/;
const PHRASE =
  /\b(?:thing group|thing type|billing group|policy|parameter|template|provisioning template)\s+([A-Za-z0-9:_\-.@+=,/]{1,128})/i;
const NOT_A_NAME = new Set([
  'document',
  'does',
  'is',
  'not',
  'was',
  'the',
  'a',
  'an',
  'for',
  'with',
  'named',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first IAM action a message names (`iot:CreateThing`), if any. */
export function iamActionIn(message: string): string | undefined {
  return IAM_ACTION.exec(message)?.[1];
}

/** What a message names: an IAM action, a quoted name, or "thing group X"-style name. */
export function subjectFromMessage(message: string): string | undefined {
  const action = iamActionIn(message);
  if (action !== undefined) return action;
  const quoted = QUOTED.exec(message);
  if (quoted?.[1] !== undefined) return quoted[1];
  const phrase = PHRASE.exec(message);
  const name = phrase?.[1]?.replace(/[.,:]+$/, '');
  if (name !== undefined && name.length > 0 && !NOT_A_NAME.has(name.toLowerCase())) return name;
  return undefined;
}

function subjectFromDetails(details: unknown): string | undefined {
  if (!isRecord(details)) return undefined;
  for (const key of SUBJECT_KEYS) {
    const value = details[key];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}

function fromJson(text: string): FailureText | undefined {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start));
  } catch {
    return undefined;
  }
  if (!isRecord(value) || typeof value.code !== 'string' || !PASCAL.test(value.code)) return undefined;
  const message = typeof value.message === 'string' ? value.message : text;
  const subject = subjectFromDetails(value.details) ?? subjectFromMessage(message);
  return { code: value.code, message, ...(subject === undefined ? {} : { subject }) };
}

function codeFromPrefix(text: string): string | undefined {
  const match = /^\s*(?:\[([A-Z][A-Za-z0-9]{2,63})\]|([A-Z][A-Za-z0-9]{2,63}):)\s/.exec(text);
  const candidate = match?.[1] ?? match?.[2];
  if (candidate === undefined || GENERIC_ERROR_TYPES.has(candidate)) return undefined;
  // "Task timed out" or "Cannot …" are sentences, not codes: a code has an inner capital.
  return /[a-z0-9][A-Z]/.test(candidate) ? candidate : undefined;
}

/** Our error classes whose name is not `<code>Error` (test/unit/operations pins this list). */
const CODE_BY_CLASS: Readonly<Record<string, string>> = {
  IotAccessDeniedError: 'AccessDenied',
  UnexpectedAwsError: 'UnexpectedAwsError',
};

/** Our error code for an error class name: `ThingGroupNotFoundError` → `ThingGroupNotFound`. */
export function codeFromErrorType(errorType: string | undefined): string | undefined {
  if (errorType === undefined || GENERIC_ERROR_TYPES.has(errorType)) return undefined;
  const alias = CODE_BY_CLASS[errorType];
  if (alias !== undefined) return alias;
  const match = /^([A-Z][A-Za-z0-9]+)Error$/.exec(errorType);
  return match?.[1];
}

/**
 * Extracts `{ code, subject, message }` from a runtime error type and message.
 *
 * @example
 * parseFailureText('ThingGroupNotFoundError', 'thing group plant-7 does not exist')
 * // → { code: 'ThingGroupNotFound', subject: 'plant-7', message: 'thing group plant-7 does not exist' }
 */
export function parseFailureText(
  errorType: string | undefined,
  errorMessage: string | undefined,
): FailureText {
  const split = errorMessage === undefined ? undefined : splitRemedy(errorMessage);
  const remedy = split?.remedy === undefined ? {} : { remedy: split.remedy };
  const message = split?.message;
  if (message !== undefined) {
    const json = fromJson(message);
    if (json !== undefined) return { ...json, ...remedy };
  }
  const code = (message === undefined ? undefined : codeFromPrefix(message)) ?? codeFromErrorType(errorType);
  const subject = message === undefined ? undefined : subjectFromMessage(message);
  return {
    ...(code === undefined ? {} : { code }),
    ...(subject === undefined ? {} : { subject }),
    ...(message === undefined ? {} : { message }),
    ...remedy,
  };
}

/**
 * The grouping key of a thrown error: `"<code> <subject>"` for a JitrError (subject from its
 * details, else its message), else `"<name>: <message>"`.
 */
export function reasonFromError(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, details, message } = error as { code?: unknown; details?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : '';
    if (typeof code === 'string' && PASCAL.test(code)) {
      const subject = subjectFromDetails(details) ?? subjectFromMessage(text);
      return subject === undefined ? code : `${code} ${subject}`;
    }
    if (error instanceof Error) return `${error.name}: ${error.message}`;
  }
  return String(error);
}
