// Error types of the template area (see lib/errors/jitr-error.ts for the model).
//
// One construction style: each class takes the problem (its kind and the facts, e.g.
// `{ kind: 'section', section: 'Outputs' }`) and the JSON path it is at, and builds its own
// message and remedy from them; throw sites never write English. A fault that a certificate
// value decided is the device's (`UnsafeCertificateValue`, rejected: see {@link blame}); the
// same fault in template text is the template's. Codes are stable; wording may change.
import { type Disposition, JitrError, type JitrErrorOptions } from '../errors/jitr-error.js';
import { POLICY_SAFE_DESCRIPTION } from './limits.js';
import { SUBJECT_ATTRIBUTE_OF_PARAMETER } from './parameter-names.js';
import { SUPPORTED_FUNCTIONS, UNCHECKED_ATTRIBUTES_KEY } from './template-types.js';

/** What a class says about one problem. */
interface Described {
  message: string;
  remedy: string;
  details?: Record<string, unknown>;
  /** When the problem belongs to another step than the class's usual one. */
  step?: string;
}

/** One describer per problem kind: the catalogue a class builds its message and remedy from. */
type Catalogue<P extends { kind: string }> = {
  [K in P['kind']]: (problem: Extract<P, { kind: K }>) => Described;
};

function describeWith<P extends { kind: string }>(catalogue: Catalogue<P>, problem: P): Described {
  return (catalogue[problem.kind as P['kind']] as (p: P) => Described)(problem);
}

function options(described: Described, step: string, path: string, cause: unknown): JitrErrorOptions {
  return {
    step: described.step ?? step,
    remedy: described.remedy,
    path,
    ...(described.details === undefined ? {} : { details: described.details }),
    ...(cause === undefined ? {} : { cause }),
  };
}

/** A position inside a policy document: keys and array indexes from the document root. */
export type DocumentPath = readonly (string | number)[];

/** `null`, `a list`, `an object`, `a number`… (what a template author wrote where a value belongs). */
function kindOf(node: unknown): string {
  if (node === null) return 'null';
  if (Array.isArray(node)) return 'a list';
  return typeof node === 'object' ? 'an object' : `a ${typeof node}`;
}

/** The innermost key of a policy-document position (`"Action"`), or `an element`. */
function positionName(at: DocumentPath): string {
  const last = [...at].reverse().find((key) => typeof key === 'string');
  return last === undefined ? 'an element' : `"${last}"`;
}

// ---------------------------------------------------------------------------------------------
// InvalidTemplate

/** What makes a template (or the parameters passed with it) not a valid provisioning template. */
export type InvalidTemplateProblem =
  | { kind: 'not-json'; reason: string }
  | { kind: 'wrapper-without-body' }
  | { kind: 'not-an-object' }
  | { kind: 'no-resources' }
  | { kind: 'parameters-not-object' }
  | { kind: 'parameter-not-object'; parameter: string }
  | { kind: 'parameter-default-not-string'; parameter: string }
  | { kind: 'mappings-malformed' }
  | { kind: 'intrinsic-extra-keys'; fn: string }
  | { kind: 'ref-not-a-name' }
  | { kind: 'resource-not-object'; logicalName: string }
  | { kind: 'properties-not-object'; logicalName: string }
  | { kind: 'thing-without-name'; logicalName: string }
  | { kind: 'certificate-without-id'; logicalName: string }
  | { kind: 'policy-name-or-document'; logicalName: string }
  | { kind: 'overrides-not-object' }
  | { kind: 'override-value'; property: string; value: unknown; accepted: readonly string[] }
  | { kind: 'not-a-value'; found: unknown }
  | { kind: 'policy-document-shape' }
  | { kind: 'policy-not-json'; reason: string }
  | { kind: 'policy-not-object' }
  | { kind: 'certificate-value-position'; documentPath: DocumentPath }
  | { kind: 'certificate-value-in-variable' }
  | { kind: 'parameter-outside-value'; documentPath: DocumentPath }
  | { kind: 'attribute-payload-shape' }
  | { kind: 'certificate-status'; value: string }
  | { kind: 'parameter-values-not-object' }
  | { kind: 'parameter-value-not-string'; parameter: string };

