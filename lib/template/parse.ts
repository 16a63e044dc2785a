import { checkDepth } from './depth.js';
import {
  InvalidTemplateError,
  TemplateLimitExceededError,
  UndeclaredParameterError,
  UnsupportedTemplateFeatureError,
} from './errors.js';
import { MAX_TEMPLATE_BODY_CHARS } from './limits.js';
import { AWS_CERTIFICATE_PARAMETERS } from './parameter-names.js';
import { parseResource } from './parse-resources.js';
import {
  childPath,
  intrinsicName,
  isPlainObject,
  type ParameterDeclaration,
  type ProvisioningTemplate,
  SUPPORTED_FUNCTIONS,
  UNCHECKED_ATTRIBUTES_KEY,
} from './template-types.js';

const UNSUPPORTED_SECTIONS = new Set([
  'Conditions',
  'Outputs',
  'Transform',
  'Rules',
  'AWSTemplateFormatVersion',
  'Description',
]);
const KNOWN_SECTIONS = new Set(['Parameters', 'Mappings', 'Resources', 'DeviceConfiguration', 'Metadata']);

/** The eight `AWS::IoT::Certificate::*` names AWS fills itself; a template may `Ref` them undeclared. */
export const AWS_BUILTIN_PARAMETERS: ReadonlySet<string> = new Set(Object.values(AWS_CERTIFICATE_PARAMETERS));

/**
 * Parses and structurally validates a provisioning template.
 *
 * Accepts the template as an object, as JSON text, as a registration-config wrapper
 * `{"templateBody": "<escaped JSON>", "roleArn": …}` (as given to `register-ca-certificate
 * --registration-config`), as a DescribeCACertificate `registrationConfig` holder, or as a
 * DescribeProvisioningTemplate answer (`templateBody` ≤ 10,240 characters).
 *
 * @example parseTemplate(fs.readFileSync('template.json', 'utf8'))
 * @throws {@link InvalidTemplateError} malformed JSON or shape, missing required property
 * @throws {@link UnsupportedTemplateFeatureError} `Conditions`, `Outputs`, `Fn::If`, `Fn::GetAtt`, unknown types…
 * @throws {@link UndeclaredParameterError} a `Ref` to a name that is neither declared nor an AWS built-in
 * @throws {@link TemplateLimitExceededError} template body longer than 10,240 characters
 */
export function parseTemplate(input: unknown): ProvisioningTemplate {
  const body = unwrap(input);
  for (const key of Object.keys(body)) {
    if (KNOWN_SECTIONS.has(key)) continue;
    if (UNSUPPORTED_SECTIONS.has(key)) {
      throw new UnsupportedTemplateFeatureError({ kind: 'section', section: key }, key);
    }
    throw new UnsupportedTemplateFeatureError({ kind: 'top-level-key', key }, childPath('', key));
  }
  const uncheckedAttributes = parseMetadata(body.Metadata);
  const parameters = parseParameters(body.Parameters);
  const mappings = parseMappings(body.Mappings);
  if (!isPlainObject(body.Resources)) {
    throw new InvalidTemplateError({ kind: 'no-resources' }, 'Resources');
  }
  const resources = Object.entries(body.Resources).map(([name, value]) =>
    parseResource(name, value, childPath('Resources', name)),
  );
  const declared = new Set(parameters.map((p) => p.name));
  for (const resource of resources) {
    const propertiesPath = childPath(childPath('Resources', resource.logicalName), 'Properties');
    for (const [key, value] of Object.entries(resource.properties)) {
      const inPolicyDocument = resource.type === 'AWS::IoT::Policy' && key === 'PolicyDocument';
      checkIntrinsics(value, childPath(propertiesPath, key), declared, inPolicyDocument);
    }
  }
  checkSingle(resources, 'AWS::IoT::Thing');
  checkSingle(resources, 'AWS::IoT::Certificate');
  return { parameters, mappings, resources, uncheckedAttributes };
}

function parseMetadata(section: unknown): string[] {
  if (section === undefined) return [];
  if (!isPlainObject(section))
    throw new UnsupportedTemplateFeatureError({ kind: 'metadata-not-object' }, 'Metadata');
  for (const key of Object.keys(section)) {
    if (key !== UNCHECKED_ATTRIBUTES_KEY)
      throw new UnsupportedTemplateFeatureError({ kind: 'metadata-key', key }, childPath('Metadata', key));
  }
  const list = section[UNCHECKED_ATTRIBUTES_KEY];
  if (list === undefined) return [];
  if (!Array.isArray(list) || !list.every((name) => typeof name === 'string')) {
    throw new UnsupportedTemplateFeatureError(
      { kind: 'metadata-list' },
      childPath('Metadata', UNCHECKED_ATTRIBUTES_KEY),
    );
  }
  return [...new Set(list as string[])];
}

function unwrap(input: unknown): Record<string, unknown> {
  let value = input;
  if (typeof value === 'string') value = parseJsonText(value, '');
  else checkDepth(value, '');
  if (isPlainObject(value) && isPlainObject(value.registrationConfig) && !('Resources' in value)) {
    value = value.registrationConfig;
  }
  if (
    isPlainObject(value) &&
    !('Resources' in value) &&
    ('templateBody' in value || 'templateName' in value)
  ) {
    if (typeof value.templateBody !== 'string') {
      throw new InvalidTemplateError({ kind: 'wrapper-without-body' }, 'templateBody');
    }
    value = parseJsonText(value.templateBody, 'templateBody');
  } else if (isPlainObject(value) && typeof input !== 'string') {
    checkBodySize(JSON.stringify(value).length, '');
  }
  if (!isPlainObject(value)) {
    throw new InvalidTemplateError({ kind: 'not-an-object' }, '');
  }
  return value;
}

