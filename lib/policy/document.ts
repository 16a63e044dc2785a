// Parses an IoT policy document into statements the evaluator can run. Pure.
import { InvalidPolicyDocumentError, UnsupportedPolicyConditionError } from './errors.js';

export type Effect = 'Allow' | 'Deny';

/** The condition operators the evaluator implements (IAM semantics, which IoT policies follow). */
export const CONDITION_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringLike',
  'StringNotLike',
  'Bool',
  'ArnEquals',
  'ArnLike',
  'Null',
] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

export interface Condition {
  operator: ConditionOperator;
  /** `…IfExists`: a missing key makes the condition true. */
  ifExists: boolean;
  key: string;
  values: string[];
}

export interface Statement {
  policyName: string;
  /** Position in the policy's Statement list (0-based). */
  index: number;
  sid: string | undefined;
  effect: Effect;
  /** `Action` patterns, or `NotAction` when `notAction` is true. */
  actions: string[];
  notAction: boolean;
  resources: string[];
  notResource: boolean;
  conditions: Condition[];
}

export interface Policy {
  name: string;
  statements: Statement[];
}

/** Parses a policy (JSON text or object). Unknown condition operators are refused, never ignored. */
export function parsePolicy(name: string, document: unknown): Policy {
  let doc = document;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch {
      throw new InvalidPolicyDocumentError(name, { kind: 'not-json' }, '$');
    }
  }
  if (!isObject(doc)) throw new InvalidPolicyDocumentError(name, { kind: 'not-an-object' }, '$');
  const raw = doc.Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (list.length === 0) throw new InvalidPolicyDocumentError(name, { kind: 'no-statement' }, '$.Statement');
  return { name, statements: list.map((s, i) => parseStatement(name, s, i, Array.isArray(raw))) };
}

function parseStatement(policyName: string, raw: unknown, index: number, inList: boolean): Statement {
  const at = inList ? `$.Statement[${index}]` : '$.Statement';
  if (!isObject(raw))
    throw new InvalidPolicyDocumentError(policyName, { kind: 'statement-not-an-object' }, at);
  const effect = raw.Effect;
  if (effect !== 'Allow' && effect !== 'Deny')
    throw new InvalidPolicyDocumentError(policyName, { kind: 'effect' }, `${at}.Effect`);
  const action = pick(policyName, raw, 'Action', 'NotAction', at);
  const resource = pick(policyName, raw, 'Resource', 'NotResource', at);
  return {
    policyName,
    index,
    sid: typeof raw.Sid === 'string' ? raw.Sid : undefined,
    effect,
    actions: action.values,
    notAction: action.negated,
    resources: resource.values,
    notResource: resource.negated,
    conditions: parseConditions(policyName, raw.Condition, `${at}.Condition`),
  };
}

function pick(
  policyName: string,
  raw: Record<string, unknown>,
  key: string,
  notKey: string,
  at: string,
): { values: string[]; negated: boolean } {
  const has = raw[key] !== undefined;
  const hasNot = raw[notKey] !== undefined;
  if (has === hasNot)
    throw new InvalidPolicyDocumentError(policyName, { kind: 'exactly-one', key, notKey }, at);
  const name = has ? key : notKey;
  const value = raw[name];
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0 || !values.every((v): v is string => typeof v === 'string' && v.length > 0))
    throw new InvalidPolicyDocumentError(policyName, { kind: 'not-strings', element: name }, `${at}.${name}`);
  return { values, negated: !has };
}

function parseConditions(policyName: string, raw: unknown, at: string): Condition[] {
  if (raw === undefined) return [];
  if (!isObject(raw))
    throw new InvalidPolicyDocumentError(policyName, { kind: 'condition-not-an-object' }, at);
  const out: Condition[] = [];
  for (const [name, block] of Object.entries(raw)) {
    const ifExists = name.endsWith('IfExists');
    const base = ifExists ? name.slice(0, -'IfExists'.length) : name;
    const operator = CONDITION_OPERATORS.find((o) => o === base);
    if (operator === undefined || (ifExists && operator === 'Null'))
      throw new UnsupportedPolicyConditionError(policyName, name, `${at}.${name}`, CONDITION_OPERATORS);
    if (!isObject(block))
      throw new InvalidPolicyDocumentError(
        policyName,
        { kind: 'condition-block', operator: name },
        `${at}.${name}`,
      );
    for (const [key, value] of Object.entries(block)) {
      const values = (Array.isArray(value) ? value : [value]).map((v) =>
        typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number' ? String(v) : undefined,
      );
      if (values.length === 0 || values.some((v) => v === undefined))
        throw new InvalidPolicyDocumentError(
          policyName,
          { kind: 'condition-values', operator: name, key },
          `${at}.${name}.${key}`,
        );
      out.push({ operator, ifExists, key, values: values as string[] });
    }
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