const INVALID_TEMPLATE: Catalogue<InvalidTemplateProblem> = {
  'not-json': (p) => ({
    message: `the template is not valid JSON: ${p.reason}`,
    remedy: 'Fix the JSON syntax (a templateBody must be the template serialised as one escaped string).',
  }),
  'wrapper-without-body': () => ({
    message: 'the wrapper names a provisioning template but holds no templateBody',
    remedy: 'Fetch the template with DescribeProvisioningTemplate and pass its answer (or its templateBody).',
  }),
  'not-an-object': () => ({
    message: 'a provisioning template must be a JSON object',
    remedy: 'Pass a JSON object with Parameters and Resources, or a {"templateBody": …} wrapper.',
  }),
  'no-resources': () => ({
    message: 'the template has no Resources object',
    remedy: 'Add a Resources section declaring the thing, certificate and policies.',
  }),
  'parameters-not-object': () => ({
    message: 'Parameters must be an object',
    remedy: 'Declare parameters as {"Name": {"Type": "String"}}.',
  }),
  'parameter-not-object': (p) => ({
    message: `parameter ${p.parameter} must be an object`,
    remedy: 'Declare the parameter as {"Type": "String"} with an optional "Default".',
    details: { parameter: p.parameter },
  }),
  'parameter-default-not-string': (p) => ({
    message: `the Default of parameter ${p.parameter} must be a string`,
    remedy: 'Write the Default as a JSON string.',
    details: { parameter: p.parameter },
  }),
  'mappings-malformed': () => ({
    message: 'Mappings must be map → key → key → string (or list of strings)',
    remedy: 'Mappings hold literal values only: no parameters, pseudo parameters or intrinsic functions.',
  }),
  'intrinsic-extra-keys': (p) => ({
    message: `an intrinsic function object must hold only its ${p.fn} key`,
    remedy: `Move the other keys out of the ${p.fn} object.`,
  }),
  'ref-not-a-name': () => ({
    message: 'Ref takes a parameter name (a string)',
    remedy: 'Write {"Ref": "ParameterName"}.',
  }),
  'resource-not-object': (p) => ({
    message: `resource ${p.logicalName} must be an object`,
    remedy: 'Declare the resource as {"Type": …, "Properties": {…}}.',
  }),
  'properties-not-object': (p) => ({
    message: `the Properties of ${p.logicalName} must be an object`,
    remedy: 'Write Properties as a JSON object.',
  }),
  'thing-without-name': (p) => ({
    message: `thing ${p.logicalName} has no ThingName`,
    remedy: 'Add ThingName, e.g. {"Ref": "AWS::IoT::Certificate::CommonName"}.',
  }),
  'certificate-without-id': (p) => ({
    message: `certificate ${p.logicalName} has no CertificateId`,
    remedy: 'Add "CertificateId": {"Ref": "AWS::IoT::Certificate::Id"}.',
  }),
  'policy-name-or-document': (p) => ({
    message: `policy ${p.logicalName} must have PolicyName or PolicyDocument, but not both`,
    remedy: 'Give either the name of an existing policy (PolicyName) or a PolicyDocument.',
  }),
  'overrides-not-object': () => ({
    message: 'OverrideSettings must be an object',
    remedy: 'Write OverrideSettings as {"Property": "DO_NOTHING" | "REPLACE" | "FAIL" | "MERGE"}.',
  }),
  'override-value': (p) => ({
    message: `override ${JSON.stringify(p.value)} is not valid for ${p.property}`,
    remedy: `Use one of ${p.accepted.join(', ')} (MERGE only for AttributePayload and ThingGroups).`,
  }),
  'not-a-value': (p) => ({
    message: `expected a string or an intrinsic function, found ${kindOf(p.found)}`,
    remedy: 'Write the value as a JSON string or as {"Ref": …} / {"Fn::…": …}.',
  }),
  'policy-document-shape': () => ({
    message: 'PolicyDocument must be a JSON object or an escaped JSON string',
    remedy: 'Write the policy as an object or as one escaped JSON string.',
  }),
  'policy-not-json': (p) => ({
    message: `the policy document is not valid JSON (parameters may only appear inside JSON strings): ${p.reason}`,
    remedy: 'Fix the policy JSON; put every parameter inside a quoted JSON string.',
  }),
  'policy-not-object': () => ({
    message: 'the policy document must be a JSON object',
    remedy: 'Write the policy as {"Version": "2012-10-17", "Statement": [...]}.',
  }),
  'certificate-value-position': (p) => ({
    message: `a certificate value would decide ${positionName(p.documentPath)} of the policy document; certificate values may only stand in a Resource or a condition value`,
    remedy:
      'Use certificate values only inside Resource ARNs or condition values; write Effect, Action, Not* and every key as template text.',
    details: { documentPath: p.documentPath.map(String) },
  }),
  'certificate-value-in-variable': () => ({
    message: `a certificate value would stand inside a policy variable \${…}, choosing what IoT substitutes there`,
    remedy: `Write every policy variable (\${iot:…}) as template text; never build its name from a parameter.`,
  }),
  'parameter-outside-value': (p) => ({
    message:
      'a parameter decides a key or the structure of the policy document; parameters may only stand inside JSON string values',
    remedy: 'Write every key of the policy as template text; put parameters only inside quoted values.',
    details: { documentPath: p.documentPath.map(String) },
  }),
  'attribute-payload-shape': () => ({
    message: 'AttributePayload must be an object of attribute name to value',
    remedy: 'Write {"name": "value", "other": {"Ref": "Param"}}.',
  }),
  'certificate-status': (p) => ({
    message: `certificate Status ${JSON.stringify(p.value)} is not ACTIVE or INACTIVE`,
    remedy: 'Set Status to ACTIVE or INACTIVE.',
  }),
  'parameter-values-not-object': () => ({
    message: 'parameters must be an object of name to string value',
    remedy: 'Pass parameter values as {"Name": "value"}.',
    step: 'template-render',
  }),
  'parameter-value-not-string': (p) => ({
    message: `the value of parameter ${p.parameter} is not a string`,
    remedy: 'Pass every parameter value as a string.',
    details: { parameter: p.parameter },
    step: 'template-render',
  }),
};

