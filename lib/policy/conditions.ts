// Condition operators with IAM semantics (IoT policies "follow the same conventions as IAM
// policies"): several keys in one operator and several operators are ANDed, several values
// for one key are ORed; a missing key makes the condition false, except for the negated
// operators, `…IfExists` and `Null` (aws-facts §9.5). Pure.
import { contextValue, type PolicyContext } from './context.js';
import type { Condition } from './document.js';
import { compilePattern, matches } from './pattern.js';

export interface ConditionResult {
  holds: boolean;
  /** Variables in condition values that could not be resolved (the statement then does not match). */
  unresolved: string[];
}

export function conditionsHold(conditions: readonly Condition[], context: PolicyContext): ConditionResult {
  const unresolved: string[] = [];
  for (const condition of conditions) {
    const result = conditionHolds(condition, context);
    unresolved.push(...result.unresolved);
    if (!result.holds) return { holds: false, unresolved };
  }
  return { holds: unresolved.length === 0, unresolved };
}

function conditionHolds(condition: Condition, context: PolicyContext): ConditionResult {
  const actual = contextValue(context, condition.key);
  if (condition.operator === 'Null') {
    // "true": the key must be absent; "false": present.
    const wantAbsent = condition.values.some((v) => v.toLowerCase() === 'true');
    return { holds: wantAbsent === (actual === undefined), unresolved: [] };
  }
  if (actual === undefined) {
    const negated = condition.operator === 'StringNotEquals' || condition.operator === 'StringNotLike';
    return { holds: condition.ifExists || negated, unresolved: [] };
  }
  const unresolved: string[] = [];
  const anyMatch = condition.values.some((raw) => {
    const pattern = compilePattern(raw, context);
    if (pattern.unresolved.length > 0) {
      unresolved.push(...pattern.unresolved);
      return false;
    }
    switch (condition.operator) {
      case 'StringEquals':
      case 'StringNotEquals':
        return literal(pattern) === actual;
      case 'StringLike':
      case 'StringNotLike':
      case 'ArnEquals':
      case 'ArnLike':
        return matches(pattern, actual);
      case 'Bool':
        return literal(pattern).toLowerCase() === actual.toLowerCase();
      default:
        return false;
    }
  });
  if (unresolved.length > 0) return { holds: false, unresolved };
  const negated = condition.operator === 'StringNotEquals' || condition.operator === 'StringNotLike';
  return { holds: negated ? !anyMatch : anyMatch, unresolved };
}

/** A condition value with its variables substituted, wildcards read as the characters they are. */
function literal(pattern: ReturnType<typeof compilePattern>): string {
  return pattern.units.map((u) => (u.kind === 'star' ? '*' : u.kind === 'one' ? '?' : u.text)).join('');
}
