/**
 * AWS IoT's own limits on what a template may create (aws-facts §3.3, from the IoT API model),
 * and the project's safe character set for certificate values inside policy documents.
 */
import { CERTIFICATE_ID_PATTERN } from '../certificate/certificate-id.js';

/**
 * A string rule of the AWS IoT API model: the character class and the length bounds. The
 * template engine checks rendered values against it; the local sandbox answers AWS's
 * ValidationException with it.
 */
export interface AwsStringRule {
  chars: string;
  min: number;
  max: number;
}

/** Thing, thing type, thing group and billing group names: 1–128 of `[a-zA-Z0-9:_-]`. */
export const AWS_RESOURCE_NAME: AwsStringRule = { chars: '[a-zA-Z0-9:_-]', min: 1, max: 128 };
/** Policy names: 1–128 of `[\w+=,.@-]`. */
export const AWS_POLICY_NAME: AwsStringRule = { chars: '[\\w+=,.@-]', min: 1, max: 128 };
/** Thing attribute keys: 1–128 of `[a-zA-Z0-9_.,@/:#-]`. */
export const AWS_ATTRIBUTE_KEY: AwsStringRule = { chars: '[a-zA-Z0-9_.,@/:#-]', min: 1, max: 128 };
/** Thing attribute values: 0–800 of `[a-zA-Z0-9_.,@/:#=[\]-]`. */
export const AWS_ATTRIBUTE_VALUE: AwsStringRule = { chars: '[a-zA-Z0-9_.,@/:#=[\\]-]', min: 0, max: 800 };

/** The whole-string pattern of a rule, length included. */
export function rulePattern(rule: AwsStringRule): RegExp {
  return new RegExp(`^${rule.chars}{${rule.min},${rule.max}}$`);
}

function describeRule(what: string, rule: AwsStringRule): string {
  return `${what}: ${rule.min}-${rule.max} characters of ${rule.chars.replace('\\]', ']')}`;
}

export const MAX_ATTRIBUTES_WITHOUT_TYPE = 3;
export const MAX_ATTRIBUTES_WITH_TYPE = 50;
export const MAX_THING_GROUPS = 10;
/** Policy document size, counted without whitespace (CreatePolicy API reference). */
export const MAX_POLICY_DOCUMENT_CHARS = 2048;
/** Template body size (`TemplateBody` shape, CA `registrationConfig.templateBody`). */
export const MAX_TEMPLATE_BODY_CHARS = 10240;

/**
 * The safe set for a certificate value that lands in a policy document: 1–128 letters and digits
 * of any script (`\p{L}`, `\p{N}`) and `_ - . : @ =`. It excludes IoT policy wildcards (`* ?`),
 * MQTT wildcards and level separators (`+ # /`), policy-variable syntax (`$ { }`), quotes,
 * backslashes, whitespace and control characters.
 */
export const POLICY_SAFE_VALUE = /^[\p{L}\p{N}_\-.:@=]{1,128}$/u;
export const POLICY_SAFE_DESCRIPTION = 'letters and digits (any script) and _ - . : @ =, 1 to 128 characters';

export interface NameRule {
  pattern: RegExp;
  description: string;
}

function nameRule(what: string, rule: AwsStringRule): NameRule {
  return { pattern: rulePattern(rule), description: describeRule(what, rule) };
}

export const NAME_RULES = {
  thingName: nameRule('thing name', AWS_RESOURCE_NAME),
  thingTypeName: nameRule('thing type name', AWS_RESOURCE_NAME),
  thingGroupName: nameRule('thing group name', AWS_RESOURCE_NAME),
  billingGroupName: nameRule('billing group name', AWS_RESOURCE_NAME),
  policyName: nameRule('policy name', AWS_POLICY_NAME),
  attributeKey: nameRule('attribute name', AWS_ATTRIBUTE_KEY),
  attributeValue: nameRule('attribute value', AWS_ATTRIBUTE_VALUE),
  // The one certificate-id rule (the id AWS IoT assigns: 64 lowercase hex characters). AWS's
  // API pattern also admits `0x…` and uppercase, but no certificate AWS registers has such an id.
  certificateId: {
    pattern: CERTIFICATE_ID_PATTERN,
    description: 'certificate id: 64 lowercase hex characters',
  },
} as const satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;

/** Counts the characters of a policy document the way AWS does: without whitespace. */
export function policyDocumentSize(document: unknown): number {
  return JSON.stringify(document).replace(/\s/g, '').length;
}
