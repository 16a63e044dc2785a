import { TemplateLimitExceededError } from './errors.js';
import {
  MAX_ATTRIBUTES_WITH_TYPE,
  MAX_ATTRIBUTES_WITHOUT_TYPE,
  MAX_POLICY_DOCUMENT_CHARS,
  MAX_THING_GROUPS,
  NAME_RULES,
  type NameKind,
  policyDocumentSize,
} from './limits.js';
import type { Plan } from './plan.js';
import { childPath, isPlainObject } from './template-types.js';

/**
 * Checks a plan against AWS IoT's own limits (names, attribute patterns and counts, thing groups,
 * policy document size, certificate id). `render` calls it last; it is exported so that callers
 * holding a plan from elsewhere (a DLQ message, a file) can re-check it.
 *
 * @throws {@link TemplateLimitExceededError} naming the plan path and the rule
 */
export function validatePlan(plan: Plan): void {
  const thing = plan.thing;
  if (thing !== null) {
    check('thingName', thing.thingName, 'thing.thingName');
    if (thing.thingTypeName !== null) check('thingTypeName', thing.thingTypeName, 'thing.thingTypeName');
    if (thing.billingGroup !== null) check('billingGroupName', thing.billingGroup, 'thing.billingGroup');
    thing.thingGroups.forEach((group, i) => {
      check('thingGroupName', group, childPath('thing.thingGroups', i));
    });
    limit(thing.thingGroups.length, MAX_THING_GROUPS, 'thing.thingGroups', 'thing groups per thing');
    const attributes = Object.entries(thing.attributes);
    const max = thing.thingTypeName === null ? MAX_ATTRIBUTES_WITHOUT_TYPE : MAX_ATTRIBUTES_WITH_TYPE;
    limit(attributes.length, max, 'thing.attributes', 'attributes per thing');
    for (const [key, value] of attributes) {
      check('attributeKey', key, childPath('thing.attributes', key));
      check('attributeValue', value, childPath('thing.attributes', key));
    }
  }
  if (plan.certificate !== null)
    check('certificateId', plan.certificate.certificateId, 'certificate.certificateId');
  plan.policies.forEach((policy, i) => {
    const path = childPath('policies', i);
    check('policyName', policy.policyName, `${path}.policyName`);
    if (policy.policyDocument !== null) {
      if (!isPlainObject(policy.policyDocument))
        fail(`${path}.policyDocument`, 'a policy document is a JSON object');
      const size = policyDocumentSize(policy.policyDocument);
      limit(
        size,
        MAX_POLICY_DOCUMENT_CHARS,
        `${path}.policyDocument`,
        'policy document characters (without whitespace)',
      );
    }
  });
}

function check(kind: NameKind, value: string, path: string): void {
  const rule = NAME_RULES[kind];
  if (!rule.pattern.test(value)) fail(path, rule.description);
}

function limit(count: number, max: number, path: string, what: string): void {
  if (count > max) fail(path, `at most ${max} ${what} (found ${count})`);
}

function fail(path: string, rule: string): never {
  throw new TemplateLimitExceededError({ kind: 'plan', rule }, path);
}