function parseJsonText(text: string, path: string): unknown {
  checkBodySize(text.length, path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidTemplateError({ kind: 'not-json', reason: (error as Error).message }, path, error);
  }
  checkDepth(parsed, path);
  return parsed;
}

function checkBodySize(length: number, path: string): void {
  if (length > MAX_TEMPLATE_BODY_CHARS) {
    throw new TemplateLimitExceededError({ kind: 'body-size', length, max: MAX_TEMPLATE_BODY_CHARS }, path);
  }
}

function parseParameters(section: unknown): ParameterDeclaration[] {
  if (section === undefined) return [];
  if (!isPlainObject(section)) {
    throw new InvalidTemplateError({ kind: 'parameters-not-object' }, 'Parameters');
  }
  return Object.entries(section).map(([name, decl]) => {
    const path = childPath('Parameters', name);
    if (!isPlainObject(decl)) {
      throw new InvalidTemplateError({ kind: 'parameter-not-object', parameter: name }, path);
    }
    for (const key of Object.keys(decl)) {
      if (key !== 'Type' && key !== 'Default') {
        throw new UnsupportedTemplateFeatureError(
          { kind: 'parameter-property', property: key },
          childPath(path, key),
        );
      }
    }
    if (decl.Type !== 'String') {
      throw new UnsupportedTemplateFeatureError(
        { kind: 'parameter-type', type: decl.Type },
        childPath(path, 'Type'),
      );
    }
    if (decl.Default !== undefined && typeof decl.Default !== 'string') {
      throw new InvalidTemplateError(
        { kind: 'parameter-default-not-string', parameter: name },
        childPath(path, 'Default'),
      );
    }
    return { name, default: decl.Default ?? null };
  });
}

function parseMappings(section: unknown): ProvisioningTemplate['mappings'] {
  if (section === undefined) return {};
  const fail = (path: string): never => {
    throw new InvalidTemplateError({ kind: 'mappings-malformed' }, path);
  };
  if (!isPlainObject(section)) return fail('Mappings');
  const result: ProvisioningTemplate['mappings'] = {};
  for (const [mapName, map] of Object.entries(section)) {
    const mapPath = childPath('Mappings', mapName);
    if (!isPlainObject(map)) return fail(mapPath);
    const top: Record<string, Record<string, string | string[]>> = {};
    for (const [key, inner] of Object.entries(map)) {
      const innerPath = childPath(mapPath, key);
      if (!isPlainObject(inner)) return fail(innerPath);
      const second: Record<string, string | string[]> = {};
      for (const [k2, v] of Object.entries(inner)) {
        const isList = Array.isArray(v) && v.every((x) => typeof x === 'string');
        if (typeof v !== 'string' && !isList) return fail(childPath(innerPath, k2));
        second[k2] = v as string | string[];
      }
      top[key] = second;
    }
    result[mapName] = top;
  }
  return result;
}

/**
 * Rejects unsupported functions and `Ref`s to undeclared names before anything is evaluated.
 * `Condition` is CloudFormation's condition function everywhere except inside a policy document,
 * where it is the statement's IAM condition block (JITP accepts those).
 */
function checkIntrinsics(
  node: unknown,
  path: string,
  declared: ReadonlySet<string>,
  inPolicyDocument = false,
): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      checkIntrinsics(item, childPath(path, i), declared, inPolicyDocument);
    });
    return;
  }
  if (!isPlainObject(node)) return;
  const fn =
    intrinsicName(node) ?? (!inPolicyDocument && Object.hasOwn(node, 'Condition') ? 'Condition' : null);
  if (fn !== null) {
    const fnPath = childPath(path, fn);
    if (!(SUPPORTED_FUNCTIONS as readonly string[]).includes(fn)) {
      throw new UnsupportedTemplateFeatureError({ kind: 'function', fn }, fnPath);
    }
    if (Object.keys(node).length !== 1) {
      throw new InvalidTemplateError({ kind: 'intrinsic-extra-keys', fn }, path);
    }
    if (fn === 'Ref') checkRef(node.Ref, fnPath, declared);
  }
  for (const [key, value] of Object.entries(node))
    checkIntrinsics(value, childPath(path, key), declared, inPolicyDocument);
}

function checkRef(name: unknown, path: string, declared: ReadonlySet<string>): void {
  if (typeof name !== 'string') {
    throw new InvalidTemplateError({ kind: 'ref-not-a-name' }, path);
  }
  if (!declared.has(name) && !AWS_BUILTIN_PARAMETERS.has(name)) {
    throw new UndeclaredParameterError(name, 'Ref', path);
  }
}

function checkSingle(resources: ProvisioningTemplate['resources'], type: string): void {
  const found = resources.filter((r) => r.type === type);
  if (found.length > 1) {
    throw new UnsupportedTemplateFeatureError(
      { kind: 'resource-count', type },
      childPath('Resources', found[1]?.logicalName ?? ''),
    );
  }
}
