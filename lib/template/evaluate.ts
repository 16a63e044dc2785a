import {
  InvalidIntrinsicError,
  InvalidTemplateError,
  UndeclaredParameterError,
  UnsafeCertificateValueError,
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
    throw new InvalidIntrinsicError('expected a string here but the expression yields a list', {
      path,
      remedy: 'Pick one element with Fn::Select, or join the list with Fn::Join.',
    });
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
    throw new InvalidIntrinsicError('expected a list here', {
      path,
      remedy: 'Write a JSON array or use Fn::Split.',
    });
  }
  return value;
}

function evalValue(node: unknown, ctx: EvalContext, path: string): TValue {
  if (typeof node === 'string') return literal(node);
  const fn = intrinsicName(node);
  if (fn === null || !isPlainObject(node)) {
    throw new InvalidTemplateError(`expected a string or an intrinsic function, found ${describe(node)}`, {
      path,
      remedy: 'Write the value as a JSON string or as {"Ref": …} / {"Fn::…": …}.',
    });
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
      throw new InvalidIntrinsicError(`${fn} is not an AWS IoT provisioning template function`, {
        path: fnPath,
        remedy: 'Use Ref, Fn::Join, Fn::Select, Fn::Split, Fn::FindInMap or Fn::Sub.',
      });
  }
}

function ref(name: unknown, ctx: EvalContext, path: string): TString {
  if (typeof name !== 'string') {
    throw new InvalidIntrinsicError('Ref takes a parameter name', { path, remedy: 'Write {"Ref": "Name"}.' });
  }
  const value = ctx.parameter(name);
  if (value === null) {
    throw new UndeclaredParameterError(`Ref names ${name}, which the Parameters section does not declare`, {
      path,
      remedy: `Declare "${name}": {"Type": "String"} in Parameters.`,
    });
  }
  return value;
}

function join(args: unknown, ctx: EvalContext, path: string): TString {
  if (!Array.isArray(args) || args.length !== 2 || typeof args[0] !== 'string') {
    throw new InvalidIntrinsicError('Fn::Join takes [delimiter, [values…]]', {
      path,
      remedy: 'Write {"Fn::Join": ["-", ["a", {"Ref": "B"}]]}.',
    });
  }
  return joinList(args[0], evalList(args[1], ctx, childPath(path, 1)));
}

function select(args: unknown, ctx: EvalContext, path: string): TString {
  if (!Array.isArray(args) || args.length !== 2) {
    throw new InvalidIntrinsicError('Fn::Select takes [index, [values…]]', {
      path,
      remedy: 'Write {"Fn::Select": ["0", {"Fn::Split": [",", {"Ref": "A"}]}]}.',
    });
  }
  const rawIndex = args[0];
  const indexValue =
    typeof rawIndex === 'number' ? literal(String(rawIndex)) : evalString(rawIndex, ctx, childPath(path, 0));
  const indexText = textOf(indexValue);
  // An index a certificate supplied makes the picked element certificate-derived (it chose it).
  const chosenBy = firstSource(indexValue);
  const pick = (value: TString): TString => (chosenBy === null ? value : taintAll(value, chosenBy));
  if (!/^(0|[1-9][0-9]{0,8})$/.test(indexText)) {
    throw lookupFailure(
      `Fn::Select index ${JSON.stringify(indexText)} is not a non-negative integer`,
      chosenBy,
      {
        path: childPath(path, 0),
        remedy: 'Use a literal index such as "0".',
      },
    );
  }
  const index = Number(indexText);
  const listNode = args[1];
  if (Array.isArray(listNode)) {
    const element: unknown = listNode[index];
    if (index >= listNode.length || element === null) {
      throw lookupFailure(
        index >= listNode.length
          ? `Fn::Select index ${index} is out of bounds (the list has ${listNode.length} elements)`
          : `Fn::Select picks a null element at index ${index}`,
        chosenBy,
        { path, remedy: 'Choose an index inside the list and make sure the element is not null.' },
      );
    }
    return pick(evalString(element, ctx, childPath(childPath(path, 1), index)));
  }
  const list = evalList(listNode, ctx, childPath(path, 1));
  const picked = list.items[index];
  if (picked === undefined) {
    // A certificate decided either the index or how many elements the list has.
    throw lookupFailure(
      `Fn::Select index ${index} is out of bounds (the list has ${list.items.length} elements)`,
      chosenBy ?? list.lengthSource,
      {
        path,
        remedy: 'Choose an index inside the list (a certificate value may have fewer parts than expected).',
      },
    );
  }
  return pick(picked);
}

function splitFn(args: unknown, ctx: EvalContext, path: string): TList {
  if (!Array.isArray(args) || args.length !== 2 || typeof args[0] !== 'string' || args[0] === '') {
    throw new InvalidIntrinsicError(
      'Fn::Split takes [delimiter, string] with a non-empty literal delimiter',
      {
        path,
        remedy: 'Write {"Fn::Split": ["-", {"Ref": "A"}]}.',
      },
    );
  }
  return split(evalString(args[1], ctx, childPath(path, 1)), args[0]);
}

function findInMap(args: unknown, ctx: EvalContext, path: string): TValue {
  if (!Array.isArray(args) || args.length !== 3) {
    throw new InvalidIntrinsicError('Fn::FindInMap takes [mapName, topLevelKey, secondLevelKey]', {
      path,
      remedy: 'Write {"Fn::FindInMap": ["Map", {"Ref": "Key"}, "Value"]}.',
    });
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
      `Fn::FindInMap finds no value for ${JSON.stringify([mapName, topKey, secondKey])} in Mappings`,
      missed === undefined ? null : firstSource(missed),
      { path, remedy: 'Add the key to Mappings, or make sure the parameter value is one the map knows.' },
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
      throw new InvalidIntrinsicError('Fn::Sub takes a string or [string, {variables}]', {
        path,
        remedy: `Write {"Fn::Sub": ["\${Prefix}-x", {"Prefix": "a"}]}.`,
      });
    }
    template = args[0];
    vars = args[1];
  }
  if (typeof template !== 'string') {
    throw new InvalidIntrinsicError('the Fn::Sub template must be a literal string', {
      path,
      remedy: 'Write the text to substitute into as a JSON string.',
    });
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
      throw new InvalidIntrinsicError(`Fn::Sub has a "\${" without a closing "}"`, {
        path,
        remedy: `Close the variable with "}", or write "\${!" for a literal "\${".`,
      });
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
  throw new UndeclaredParameterError(
    `Fn::Sub variable \${${name}} is neither a Fn::Sub variable nor a declared parameter`,
    {
      path,
      remedy: `Declare ${name} in Parameters, pass it in the Fn::Sub variable map, or write \${!${name}} for literal text.`,
    },
  );
}

/**
 * A lookup (Fn::Select index, Fn::FindInMap key) that fails: the device's fault when a certificate
 * value decided the lookup (the certificate holds a value the template does not expect), the
 * template's otherwise.
 */
function lookupFailure(
  message: string,
  decidedBy: string | null,
  options: { path: string; remedy: string },
): InvalidIntrinsicError | UnsafeCertificateValueError {
  if (decidedBy === null) return new InvalidIntrinsicError(message, options);
  return new UnsafeCertificateValueError(`${message}: the value of ${decidedBy} decided the lookup`, {
    ...options,
    remedy: 'Issue the certificate with a value the template expects, or extend the template to cover it.',
    details: { parameters: [decidedBy] },
  });
}

function describe(node: unknown): string {
  if (node === null) return 'null';
  if (Array.isArray(node)) return 'a list';
  return typeof node === 'object' ? 'an object' : `a ${typeof node}`;
}
