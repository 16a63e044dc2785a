import { invalidRequest, validationError } from './service-error.js';

const RESOURCE_NAME = /^[a-zA-Z0-9:_-]+$/;
const POLICY_NAME = /^[\w+=,.@-]+$/;
const ATTRIBUTE_KEY = /^[a-zA-Z0-9_.,@/:#-]+$/;
const ATTRIBUTE_VALUE = /^[a-zA-Z0-9_.,@/:#=[\]-]*$/;
const CERTIFICATE_ID = /^(0x)?[a-fA-F0-9]+$/;
const TEMPLATE_NAME = /^[0-9A-Za-z_-]+$/;
const RULE_NAME = /^[a-zA-Z0-9_]+$/;

/** Maximum attributes on a thing without / with a thing type (aws-facts §3.3). */
export const MAX_ATTRIBUTES_UNTYPED = 3;
export const MAX_ATTRIBUTES_TYPED = 50;
/** Maximum thing groups a thing can belong to. */
export const MAX_GROUPS_PER_THING = 10;
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
  checkPattern(member, value, RESOURCE_NAME, 1, 128);
}

export function checkPolicyName(value: string): void {
  checkPattern('policyName', value, POLICY_NAME, 1, 128);
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
    checkPattern('attributePayload.attributes', key, ATTRIBUTE_KEY, 1, 128);
    if (typeof value !== 'string') throw invalidRequest(`Attribute ${key} must be a string`);
    checkPattern(`attributePayload.attributes.${key}`, value, ATTRIBUTE_VALUE, 0, 800);
  }
  const limit = typed ? MAX_ATTRIBUTES_TYPED : MAX_ATTRIBUTES_UNTYPED;
  if (Object.keys(attributes).length > limit) {
    throw invalidRequest(
      `A thing ${typed ? 'with' : 'without'} a thing type can have at most ${limit} attributes; got ${Object.keys(attributes).length}`,
    );
  }
}
