// "What may a device with this context do?" — the statements of a policy set per action, with
// the variables substituted. Pure.
import { iotResourceOf } from '../arn/arn.js';
import type { PolicyContext } from './context.js';
import type { Condition, Policy } from './document.js';
import { compilePattern, matches, renderPattern } from './pattern.js';

export const EXPLAINED_ACTIONS = ['iot:Connect', 'iot:Publish', 'iot:Subscribe', 'iot:Receive'] as const;

export interface ExplainedGrant {
  effect: 'Allow' | 'Deny';
  /** The resource with variables substituted (`topic/devices/lamp-1/*`); `NotResource` entries start with `NOT `. */
  resource: string;
  policyName: string;
  statement: number;
  /** Conditions that must also hold, as written. */
  conditions: string[];
  /** Variables this context cannot resolve: the statement never matches for this device. */
  unresolved: string[];
}

export type Explanation = Record<(typeof EXPLAINED_ACTIONS)[number], ExplainedGrant[]>;

export function explainPolicies(policies: readonly Policy[], context: PolicyContext): Explanation {
  const out: Explanation = { 'iot:Connect': [], 'iot:Publish': [], 'iot:Subscribe': [], 'iot:Receive': [] };
  for (const policy of policies) {
    for (const statement of policy.statements) {
      for (const action of EXPLAINED_ACTIONS) {
        const hit = statement.actions.some((a) => matches(compilePattern(a, undefined), action, true));
        if (hit === statement.notAction) continue;
        for (const resource of statement.resources) {
          const rendered = renderPattern(resource, context);
          out[action].push({
            effect: statement.effect,
            resource: `${statement.notResource ? 'NOT ' : ''}${iotResourceOf(rendered.text)}`,
            policyName: policy.name,
            statement: statement.index,
            conditions: statement.conditions.map(describeCondition),
            unresolved: rendered.unresolved,
          });
        }
      }
    }
  }
  return out;
}

function describeCondition(c: Condition): string {
  return `${c.operator}${c.ifExists ? 'IfExists' : ''} ${c.key} ${JSON.stringify(c.values.length === 1 ? c.values[0] : c.values)}`;
}
