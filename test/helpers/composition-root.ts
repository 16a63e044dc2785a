// What only the composition root and the entry points may do, found in TypeScript sources:
// construct an AWS SDK client (`new XClient(…)` of a class imported from `@aws-sdk/client-*`,
// named or namespace import, or a call of one of lib/runtime's client factories) and read
// `process.env`. Everything else receives its clients and its parsed configuration.
import ts from 'typescript';
import { checkSources } from './module-state.js';

const SDK_PACKAGE = /^@aws-sdk\/client-/;
const FACTORY_MODULE = /(^|\/)runtime\/[\w-]+\.js$/;
const FACTORY = /^create\w*Client$/;
const CLIENT_CLASS = /Client$/;
/** The composition root's modules that construct clients. */
const CLIENTS_MODULE = /(^|\/)runtime\/(aws|operations)-clients\.js$/;

/** `file:line what` for each SDK client `source` constructs and each use of `process.env`. */
export function compositionRootWork(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const classes = new Set<string>();
  const namespaces = new Set<string>();
  const factories = new Set<string>();
  for (const statement of sf.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const from = statement.moduleSpecifier.text;
    const clause = statement.importClause;
    if (clause === undefined || clause.isTypeOnly) continue;
    const bindings = clause.namedBindings;
    if (SDK_PACKAGE.test(from)) {
      if (bindings !== undefined && ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
      if (bindings !== undefined && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          const imported = (element.propertyName ?? element.name).text;
          if (!element.isTypeOnly && CLIENT_CLASS.test(imported)) classes.add(element.name.text);
        }
      }
    } else if (FACTORY_MODULE.test(from) && bindings !== undefined && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) {
        if (FACTORY.test((element.propertyName ?? element.name).text)) factories.add(element.name.text);
      }
    }
  }
  const found: string[] = [];
  const at = (node: ts.Node) => `${file}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
  const visit = (node: ts.Node): void => {
    if (
      ts.isPropertyAccessExpression(node) &&
      node.name.text === 'env' &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'process'
    ) {
      found.push(`${at(node)} process.env`);
    }
    if (ts.isNewExpression(node)) {
      const callee = node.expression;
      if (ts.isIdentifier(callee) && classes.has(callee.text)) found.push(`${at(node)} new ${callee.text}`);
      if (
        ts.isPropertyAccessExpression(callee) &&
        ts.isIdentifier(callee.expression) &&
        namespaces.has(callee.expression.text) &&
        CLIENT_CLASS.test(callee.name.text)
      ) {
        found.push(`${at(node)} new ${callee.expression.text}.${callee.name.text}`);
      }
    }
    if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      factories.has(node.expression.text)
    ) {
      found.push(`${at(node)} ${node.expression.text}()`);
    }
    // A dynamic import of an SDK package or of the factories' modules (to construct a client lazily).
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [specifier] = node.arguments;
      if (
        specifier !== undefined &&
        ts.isStringLiteral(specifier) &&
        (SDK_PACKAGE.test(specifier.text) || CLIENTS_MODULE.test(specifier.text))
      ) {
        found.push(`${at(node)} import('${specifier.text}')`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** {@link compositionRootWork} for every source file under `dirs` (paths relative to `root`). */
export function compositionRootWorkIn(root: string, dirs: readonly string[]): string[] {
  return checkSources(root, dirs, compositionRootWork);
}
