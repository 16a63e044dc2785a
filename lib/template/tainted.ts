/**
 * Strings that remember which parts came from a supplied (untrusted) parameter value, so that
 * every check can tell "the template wrote this" from "the certificate put this here".
 */

export interface Segment {
  text: string;
  /** The parameter whose supplied value this text is, or null for template text (incl. Defaults). */
  source: string | null;
}

export interface TString {
  kind: 'string';
  segments: Segment[];
}

export interface TList {
  kind: 'list';
  items: TString[];
}

export type TValue = TString | TList;

export function literal(text: string): TString {
  return { kind: 'string', segments: text === '' ? [] : [{ text, source: null }] };
}

/** A supplied value; kept as a segment even when empty, so that checks still see it. */
export function tainted(text: string, source: string): TString {
  return { kind: 'string', segments: [{ text, source }] };
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

/** Splits on a delimiter, keeping each UTF-16 unit's origin (the delimiter itself is dropped). */
export function split(value: TString, delimiter: string): TList {
  const text = textOf(value);
  const sources: (string | null)[] = [];
  for (const segment of value.segments) {
    for (let i = 0; i < segment.text.length; i += 1) sources.push(segment.source);
  }
  const items: TString[] = [];
  let start = 0;
  for (;;) {
    const at = text.indexOf(delimiter, start);
    const end = at === -1 ? text.length : at;
    items.push(slice(text, sources, start, end));
    if (at === -1) break;
    start = at + delimiter.length;
  }
  return { kind: 'list', items };
}

function slice(text: string, sources: (string | null)[], start: number, end: number): TString {
  const parts: TString[] = [];
  let runStart = start;
  for (let i = start + 1; i <= end; i += 1) {
    if (i === end || sources[i] !== sources[runStart]) {
      const source = sources[runStart] ?? null;
      const chunk = text.slice(runStart, i);
      parts.push(source === null ? literal(chunk) : tainted(chunk, source));
      runStart = i;
    }
  }
  return concat(parts);
}