/** The template is not a valid AWS IoT provisioning template (bad JSON, wrong shape, missing property). */
export class InvalidTemplateError extends JitrError {
  readonly code = 'InvalidTemplate';
  readonly disposition: Disposition = 'configuration';
  constructor(problem: InvalidTemplateProblem, path: string, cause?: unknown) {
    const described = describeWith(INVALID_TEMPLATE, problem);
    super(described.message, options(described, 'template-parse', path, cause));
  }
}

// ---------------------------------------------------------------------------------------------
// UnsupportedTemplateFeature

/** What a template uses that AWS IoT provisioning templates (or this handler) do not support. */
export type UnsupportedFeatureProblem =
  | { kind: 'section'; section: string }
  | { kind: 'top-level-key'; key: string }
  | { kind: 'metadata-not-object' }
  | { kind: 'metadata-key'; key: string }
  | { kind: 'metadata-list' }
  | { kind: 'parameter-property'; property: string }
  | { kind: 'parameter-type'; type: unknown }
  | { kind: 'function'; fn: string }
  | { kind: 'resource-count'; type: string }
  | { kind: 'resource-key'; key: string }
  | { kind: 'resource-type'; type: unknown }
  | { kind: 'property-refused'; type: string; property: string; reason: string; logicalName: string }
  | { kind: 'property-unknown'; type: string; property: string; supported: readonly string[] }
  | { kind: 'overrides-on-type'; type: string }
  | { kind: 'override-property'; property: string; overridable: readonly string[] };

