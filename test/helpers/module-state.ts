// Finds module-level mutable state in TypeScript sources: a top-level `let`/`var`, or a
// top-level `const` holding a Map, Set, array or object that the file mutates (set, add, push,
// delete, an assignment to one of its members…). Such state outlives one request, is shared by
// every caller and is invisible to tests; the composition root (lib/runtime/) owns it instead.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const MUTATORS = new Set([
  'set',
  'add',
  'delete',
  'clear',
  'push',
  'pop',
  'shift',
  'unshift',
  'splice',
  'sort',
  'reverse',
  'fill',
  'copyWithin',
]);

/** `file:line name (why)` for each piece of module-level mutable state in `source`. */
export function moduleState(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const at = (node: ts.Node) => `${file}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
  const candidates = new Map<string, ts.Node>();
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const list = statement.declarationList;
    const constant = (list.flags & ts.NodeFlags.Const) !== 0;
    for (const declaration of list.declarations) {
      if (!ts.isIdentifier(declaration.name)) continue;
      const name = declaration.name.text;
      if (!constant) found.push(`${at(declaration)} ${name} (module-level let/var)`);
      else if (declaration.initializer !== undefined && isContainer(declaration.initializer))
        candidates.set(name, declaration);
    }
  }
  if (candidates.size === 0) return found;
  const mutated = new Set<string>();
  const visit = (node: ts.Node): void => {
    // X.set(…), X.push(…), …
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ts.isIdentifier(node.expression.expression) &&
      MUTATORS.has(node.expression.name.text)
    ) {
      mutated.add(node.expression.expression.text);
    }
    // X.a = …, X[k] = …, X.a += …, delete X[k]
    const target =
      ts.isBinaryExpression(node) && isAssignment(node.operatorToken.kind)
        ? node.left
        : ts.isDeleteExpression(node)
          ? node.expression
          : undefined;
    if (
      target !== undefined &&
      (ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target))
    ) {
      if (ts.isIdentifier(target.expression)) mutated.add(target.expression.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  for (const [name, declaration] of candidates) {
    if (mutated.has(name)) found.push(`${at(declaration)} ${name} (mutated module-level container)`);
  }
  return found;
}

function isContainer(node: ts.Expression): boolean {
  const inner = ts.isAsExpression(node) || ts.isSatisfiesExpression(node) ? node.expression : node;
  if (ts.isArrayLiteralExpression(inner) || ts.isObjectLiteralExpression(inner)) return true;
  return (
    ts.isNewExpression(inner) &&
    ts.isIdentifier(inner.expression) &&
    /^(Weak)?(Map|Set)$/.test(inner.expression.text)
  );
}

function isAssignment(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/**
 * The entry points: they read the process environment and hold what the composition root built
 * for their process (e.g. the handler's runtime).
 */
export const ENTRY_POINTS: readonly RegExp[] = [
  /^handlers\/[^/]+\.ts$/,
  /^bin\//,
  /^scripts\//,
  /^lib\/cli\/main\.ts$/,
  /^infra\/demo\/run\.ts$/,
];

/** The folders of product code, local AWS and the demo (everything but test/). */
export const SOURCE_DIRS = ['handlers', 'lib', 'infra', 'scripts', 'bin'] as const;

/** `check` over every `.ts` file under `dirs` (paths relative to `root`), its findings in one list. */
export function checkSources(
  root: string,
  dirs: readonly string[],
  check: (file: string, source: string) => string[],
): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts'))
        out.push(...check(relative(root, path), readFileSync(path, 'utf8')));
    }
  };
  for (const dir of dirs) walk(join(root, dir));
  return out;
}

/** {@link moduleState} over every `.ts` file under `dirs` (paths relative to `root`). */
export function moduleStateIn(root: string, dirs: readonly string[]): string[] {
  return checkSources(root, dirs, moduleState);
}
