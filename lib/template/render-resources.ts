import { InvalidTemplateError, TemplateLimitExceededError, UnsafeCertificateValueError } from './errors.js';
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
import { isTainted, type TString, textOf } from './tainted.js';
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
    const sources = [...new Set(value.segments.flatMap((s) => (s.source === null ? [] : [s.source])))];
    throw new UnsafeCertificateValueError(
      `the value of ${sources.join(', ')} makes an invalid ${rule.description}`,
      {
        path,
        remedy: 'Issue the certificate with a value AWS accepts here, or transform it in the template.',
        details: { parameters: sources, length: text.length, rule: rule.description },
      },
    );
  }
  throw new TemplateLimitExceededError(`${JSON.stringify(text)} is not a valid ${rule.description}`, {
    path,
    remedy: 'Change the value in the template to satisfy the AWS rule.',
    details: { rule: rule.description },
  });
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
      const message = `the thing would be in ${thingGroups.length} thing groups; AWS allows at most ${MAX_THING_GROUPS}`;
      const options = { path: at('ThingGroups'), remedy: 'List at most 10 thing groups.' };
      if (list.items.some((item) => isTainted(item))) throw new UnsafeCertificateValueError(message, options);
      throw new TemplateLimitExceededError(message, options);
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
    throw new InvalidTemplateError('AttributePayload must be an object of attribute name to value', {
      path,
      remedy: 'Write {"name": "value", "other": {"Ref": "Param"}}.',
    });
  }
  const entries = Object.entries(node);
  const max = hasType ? MAX_ATTRIBUTES_WITH_TYPE : MAX_ATTRIBUTES_WITHOUT_TYPE;
  if (entries.length > max) {
    throw new TemplateLimitExceededError(
      `the thing has ${entries.length} attributes; AWS allows at most ${max} ${hasType ? 'with' : 'without'} a thing type`,
      {
        path,
        remedy: hasType
          ? 'Keep at most 50 attributes.'
          : 'Keep at most 3 attributes, or set a ThingTypeName.',
      },
    );
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
      const options = { path: at('Status'), remedy: 'Set Status to ACTIVE or INACTIVE.' };
      const message = `certificate Status ${JSON.stringify(textOf(value))} is not ACTIVE or INACTIVE`;
      if (isTainted(value)) throw new UnsafeCertificateValueError(message, options);
      throw new InvalidTemplateError(message, options);
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
    const message = `the policy document has ${size} characters without whitespace; AWS allows ${MAX_POLICY_DOCUMENT_CHARS}`;
    const options = { path: at('PolicyDocument'), remedy: 'Shorten the policy document.' };
    // Blame the certificate only when the template text alone would have fitted.
    if (size - rendered.taintedChars + rendered.taintedPieces <= MAX_POLICY_DOCUMENT_CHARS) {
      throw new UnsafeCertificateValueError(message, options);
    }
    throw new TemplateLimitExceededError(message, options);
  }
  return {
    logicalName: resource.logicalName,
    policyName: policyNameForDocument(rendered.document),
    policyDocument: rendered.document,
  };
}
