// Error types of the IoT policy area (see lib/errors.ts for the model).
import { JitrError } from '../errors/jitr-error.js';

/** A policy document that is not an IoT policy: bad JSON, no Statement, bad Effect/Action/Resource. */
export class InvalidPolicyDocumentError extends JitrError {
  readonly code = 'InvalidPolicyDocument';
  readonly disposition = 'configuration' as const;
  constructor(policyName: string, problem: string, path: string) {
    super(`policy ${policyName}: ${problem}`, {
      step: 'policy-parse',
      path,
      remedy:
        'Write the policy as AWS IoT expects it: {"Version":"2012-10-17","Statement":[{"Effect":"Allow"|"Deny","Action":…,"Resource":…}]}.',
      details: { policyName },
    });
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
