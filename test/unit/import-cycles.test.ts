// Dependencies point one way (entry points → use cases → pure core): no import cycle between
// files, nor between areas (lib/<folder>, infra/<folder>, handlers, scripts, bin), and no import
// against the layers (IMPORT_RULES: product code, local AWS, demo, then test harnesses). Type-only
// imports count: they still tie two files together.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { areaGraph, areaOf, cycles, forbiddenImports, importGraph } from '../helpers/import-graph.js';

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

  it('finds an import against the layers when there is one', () => {
    // Prepare: a handler reaching the sandbox, the CLI reaching the demo, infra reaching a test helper.
    const crossed = new Map([
      ['handlers/x.ts', new Set(['infra/sandbox/index.ts', 'lib/a/y.ts'])],
      ['lib/cli/z.ts', new Set(['infra/local-aws/local-aws.ts', 'infra/demo/world.ts'])],
      ['infra/local-aws/w.ts', new Set(['test/helpers/e2e-jitr.ts', 'infra/sandbox/index.ts'])],
      ['test/helpers/v.ts', new Set(['infra/demo/world.ts'])],
    ]);
    // Act / Assess
    expect(forbiddenImports(crossed).map((line) => line.replace(/ \(.*$/, ''))).toEqual([
      'handlers/x.ts → infra/sandbox/index.ts',
      'lib/cli/z.ts → infra/demo/world.ts',
      'infra/local-aws/w.ts → test/helpers/e2e-jitr.ts',
    ]);
  });

  it('keeps the layers: product code (lib/, handlers/) → local AWS (infra/sandbox, infra/local-aws) → demo (infra/demo); test/ only on top', () => {
    // Assess: the real tree has edges of each allowed kind, so the rules read something.
    expect(graph.get('lib/cli/sandbox-jitr.ts')).toContain('infra/local-aws/local-aws.ts');
    expect(graph.get('infra/demo/sandbox-world.ts')).toContain('infra/local-aws/local-aws.ts');
    expect(forbiddenImports(graph)).toEqual([]);
  });
});
