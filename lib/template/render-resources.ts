import {
  blame,
  InvalidTemplateError,
  TemplateLimitExceededError,
  UnsafeCertificateValueError,
} from './errors.js';
import { type EvalContext, evalList, evalString } from './evaluate.js';
import {
  MAX_ATTRIBUTES_WITH_TYPE,
  MAX_ATTRIBUTES_WITHOUT_TYPE,
  MAX_POLICY_DOCUMENT_CHARS,
  MAX_THING_GROUPS,
  NAME_RULES,
  type NameKind,
  policyDocumentSize,
} from './limits.js';
import type { CertificatePlan, OverrideValue, PolicyPlan, ThingPlan } from './plan.js';
import { policyNameForDocument, renderPolicyDocument } from './policy-document.js';
import { isTainted, sourcesOf, type TString, textOf } from './tainted.js';
import { childPath, isPlainObject, type ResourceDeclaration } from './template-types.js';

/** Sets an own property even for keys such as `__proto__`. */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Checks a rendered name against AWS's rule. A violation caused by a certificate value is the
 * device's fault (`UnsafeCertificateValue`, never escaped); one in template text is the template's.
 */
export function checkName(kind: NameKind, value: TString, path: string): string {
  const text = textOf(value);
  const rule = NAME_RULES[kind];
  if (rule.pattern.test(text)) return text;
  if (isTainted(value)) {
    throw new UnsafeCertificateValueError(
      { kind: 'invalid-name', parameters: sourcesOf([value]), rule: rule.description, length: text.length },
      path,
    );
  }
  throw new TemplateLimitExceededError({ kind: 'name-rule', value: text, rule: rule.description }, path);
}

/**
 * Renders the AWS::IoT::Thing resource. `attributeValues` receives each attribute's rendered
 * value with its origin, for the check of attributes that policies read back.
 */
export function renderThing(
  resource: ResourceDeclaration,
  ctx: EvalContext,
  path: string,
  attributeValues: Map<string, TString> = new Map(),
): ThingPlan {
  const props = resource.properties;
  const propsPath = childPath(path, 'Properties');
  const at = (key: string): string => childPath(propsPath, key);
  const optionalName = (key: string, kind: NameKind): string | null =>
    props[key] === undefined ? null : checkName(kind, evalString(props[key], ctx, at(key)), at(key));

  const thingName = checkName(
    'thingName',
    evalString(props.ThingName, ctx, at('ThingName')),
    at('ThingName'),
  );
  const thingTypeName = optionalName('ThingTypeName', 'thingTypeName');
  const billingGroup = optionalName('BillingGroup', 'billingGroupName');
  const thingGroups: string[] = [];
  if (props.ThingGroups !== undefined) {
    const list = evalList(props.ThingGroups, ctx, at('ThingGroups'));
    list.items.forEach((item, i) => {
      thingGroups.push(checkName('thingGroupName', item, childPath(at('ThingGroups'), i)));
    });
    if (thingGroups.length > MAX_THING_GROUPS) {
      const decidedBy = sourcesOf(list.items);
      throw blame(
        { of: 'limit', problem: { kind: 'thing-groups', count: thingGroups.length, max: MAX_THING_GROUPS } },
        at('ThingGroups'),
        decidedBy.length === 0 ? null : decidedBy,
      );
    }
  }
  const attributes = renderAttributes(
    props.AttributePayload,
    ctx,
    at('AttributePayload'),
    thingTypeName !== null,
    attributeValues,
  );
  const overrideSettings: Record<string, OverrideValue> = {
    AttributePayload: 'DO_NOTHING',
    ThingTypeName: 'DO_NOTHING',
    ThingGroups: 'DO_NOTHING',
    ...resource.overrideSettings,
  };
  return {
    logicalName: resource.logicalName,
    thingName,
    thingTypeName,
    thingGroups,
    billingGroup,
    attributes,
    overrideSettings,
  };
}

function renderAttributes(
  node: unknown,
  ctx: EvalContext,
  path: string,
  hasType: boolean,
  values: Map<string, TString>,
): Record<string, string> {
  const attributes: Record<string, string> = {};
  if (node === undefined) return attributes;
  if (!isPlainObject(node) || Object.keys(node).some((k) => k === 'Ref' || k.startsWith('Fn::'))) {
    throw new InvalidTemplateError({ kind: 'attribute-payload-shape' }, path);
  }
  const entries = Object.entries(node);
  const max = hasType ? MAX_ATTRIBUTES_WITH_TYPE : MAX_ATTRIBUTES_WITHOUT_TYPE;
  if (entries.length > max) {
    throw new TemplateLimitExceededError({ kind: 'attributes', count: entries.length, max, hasType }, path);
  }
  for (const [key, value] of entries) {
    const keyPath = childPath(path, key);
    checkName('attributeKey', { kind: 'string', segments: [{ text: key, source: null }] }, keyPath);
    const rendered = evalString(value, ctx, keyPath);
    values.set(key, rendered);
    setOwn(attributes, key, checkName('attributeValue', rendered, keyPath));
  }
  return attributes;
}

/** Renders the AWS::IoT::Certificate resource. */
export function renderCertificate(
  resource: ResourceDeclaration,
  ctx: EvalContext,
  path: string,
): CertificatePlan {
  const props = resource.properties;
  const at = (key: string): string => childPath(childPath(path, 'Properties'), key);
  const certificateId = checkName(
    'certificateId',
    evalString(props.CertificateId, ctx, at('CertificateId')),
    at('CertificateId'),
  );
  let status: 'ACTIVE' | 'INACTIVE' = 'ACTIVE';
  if (props.Status !== undefined) {
    const value = evalString(props.Status, ctx, at('Status'));
    // The AWS fleet example writes "Active"; accept any case.
    const upper = textOf(value).toUpperCase();
    if (upper !== 'ACTIVE' && upper !== 'INACTIVE') {
      const decidedBy = sourcesOf([value]);
      throw blame(
        { of: 'template', problem: { kind: 'certificate-status', value: textOf(value) } },
        at('Status'),
        decidedBy.length === 0 ? null : decidedBy,
      );
    }
    status = upper;
  }
  return {
    logicalName: resource.logicalName,
    certificateId,
    status,
    overrideSettings: { Status: 'DO_NOTHING', ...resource.overrideSettings },
  };
}

/** Renders one AWS::IoT::Policy resource. */
export function renderPolicy(resource: ResourceDeclaration, ctx: EvalContext, path: string): PolicyPlan {
  const props = resource.properties;
  const at = (key: string): string => childPath(childPath(path, 'Properties'), key);
  if (props.PolicyName !== undefined) {
    const policyName = checkName(
      'policyName',
      evalString(props.PolicyName, ctx, at('PolicyName')),
      at('PolicyName'),
    );
    return { logicalName: resource.logicalName, policyName, policyDocument: null };
  }
  const rendered = renderPolicyDocument(props.PolicyDocument, ctx, at('PolicyDocument'));
  const size = policyDocumentSize(rendered.document);
  if (size > MAX_POLICY_DOCUMENT_CHARS) {
    // Blame the certificate only when the template text alone would have fitted.
    const templateFits = size - rendered.taintedChars + rendered.taintedPieces <= MAX_POLICY_DOCUMENT_CHARS;
    throw blame(
      { of: 'limit', problem: { kind: 'policy-size', size, max: MAX_POLICY_DOCUMENT_CHARS } },
      at('PolicyDocument'),
      templateFits ? [] : null,
    );
  }
  return {
    logicalName: resource.logicalName,
    policyName: policyNameForDocument(rendered.document),
    policyDocument: rendered.document,
  };
}
