/**
 * Executes a rendered plan against AWS IoT in JITP's order, without touching the certificate's
 * status (activation is the caller's last step: see activate-certificate.ts).
 *
 * Primary course:
 *  1. Thing: DescribeThing; absent → CreateThing (type + attributes); present → apply the
 *     OverrideSettings (thing-overrides.ts) with one UpdateThing when something changes.
 *  2. Thing groups: AddThingToThingGroup for each group to add (RemoveThingFromThingGroup only
 *     for REPLACE).
 *  3. Billing group: AddThingToBillingGroup when the thing has none (an existing different one
 *     is kept: no override exists for it, and the default is DO_NOTHING).
 *  4. Policies: a PolicyDocument policy is created under the plan's deterministic name; 409 →
 *     GetPolicy and compare canonically (same → reuse, different → PolicyNameConflict). A
 *     PolicyName policy must exist (AttachPolicy's 404 → PolicyNotFound).
 *  5. AttachPolicy for each policy, target = the certificate.
 *  6. AttachThingPrincipal (certificate → thing).
 *
 * Idempotency: every step reads or tolerates existing state (CreateThing 409 → re-describe,
 * CreatePolicy 409 → compare, attach/add repeats are no-ops), so the same plan run twice, or
 * twice concurrently, converges without error or duplicates.
 *
 * Retry after a failure part-way ("treated as new" rule): a thing is handled exactly like one
 * this run created — the template's groups are added whatever ThingGroups' override says —
 * when (a) no principal other than this certificate is attached to it, and (b) after applying
 * the attribute/type overrides its type and attributes equal the plan's. Both hold for a thing
 * a previous attempt of this registration created (the certificate is attached last), and
 * neither changes when this executor runs again (it never attaches other principals, and the
 * overrides are idempotent), so a retry reaches the same final state as an uninterrupted run.
 * A thing that serves another certificate (a device in use) keeps DO_NOTHING's meaning.
 * The principal list is read only when the answer matters (existing thing, groups wanted,
 * ThingGroups DO_NOTHING or FAIL).
 */
import { performance } from 'node:perf_hooks';
import type { Plan, PolicyPlan, ThingPlan } from '../template/plan.js';
import { canonicalJson, canonicalJsonText } from './canonical-json.js';
import {
  IotConflictError,
  PlanCertificateMismatchError,
  PolicyNameConflictError,
  PolicyNotFoundError,
} from './errors.js';
import type { IotRegistry, ThingDescription } from './iot-registry.js';
import { forgetPolicy, isKnownPolicy, rememberPolicy } from './policy-cache.js';
import { looksNew, overrideFor, planGroupChanges, planThingUpdate } from './thing-overrides.js';

