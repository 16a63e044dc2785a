import { createHash } from 'node:crypto';
import { InvalidTemplateError, UnsafeCertificateValueError } from './errors.js';
import { type EvalContext, evalString } from './evaluate.js';
import { POLICY_SAFE_DESCRIPTION, POLICY_SAFE_VALUE } from './limits.js';
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
 * Renders `PolicyDocument` (an escaped JSON string, an object, or an intrinsic building the text).
 * Every certificate value in it must match the safe set, and text built by concatenation must
 * parse to the same structure as with a harmless placeholder in place of each value.
 */
export function renderPolicyDocument(node: unknown, ctx: EvalContext, path: string): RenderedDocument {
  if (typeof node === 'string') {
    return { document: parseDocumentText(node, path, 'template'), taintedChars: 0, taintedPieces: 0 };
  }
  if (intrinsicName(node) !== null) return renderBuiltText(evalString(node, ctx, path), path);
  if (!isPlainObject(node)) {
    throw new InvalidTemplateError('PolicyDocument must be a JSON object or an escaped JSON string', {
      path,
      remedy: 'Write the policy as an object or as one escaped JSON string.',
    });
  }
  const counter = { chars: 0, pieces: 0 };
  const document = renderObject(node, ctx, path, counter) as Record<string, unknown>;
  return { document, taintedChars: counter.chars, taintedPieces: counter.pieces };
}

function renderObject(
  node: unknown,
  ctx: EvalContext,
  path: string,
  counter: { chars: number; pieces: number },
): unknown {
  if (Array.isArray(node)) return node.map((item, i) => renderObject(item, ctx, childPath(path, i), counter));
  if (!isPlainObject(node)) return node;
  if (intrinsicName(node) !== null) {
    const value = evalString(node, ctx, path);
    for (const segment of taintedSegments(value)) {
      checkSafe(segment.text, segment.source ?? '', path);
      counter.chars += segment.text.length;
      counter.pieces += 1;
    }
    return textOf(value);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node))
    out[key] = renderObject(value, ctx, childPath(path, key), counter);
  return out;
}

function renderBuiltText(value: TString, path: string): RenderedDocument {
  // The structure must be the template's: render once with placeholders, once with the values.
  // The placeholder rendering goes first, so that a broken template is blamed on the template.
  const placeholderText = value.segments.map((s) => (s.source === null ? s.text : 'x')).join('');
  const skeleton = parseDocumentText(placeholderText, path, 'template');
  let taintedChars = 0;
  let taintedPieces = 0;
  for (const segment of taintedSegments(value)) {
    checkSafe(segment.text, segment.source ?? '', path);
    taintedChars += segment.text.length;
    taintedPieces += 1;
  }
  const document = parseDocumentText(textOf(value), path, 'value');
  if (shape(skeleton) !== shape(document)) {
    throw new UnsafeCertificateValueError(
      'a certificate value changes the structure of the policy document',
      {
        path,
        remedy: 'Issue the certificate with plain values in the fields the template uses.',
      },
    );
  }
  return { document, taintedChars, taintedPieces };
}

function parseDocumentText(text: string, path: string, blame: 'template' | 'value'): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (error) {
    if (blame === 'value') {
      throw new UnsafeCertificateValueError(
        'with the certificate values the policy document is not valid JSON',
        {
          path,
          remedy: 'Issue the certificate with plain values in the fields the template uses.',
          cause: error,
        },
      );
    }
    throw new InvalidTemplateError(
      `the policy document is not valid JSON (parameters may only appear inside JSON strings): ${(error as Error).message}`,
      { path, remedy: 'Fix the policy JSON; put every parameter inside a quoted JSON string.', cause: error },
    );
  }
  if (!isPlainObject(parsed)) {
    throw new InvalidTemplateError('the policy document must be a JSON object', {
      path,
      remedy: 'Write the policy as {"Version": "2012-10-17", "Statement": [...]}.',
    });
  }
  return parsed;
}

/** Structure of a JSON value: types, array lengths, key counts; string contents are ignored. */
function shape(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => shape(v)).join(',')}]`;
  if (isPlainObject(value))
    return `{${Object.values(value)
      .map((v) => shape(v))
      .join(',')}}`;
  return typeof value;
}

/** Rejects a certificate value that is not in the policy-safe set. */
export function checkSafe(text: string, parameter: string, path: string): void {
  if (POLICY_SAFE_VALUE.test(text)) return;
  throw new UnsafeCertificateValueError(
    `the value of ${parameter} is not allowed in a policy document (allowed: ${POLICY_SAFE_DESCRIPTION})`,
    {
      path,
      remedy: 'Issue the certificate without wildcards, slashes, quotes, braces or spaces in this field.',
      details: { parameter, length: text.length },
    },
  );
}
