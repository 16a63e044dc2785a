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

/**
 * The one `Metadata` key this handler reads: thing attributes that a certificate may fill with
 * any AWS-valid attribute value even though a policy reads them back (see README, "Certificate
 * values are untrusted"). A JITR extension: JITP does not know it.
 */
export const UNCHECKED_ATTRIBUTES_KEY = 'JITR::UncheckedPolicyAttributes';

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
      throw new UnsupportedTemplateFeatureError(
        `AWS IoT provisioning templates do not support the ${key} section`,
        {
          path: key,
          remedy: `Remove the ${key} section; only Parameters, Mappings, Resources and DeviceConfiguration are allowed.`,
        },
      );
    }
    throw new UnsupportedTemplateFeatureError(
      `AWS IoT provisioning templates do not support a top-level "${key}"`,
      {
        path: childPath('', key),
        remedy: 'Use only the sections Parameters, Mappings, Resources and DeviceConfiguration.',
      },
    );
  }
  const uncheckedAttributes = parseMetadata(body.Metadata);
  const parameters = parseParameters(body.Parameters);
  const mappings = parseMappings(body.Mappings);
  if (!isPlainObject(body.Resources)) {
    throw new InvalidTemplateError('the template has no Resources object', {
      path: 'Resources',
      remedy: 'Add a Resources section declaring the thing, certificate and policies.',
    });
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
  const fail = (path: string, message: string): never => {
    throw new UnsupportedTemplateFeatureError(message, {
      path,
      remedy: `Metadata may only hold "${UNCHECKED_ATTRIBUTES_KEY}": ["attributeName", …].`,
    });
  };
  if (!isPlainObject(section)) return fail('Metadata', 'Metadata must be an object');
  for (const key of Object.keys(section)) {
    if (key !== UNCHECKED_ATTRIBUTES_KEY)
      fail(childPath('Metadata', key), `AWS IoT provisioning templates do not support Metadata "${key}"`);
  }
  const list = section[UNCHECKED_ATTRIBUTES_KEY];
  if (list === undefined) return [];
  if (!Array.isArray(list) || !list.every((name) => typeof name === 'string')) {
    return fail(
      childPath('Metadata', UNCHECKED_ATTRIBUTES_KEY),
      'the list must hold attribute names (strings)',
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
      throw new InvalidTemplateError('the wrapper names a provisioning template but holds no templateBody', {
        path: 'templateBody',
        remedy:
          'Fetch the template with DescribeProvisioningTemplate and pass its answer (or its templateBody).',
      });
    }
    value = parseJsonText(value.templateBody, 'templateBody');
  } else if (isPlainObject(value) && typeof input !== 'string') {
    checkBodySize(JSON.stringify(value).length, '');
  }
  if (!isPlainObject(value)) {
    throw new InvalidTemplateError('a provisioning template must be a JSON object', {
      path: '',
      remedy: 'Pass a JSON object with Parameters and Resources, or a {"templateBody": …} wrapper.',
    });
  }
  return value;
}

function parseJsonText(text: string, path: string): unknown {
  checkBodySize(text.length, path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidTemplateError(`the template is not valid JSON: ${(error as Error).message}`, {
      path,
      remedy: 'Fix the JSON syntax (a templateBody must be the template serialised as one escaped string).',
      cause: error,
    });
  }
  checkDepth(parsed, path);
  return parsed;
}

function checkBodySize(length: number, path: string): void {
  if (length > MAX_TEMPLATE_BODY_CHARS) {
    throw new TemplateLimitExceededError(
      `the template body has ${length} characters; AWS allows at most ${MAX_TEMPLATE_BODY_CHARS}`,
      { path, remedy: 'Shorten the template (e.g. reference an existing policy by PolicyName).' },
    );
  }
}

function parseParameters(section: unknown): ParameterDeclaration[] {
  if (section === undefined) return [];
  if (!isPlainObject(section)) {
    throw new InvalidTemplateError('Parameters must be an object', {
      path: 'Parameters',
      remedy: 'Declare parameters as {"Name": {"Type": "String"}}.',
    });
  }
  return Object.entries(section).map(([name, decl]) => {
    const path = childPath('Parameters', name);
    if (!isPlainObject(decl)) {
      throw new InvalidTemplateError(`parameter ${name} must be an object`, {
        path,
        remedy: 'Declare the parameter as {"Type": "String"} with an optional "Default".',
      });
    }
    for (const key of Object.keys(decl)) {
      if (key !== 'Type' && key !== 'Default') {
        throw new UnsupportedTemplateFeatureError(
          `AWS IoT provisioning template parameters do not support "${key}"`,
          {
            path: childPath(path, key),
            remedy: 'A parameter declares only Type (String) and an optional Default.',
          },
        );
      }
    }
    if (decl.Type !== 'String') {
      throw new UnsupportedTemplateFeatureError(
        `AWS IoT provisioning templates support only parameters of Type String, not ${JSON.stringify(decl.Type)}`,
        { path: childPath(path, 'Type'), remedy: 'Set "Type": "String".' },
      );
    }
    if (decl.Default !== undefined && typeof decl.Default !== 'string') {
      throw new InvalidTemplateError(`the Default of parameter ${name} must be a string`, {
        path: childPath(path, 'Default'),
        remedy: 'Write the Default as a JSON string.',
      });
    }
    return { name, default: decl.Default ?? null };
  });
}

function parseMappings(section: unknown): ProvisioningTemplate['mappings'] {
  if (section === undefined) return {};
  const fail = (path: string): never => {
    throw new InvalidTemplateError('Mappings must be map → key → key → string (or list of strings)', {
      path,
      remedy: 'Mappings hold literal values only: no parameters, pseudo parameters or intrinsic functions.',
    });
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
      throw new UnsupportedTemplateFeatureError(`AWS IoT provisioning templates do not support ${fn}`, {
        path: fnPath,
        remedy: `Use only ${SUPPORTED_FUNCTIONS.join(', ')}.`,
      });
    }
    if (Object.keys(node).length !== 1) {
      throw new InvalidTemplateError(`an intrinsic function object must hold only its ${fn} key`, {
        path,
        remedy: `Move the other keys out of the ${fn} object.`,
      });
    }
    if (fn === 'Ref') checkRef(node.Ref, fnPath, declared);
  }
  for (const [key, value] of Object.entries(node))
    checkIntrinsics(value, childPath(path, key), declared, inPolicyDocument);
}

function checkRef(name: unknown, path: string, declared: ReadonlySet<string>): void {
  if (typeof name !== 'string') {
    throw new InvalidTemplateError('Ref takes a parameter name (a string)', {
      path,
      remedy: 'Write {"Ref": "ParameterName"}.',
    });
  }
  if (!declared.has(name) && !AWS_BUILTIN_PARAMETERS.has(name)) {
    throw new UndeclaredParameterError(`Ref names ${name}, which the Parameters section does not declare`, {
      path,
      remedy: `Declare "${name}": {"Type": "String"} in Parameters.`,
    });
  }
}

function checkSingle(resources: ProvisioningTemplate['resources'], type: string): void {
  const found = resources.filter((r) => r.type === type);
  if (found.length > 1) {
    throw new UnsupportedTemplateFeatureError(`a provisioning template declares at most one ${type}`, {
      path: childPath('Resources', found[1]?.logicalName ?? ''),
      remedy: `Keep a single ${type} resource.`,
    });
  }
}
