import {
  blame,
  InvalidIntrinsicError,
  type InvalidIntrinsicProblem,
  InvalidTemplateError,
  UndeclaredParameterError,
} from './errors.js';
import {
  concat,
  firstSource,
  join as joinList,
  literal,
  literalList,
  split,
  type TList,
  type TString,
  type TValue,
  taintAll,
  textOf,
} from './tainted.js';
import { childPath, intrinsicName, isPlainObject, type ProvisioningTemplate } from './template-types.js';

/** What the evaluator needs: parameter lookup (already resolved, with origin) and the Mappings. */
export interface EvalContext {
  /** Returns the parameter's value, or null when the name is not a usable parameter. */
  parameter(name: string): TString | null;
  mappings: ProvisioningTemplate['mappings'];
}

/** Evaluates a template value that must end up a string. */
export function evalString(node: unknown, ctx: EvalContext, path: string): TString {
  const value = evalValue(node, ctx, path);
  if (value.kind !== 'string') {
    throw new InvalidIntrinsicError({ kind: 'list-where-string' }, path);
  }
  return value;
}

/** Evaluates a template value that must end up a list of strings (a JSON array or Fn::Split). */
export function evalList(node: unknown, ctx: EvalContext, path: string): TList {
  if (Array.isArray(node)) {
    return literalList(node.map((item, i) => evalString(item, ctx, childPath(path, i))));
  }
  const value = evalValue(node, ctx, path);
  if (value.kind !== 'list') {
    throw new InvalidIntrinsicError({ kind: 'string-where-list' }, path);
  }
  return value;
}

function evalValue(node: unknown, ctx: EvalContext, path: string): TValue {
  if (typeof node === 'string') return literal(node);
  const fn = intrinsicName(node);
  if (fn === null || !isPlainObject(node)) {
    throw new InvalidTemplateError({ kind: 'not-a-value', found: node }, path);
  }
  const args = node[fn];
  const fnPath = childPath(path, fn);
  switch (fn) {
    case 'Ref':
      return ref(args, ctx, fnPath);
    case 'Fn::Join':
      return join(args, ctx, fnPath);
    case 'Fn::Select':
      return select(args, ctx, fnPath);
    case 'Fn::Split':
      return splitFn(args, ctx, fnPath);
    case 'Fn::FindInMap':
      return findInMap(args, ctx, fnPath);
    case 'Fn::Sub':
      return sub(args, ctx, fnPath);
    default:
      // parseTemplate rejects every other function first; this is a fail-safe.
      throw new InvalidIntrinsicError({ kind: 'unknown-function', fn }, fnPath);
  }
}

function ref(name: unknown, ctx: EvalContext, path: string): TString {
  if (typeof name !== 'string') {
    throw new InvalidIntrinsicError({ kind: 'arguments', fn: 'Ref' }, path);
  }
  const value = ctx.parameter(name);
  if (value === null) {
    throw new UndeclaredParameterError(name, 'Ref', path);
  }
  return value;
}

function join(args: unknown, ctx: EvalContext, path: string): TString {
  if (!Array.isArray(args) || args.length !== 2 || typeof args[0] !== 'string') {
    throw new InvalidIntrinsicError({ kind: 'arguments', fn: 'Fn::Join' }, path);
  }
  return joinList(args[0], evalList(args[1], ctx, childPath(path, 1)));
}

function select(args: unknown, ctx: EvalContext, path: string): TString {
  if (!Array.isArray(args) || args.length !== 2) {
    throw new InvalidIntrinsicError({ kind: 'arguments', fn: 'Fn::Select' }, path);
  }
  const rawIndex = args[0];
  const indexValue =
    typeof rawIndex === 'number' ? literal(String(rawIndex)) : evalString(rawIndex, ctx, childPath(path, 0));
  const indexText = textOf(indexValue);
  // An index a certificate supplied makes the picked element certificate-derived (it chose it).
  const chosenBy = firstSource(indexValue);
  const pick = (value: TString): TString => (chosenBy === null ? value : taintAll(value, chosenBy));
  if (!/^(0|[1-9][0-9]{0,8})$/.test(indexText)) {
    throw lookupFailure({ kind: 'select-index', index: indexText }, childPath(path, 0), chosenBy);
  }
  const index = Number(indexText);
  const listNode = args[1];
  if (Array.isArray(listNode)) {
    const element: unknown = listNode[index];
    if (index >= listNode.length || element === null) {
      throw lookupFailure(
        index >= listNode.length
          ? { kind: 'select-out-of-bounds', index, length: listNode.length }
          : { kind: 'select-null', index },
        path,
        chosenBy,
      );
    }
    return pick(evalString(element, ctx, childPath(childPath(path, 1), index)));
  }
  const list = evalList(listNode, ctx, childPath(path, 1));
  const picked = list.items[index];
  if (picked === undefined) {
    // A certificate decided either the index or how many elements the list has.
    throw lookupFailure(
      { kind: 'select-out-of-bounds', index, length: list.items.length },
      path,
      chosenBy ?? list.lengthSource,
    );
  }
  return pick(picked);
}

