// The decision AWS IoT makes for one request: explicit Deny wins over any Allow, no Allow is
// an implicit deny (aws-facts §9.5). Pure.

import { iotArn } from '../arn/arn.js';
import { conditionsHold } from './conditions.js';
import type { PolicyContext } from './context.js';
import type { Policy, Statement } from './document.js';
import { compilePattern, matches } from './pattern.js';

/** The IoT actions a device's MQTT connection exercises. */
export type IotAction = 'iot:Connect' | 'iot:Publish' | 'iot:Subscribe' | 'iot:Receive' | 'iot:RetainPublish';

export interface AuthRequest {
  action: IotAction;
  /** The resource ARN, e.g. `arn:aws:iot:us-east-1:123456789012:topic/devices/lamp-1/state`. */
  resource: string;
}

export type AuthDecision = 'allow' | 'explicit-deny' | 'implicit-deny';

export interface StatementRef {
  policyName: string;
  index: number;
  sid: string | undefined;
  effect: 'Allow' | 'Deny';
}

export interface AuthResult {
  decision: AuthDecision;
  allowed: boolean;
  /** The deciding statement: the first matching Deny, else the first matching Allow. */
  statement: StatementRef | undefined;
  /**
   * Variables (in statements whose action matched) that could not be resolved, so those
   * statements did not match — TestAuthorization's `missingContextValues`.
   */
  missingContextValues: string[];
}

/** The resource ARN for an action: `client/<id>`, `topic/<t>` or `topicfilter/<f>`. */
export function resourceArn(action: IotAction, name: string, region: string, accountId: string): string {
  const kind = action === 'iot:Connect' ? 'client' : action === 'iot:Subscribe' ? 'topicfilter' : 'topic';
  return iotArn(region, accountId, kind, name);
}

export function evaluate(
  policies: readonly Policy[],
  request: AuthRequest,
  context: PolicyContext,
): AuthResult {
  let allow: Statement | undefined;
  const missing = new Set<string>();
  for (const policy of policies) {
    for (const statement of policy.statements) {
      const outcome = statementMatches(statement, request, context);
      for (const name of outcome.unresolved) missing.add(name);
      if (!outcome.matches) continue;
      if (statement.effect === 'Deny') return result('explicit-deny', statement, missing);
      allow ??= statement;
    }
  }
  return allow === undefined ? result('implicit-deny', undefined, missing) : result('allow', allow, missing);
}

function result(decision: AuthDecision, statement: Statement | undefined, missing: Set<string>): AuthResult {
  return {
    decision,
    allowed: decision === 'allow',
    statement:
      statement === undefined
        ? undefined
        : {
            policyName: statement.policyName,
            index: statement.index,
            sid: statement.sid,
            effect: statement.effect,
          },
    missingContextValues: [...missing],
  };
}

/** Whether one statement applies to the request (action, resource, conditions). */
export function statementMatches(
  statement: Statement,
  request: AuthRequest,
  context: PolicyContext,
): { matches: boolean; unresolved: string[] } {
  // Action names are case-insensitive; variables are not used in actions.
  const actionHit = statement.actions.some((a) =>
    matches(compilePattern(a, undefined), request.action, true),
  );
  if (actionHit === statement.notAction) return { matches: false, unresolved: [] };
  const unresolved: string[] = [];
  const resourceHit = statement.resources.some((r) => {
    const pattern = compilePattern(r, context);
    unresolved.push(...pattern.unresolved);
    return matches(pattern, request.resource);
  });
  // A NotResource whose variables cannot be resolved matches nothing either (fail closed for Allow).
  if (statement.notResource ? resourceHit || unresolved.length > 0 : !resourceHit)
    return { matches: false, unresolved };
  const conditions = conditionsHold(statement.conditions, context);
  return { matches: conditions.holds, unresolved: [...unresolved, ...conditions.unresolved] };
}
