/**
 * How a configuration variable is declared: one object per variable holds its name, default,
 * parser and documentation. The loaders (config.ts), the README's configuration table (checked
 * by test/unit/readme.test.ts), template.yaml's `Environment.Variables` (checked by
 * test/unit/sam-template.test.ts) and the CLI's option defaults all derive from it.
 *
 * To add a variable: declare it in variables.ts with {@link variable}, add it to the list it
 * belongs to, read it in the loader with {@link readVariable}, and add its README row.
 */
import { ConfigurationInvalidError } from './errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ConfigVariable<T = unknown> {
  readonly name: string;
  /** The value used when the variable is unset or blank, written as in the environment; null: none. */
  readonly default: string | null;
  /** What the README's default column says when there is no default (e.g. `(none)`, `(AWS)`). */
  readonly noDefault: string;
  /** The README's meaning column. */
  readonly meaning: string;
  /** What a valid value looks like (ends the ConfigurationInvalid message and remedy). */
  readonly expected: string;
  /** The typed value, or undefined when `raw` (trimmed, non-empty) is malformed. */
  readonly parse: (raw: string) => T | undefined;
  /** false for variables the Lambda runtime sets itself (not declared in template.yaml). */
  readonly declaredInTemplate: boolean;
}

/** Declares a variable (see {@link ConfigVariable}); `noDefault` and `declaredInTemplate` are optional. */
export function variable<T, D extends string | null>(
  declaration: Omit<ConfigVariable<T>, 'default' | 'noDefault' | 'declaredInTemplate'> & {
    default: D;
  } & Partial<Pick<ConfigVariable<T>, 'noDefault' | 'declaredInTemplate'>>,
): ConfigVariable<T> & { readonly default: D } {
  return Object.freeze({ noDefault: '(none)', declaredInTemplate: true, ...declaration });
}

/** The default as the README states it. */
export function documentedDefault(declaration: ConfigVariable): string {
  return declaration.default || declaration.noDefault;
}

/** The variable's raw value: trimmed, undefined when unset or blank. */
export function rawValue(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** The error for a malformed value (shared by every loader and cross-variable check). */
export function invalidVariable(name: string, value: string, expected: string): ConfigurationInvalidError {
  return new ConfigurationInvalidError({ variable: name, value, expected });
}

/**
 * Parses `raw` with the declaration: its default when `raw` is undefined (the declared default
 * goes through the same parser, so a default can never disagree with the documentation).
 * @throws {@link ConfigurationInvalidError} naming the variable when `raw` is malformed.
 */
export function parseVariable<T>(declaration: ConfigVariable<T>, raw: string | undefined): T | undefined {
  const text = raw ?? declaration.default;
  if (text === null) return undefined;
  const value = declaration.parse(text);
  if (value === undefined) throw invalidVariable(declaration.name, text, declaration.expected);
  return value;
}

/**
 * Reads one declared variable from `env` (see {@link parseVariable}).
 * @throws {@link ConfigurationInvalidError} naming the variable when its value is malformed.
 */
export function readVariable<T>(env: Env, declaration: ConfigVariable<T>): T | undefined {
  return parseVariable(declaration, rawValue(env, declaration.name));
}

/**
 * The value of `raw` as the declaration parses it, or its default when `raw` is unset or
 * malformed: for tools that describe a configuration someone else loads (jitr doctor reads the
 * deployed function's environment) and must not stop at the first bad value.
 */
export function valueOrDefault<T>(
  declaration: ConfigVariable<T> & { default: string },
  raw: string | undefined,
): T {
  const text = raw?.trim();
  const parsed = text === undefined || text === '' ? undefined : declaration.parse(text);
  return parsed ?? (declaration.parse(declaration.default) as T);
}

/** {@link readVariable} for a variable with a default: never undefined. */
export function readDefaulted<T>(env: Env, declaration: ConfigVariable<T> & { default: string }): T {
  return readVariable(env, declaration) as T;
}

/** A parser for an integer from `min` to `max` (digits only). */
export function integerIn(min: number, max: number): (raw: string) => number | undefined {
  return (raw) => {
    if (!/^\d+$/.test(raw)) return undefined;
    const value = Number(raw);
    return value < min || value > max ? undefined : value;
  };
}

/** A parser for one of `allowed` (`upper`: the value is upper-cased first). */
export function oneOf<T extends string>(
  allowed: readonly T[],
  upper = false,
): (raw: string) => T | undefined {
  return (raw) => {
    const value = upper ? raw.toUpperCase() : raw;
    return allowed.find((candidate) => candidate === value);
  };
}

/** The entries of a JSON object (undefined: not JSON, or JSON that is not an object). */
export function jsonObjectEntries(raw: string): Array<[string, unknown]> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  return Object.entries(parsed);
}

/** Any non-empty text. */
export function text(raw: string): string {
  return raw;
}
