/**
 * Strings that remember which parts came from a supplied (untrusted) parameter value, so that
 * every check can tell "the template wrote this" from "the certificate put this here".
 *
 * The rule (README, "Certificate values are untrusted"): text is certificate-derived when its
 * content, its boundaries or its selection depend on a certificate value, even when it is
 * empty. So a piece of `Fn::Split` is template text only when it ends, delimiter included,
 * before the first certificate character of the split string; an element picked by an index
 * or map key that a certificate supplied is certificate-derived; and a `Fn::Join` delimiter
 * placed before a certificate-derived element of a list whose length a certificate decides is
 * certificate-derived too.
 */

export interface Segment {
  text: string;
  /** The parameter whose supplied value decided this text, or null for template text (incl. Defaults). */
  source: string | null;
}

export interface TString {
  kind: 'string';
  segments: Segment[];
}

export interface TList {
  kind: 'list';
  items: TString[];
  /** The parameter whose value decides how many items the list has; null for a template list. */
  lengthSource: string | null;
}

export type TValue = TString | TList;

export function literal(text: string): TString {
  return { kind: 'string', segments: text === '' ? [] : [{ text, source: null }] };
}

/** A supplied value; kept as a segment even when empty, so that checks still see it. */
export function tainted(text: string, source: string): TString {
  return { kind: 'string', segments: [{ text, source }] };
}

/** A template list: its length is the template's. */
export function literalList(items: TString[]): TList {
  return { kind: 'list', items, lengthSource: null };
}

export function concat(parts: readonly TString[]): TString {
  const segments: Segment[] = [];
  for (const part of parts) {
    for (const segment of part.segments) {
      if (segment.text === '' && segment.source === null) continue;
      const last = segments[segments.length - 1];
      if (last !== undefined && last.source === segment.source) last.text += segment.text;
      else segments.push({ ...segment });
    }
  }
  return { kind: 'string', segments };
}

export function textOf(value: TString): string {
  return value.segments.map((s) => s.text).join('');
}

export function isTainted(value: TString): boolean {
  return value.segments.some((s) => s.source !== null);
}

export function taintedSegments(value: TString): Segment[] {
  return value.segments.filter((s) => s.source !== null);
}

/** The first parameter that decided part of `value`, or null for template text. */
export function firstSource(value: TString): string | null {
  return value.segments.find((s) => s.source !== null)?.source ?? null;
}

/** Every parameter that decided part of `values`, in order of first appearance (none: template text). */
export function sourcesOf(values: readonly TString[]): string[] {
  return [
    ...new Set(values.flatMap((v) => v.segments.flatMap((s) => (s.source === null ? [] : [s.source])))),
  ];
}

/** `value` as one certificate-derived segment (its selection or extent came from `source`). */
export function taintAll(value: TString, source: string): TString {
  return tainted(textOf(value), firstSource(value) ?? source);
}

/**
 * Splits on a delimiter (the delimiter itself is dropped). A piece is template text only when it
 * and the delimiter that ends it lie wholly before the first certificate-derived position (a
 * character, or an empty certificate value); every other piece is one certificate-derived
 * segment, empty or not, because the certificate decides where it starts or ends.
 */
export function split(value: TString, delimiter: string): TList {
  const text = textOf(value);
  let firstTaint = -1;
  let taintSource: string | null = null;
  let at = 0;
  for (const segment of value.segments) {
    if (segment.source !== null) {
      firstTaint = at;
      taintSource = segment.source;
      break;
    }
    at += segment.text.length;
  }
  const items: TString[] = [];
  let start = 0;
  for (;;) {
    const found = text.indexOf(delimiter, start);
    const end = found === -1 ? text.length : found;
    const piece = text.slice(start, end);
    const fixed = taintSource === null || (found !== -1 && found + delimiter.length <= firstTaint);
    items.push(fixed || taintSource === null ? literal(piece) : tainted(piece, taintSource));
    if (found === -1) break;
    start = found + delimiter.length;
  }
  return { kind: 'list', items, lengthSource: taintSource };
}

/** Joins with a delimiter; see the module comment for when the delimiter is certificate-derived. */
export function join(delimiter: string, list: TList): TString {
  const parts: TString[] = [];
  list.items.forEach((item, i) => {
    if (i > 0) {
      const source = list.lengthSource === null ? null : firstSource(item);
      parts.push(source === null ? literal(delimiter) : tainted(delimiter, source));
    }
    parts.push(item);
  });
  return concat(parts);
}
