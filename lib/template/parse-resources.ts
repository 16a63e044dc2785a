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
    throw new InvalidTemplateError(`resource ${logicalName} must be an object`, {
      path,
      remedy: 'Declare the resource as {"Type": …, "Properties": {…}}.',
    });
  }
  for (const key of Object.keys(value)) {
    if (key !== 'Type' && key !== 'Properties' && key !== 'OverrideSettings') {
      throw new UnsupportedTemplateFeatureError(
        `AWS IoT provisioning template resources do not support "${key}"`,
        {
          path: childPath(path, key),
          remedy: 'A resource holds only Type, Properties and OverrideSettings.',
        },
      );
    }
  }
  const type = value.Type;
  if (typeof type !== 'string' || !(type in RULES)) {
    throw new UnsupportedTemplateFeatureError(
      `AWS IoT provisioning templates do not support the resource type ${JSON.stringify(type)}`,
      {
        path: childPath(path, 'Type'),
        remedy: 'Use AWS::IoT::Thing, AWS::IoT::Certificate or AWS::IoT::Policy.',
      },
    );
  }
  const rules = RULES[type as ResourceType];
  const properties = value.Properties ?? {};
  const propsPath = childPath(path, 'Properties');
  if (!isPlainObject(properties)) {
    throw new InvalidTemplateError(`the Properties of ${logicalName} must be an object`, {
      path: propsPath,
      remedy: 'Write Properties as a JSON object.',
    });
  }
  for (const key of Object.keys(properties)) {
    const reason = rules.unsupported[key];
    if (reason !== undefined) {
      throw new UnsupportedTemplateFeatureError(`${type} property ${key} is not supported: ${reason}`, {
        path: childPath(propsPath, key),
        remedy: `Remove ${key} from ${logicalName}.`,
      });
    }
    if (!rules.properties.includes(key)) {
      throw new UnsupportedTemplateFeatureError(
        `AWS IoT provisioning templates do not support ${type} property ${key}`,
        {
          path: childPath(propsPath, key),
          remedy: `Use only ${rules.properties.join(', ')}.`,
        },
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
    throw new InvalidTemplateError(`thing ${name} has no ThingName`, {
      path: childPath(path, 'ThingName'),
      remedy: 'Add ThingName, e.g. {"Ref": "AWS::IoT::Certificate::CommonName"}.',
    });
  }
  if (type === 'AWS::IoT::Certificate' && props.CertificateId === undefined) {
    throw new InvalidTemplateError(`certificate ${name} has no CertificateId`, {
      path: childPath(path, 'CertificateId'),
      remedy: 'Add "CertificateId": {"Ref": "AWS::IoT::Certificate::Id"}.',
    });
  }
  if (type === 'AWS::IoT::Policy') {
    const hasName = props.PolicyName !== undefined;
    const hasDocument = props.PolicyDocument !== undefined;
    if (hasName === hasDocument) {
      throw new InvalidTemplateError(`policy ${name} must have PolicyName or PolicyDocument, but not both`, {
        path,
        remedy: 'Give either the name of an existing policy (PolicyName) or a PolicyDocument.',
      });
    }
  }
}

function parseOverrides(type: ResourceType, section: unknown, path: string): Record<string, OverrideValue> {
  if (section === undefined) return {};
  const allowed = RULES[type].overrides;
  if (Object.keys(allowed).length === 0) {
    throw new UnsupportedTemplateFeatureError(
      `AWS IoT provisioning templates do not support OverrideSettings on ${type}`,
      {
        path,
        remedy: 'Remove OverrideSettings from the policy resource.',
      },
    );
  }
  if (!isPlainObject(section)) {
    throw new InvalidTemplateError('OverrideSettings must be an object', {
      path,
      remedy: 'Write OverrideSettings as {"Property": "DO_NOTHING" | "REPLACE" | "FAIL" | "MERGE"}.',
    });
  }
  const result: Record<string, OverrideValue> = {};
  for (const [rawKey, value] of Object.entries(section)) {
    const key = OVERRIDE_ALIASES[rawKey] ?? rawKey;
    const accepted = allowed[key];
    const keyPath = childPath(path, rawKey);
    if (accepted === undefined) {
      throw new UnsupportedTemplateFeatureError(
        `AWS IoT provisioning templates do not support an override for ${rawKey}`,
        {
          path: keyPath,
          remedy: `Override only ${Object.keys(allowed).join(', ')}.`,
        },
      );
    }
    if (typeof value !== 'string' || !(accepted as readonly string[]).includes(value)) {
      throw new InvalidTemplateError(`override ${JSON.stringify(value)} is not valid for ${key}`, {
        path: keyPath,
        remedy: `Use one of ${accepted.join(', ')} (MERGE only for AttributePayload and ThingGroups).`,
      });
    }
    result[key] = value as OverrideValue;
  }
  return result;
}