/** The structural logger (Powertools' Logger and lib/observability's JitrLogger satisfy it). */
export interface ProvisioningLogger {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface ExecutionDeps {
  iot: IotRegistry;
  logger: ProvisioningLogger;
  /** Monotonic milliseconds for step timings (default `performance.now`). */
  clock?: () => number;
}

export interface ExecutionTarget {
  certificateId: string;
  certificateArn: string;
}

export type ExecutionStep =
  | 'thing'
  | 'thing-groups'
  | 'billing-group'
  | 'policies'
  | 'attach-policies'
  | 'attach-thing-principal';

export interface PolicyOutcome {
  policyName: string;
  source: 'document' | 'name';
  /** created; reused (existed with the same document); cached (known in this container); named (PolicyName). */
  action: 'created' | 'reused' | 'cached' | 'named';
}

export interface ExecutionResult {
  thingName: string | null;
  /** null when the plan has no thing. */
  thing: { action: 'created' | 'updated' | 'unchanged'; treatedAsNew: boolean } | null;
  thingGroups: { added: string[]; removed: string[] };
  billingGroup: {
    name: string;
    action: 'added' | 'unchanged' | 'kept-existing';
    existing: string | null;
  } | null;
  policies: PolicyOutcome[];
  policyNames: string[];
  principal: 'attached' | 'already-attached' | 'no-thing';
  /** Resources this run created (`thing:<name>`, `policy:<name>`). */
  created: string[];
  /** Resources that existed and were reused. */
  reused: string[];
  /** IoT API calls made by this execution. */
  iotApiCalls: number;
  /** Milliseconds per step that ran. */
  timings: Partial<Record<ExecutionStep, number>>;
}

interface ThingState {
  description: ThingDescription | null;
  createdNow: boolean;
  /** Principals attached to the thing, when they had to be read. */
  principals: string[] | null;
  treatedAsNew: boolean;
}

/**
 * Runs the plan for one certificate. Never changes the certificate's status.
 * @example const result = await executePlan(plan, { certificateId, certificateArn }, { iot, logger });
 * @throws {@link OverrideConflictError}, {@link PolicyNameConflictError}, {@link PlanCertificateMismatchError},
 *   and every error of the IoT port (AccessDenied, ThingGroupNotFound, PolicyNotFound, AwsThrottled, …).
 */
export async function executePlan(
  plan: Plan,
  target: ExecutionTarget,
  deps: ExecutionDeps,
): Promise<ExecutionResult> {
  const { iot, logger } = deps;
  const clock = deps.clock ?? (() => performance.now());
  const callsAtStart = iot.callCount;
  if (
    plan.certificate !== null &&
    plan.certificate.certificateId.toLowerCase() !== target.certificateId.toLowerCase()
  ) {
    throw new PlanCertificateMismatchError(
      `the template's certificate resource names ${plan.certificate.certificateId}, not the registered certificate ${target.certificateId}`,
      {
        step: 'plan',
        remedy:
          'Use {"Ref": "AWS::IoT::Certificate::Id"} as the certificate resource\'s CertificateId, then replay the DLQ.',
        details: { planCertificateId: plan.certificate.certificateId, certificateId: target.certificateId },
      },
    );
  }
  const result: ExecutionResult = {
    thingName: plan.thing?.thingName ?? null,
    thing: null,
    thingGroups: { added: [], removed: [] },
    billingGroup: null,
    policies: [],
    policyNames: plan.policies.map((policy) => policy.policyName),
    principal: 'no-thing',
    created: [],
    reused: [],
    iotApiCalls: 0,
    timings: {},
  };
  const timed = async <T>(step: ExecutionStep, run: () => Promise<T>): Promise<T> => {
    const started = clock();
    try {
      return await run();
    } finally {
      result.timings[step] = Math.round((clock() - started) * 10) / 10;
    }
  };

  const thingPlan = plan.thing;
  let state: ThingState | null = null;
  if (thingPlan !== null) {
    const ensured = await timed('thing', () => ensureThing(thingPlan, target, iot, logger, result));
    state = ensured;
    await timed('thing-groups', () => applyGroups(thingPlan, ensured, iot, result));
    if (thingPlan.billingGroup !== null) {
      const billingGroup = thingPlan.billingGroup;
      await timed('billing-group', () =>
        applyBillingGroup(thingPlan, billingGroup, ensured, iot, logger, result),
      );
    }
  }
  if (plan.policies.length > 0) {
    await timed('policies', () => ensurePolicies(plan.policies, iot, logger, result));
    await timed('attach-policies', () => attachPolicies(plan.policies, target, iot));
  }
  if (thingPlan !== null && state !== null) {
    const known = state.principals;
    if (known?.includes(target.certificateArn)) {
      result.principal = 'already-attached';
    } else {
      await timed('attach-thing-principal', () =>
        iot.attachThingPrincipal(thingPlan.thingName, target.certificateArn),
      );
      result.principal = 'attached';
    }
  }
  result.iotApiCalls = iot.callCount - callsAtStart;
  logger.debug('plan executed', { ...result });
  return result;
}

async function ensureThing(
  plan: ThingPlan,
  target: ExecutionTarget,
  iot: IotRegistry,
  logger: ProvisioningLogger,
  result: ExecutionResult,
): Promise<ThingState> {
  let existing = await iot.describeThing(plan.thingName);
  if (existing === null) {
    const created = await iot.createThing({
      thingName: plan.thingName,
      thingTypeName: plan.thingTypeName,
      attributes: plan.attributes,
    });
    if (created.created) {
      result.thing = { action: 'created', treatedAsNew: true };
      result.created.push(`thing:${plan.thingName}`);
      return { description: null, createdNow: true, principals: null, treatedAsNew: true };
    }
    // 409: created concurrently with another configuration; continue as for an existing thing.
    existing = await iot.describeThing(plan.thingName);
    if (existing === null) {
      throw new IotConflictError(`thing ${plan.thingName} was created and deleted concurrently`, {
        step: 'thing',
        remedy: 'Transient; Lambda retries and the retry converges.',
        details: { thingName: plan.thingName },
      });
    }
  }
  const { update, target: overridden } = planThingUpdate(existing, plan);
  if (update !== null) {
    logger.info('applying OverrideSettings to the existing thing', {
      thingName: plan.thingName,
      update: { ...update },
    });
    await iot.updateThing(update);
  }
  let principals: string[] | null = null;
  let treatedAsNew = false;
  const groupOverride = overrideFor(plan, 'ThingGroups');
  if (plan.thingGroups.length > 0 && (groupOverride === 'DO_NOTHING' || groupOverride === 'FAIL')) {
    if (looksNew(overridden, plan)) {
      principals = await iot.listThingPrincipals(plan.thingName);
      treatedAsNew = principals.every((principal) => principal === target.certificateArn);
    }
  }
  result.thing = { action: update === null ? 'unchanged' : 'updated', treatedAsNew };
  result.reused.push(`thing:${plan.thingName}`);
  return { description: existing, createdNow: false, principals, treatedAsNew };
}

async function applyGroups(
  plan: ThingPlan,
  state: ThingState,
  iot: IotRegistry,
  result: ExecutionResult,
): Promise<void> {
  if (plan.thingGroups.length === 0) return;
  let add = plan.thingGroups;
  let remove: string[] = [];
  if (!state.createdNow) {
    const { treatedAsNew } = state;
    const override = overrideFor(plan, 'ThingGroups');
    if (override === 'DO_NOTHING' && !treatedAsNew) return;
    const existingGroups = await iot.listThingGroupsForThing(plan.thingName);
    ({ add, remove } = planGroupChanges(plan, existingGroups, treatedAsNew));
  }
  // Remove first: a thing belongs to at most 10 groups.
  for (const group of remove) {
    await iot.removeThingFromThingGroup(plan.thingName, group);
    result.thingGroups.removed.push(group);
  }
  for (const group of add) {
    await iot.addThingToThingGroup(plan.thingName, group);
    result.thingGroups.added.push(group);
  }
}

async function applyBillingGroup(
  plan: ThingPlan,
  billingGroup: string,
  state: ThingState,
  iot: IotRegistry,
  logger: ProvisioningLogger,
  result: ExecutionResult,
): Promise<void> {
  const existing = state.description?.billingGroupName ?? null;
  if (existing === billingGroup) {
    result.billingGroup = { name: billingGroup, action: 'unchanged', existing };
    return;
  }
  if (existing !== null) {
    logger.warn('the thing is in another billing group; keeping it (no override exists for BillingGroup)', {
      thingName: plan.thingName,
      existing,
      wanted: billingGroup,
    });
    result.billingGroup = { name: billingGroup, action: 'kept-existing', existing };
    return;
  }
  await iot.addThingToBillingGroup(plan.thingName, billingGroup);
  result.billingGroup = { name: billingGroup, action: 'added', existing };
}

async function ensurePolicies(
  policies: PolicyPlan[],
  iot: IotRegistry,
  logger: ProvisioningLogger,
  result: ExecutionResult,
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
    if (isKnownPolicy(policyName, canonical)) {
      result.policies.push({ policyName, source: 'document', action: 'cached' });
      result.reused.push(`policy:${policyName}`);
      continue;
    }
    const created = await iot.createPolicy(policyName, JSON.stringify(policyDocument));
    if (created.created) {
      rememberPolicy(policyName, canonical);
      result.policies.push({ policyName, source: 'document', action: 'created' });
      result.created.push(`policy:${policyName}`);
      continue;
    }
    const existing = await iot.getPolicy(policyName);
    if (existing === null) {
      throw new IotConflictError(`policy ${policyName} was created and deleted concurrently`, {
        step: 'policies',
        remedy: 'Transient; Lambda retries and the retry converges.',
        details: { policyName },
      });
    }
    if (canonicalJsonText(existing.policyDocument) !== canonical) {
      throw new PolicyNameConflictError(`policy ${policyName} exists with a different document`, {
        step: 'policies',
        remedy: `Delete or rename the existing AWS IoT policy ${policyName} (its name is derived from the template's document), then replay the DLQ.`,
        details: { policyName, existingDocument: existing.policyDocument, wantedDocument: canonical },
      });
    }
    logger.debug('policy exists with the same document; reusing it', { policyName });
    rememberPolicy(policyName, canonical);
    result.policies.push({ policyName, source: 'document', action: 'reused' });
    result.reused.push(`policy:${policyName}`);
  }
}

async function attachPolicies(
  policies: PolicyPlan[],
  target: ExecutionTarget,
  iot: IotRegistry,
): Promise<void> {
  for (const policy of policies) {
    try {
      await iot.attachPolicy(policy.policyName, target.certificateArn);
    } catch (error) {
      // A cached policy deleted by hand: forget it so the retry recreates it.
      if (error instanceof PolicyNotFoundError) forgetPolicy(policy.policyName);
      throw error;
    }
  }
}