const SECTIONS = 'Parameters, Mappings, Resources and DeviceConfiguration';
const METADATA_REMEDY = `Metadata may only hold "${UNCHECKED_ATTRIBUTES_KEY}": ["attributeName", …].`;

const UNSUPPORTED_FEATURE: Catalogue<UnsupportedFeatureProblem> = {
  section: (p) => ({
    message: `AWS IoT provisioning templates do not support the ${p.section} section`,
    remedy: `Remove the ${p.section} section; only ${SECTIONS} are allowed.`,
  }),
  'top-level-key': (p) => ({
    message: `AWS IoT provisioning templates do not support a top-level "${p.key}"`,
    remedy: `Use only the sections ${SECTIONS}.`,
  }),
  'metadata-not-object': () => ({ message: 'Metadata must be an object', remedy: METADATA_REMEDY }),
  'metadata-key': (p) => ({
    message: `AWS IoT provisioning templates do not support Metadata "${p.key}"`,
    remedy: METADATA_REMEDY,
  }),
  'metadata-list': () => ({
    message: 'the list must hold attribute names (strings)',
    remedy: METADATA_REMEDY,
  }),
  'parameter-property': (p) => ({
    message: `AWS IoT provisioning template parameters do not support "${p.property}"`,
    remedy: 'A parameter declares only Type (String) and an optional Default.',
  }),
  'parameter-type': (p) => ({
    message: `AWS IoT provisioning templates support only parameters of Type String, not ${JSON.stringify(p.type)}`,
    remedy: 'Set "Type": "String".',
  }),
  function: (p) => ({
    message: `AWS IoT provisioning templates do not support ${p.fn}`,
    remedy: `Use only ${SUPPORTED_FUNCTIONS.join(', ')}.`,
  }),
  'resource-count': (p) => ({
    message: `a provisioning template declares at most one ${p.type}`,
    remedy: `Keep a single ${p.type} resource.`,
  }),
  'resource-key': (p) => ({
    message: `AWS IoT provisioning template resources do not support "${p.key}"`,
    remedy: 'A resource holds only Type, Properties and OverrideSettings.',
  }),
  'resource-type': (p) => ({
    message: `AWS IoT provisioning templates do not support the resource type ${JSON.stringify(p.type)}`,
    remedy: 'Use AWS::IoT::Thing, AWS::IoT::Certificate or AWS::IoT::Policy.',
  }),
  'property-refused': (p) => ({
    message: `${p.type} property ${p.property} is not supported: ${p.reason}`,
    remedy: `Remove ${p.property} from ${p.logicalName}.`,
  }),
  'property-unknown': (p) => ({
    message: `AWS IoT provisioning templates do not support ${p.type} property ${p.property}`,
    remedy: `Use only ${p.supported.join(', ')}.`,
  }),
  'overrides-on-type': (p) => ({
    message: `AWS IoT provisioning templates do not support OverrideSettings on ${p.type}`,
    remedy: `Remove OverrideSettings from the ${p.type} resource.`,
  }),
  'override-property': (p) => ({
    message: `AWS IoT provisioning templates do not support an override for ${p.property}`,
    remedy: `Override only ${p.overridable.join(', ')}.`,
  }),
};

/** The template uses something AWS IoT provisioning templates (or this handler) do not support. */
export class UnsupportedTemplateFeatureError extends JitrError {
  readonly code = 'UnsupportedTemplateFeature';
  readonly disposition: Disposition = 'configuration';
  constructor(problem: UnsupportedFeatureProblem, path: string) {
    const described = describeWith(UNSUPPORTED_FEATURE, problem);
    super(described.message, options(described, 'template-parse', path, undefined));
  }
}

// ---------------------------------------------------------------------------------------------
// InvalidIntrinsic

