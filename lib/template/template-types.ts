import type { OverrideValue } from './plan.js';

/** A `Parameters` entry: `Type` is always `String`; `default` is null without a `Default`. */
export interface ParameterDeclaration {
  name: string;
  default: string | null;
}

export type ResourceType = 'AWS::IoT::Thing' | 'AWS::IoT::Certificate' | 'AWS::IoT::Policy';

/** A `Resources` entry; `properties` still holds unevaluated intrinsic functions. */
export interface ResourceDeclaration {
  logicalName: string;
  type: ResourceType;
  properties: Record<string, unknown>;
  /** Normalised keys (`AttributePayload`, `ThingTypeName`, `ThingGroups`, `Status`); only what the template wrote. */
  overrideSettings: Record<string, OverrideValue>;
}

/** A parsed, structurally validated AWS IoT provisioning template (JITP / bulk / fleet format). */
export interface ProvisioningTemplate {
  parameters: ParameterDeclaration[];
  /** `Mappings`: map name → top-level key → second-level key → string or list of strings. */
  mappings: Record<string, Record<string, Record<string, string | string[]>>>;
  resources: ResourceDeclaration[];
  /** Metadata `JITR::UncheckedPolicyAttributes`: attributes exempt from the read-back check. */
  uncheckedAttributes: string[];
}

/**
 * The one `Metadata` key this handler reads: thing attributes that a certificate may fill with
 * any AWS-valid attribute value even though a policy reads them back (see README, "Certificate
 * values are untrusted"). A JITR extension: JITP does not know it.
 */
export const UNCHECKED_ATTRIBUTES_KEY = 'JITR::UncheckedPolicyAttributes';

/** Intrinsic functions AWS documents for provisioning templates. */
export const SUPPORTED_FUNCTIONS = [
  'Ref',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::FindInMap',
  'Fn::Sub',
] as const;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The function name when `node` is an intrinsic call (`{"Ref": …}` or `{"Fn::X": …}`), else null.
 * A `Condition` key is no intrinsic: inside a policy document it is IAM's condition block, which
 * JITP accepts; template-level `Conditions` and `Fn::If` are refused elsewhere.
 */
export function intrinsicName(node: unknown): string | null {
  if (!isPlainObject(node)) return null;
  const keys = Object.keys(node);
  const fn = keys.find((k) => k === 'Ref' || k.startsWith('Fn::') || k.startsWith('Fn:'));
  return fn ?? null;
}

/** Joins a JSON path: `Resources.thing.Properties.ThingGroups[1]`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const safe = /^[A-Za-z0-9_]+$/.test(key) ? key : JSON.stringify(key);
  const segment = /^[A-Za-z0-9_]+$/.test(key) ? key : `[${safe}]`;
  if (path === '') return segment;
  return segment.startsWith('[') ? `${path}${segment}` : `${path}.${segment}`;
}
