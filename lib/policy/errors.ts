// Error types of the IoT policy area (see lib/errors/jitr-error.ts for the model): built from
// the problem's facts, the class words message and remedy.
import { JitrError } from '../errors/jitr-error.js';

/** What makes a policy document not an IoT policy: the kind and the element it is about. */
export type PolicyDocumentProblem =
  | { kind: 'not-json' }
  | { kind: 'not-an-object' }
  | { kind: 'no-statement' }
  | { kind: 'statement-not-an-object' }
  | { kind: 'effect' }
  | { kind: 'exactly-one'; key: string; notKey: string }
  | { kind: 'not-strings'; element: string }
  | { kind: 'condition-not-an-object' }
  | { kind: 'condition-block'; operator: string }
  | { kind: 'condition-values'; operator: string; key: string };

function problemText(p: PolicyDocumentProblem): string {
  switch (p.kind) {
    case 'not-json':
      return 'the document is not valid JSON';
    case 'not-an-object':
      return 'the document is not a JSON object';
    case 'no-statement':
      return 'the document has no Statement';
    case 'statement-not-an-object':
      return 'a statement is not an object';
    case 'effect':
      return 'Effect must be "Allow" or "Deny"';
    case 'exactly-one':
      return `a statement needs exactly one of ${p.key} and ${p.notKey}`;
    case 'not-strings':
      return `${p.element} must be a string or a list of strings`;
    case 'condition-not-an-object':
      return 'Condition must be an object';
    case 'condition-block':
      return `${p.operator} must map condition keys to values`;
    case 'condition-values':
      return `the values of ${p.operator}.${p.key} must be strings, booleans or numbers`;
  }
}

/** A policy document that is not an IoT policy: bad JSON, no Statement, bad Effect/Action/Resource. */
export class InvalidPolicyDocumentError extends JitrError {
  readonly code = 'InvalidPolicyDocument';
  readonly disposition = 'configuration' as const;
  readonly problem: PolicyDocumentProblem;
  constructor(policyName: string, problem: PolicyDocumentProblem, path: string) {
    super(`policy ${policyName}: ${problemText(problem)}`, {
      step: 'policy-parse',
      path,
      remedy:
        'Write the policy as AWS IoT expects it: {"Version":"2012-10-17","Statement":[{"Effect":"Allow"|"Deny","Action":…,"Resource":…}]}.',
      details: { policyName },
    });
    this.problem = problem;
  }
}

/**
 * A condition operator this evaluator does not implement. Refused rather than ignored: an
 * ignored condition would widen (Allow) or narrow (Deny) what the policy grants.
 */
export class UnsupportedPolicyConditionError extends JitrError {
  readonly code = 'UnsupportedPolicyCondition';
  readonly disposition = 'configuration' as const;
  constructor(policyName: string, operator: string, path: string, supported: readonly string[]) {
    super(`policy ${policyName}: condition operator ${operator} is not supported by this evaluator`, {
      step: 'policy-parse',
      path,
      remedy: `Use one of ${supported.join(', ')} (each also as …IfExists, except Null), or check this policy against AWS IoT itself (aws iot test-authorization).`,
      details: { policyName, operator },
    });
  }
}
