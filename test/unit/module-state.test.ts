// No module-level mutable state outside the composition root (lib/runtime/) and the entry
// points: a module-level `let`, or a module-level Map/Set/array/object that the module mutates,
// is state shared by every caller that no test can reset (issue 10: caches, clients and
// counters are built by the composition root and passed in).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENTRY_POINTS, moduleState, moduleStateIn, SOURCE_DIRS } from '../helpers/module-state.js';

const root = join(import.meta.dirname, '..', '..');

describe('module-level state', () => {
  it('finds it when there is some', () => {
    // Act / Assess: the detector can fail (a detector that finds nothing passes vacuously).
    expect(
      moduleState(
        'x.ts',
        [
          'let counter = 0;',
          'const cache = new Map<string, number>();',
          'const seen: string[] = [];',
          'const settings = { retries: 1 };',
          'const TABLE = new Map([["a", 1]]);',
          'const NAMES = ["a"];',
          'export function f(k: string) { cache.set(k, 1); seen.push(k); settings.retries = 2; return TABLE.get(k) ?? NAMES[0]; }',
        ].join('\n'),
      ),
    ).toEqual([
      'x.ts:1 counter (module-level let/var)',
      'x.ts:2 cache (mutated module-level container)',
      'x.ts:3 seen (mutated module-level container)',
      'x.ts:4 settings (mutated module-level container)',
    ]);
  });

  it('exists only in the composition root and the entry points', () => {
    // Act
    const found = moduleStateIn(root, SOURCE_DIRS);
    const outside = found.filter((line) => {
      const file = line.split(':')[0] ?? '';
      return !file.startsWith('lib/runtime/') && !ENTRY_POINTS.some((entry) => entry.test(file));
    });
    // Assess
    expect(found.length).toBeGreaterThan(0); // the handler's per-container runtime, at least
    expect(outside).toEqual([]);
  });
});
