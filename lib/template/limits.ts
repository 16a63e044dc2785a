/**
 * AWS IoT's own limits on what a template may create (aws-facts §3.3, from the IoT API model),
 * and the project's safe character set for certificate values inside policy documents.
 */
import { CERTIFICATE_ID_PATTERN } from '../certificate/certificate-id.js';

/** Thing, thing type, thing group and billing group names: 1–128 of `[a-zA-Z0-9:_-]`. */
export const RESOURCE_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
/** Policy names: 1–128 of `[\w+=,.@-]`. */
export const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
/** Thing attribute keys: 1–128 of `[a-zA-Z0-9_.,@/:#-]`. */
export const ATTRIBUTE_KEY = /^[a-zA-Z0-9_.,@/:#-]{1,128}$/;
/** Thing attribute values: 0–800 of `[a-zA-Z0-9_.,@/:#=[\]-]`. */
export const ATTRIBUTE_VALUE = /^[a-zA-Z0-9_.,@/:#=[\]-]{0,800}$/;

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

export const NAME_RULES = {
  thingName: { pattern: RESOURCE_NAME, description: 'thing name: 1-128 characters of [a-zA-Z0-9:_-]' },
  thingTypeName: {
    pattern: RESOURCE_NAME,
    description: 'thing type name: 1-128 characters of [a-zA-Z0-9:_-]',
  },
  thingGroupName: {
    pattern: RESOURCE_NAME,
    description: 'thing group name: 1-128 characters of [a-zA-Z0-9:_-]',
  },
  billingGroupName: {
    pattern: RESOURCE_NAME,
    description: 'billing group name: 1-128 characters of [a-zA-Z0-9:_-]',
  },
  policyName: { pattern: POLICY_NAME, description: 'policy name: 1-128 characters of [\\w+=,.@-]' },
  attributeKey: {
    pattern: ATTRIBUTE_KEY,
    description: 'attribute name: 1-128 characters of [a-zA-Z0-9_.,@/:#-]',
  },
  attributeValue: {
    pattern: ATTRIBUTE_VALUE,
    description: 'attribute value: 0-800 characters of [a-zA-Z0-9_.,@/:#=[]-]',
  },
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