/** The functions whose argument shape is checked, with the shape and an example. */
const ARGUMENTS: Readonly<Record<(typeof SUPPORTED_FUNCTIONS)[number], Described>> = {
  Ref: { message: 'Ref takes a parameter name', remedy: 'Write {"Ref": "Name"}.' },
  'Fn::Join': {
    message: 'Fn::Join takes [delimiter, [values…]]',
    remedy: 'Write {"Fn::Join": ["-", ["a", {"Ref": "B"}]]}.',
  },
  'Fn::Select': {
    message: 'Fn::Select takes [index, [values…]]',
    remedy: 'Write {"Fn::Select": ["0", {"Fn::Split": [",", {"Ref": "A"}]}]}.',
  },
  'Fn::Split': {
    message: 'Fn::Split takes [delimiter, string] with a non-empty literal delimiter',
    remedy: 'Write {"Fn::Split": ["-", {"Ref": "A"}]}.',
  },
  'Fn::FindInMap': {
    message: 'Fn::FindInMap takes [mapName, topLevelKey, secondLevelKey]',
    remedy: 'Write {"Fn::FindInMap": ["Map", {"Ref": "Key"}, "Value"]}.',
  },
  'Fn::Sub': {
    message: 'Fn::Sub takes a string or [string, {variables}]',
    remedy: `Write {"Fn::Sub": ["\${Prefix}-x", {"Prefix": "a"}]}.`,
  },
};

/** An intrinsic function that is malformed or cannot be evaluated. */
export type InvalidIntrinsicProblem =
  | { kind: 'list-where-string' }
  | { kind: 'string-where-list' }
  | { kind: 'unknown-function'; fn: string }
  | { kind: 'arguments'; fn: (typeof SUPPORTED_FUNCTIONS)[number] }
  | { kind: 'sub-not-literal' }
  | { kind: 'sub-unclosed' }
  | { kind: 'select-index'; index: string }
  | { kind: 'select-out-of-bounds'; index: number; length: number }
  | { kind: 'select-null'; index: number }
  | { kind: 'find-in-map-missing'; keys: readonly (string | undefined)[] };

const INVALID_INTRINSIC: Catalogue<InvalidIntrinsicProblem> = {
  'list-where-string': () => ({
    message: 'expected a string here but the expression yields a list',
    remedy: 'Pick one element with Fn::Select, or join the list with Fn::Join.',
  }),
  'string-where-list': () => ({
    message: 'expected a list here',
    remedy: 'Write a JSON array or use Fn::Split.',
  }),
  'unknown-function': (p) => ({
    message: `${p.fn} is not an AWS IoT provisioning template function`,
    remedy: `Use ${SUPPORTED_FUNCTIONS.join(', ')}.`,
  }),
  arguments: (p) => ARGUMENTS[p.fn],
  'sub-not-literal': () => ({
    message: 'the Fn::Sub template must be a literal string',
    remedy: 'Write the text to substitute into as a JSON string.',
  }),
  'sub-unclosed': () => ({
    message: `Fn::Sub has a "\${" without a closing "}"`,
    remedy: `Close the variable with "}", or write "\${!" for a literal "\${".`,
  }),
  'select-index': (p) => ({
    message: `Fn::Select index ${JSON.stringify(p.index)} is not a non-negative integer`,
    remedy: 'Use a literal index such as "0".',
  }),
  'select-out-of-bounds': (p) => ({
    message: `Fn::Select index ${p.index} is out of bounds (the list has ${p.length} elements)`,
    remedy: 'Choose an index inside the list (a certificate value may have fewer parts than expected).',
  }),
  'select-null': (p) => ({
    message: `Fn::Select picks a null element at index ${p.index}`,
    remedy: 'Choose an index whose element is not null.',
  }),
  'find-in-map-missing': (p) => ({
    message: `Fn::FindInMap finds no value for ${JSON.stringify(p.keys)} in Mappings`,
    remedy: 'Add the key to Mappings, or make sure the parameter value is one the map knows.',
  }),
};

