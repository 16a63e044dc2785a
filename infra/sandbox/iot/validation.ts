import {
  AWS_ATTRIBUTE_KEY,
  AWS_ATTRIBUTE_VALUE,
  AWS_POLICY_NAME,
  AWS_RESOURCE_NAME,
  type AwsStringRule,
  MAX_ATTRIBUTES_WITH_TYPE,
  MAX_ATTRIBUTES_WITHOUT_TYPE,
  MAX_THING_GROUPS,
} from '../../../lib/template/limits.js';
import { invalidRequest, validationError } from './service-error.js';

// AWS IoT's own rules (aws-facts §3.3), shared with the template engine that checks rendered
// plans against them. The sandbox answers with AWS's pattern text (`[a-zA-Z0-9:_-]+`).
const RESOURCE_NAME = anyLength(AWS_RESOURCE_NAME);
const POLICY_NAME = anyLength(AWS_POLICY_NAME);
const ATTRIBUTE_KEY = anyLength(AWS_ATTRIBUTE_KEY);
const ATTRIBUTE_VALUE = anyLength(AWS_ATTRIBUTE_VALUE);
// AWS's API pattern for certificate ids (the product accepts only the ids AWS assigns:
// lib/certificate/certificate-id.ts); the sandbox answers as AWS does.
const CERTIFICATE_ID = /^(0x)?[a-fA-F0-9]+$/;
const TEMPLATE_NAME = /^[0-9A-Za-z_-]+$/;
const RULE_NAME = /^[a-zA-Z0-9_]+$/;

function anyLength(rule: AwsStringRule): RegExp {
  return new RegExp(`^${rule.chars}${rule.min === 0 ? '*' : '+'}$`);
}

/** Maximum attributes on a thing without / with a thing type. */
export const MAX_ATTRIBUTES_UNTYPED = MAX_ATTRIBUTES_WITHOUT_TYPE;
export const MAX_ATTRIBUTES_TYPED = MAX_ATTRIBUTES_WITH_TYPE;
/** Maximum thing groups a thing can belong to. */
export const MAX_GROUPS_PER_THING = MAX_THING_GROUPS;
/** Maximum policies attached to one target (commonly 10; unconfirmed). */
export const MAX_POLICIES_PER_TARGET = 10;

function checkPattern(member: string, value: string, pattern: RegExp, min: number, max: number): void {
  if (value.length < min || value.length > max) {
    throw validationError(
      member,
      value,
      `Member must have length ${value.length < min ? 'greater than or equal to' : 'less than or equal to'} ${value.length < min ? min : max}`,
    );
  }
  if (!pattern.test(value)) {
    throw validationError(
      member,
      value,
      `Member must satisfy regular expression pattern: ${pattern.source.replace(/^\^|\$$/g, '')}`,
    );
  }
}

/** Thing, thing type, thing group and billing group names: 1–128 of `[a-zA-Z0-9:_-]`. */
export function checkResourceName(member: string, value: string): void {
  checkPattern(member, value, RESOURCE_NAME, AWS_RESOURCE_NAME.min, AWS_RESOURCE_NAME.max);
}

export function checkPolicyName(value: string): void {
  checkPattern('policyName', value, POLICY_NAME, AWS_POLICY_NAME.min, AWS_POLICY_NAME.max);
}

export function checkCertificateId(member: string, value: string): void {
  if (value.length !== 64) throw validationError(member, value, 'Member must have length 64');
  checkPattern(member, value, CERTIFICATE_ID, 64, 64);
}

export function checkTemplateName(value: string): void {
  checkPattern('templateName', value, TEMPLATE_NAME, 1, 36);
}

export function checkRuleName(value: string): void {
  checkPattern('ruleName', value, RULE_NAME, 1, 128);
}

/** Attribute keys/values, and the per-thing count limit that depends on having a type. */
export function checkAttributes(attributes: Record<string, string>, typed: boolean): void {
  for (const [key, value] of Object.entries(attributes)) {
    checkPattern(
      'attributePayload.attributes',
      key,
      ATTRIBUTE_KEY,
      AWS_ATTRIBUTE_KEY.min,
      AWS_ATTRIBUTE_KEY.max,
    );
    if (typeof value !== 'string') throw invalidRequest(`Attribute ${key} must be a string`);
    checkPattern(
      `attributePayload.attributes.${key}`,
      value,
      ATTRIBUTE_VALUE,
      AWS_ATTRIBUTE_VALUE.min,
      AWS_ATTRIBUTE_VALUE.max,
    );
  }
  const limit = typed ? MAX_ATTRIBUTES_TYPED : MAX_ATTRIBUTES_UNTYPED;
  if (Object.keys(attributes).length > limit) {
    throw invalidRequest(
      `A thing ${typed ? 'with' : 'without'} a thing type can have at most ${limit} attributes; got ${Object.keys(attributes).length}`,
    );
  }
}
