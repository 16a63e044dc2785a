// The project's import graph, read from the sources (no compiler needed): every relative
// `import`, `import type`, `export … from` and dynamic `import('…')` between files in the given
// folders. Type-only imports count: they still tie two files together.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const SOURCE = /\.(ts|mts|mjs|js)$/;
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function filesUnder(root: string, dir: string, out: string[] = []): string[] {
  const full = join(root, dir);
  if (!existsSync(full)) return out;
  for (const name of readdirSync(full)) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) filesUnder(root, path, out);
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function resolveImport(root: string, from: string, specifier: string): string | null {
  const base = join(dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(join(root, candidate)) && statSync(join(root, candidate)).isFile()) return candidate;
  }
  return null;
}

/** File → the files it imports (paths relative to `root`), for every source file under `dirs`. */
export function importGraph(root: string, dirs: readonly string[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of dirs.flatMap((dir) => filesUnder(root, dir))) {
    const text = readFileSync(join(root, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
    const edges = new Set<string>();
    for (const match of text.matchAll(SPECIFIER)) {
      const target = resolveImport(root, file, match[1] ?? '');
      if (target !== null && target !== file) edges.add(relative('.', target));
    }
    graph.set(file, edges);
  }
  return graph;
}

/** The area of a file: `lib/<folder>` (or `lib/<file>` for a file directly in lib/), `infra/<folder>`, else the top folder. */
export function areaOf(file: string): string {
  const parts = file.split('/');
  if ((parts[0] === 'lib' || parts[0] === 'infra') && parts.length > 1) {
    return `${parts[0]}/${(parts[1] ?? '').replace(SOURCE, '')}`;
  }
  return parts[0] ?? file;
}

/** The graph between areas (edges inside one area dropped). */
export function areaGraph(graph: Map<string, Set<string>>): Map<string, Set<string>> {
  const areas = new Map<string, Set<string>>();
  for (const [file, targets] of graph) {
    const from = areaOf(file);
    const edges = areas.get(from) ?? new Set<string>();
    areas.set(from, edges);
    for (const target of targets) if (areaOf(target) !== from) edges.add(areaOf(target));
  }
  return areas;
}

/** Strongly connected components with more than one node (Tarjan): each is an import cycle. */
export function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, indices.get(next) ?? 0));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!indices.has(node)) visit(node);
  return found.sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
}

/** A direction the tree forbids: files under `from` (minus `except`) never import files under `to`. */
export interface ImportRule {
  from: readonly string[];
  except?: readonly string[];
  to: readonly string[];
  why: string;
}

/** The layers: product code, local AWS and the demo in infra/, test harnesses in test/helpers. */
export const IMPORT_RULES: readonly ImportRule[] = [
  {
    from: ['handlers/', 'lib/'],
    except: ['lib/cli/'],
    to: ['infra/'],
    why: 'product code never starts the sandbox',
  },
  {
    from: ['lib/cli/'],
    to: ['infra/demo/'],
    why: '`jitr sandbox start` uses the local AWS account (infra/sandbox, infra/local-aws), not the demo',
  },
  {
    from: ['infra/sandbox/', 'infra/local-aws/'],
    to: ['infra/demo/'],
    why: 'the local AWS side does not depend on the demo built on it',
  },
  { from: ['infra/sandbox/'], to: ['infra/local-aws/'], why: 'the emulator does not depend on its setup' },
  {
    from: ['handlers/', 'lib/', 'infra/', 'scripts/', 'bin/'],
    to: ['test/'],
    why: 'test harnesses use the product and infra/, never the other way round',
  },
];

/** Every import that breaks a rule, as `file → target (why)`. */
export function forbiddenImports(
  graph: Map<string, Set<string>>,
  rules: readonly ImportRule[] = IMPORT_RULES,
): string[] {
  const under = (file: string, prefixes: readonly string[] = []): boolean =>
    prefixes.some((prefix) => file.startsWith(prefix));
  return [...graph].flatMap(([file, targets]) =>
    rules
      .filter((rule) => under(file, rule.from) && !under(file, rule.except))
      .flatMap((rule) =>
        [...targets].filter((target) => under(target, rule.to)).map((t) => `${file} → ${t} (${rule.why})`),
      ),
  );
}