function splitFn(args: unknown, ctx: EvalContext, path: string): TList {
  if (!Array.isArray(args) || args.length !== 2 || typeof args[0] !== 'string' || args[0] === '') {
    throw new InvalidIntrinsicError({ kind: 'arguments', fn: 'Fn::Split' }, path);
  }
  return split(evalString(args[1], ctx, childPath(path, 1)), args[0]);
}

function findInMap(args: unknown, ctx: EvalContext, path: string): TValue {
  if (!Array.isArray(args) || args.length !== 3) {
    throw new InvalidIntrinsicError({ kind: 'arguments', fn: 'Fn::FindInMap' }, path);
  }
  const keys = args.map((arg, i) => evalString(arg, ctx, childPath(path, i)));
  const [mapName, topKey, secondKey] = keys.map(textOf);
  const map = Object.hasOwn(ctx.mappings, mapName ?? '') ? ctx.mappings[mapName ?? ''] : undefined;
  const top = map !== undefined && Object.hasOwn(map, topKey ?? '') ? map[topKey ?? ''] : undefined;
  const value = top !== undefined && Object.hasOwn(top, secondKey ?? '') ? top[secondKey ?? ''] : undefined;
  if (value === undefined) {
    // The key whose lookup missed decides whose fault it is.
    const missed = keys[map === undefined ? 0 : top === undefined ? 1 : 2];
    throw lookupFailure(
      { kind: 'find-in-map-missing', keys: [mapName, topKey, secondKey] },
      path,
      missed === undefined ? null : firstSource(missed),
    );
  }
  // Mapping values are template text, but one that a certificate chose (by a key) is
  // certificate-derived: the certificate decided which of the template's values lands here.
  const chosenBy = keys.map(firstSource).find((source) => source !== null) ?? null;
  const mark = (v: string): TString => (chosenBy === null ? literal(v) : taintAll(literal(v), chosenBy));
  return typeof value === 'string'
    ? mark(value)
    : { kind: 'list', items: value.map(mark), lengthSource: chosenBy };
}

function sub(args: unknown, ctx: EvalContext, path: string): TString {
  let template: unknown = args;
  let vars: Record<string, unknown> = {};
  if (Array.isArray(args)) {
    if (args.length !== 2 || !isPlainObject(args[1])) {
      throw new InvalidIntrinsicError({ kind: 'arguments', fn: 'Fn::Sub' }, path);
    }
    template = args[0];
    vars = args[1];
  }
  if (typeof template !== 'string') {
    throw new InvalidIntrinsicError({ kind: 'sub-not-literal' }, path);
  }
  const parts: TString[] = [];
  let rest = template;
  while (rest.length > 0) {
    const open = rest.indexOf('${');
    if (open === -1) {
      parts.push(literal(rest));
      break;
    }
    parts.push(literal(rest.slice(0, open)));
    const close = rest.indexOf('}', open + 2);
    if (close === -1) {
      throw new InvalidIntrinsicError({ kind: 'sub-unclosed' }, path);
    }
    const name = rest.slice(open + 2, close);
    parts.push(subVariable(name, vars, ctx, path));
    rest = rest.slice(close + 1);
  }
  return concat(parts);
}

function subVariable(name: string, vars: Record<string, unknown>, ctx: EvalContext, path: string): TString {
  // `${!Literal}` writes `${Literal}` verbatim.
  if (name.startsWith('!')) return literal(`\${${name.slice(1)}}`);
  if (Object.hasOwn(vars, name)) return evalString(vars[name], ctx, childPath(path, name));
  const value = ctx.parameter(name);
  if (value !== null) return value;
  // An IoT policy variable that names no parameter stays for IoT to resolve at connect time.
  if (name.startsWith('iot:')) return literal(`\${${name}}`);
  throw new UndeclaredParameterError(name, 'Fn::Sub', path);
}

/**
 * A lookup (Fn::Select index, Fn::FindInMap key) that fails: the device's fault when a certificate
 * value decided the lookup (the certificate holds a value the template does not expect), the
 * template's otherwise.
 */
function lookupFailure(problem: InvalidIntrinsicProblem, path: string, decidedBy: string | null): Error {
  return blame({ of: 'intrinsic', problem }, path, decidedBy === null ? null : [decidedBy]);
}
