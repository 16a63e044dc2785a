import { TemplateLimitExceededError } from './errors.js';

/**
 * Nesting depth of JSON-like values, measured without recursion, so that hostile input (a
 * template of 2,000 nested arrays fits in 10,240 characters) is refused before any recursive
 * walk (`JSON.stringify`, the intrinsic checks, the evaluator) could overflow the stack.
 */

/**
 * Deepest nesting a template may have, counting every object and array from the template root.
 * AWS documents no limit; real templates stay under 15 (Resources › policy › Properties ›
 * PolicyDocument › Statement › [i] › Condition › operator › key › [j], or a few intrinsics
 * inside one another), so 64 leaves ample room while keeping every recursive walk shallow.
 */
export const MAX_TEMPLATE_DEPTH = 64;

/**
 * Whether `value` nests objects/arrays deeper than `max` levels (a scalar has depth 0, `[]` 1).
 * Stops at the first level beyond `max`, so cyclic objects terminate too.
 */
export function deeperThan(value: unknown, max: number): boolean {
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { node, depth } = item;
    if (typeof node !== 'object' || node === null) continue;
    if (depth + 1 > max) return true;
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push({ node: child, depth: depth + 1 });
    }
  }
  return false;
}

/**
 * Refuses a value nested deeper than {@link MAX_TEMPLATE_DEPTH}, before anything recursive
 * (JSON.stringify, the intrinsic checks, the evaluator) touches it.
 *
 * @throws {@link TemplateLimitExceededError}
 */
export function checkDepth(value: unknown, path: string): void {
  if (!deeperThan(value, MAX_TEMPLATE_DEPTH)) return;
  throw new TemplateLimitExceededError({ kind: 'depth', max: MAX_TEMPLATE_DEPTH }, path);
}
