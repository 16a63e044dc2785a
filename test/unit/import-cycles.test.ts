// Dependencies point one way (entry points → use cases → pure core): no import cycle between
// files, nor between areas (lib/<folder>, infra/<folder>, handlers, scripts, bin). Type-only
// imports count: they still tie two files together.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { areaGraph, areaOf, cycles, importGraph } from '../helpers/import-graph.js';

const root = join(import.meta.dirname, '..', '..');
const graph = importGraph(root, ['handlers', 'lib', 'infra', 'scripts', 'bin']);

describe('the import graph', () => {
  it('reads the sources it checks', () => {
    // Assess: the walker finds the files and their imports (a walker that reads nothing passes vacuously).
    expect(graph.size).toBeGreaterThan(150);
    expect(graph.get('handlers/jitr.ts')).toContain('lib/runtime/runtime.ts');
    expect(graph.get('lib/registration/register-certificate.ts')).toContain('lib/registration/deps.ts');
  });

  it('finds a cycle when there is one', () => {
    // Prepare
    const looped = new Map([
      ['lib/a/x.ts', new Set(['lib/b/y.ts'])],
      ['lib/b/y.ts', new Set(['lib/a/z.ts'])],
      ['lib/a/z.ts', new Set<string>()],
    ]);
    // Act / Assess
    expect(cycles(looped)).toEqual([]);
    expect(cycles(areaGraph(looped))).toEqual([['lib/a', 'lib/b']]);
    expect(areaOf('lib/observability.ts')).toBe('lib/observability');
  });

  it('has no cycle between files', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('has no cycle between areas', () => {
    expect(cycles(areaGraph(graph))).toEqual([]);
  });

  it('keeps infra/ (sandbox, demo) out of product code', () => {
    // Act: only entry points may start the sandbox (`jitr sandbox start` in lib/cli/).
    const reaches = [...graph]
      .filter(
        ([file]) => (file.startsWith('lib/') && !file.startsWith('lib/cli/')) || file.startsWith('handlers/'),
      )
      .flatMap(([file, targets]) =>
        [...targets].filter((t) => t.startsWith('infra/')).map((t) => `${file} → ${t}`),
      );
    // Assess
    expect(reaches).toEqual([]);
  });
});
