import { createHash } from 'node:crypto';
import { checkDepth } from './depth.js';
import { type DocumentPath, InvalidTemplateError, UnsafeCertificateValueError } from './errors.js';
import { type EvalContext, evalString } from './evaluate.js';
import { POLICY_SAFE_VALUE } from './limits.js';
import { type TString, taintedSegments, textOf } from './tainted.js';
import { childPath, intrinsicName, isPlainObject } from './template-types.js';

/** A rendered policy document plus how much of it came from certificate values. */
export interface RenderedDocument {
  document: Record<string, unknown>;
  /** Characters that came from supplied parameter values, and how many such pieces. */
  taintedChars: number;
  taintedPieces: number;
}

/** JSON with object keys sorted recursively and no whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The name of a policy created from a document: lowercase hex SHA-256 of the document's canonical
 * JSON (keys sorted recursively, no whitespace). Identical documents share one policy.
 *
 * @example policyNameForDocument({ Version: '2012-10-17', Statement: [] }) // 64 hex characters
 */
export function policyNameForDocument(document: unknown): string {
  return createHash('sha256').update(canonicalJson(document), 'utf8').digest('hex');
}

/**
 * Where a certificate-derived value may stand in a policy document: a `Resource` (string or list
 * element) or a condition value (`Condition › operator › key`, string or list element) of a
 * statement. Never a key, `Effect`, `Action`, `NotAction`, `NotResource`, `Version`, `Sid` or a
 * condition operator or key: those decide what a statement grants, not which resource it names.
 */
export function certificateValueAllowedAt(path: DocumentPath): boolean {
  if (path[0] !== 'Statement') return false;
  const inStatement = typeof path[1] === 'number' ? path.slice(2) : path.slice(1);
  const [field, ...rest] = inStatement;
  const leaf = (tail: DocumentPath): boolean =>
    tail.length === 0 || (tail.length === 1 && typeof tail[0] === 'number');
  if (field === 'Resource') return leaf(rest);
  if (field === 'Condition') {
    return typeof rest[0] === 'string' && typeof rest[1] === 'string' && leaf(rest.slice(2));
  }
  return false;
}

function forbiddenPosition(path: string, at: DocumentPath): InvalidTemplateError {
  return new InvalidTemplateError({ kind: 'certificate-value-position', documentPath: at }, path);
}

/**
 * Renders `PolicyDocument` (an escaped JSON string, an object, or an intrinsic building the text).
 * Every certificate value in it must match the safe set and stand where a certificate value may
 * ({@link certificateValueAllowedAt}); text built by concatenation must parse to exactly the
 * structure (keys included) that the template gives with placeholders.
 */
export function renderPolicyDocument(node: unknown, ctx: EvalContext, path: string): RenderedDocument {
  if (typeof node === 'string') {
    return { document: parseDocumentText(node, path, 'template'), taintedChars: 0, taintedPieces: 0 };
  }
  if (intrinsicName(node) !== null) return renderBuiltText(evalString(node, ctx, path), path);
  if (!isPlainObject(node)) {
    throw new InvalidTemplateError({ kind: 'policy-document-shape' }, path);
  }
  const counter = { chars: 0, pieces: 0 };
  const document = renderObject(node, ctx, path, [], counter) as Record<string, unknown>;
  return { document, taintedChars: counter.chars, taintedPieces: counter.pieces };
}

function renderObject(
  node: unknown,
  ctx: EvalContext,
  path: string,
  at: DocumentPath,
  counter: { chars: number; pieces: number },
): unknown {
  if (Array.isArray(node))
    return node.map((item, i) => renderObject(item, ctx, childPath(path, i), [...at, i], counter));
  if (!isPlainObject(node)) return node;
  if (intrinsicName(node) !== null) {
    const value = evalString(node, ctx, path);
    const segments = taintedSegments(value);
    if (segments.length > 0 && !certificateValueAllowedAt(at)) throw forbiddenPosition(path, at);
    if (
      segments.length > 0 &&
      variableSpansDiffer(withPlaceholder(value, 'x'), withPlaceholder(value, 'y'))
    ) {
      throw certificateValueInVariable(path);
    }
    for (const segment of segments) {
      checkSafe(segment.text, segment.source ?? '', path);
      counter.chars += segment.text.length;
      counter.pieces += 1;
    }
    return textOf(value);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node))
    setOwnKey(out, key, renderObject(value, ctx, childPath(path, key), [...at, key], counter));
  return out;
}

function setOwnKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function renderBuiltText(value: TString, path: string): RenderedDocument {
  // The structure must be the template's: render with two different placeholders (so that every
  // position a certificate value reaches shows up as a difference), then with the values. The
  // placeholder renderings go first, so that a broken template is blamed on the template.
  const skeleton = parseDocumentText(withPlaceholder(value, 'x'), path, 'template');
  const other = parseDocumentText(withPlaceholder(value, 'y'), path, 'template');
  let taintedChars = 0;
  let taintedPieces = 0;
  for (const segment of taintedSegments(value)) {
    checkSafe(segment.text, segment.source ?? '', path);
    taintedChars += segment.text.length;
    taintedPieces += 1;
  }
  const document = parseDocumentText(textOf(value), path, 'value');
  compareStructure(skeleton, other, document, path, []);
  return { document, taintedChars, taintedPieces };
}

function structureChanged(path: string): UnsafeCertificateValueError {
  return new UnsafeCertificateValueError({ kind: 'policy-structure' }, path);
}

/**
 * Walks the two placeholder renderings and the real document together (their depth is bounded):
 * keys and array lengths must be identical in all three; a leaf where the placeholders differ
 * holds a certificate value and must stand where one may.
 */
function compareStructure(x: unknown, y: unknown, doc: unknown, path: string, at: DocumentPath): void {
  if (Array.isArray(x)) {
    if (!Array.isArray(y) || y.length !== x.length) throw parameterOutsideValue(path, at);
    if (!Array.isArray(doc) || doc.length !== x.length) throw structureChanged(path);
    x.forEach((item, i) => {
      compareStructure(item, y[i], doc[i], path, [...at, i]);
    });
    return;
  }
  if (isPlainObject(x)) {
    const keys = Object.keys(x);
    if (!isPlainObject(y) || !sameKeys(keys, Object.keys(y))) throw parameterOutsideValue(path, at);
    if (!isPlainObject(doc) || !sameKeys(keys, Object.keys(doc))) throw structureChanged(path);
    for (const key of keys) compareStructure(x[key], y[key], doc[key], path, [...at, key]);
    return;
  }
  if (typeof y !== typeof x) throw parameterOutsideValue(path, at);
  if (typeof doc !== typeof x) throw structureChanged(path);
  if (x !== y) {
    if (!certificateValueAllowedAt(at)) throw forbiddenPosition(path, at);
    if (typeof x === 'string' && typeof y === 'string' && variableSpansDiffer(x, y)) {
      throw certificateValueInVariable(path);
    }
  } else if (doc !== x) {
    throw structureChanged(path);
  }
}

/** The text with each certificate-derived segment, empty or not, replaced by `placeholder`. */
function withPlaceholder(value: TString, placeholder: string): string {
  return value.segments.map((s) => (s.source === null ? s.text : placeholder)).join('');
}

const POLICY_VARIABLE = /\$\{[^}]*\}?/g;

/**
 * Whether a certificate value stands inside a policy variable `${…}`: `x` and `y` are the same
 * text with different one-character placeholders, so they differ inside a variable exactly when
 * a certificate value would decide which variable IoT resolves (`${iot:Connection.Thing.Attributes[<CN>]}`).
 */
function variableSpansDiffer(x: string, y: string): boolean {
  for (const match of x.matchAll(POLICY_VARIABLE)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    if (x.slice(start, end) !== y.slice(start, end)) return true;
  }
  for (const match of y.matchAll(POLICY_VARIABLE)) {
    const start = match.index ?? 0;
    if (x.slice(start, start + match[0].length) !== match[0]) return true;
  }
  return false;
}

function certificateValueInVariable(path: string): InvalidTemplateError {
  return new InvalidTemplateError({ kind: 'certificate-value-in-variable' }, path);
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, i) => key === b[i]);
}

function parameterOutsideValue(path: string, at: DocumentPath): InvalidTemplateError {
  return new InvalidTemplateError({ kind: 'parameter-outside-value', documentPath: at }, path);
}

function parseDocumentText(text: string, path: string, blame: 'template' | 'value'): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (error) {
    if (blame === 'value') {
      throw new UnsafeCertificateValueError({ kind: 'policy-not-json' }, path, error);
    }
    throw new InvalidTemplateError(
      { kind: 'policy-not-json', reason: (error as Error).message },
      path,
      error,
    );
  }
  // Policy text is parsed from a string, so its nesting was never bounded by the template's.
  checkDepth(parsed, path);
  if (!isPlainObject(parsed)) {
    throw new InvalidTemplateError({ kind: 'policy-not-object' }, path);
  }
  return parsed;
}

/** Rejects a certificate value that is not in the policy-safe set. */
export function checkSafe(text: string, parameter: string, path: string): void {
  if (POLICY_SAFE_VALUE.test(text)) return;
  throw new UnsafeCertificateValueError({ kind: 'not-policy-safe', parameter, length: text.length }, path);
}
