// The policy steps of the executor: create or reuse policies, attach them (see execute-plan.ts).
import type { PolicyPlan } from '../template/plan.js';
import { allSettled } from './all-settled.js';
import { canonicalJson, canonicalJsonText } from './canonical-json.js';
import { IotConflictError, PolicyNameConflictError, PolicyNotFoundError } from './errors.js';
import type { ExecutionResult, ExecutionTarget, ProvisioningLogger } from './execution-types.js';
import type { IotRegistry } from './iot-registry.js';
import type { PolicyCache } from './policy-cache.js';

/** Creates each PolicyDocument policy under its deterministic name, or reuses it (same document). */
export async function ensurePolicies(
  policies: PolicyPlan[],
  iot: IotRegistry,
  logger: ProvisioningLogger,
  result: ExecutionResult,
  cache: PolicyCache,
): Promise<void> {
  for (const policy of policies) {
    const { policyName, policyDocument } = policy;
    if (policyDocument === null) {
      // Must exist already; AttachPolicy's 404 says so precisely (saves a 10-TPS GetPolicy).
      result.policies.push({ policyName, source: 'name', action: 'named' });
      result.reused.push(`policy:${policyName}`);
      continue;
    }
    const canonical = canonicalJson(policyDocument);
    if (cache.isKnown(policyName, canonical)) {
      result.policies.push({ policyName, source: 'document', action: 'cached' });
      result.reused.push(`policy:${policyName}`);
      continue;
    }
    const created = await iot.createPolicy(policyName, JSON.stringify(policyDocument));
    if (created.created) {
      cache.remember(policyName, canonical);
      result.policies.push({ policyName, source: 'document', action: 'created' });
      result.created.push(`policy:${policyName}`);
      continue;
    }
    const existing = await iot.getPolicy(policyName);
    if (existing === null) {
      throw new IotConflictError({ step: 'policies' }, { deletedConcurrently: 'policy', name: policyName });
    }
    if (canonicalJsonText(existing.policyDocument) !== canonical) {
      throw new PolicyNameConflictError(policyName, existing.policyDocument, canonical);
    }
    logger.debug('policy exists with the same document; reusing it', { policyName });
    cache.remember(policyName, canonical);
    result.policies.push({ policyName, source: 'document', action: 'reused' });
    result.reused.push(`policy:${policyName}`);
  }
}

/** AttachPolicy for each policy at once, target = the certificate (repeats are no-ops). */
export async function attachPolicies(
  policies: PolicyPlan[],
  target: ExecutionTarget,
  iot: IotRegistry,
  cache: PolicyCache,
): Promise<void> {
  await allSettled(
    policies.map(async (policy) => {
      try {
        await iot.attachPolicy(policy.policyName, target.certificateArn);
      } catch (error) {
        // A cached policy deleted by hand: forget it so the retry recreates it.
        if (error instanceof PolicyNotFoundError) cache.forget(policy.policyName);
        throw error;
      }
    }),
  );
}
