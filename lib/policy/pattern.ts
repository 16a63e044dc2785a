// IoT policy patterns: `*` (any run of characters, across `/`) and `?` (one character). The MQTT
// wildcards `+` and `#` are ordinary characters in a policy (aws-facts §9.5). Policy variables
// are substituted as literal text: a substituted value never acts as a wildcard. Pure.
import { contextValue, isCertificateKey, type PolicyContext } from './context.js';

/** One unit of a compiled pattern. */
type Unit = { kind: 'star' } | { kind: 'one' } | { kind: 'text'; text: string };

export interface CompiledPattern {
  units: Unit[];
  /** Variables that could not be resolved; a non-empty list means the pattern matches nothing. */
  unresolved: string[];
}

/** Characters and length that make AWS leave a certificate variable unsubstituted (aws-facts §9.5). */
const CERTIFICATE_VALUE_UNSAFE = /[*$+?#]/;
const CERTIFICATE_VALUE_MAX = 1024;

/** Compiles a policy string, substituting `${…}` variables from the context. */
export function compilePattern(source: string, context: PolicyContext | undefined): CompiledPattern {
  const units: Unit[] = [];
  const unresolved: string[] = [];
  const text = (value: string): void => {
    const last = units.at(-1);
    if (last?.kind === 'text') last.text += value;
    else units.push({ kind: 'text', text: value });
  };
  let i = 0;
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (ch === '$' && source[i + 1] === '{') {
      const end = source.indexOf('}', i + 2);
      if (end > 0) {
        const name = source.slice(i + 2, end);
        const whole = source.slice(i, end + 1);
        i = end + 1;
        // IAM's escapes for the special characters.
        if (name === '*' || name === '?' || name === '$') {
          text(name);
          continue;
        }
        const value = context === undefined ? undefined : contextValue(context, name);
        if (value === undefined) unresolved.push(name);
        else if (
          isCertificateKey(name) &&
          (CERTIFICATE_VALUE_UNSAFE.test(value) || value.length > CERTIFICATE_VALUE_MAX)
        )
          text(whole);
        else text(value);
        continue;
      }
    }
    if (ch === '*') {
      if (units.at(-1)?.kind !== 'star') units.push({ kind: 'star' });
    } else if (ch === '?') units.push({ kind: 'one' });
    else text(ch);
    i += 1;
  }
  return { units, unresolved };
}

/**
 * Whether `value` matches the compiled pattern (greedy `*` with one backtrack point: linear
 * for one star, O(n·m) at worst, no recursion).
 */
export function matches(pattern: CompiledPattern, value: string, ignoreCase = false): boolean {
  if (pattern.unresolved.length > 0) return false;
  const v = ignoreCase ? value.toLowerCase() : value;
  // Flatten to single-character units so that the classic two-pointer algorithm applies.
  const units: Array<'*' | '?' | { ch: string }> = [];
  for (const u of pattern.units) {
    if (u.kind === 'star') units.push('*');
    else if (u.kind === 'one') units.push('?');
    else for (const ch of ignoreCase ? u.text.toLowerCase() : u.text) units.push({ ch });
  }
  // Code points, so that `?` matches one character also outside the BMP.
  const chars = Array.from(v);
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  while (s < chars.length) {
    const u = units[p];
    if (u !== undefined && (u === '?' || (typeof u === 'object' && u.ch === chars[s]))) {
      p += 1;
      s += 1;
    } else if (u === '*') {
      starP = p;
      starS = s;
      p += 1;
    } else if (starP >= 0) {
      p = starP + 1;
      starS += 1;
      s = starS;
    } else return false;
  }
  while (units[p] === '*') p += 1;
  return p === units.length;
}

/** Convenience: compile and match. */
export function matchesPattern(
  source: string,
  value: string,
  context: PolicyContext | undefined,
  ignoreCase = false,
): boolean {
  return matches(compilePattern(source, context), value, ignoreCase);
}

/** The pattern with variables substituted, as text (for explanations). Unresolved variables stay `${…}`. */
export function renderPattern(
  source: string,
  context: PolicyContext,
): { text: string; unresolved: string[] } {
  const compiled = compilePattern(source, context);
  const text = compiled.units
    .map((u) => (u.kind === 'star' ? '*' : u.kind === 'one' ? '?' : u.text))
    .join('');
  return { text: compiled.unresolved.length > 0 ? source : text, unresolved: compiled.unresolved };
}
