import { InvalidTemplateError, UnsupportedTemplateFeatureError } from './errors.js';
import type { OverrideValue } from './plan.js';
import { childPath, isPlainObject, type ResourceDeclaration, type ResourceType } from './template-types.js';

interface TypeRules {
  properties: readonly string[];
  /** Properties AWS knows but this handler cannot honour, with the reason. */
  unsupported: Readonly<Record<string, string>>;
  /** Override keys (normalised) and the values each accepts. */
  overrides: Readonly<Record<string, readonly OverrideValue[]>>;
}

const NO_MERGE: readonly OverrideValue[] = ['DO_NOTHING', 'REPLACE', 'FAIL'];
const WITH_MERGE: readonly OverrideValue[] = ['DO_NOTHING', 'REPLACE', 'FAIL', 'MERGE'];

const RULES: Record<ResourceType, TypeRules> = {
  'AWS::IoT::Thing': {
    properties: ['ThingName', 'AttributePayload', 'ThingTypeName', 'ThingGroups', 'BillingGroup'],
    unsupported: {
      PackageVersions:
        'this handler does not associate package versions (the property shape is not documented)',
    },
    overrides: { AttributePayload: WITH_MERGE, ThingTypeName: NO_MERGE, ThingGroups: WITH_MERGE },
  },
  'AWS::IoT::Certificate': {
    properties: ['CertificateId', 'Status'],
    unsupported: {
      CertificateSigningRequest: 'with JITR the certificate already exists; identify it with CertificateId',
      CertificatePem: 'with JITR the certificate already exists; identify it with CertificateId',
      CACertificatePem: 'with JITR the certificate already exists; identify it with CertificateId',
      ThingPrincipalType: 'this handler attaches the certificate with the default (non-exclusive) type',
    },
    overrides: { Status: NO_MERGE },
  },
  'AWS::IoT::Policy': {
    properties: ['PolicyName', 'PolicyDocument'],
    unsupported: {},
    overrides: {},
  },
};

/** The documented upper-case spellings of the thing override keys. */
const OVERRIDE_ALIASES: Readonly<Record<string, string>> = {
  ATTRIBUTE_PAYLOAD: 'AttributePayload',
  THING_TYPE_NAME: 'ThingTypeName',
  THING_GROUPS: 'ThingGroups',
};

/** Validates one `Resources` entry (type, property names, OverrideSettings); values are checked at render. */
export function parseResource(logicalName: string, value: unknown, path: string): ResourceDeclaration {
  if (!isPlainObject(value)) {
    throw new InvalidTemplateError({ kind: 'resource-not-object', logicalName }, path);
  }
  for (const key of Object.keys(value)) {
    if (key !== 'Type' && key !== 'Properties' && key !== 'OverrideSettings') {
      throw new UnsupportedTemplateFeatureError({ kind: 'resource-key', key }, childPath(path, key));
    }
  }
  const type = value.Type;
  if (typeof type !== 'string' || !(type in RULES)) {
    throw new UnsupportedTemplateFeatureError({ kind: 'resource-type', type }, childPath(path, 'Type'));
  }
  const rules = RULES[type as ResourceType];
  const properties = value.Properties ?? {};
  const propsPath = childPath(path, 'Properties');
  if (!isPlainObject(properties)) {
    throw new InvalidTemplateError({ kind: 'properties-not-object', logicalName }, propsPath);
  }
  for (const key of Object.keys(properties)) {
    const reason = rules.unsupported[key];
    if (reason !== undefined) {
      throw new UnsupportedTemplateFeatureError(
        { kind: 'property-refused', type, property: key, reason, logicalName },
        childPath(propsPath, key),
      );
    }
    if (!rules.properties.includes(key)) {
      throw new UnsupportedTemplateFeatureError(
        { kind: 'property-unknown', type, property: key, supported: rules.properties },
        childPath(propsPath, key),
      );
    }
  }
  checkRequired(type as ResourceType, logicalName, properties, propsPath);
  const overrideSettings = parseOverrides(
    type as ResourceType,
    value.OverrideSettings,
    childPath(path, 'OverrideSettings'),
  );
  return { logicalName, type: type as ResourceType, properties, overrideSettings };
}

function checkRequired(type: ResourceType, name: string, props: Record<string, unknown>, path: string): void {
  if (type === 'AWS::IoT::Thing' && props.ThingName === undefined) {
    throw new InvalidTemplateError(
      { kind: 'thing-without-name', logicalName: name },
      childPath(path, 'ThingName'),
    );
  }
  if (type === 'AWS::IoT::Certificate' && props.CertificateId === undefined) {
    throw new InvalidTemplateError(
      { kind: 'certificate-without-id', logicalName: name },
      childPath(path, 'CertificateId'),
    );
  }
  if (type === 'AWS::IoT::Policy') {
    const hasName = props.PolicyName !== undefined;
    const hasDocument = props.PolicyDocument !== undefined;
    if (hasName === hasDocument) {
      throw new InvalidTemplateError({ kind: 'policy-name-or-document', logicalName: name }, path);
    }
  }
}

function parseOverrides(type: ResourceType, section: unknown, path: string): Record<string, OverrideValue> {
  if (section === undefined) return {};
  const allowed = RULES[type].overrides;
  if (Object.keys(allowed).length === 0) {
    throw new UnsupportedTemplateFeatureError({ kind: 'overrides-on-type', type }, path);
  }
  if (!isPlainObject(section)) {
    throw new InvalidTemplateError({ kind: 'overrides-not-object' }, path);
  }
  const result: Record<string, OverrideValue> = {};
  for (const [rawKey, value] of Object.entries(section)) {
    const key = OVERRIDE_ALIASES[rawKey] ?? rawKey;
    const accepted = allowed[key];
    const keyPath = childPath(path, rawKey);
    if (accepted === undefined) {
      throw new UnsupportedTemplateFeatureError(
        { kind: 'override-property', property: rawKey, overridable: Object.keys(allowed) },
        keyPath,
      );
    }
    if (typeof value !== 'string' || !(accepted as readonly string[]).includes(value)) {
      throw new InvalidTemplateError({ kind: 'override-value', property: key, value, accepted }, keyPath);
    }
    result[key] = value as OverrideValue;
  }
  return result;
}