/** An intrinsic function is malformed or cannot be evaluated (bad index, missing map key…). */
export class InvalidIntrinsicError extends JitrError {
  readonly code = 'InvalidIntrinsic';
  readonly disposition: Disposition = 'configuration';
  constructor(problem: InvalidIntrinsicProblem, path: string) {
    const described = describeWith(INVALID_INTRINSIC, problem);
    super(described.message, options(described, 'template-render', path, undefined));
  }
}

// ---------------------------------------------------------------------------------------------
// UndeclaredParameter

/** Where the undeclared name was used: a `Ref`, or a `${Name}` inside `Fn::Sub`. */
export type UndeclaredUse = 'Ref' | 'Fn::Sub';

/** `Ref` / `${Name}` names a parameter the template does not declare (and that is no AWS built-in). */
export class UndeclaredParameterError extends JitrError {
  readonly code = 'UndeclaredParameter';
  readonly disposition: Disposition = 'configuration';
  constructor(parameter: string, use: UndeclaredUse, path: string) {
    super(
      use === 'Ref'
        ? `Ref names ${parameter}, which the Parameters section does not declare`
        : `Fn::Sub variable \${${parameter}} is neither a Fn::Sub variable nor a declared parameter`,
      {
        step: 'template-parse',
        path,
        remedy:
          use === 'Ref'
            ? `Declare "${parameter}": {"Type": "String"} in Parameters.`
            : `Declare ${parameter} in Parameters, pass it in the Fn::Sub variable map, or write \${!${parameter}} for literal text.`,
        details: { parameter },
      },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// MissingParameter

/**
 * A declared parameter has neither a supplied value nor a `Default`. For a parameter filled from
 * the certificate subject, the message names the attribute (short name and OID) it lacks.
 */
export class MissingParameterError extends JitrError {
  readonly code = 'MissingParameter';
  readonly disposition: Disposition = 'configuration';
  constructor(parameter: string, path: string) {
    const attribute = Object.hasOwn(SUBJECT_ATTRIBUTE_OF_PARAMETER, parameter)
      ? SUBJECT_ATTRIBUTE_OF_PARAMETER[parameter]
      : undefined;
    super(
      attribute === undefined
        ? `parameter ${parameter} has no value and the template gives no Default`
        : `parameter ${parameter} has no value: the certificate subject has no ${attribute.shortName} (${attribute.oid}) attribute and the template gives no Default`,
      {
        step: 'template-render',
        path,
        remedy:
          attribute === undefined
            ? `Supply ${parameter}, or give it a Default in Parameters.`
            : `Issue certificates with a subject ${attribute.shortName}, or give ${parameter} a Default, or stop using it.`,
        details:
          attribute === undefined
            ? { parameter }
            : { parameter, subjectAttribute: attribute.shortName, oid: attribute.oid },
      },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// TemplateLimitExceeded

/** Which AWS limit the template (or the plan rendered from it) breaks. */
export type TemplateLimitProblem =
  | { kind: 'body-size'; length: number; max: number }
  | { kind: 'depth'; max: number }
  | { kind: 'name-rule'; value: string; rule: string }
  | { kind: 'thing-groups'; count: number; max: number }
  | { kind: 'attributes'; count: number; max: number; hasType: boolean }
  | { kind: 'policy-size'; size: number; max: number }
  | { kind: 'plan'; rule: string };

const TEMPLATE_LIMIT: Catalogue<TemplateLimitProblem> = {
  'body-size': (p) => ({
    message: `the template body has ${p.length} characters; AWS allows at most ${p.max}`,
    remedy: 'Shorten the template (e.g. reference an existing policy by PolicyName).',
  }),
  depth: (p) => ({
    message: `the template nests objects and arrays deeper than ${p.max} levels`,
    remedy: `Flatten the template: at most ${p.max} levels of nested objects, arrays and intrinsic functions.`,
    details: { maxDepth: p.max },
  }),
  'name-rule': (p) => ({
    message: `${JSON.stringify(p.value)} is not a valid ${p.rule}`,
    remedy: 'Change the value in the template to satisfy the AWS rule.',
    details: { rule: p.rule },
  }),
  'thing-groups': (p) => ({
    message: `the thing would be in ${p.count} thing groups; AWS allows at most ${p.max}`,
    remedy: `List at most ${p.max} thing groups.`,
  }),
  attributes: (p) => ({
    message: `the thing has ${p.count} attributes; AWS allows at most ${p.max} ${p.hasType ? 'with' : 'without'} a thing type`,
    remedy: p.hasType
      ? `Keep at most ${p.max} attributes.`
      : `Keep at most ${p.max} attributes, or set a ThingTypeName.`,
  }),
  'policy-size': (p) => ({
    message: `the policy document has ${p.size} characters without whitespace; AWS allows ${p.max}`,
    remedy: 'Shorten the policy document.',
  }),
  plan: (p) => ({
    message: `the plan breaks an AWS limit: ${p.rule}`,
    remedy: 'Change the template so that the rendered value satisfies the AWS rule.',
    details: { rule: p.rule },
  }),
};

/** The rendered template breaks one of AWS's own limits (name pattern, length, count, size). */
export class TemplateLimitExceededError extends JitrError {
  readonly code = 'TemplateLimitExceeded';
  readonly disposition: Disposition = 'configuration';
  constructor(problem: TemplateLimitProblem, path: string) {
    const described = describeWith(TEMPLATE_LIMIT, problem);
    super(described.message, options(described, 'template-validate', path, undefined));
  }
}

// ---------------------------------------------------------------------------------------------
// UnsafeCertificateValue

/** A fault of the template's kinds that a certificate value can decide (see {@link blame}). */
export type DecidableFault =
  | { of: 'intrinsic'; problem: InvalidIntrinsicProblem }
  | { of: 'limit'; problem: TemplateLimitProblem }
  | { of: 'template'; problem: InvalidTemplateProblem };

function describeFault(fault: DecidableFault): Described {
  if (fault.of === 'intrinsic') return describeWith(INVALID_INTRINSIC, fault.problem);
  if (fault.of === 'limit') return describeWith(TEMPLATE_LIMIT, fault.problem);
  return describeWith(INVALID_TEMPLATE, fault.problem);
}

/** Why a certificate value cannot be used where the template puts it. */
export type UnsafeValueProblem =
  | { kind: 'decided'; fault: DecidableFault; parameters: readonly string[] }
  | { kind: 'invalid-name'; parameters: readonly string[]; rule: string; length: number }
  | { kind: 'policy-structure' }
  | { kind: 'policy-not-json' }
  | { kind: 'not-policy-safe'; parameter: string; length: number }
  | { kind: 'attribute-read'; parameter: string; attribute: string; policy: string; length: number }
  | { kind: 'certificate-variable'; variable: string; policy: string; length: number };

const PLAIN_VALUES = 'Issue the certificate with plain values in the fields the template uses.';

const UNSAFE_VALUE: Catalogue<UnsafeValueProblem> = {
  decided: (p) => {
    const fault = describeFault(p.fault);
    const who = p.parameters.length === 0 ? 'a certificate value' : `the value of ${p.parameters.join(', ')}`;
    return p.fault.of === 'intrinsic'
      ? {
          message: `${fault.message}: ${who} decided the lookup`,
          remedy:
            'Issue the certificate with a value the template expects, or extend the template to cover it.',
          details: { ...fault.details, parameters: p.parameters },
        }
      : {
          message: `${fault.message}: ${who} decided it`,
          remedy: `Issue the certificate with a value the template expects here (the rule: ${fault.remedy})`,
          details: { ...fault.details, parameters: p.parameters },
        };
  },
  'invalid-name': (p) => ({
    message: `the value of ${p.parameters.join(', ')} makes an invalid ${p.rule}`,
    remedy: 'Issue the certificate with a value AWS accepts here, or transform it in the template.',
    details: { parameters: p.parameters, length: p.length, rule: p.rule },
  }),
  'policy-structure': () => ({
    message: 'a certificate value changes the structure of the policy document',
    remedy: PLAIN_VALUES,
  }),
  'policy-not-json': () => ({
    message: 'with the certificate values the policy document is not valid JSON',
    remedy: PLAIN_VALUES,
  }),
  'not-policy-safe': (p) => ({
    message: `the value of ${p.parameter} is not allowed in a policy document (allowed: ${POLICY_SAFE_DESCRIPTION})`,
    remedy: 'Issue the certificate without wildcards, slashes, quotes, braces or spaces in this field.',
    details: { parameter: p.parameter, length: p.length },
  }),
  'attribute-read': (p) => ({
    message: `the value of ${p.parameter} fills thing attribute ${p.attribute}, which policy ${p.policy} reads as \${iot:Connection.Thing.Attributes[${p.attribute}]}; there it must be ${POLICY_SAFE_DESCRIPTION}`,
    remedy: `Issue the certificate without wildcards, slashes or an empty value in this field (or, knowing the risk, list the attribute in Metadata ${UNCHECKED_ATTRIBUTES_KEY}).`,
    details: { parameter: p.parameter, attribute: p.attribute, policy: p.policy, length: p.length },
  }),
  'certificate-variable': (p) => ({
    message: `policy ${p.policy} reads \${${p.variable}}, and this certificate's value there is not ${POLICY_SAFE_DESCRIPTION}`,
    remedy: 'Issue the certificate without wildcards, slashes or an empty value in this field.',
    details: { variable: p.variable, policy: p.policy, length: p.length },
  }),
};

/**
 * A value that came from the certificate is not safe where the template puts it (policy wildcard,
 * quote, invalid name character, too long…). The device is at fault: rejected, never escaped.
 */
export class UnsafeCertificateValueError extends JitrError {
  readonly code = 'UnsafeCertificateValue';
  readonly disposition: Disposition = 'rejected';
  constructor(problem: UnsafeValueProblem, path: string, cause?: unknown) {
    const described = describeWith(UNSAFE_VALUE, problem);
    super(described.message, options(described, 'template-render', path, cause));
  }
}

/**
 * The error for a fault the template alone would cause (its class: `InvalidIntrinsic`,
 * `TemplateLimitExceeded`, `InvalidTemplate`), or, when certificate values (`decidedBy`, the
 * parameters they came from) decided it, `UnsafeCertificateValue`: the device is at fault.
 *
 * @example throw blame({ of: 'limit', problem: { kind: 'thing-groups', count: 11, max: 10 } }, path, ['CN'])
 */
export function blame(
  fault: DecidableFault,
  path: string,
  decidedBy: readonly string[] | null,
): InvalidIntrinsicError | TemplateLimitExceededError | InvalidTemplateError | UnsafeCertificateValueError {
  if (decidedBy !== null)
    return new UnsafeCertificateValueError({ kind: 'decided', fault, parameters: decidedBy }, path);
  if (fault.of === 'intrinsic') return new InvalidIntrinsicError(fault.problem, path);
  if (fault.of === 'limit') return new TemplateLimitExceededError(fault.problem, path);
  return new InvalidTemplateError(fault.problem, path);
}

/** Every error class the template engine throws; nothing else escapes `render`/`parseTemplate`. */
export const TEMPLATE_ERROR_CLASSES = [
  InvalidTemplateError,
  UnsupportedTemplateFeatureError,
  InvalidIntrinsicError,
  UndeclaredParameterError,
  MissingParameterError,
  UnsafeCertificateValueError,
  TemplateLimitExceededError,
] as const;

/** Whether `error` is one of the template engine's typed errors. */
export function isTemplateError(error: unknown): boolean {
  return TEMPLATE_ERROR_CLASSES.some((cls) => error instanceof cls);
}
