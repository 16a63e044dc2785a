/**
 * Executes a rendered plan against AWS IoT in JITP's order, without touching the certificate's
 * status (activation is the caller's last step: see activate-certificate.ts).
 *
 * Primary course:
 *  1. Thing: DescribeThing; absent → CreateThing (type + attributes); present → under
 *     `exclusive` the ownership check (ListThingPrincipals, below), then the OverrideSettings
 *     (thing-overrides.ts) with one UpdateThing when something changes. The ownership check and
 *     every FAIL check (attributes, type, groups) run before the first write, so a
 *     ThingOwnedByAnotherCertificate or OverrideConflict leaves the account untouched.
 *     Under `shared`, where nothing after it depends on whether the thing existed (no billing
 *     group; ThingGroups DO_NOTHING or MERGE), CreateThing goes first and DescribeThing only
 *     follows its 409 (thing-steps.ts `createsFirst`): one round trip less for a new device.
 *  2. Thing groups: AddThingToThingGroup for each group to add (RemoveThingFromThingGroup only
 *     for REPLACE).
 *  3. Billing group: AddThingToBillingGroup when the thing has none (an existing different one
 *     is kept: no override exists for it, and the default is DO_NOTHING).
 *  4. Policies: a PolicyDocument policy is created under the plan's deterministic name; 409 →
 *     GetPolicy and compare canonically (same → reuse, different → PolicyNameConflict). A
 *     PolicyName policy must exist (AttachPolicy's 404 → PolicyNotFound).
 *  5. AttachPolicy for each policy, target = the certificate.
 *  6. AttachThingPrincipal (certificate → thing); under `exclusive`, ListThingPrincipals again.
 *
 * Order: steps 2, 3, 4–5 and 6 go out together once the thing step is done; steps 4–5 touch
 * only the certificate and policies, so under `shared` without a FAIL override (where the thing
 * step cannot refuse) they go out together with the thing step (`policiesGoFirst`).
 *
 * Idempotency: every step reads or tolerates existing state (CreateThing 409 → re-describe,
 * CreatePolicy 409 → compare, attach/add repeats are no-ops), so the same plan run twice, or
 * twice concurrently, converges without error or duplicates.
 *
 * Retry after a failure part-way ("treated as new" rule): a thing is handled exactly like one
 * this run created — the template's groups are added whatever ThingGroups' override says —
 * when, after applying the attribute/type overrides, its type and attributes equal the plan's
 * (under `exclusive` its principals were read too and name this certificate at most). That
 * holds for a thing a previous attempt of this registration created, and does not change when
 * this executor runs again (the overrides are idempotent), so a retry reaches the same final
 * state as an uninterrupted run. It is also exactly what a successful CreateThing tells (AWS
 * answers an identical CreateThing with success), so the CreateThing-first path and the
 * DescribeThing path decide alike. Under `shared` other principals do not count: a thing
 * identical to the plan gets the template's groups even when another certificate uses it
 * (certificate rotation, the usual reason for `shared`); one that differs keeps DO_NOTHING's
 * meaning. `shared` never calls ListThingPrincipals.
 *
 * Thing ownership (THING_PRINCIPAL_POLICY, thing-ownership.ts). The thing name usually comes
 * from the certificate (CN), so a certificate repeating another device's name must not be
 * attached to that device's thing. Under `exclusive` (default):
 *  - an existing thing's principals are read right after DescribeThing; any principal other
 *    than this certificate → ThingOwnedByAnotherCertificate before any write (like FAIL);
 *  - no principal (pre-created by an operator, or a failed attempt before step 6) → used;
 *    only this certificate (our own earlier attempt) → used, and step 6 is skipped;
 *  - after AttachThingPrincipal the principals are read once more, and any other principal
 *    fails the run (the certificate is then attached but never activated: activation is the
 *    caller's last step). This closes the race of two certificates with the same name
 *    registering at once: both may read an empty list (or both create the thing: CreateThing
 *    is idempotent for identical input), but whichever re-reads second sees the other, so at
 *    most one of them is activated (possibly neither: then both are in the DLQ). A retry of
 *    the winner re-reads the list before attaching and fails too until the loser is detached.
 *    Residual risks: (1) this relies on ListThingPrincipals reflecting a completed
 *    AttachThingPrincipal at once (read-after-write; AWS does not document it); (2) the
 *    loser's writes before the re-read (thing attributes/type/groups under its overrides, its
 *    certificate's policy attachments and thing attachment) stay — the handler has no
 *    iot:DetachThingPrincipal, deliberately, so an operator detaches it; (3) first come, first
 *    served: a certificate that claims a name before its rightful device registers owns the
 *    thing, and the rightful device then fails with ThingOwnedByAnotherCertificate (visible,
 *    not silent). Issuing certificates with unique names is the CA's job.
 */
import { performance } from 'node:perf_hooks';
import type { Plan, ThingPlan } from '../template/plan.js';
import { allSettled } from './all-settled.js';
import { PlanCertificateMismatchError } from './errors.js';
import type {
  ExecutionDeps,
  ExecutionResult,
  ExecutionStep,
  ExecutionTarget,
  ThingState,
} from './execution-types.js';
import { attachPolicies, ensurePolicies } from './policy-steps.js';
import { checkOverrides, overrideFor } from './thing-overrides.js';
import {
  assertThingNotOwnedByOthers,
  isThisCertificate,
  type ThingPrincipalPolicy,
} from './thing-ownership.js';
import { applyBillingGroup, applyGroups, ensureThing } from './thing-steps.js';

export type {
  ExecutionDeps,
  ExecutionResult,
  ExecutionStep,
  ExecutionTarget,
  PolicyOutcome,
  ProvisioningLogger,
  ThingPrincipalPolicy,
} from './execution-types.js';

/**
 * What an execution of `plan` has done before it starts. Pass one to {@link executePlan} to keep
 * what a failed run did (created the thing, then an attachment failed): it is filled as it goes.
 */
export function emptyExecutionResult(plan: Plan): ExecutionResult {
  return {
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
}

/**
 * Whether the policy steps (CreatePolicy, AttachPolicy to the certificate) may go out with the
 * thing step: they touch only the certificate and policies, never the thing, so they wait only
 * where the thing step may refuse the registration before any write — the ownership check
 * under `exclusive`, and a FAIL override.
 */
export function policiesGoFirst(plan: ThingPlan, principalPolicy: ThingPrincipalPolicy): boolean {
  const properties = ['AttributePayload', 'ThingTypeName', 'ThingGroups'] as const;
  return (
    principalPolicy === 'shared' && properties.every((property) => overrideFor(plan, property) !== 'FAIL')
  );
}

/**
 * Runs the plan for one certificate. Never changes the certificate's status.
 * @example const result = await executePlan(plan, { certificateId, certificateArn }, { iot, logger });
 * `deps.thingPrincipalPolicy` defaults to `exclusive` (fail closed).
 * @throws {@link ThingOwnedByAnotherCertificateError}, {@link OverrideConflictError},
 *   {@link PolicyNameConflictError}, {@link PlanCertificateMismatchError}, and every error of
 *   the IoT port (AccessDenied, ThingGroupNotFound, PolicyNotFound, AwsThrottled, …).
 */
export async function executePlan(
  plan: Plan,
  target: ExecutionTarget,
  deps: ExecutionDeps,
  result: ExecutionResult = emptyExecutionResult(plan),
): Promise<ExecutionResult> {
  const { iot, logger } = deps;
  const principalPolicy = deps.thingPrincipalPolicy ?? 'exclusive';
  const clock = deps.clock ?? (() => performance.now());
  const callsAtStart = iot.callCount;
  if (
    plan.certificate !== null &&
    plan.certificate.certificateId.toLowerCase() !== target.certificateId.toLowerCase()
  ) {
    throw new PlanCertificateMismatchError(plan.certificate.certificateId, target.certificateId);
  }
  if (plan.thing !== null) checkOverrides(plan.thing);
  const timed = async <T>(step: ExecutionStep, run: () => Promise<T>): Promise<T> => {
    const started = clock();
    try {
      return await run();
    } finally {
      result.timings[step] = Math.round((clock() - started) * 10) / 10;
    }
  };

  const thingPlan = plan.thing;
  // Independent calls run together; the dependencies that remain are the rules: every write
  // waits for the thing step, whose checks (ownership under `exclusive`, the FAIL overrides)
  // refuse before anything is written; then groups, billing group, policies and the
  // certificate's attachment go out at once; the post-attach re-check follows the attachment.
  const policies = async (): Promise<void> => {
    if (plan.policies.length === 0) return;
    await timed('policies', () => ensurePolicies(plan.policies, iot, logger, result, deps.policyCache));
    await timed('attach-policies', () => attachPolicies(plan.policies, target, iot, deps.policyCache));
  };
  const thing = async (plan: ThingPlan): Promise<void> => {
    // The certificate's own policies need not wait for the thing, unless the thing step may
    // refuse (ownership under `exclusive`, a FAIL override): a refusal writes nothing.
    const early = policiesGoFirst(plan, principalPolicy) ? policies() : null;
    early?.catch(() => undefined);
    let ensured: ThingState;
    try {
      ensured = await timed('thing', () => ensureThing(plan, target, iot, logger, result, principalPolicy));
    } catch (error) {
      await early?.catch(() => undefined); // none left running unobserved
      throw error;
    }
    const billingGroup = plan.billingGroup;
    await allSettled([
      early ?? policies(),
      timed('thing-groups', () => applyGroups(plan, ensured, iot, result)),
      billingGroup === null
        ? Promise.resolve()
        : timed('billing-group', () => applyBillingGroup(plan, billingGroup, ensured, iot, logger, result)),
      attachCertificate(plan, ensured),
    ]);
  };
  const attachCertificate = async (plan: ThingPlan, state: ThingState): Promise<void> => {
    if (state.principals?.some((principal) => isThisCertificate(principal, target.certificateArn))) {
      // Under `exclusive` this list was read after our earlier attach and named no one else:
      // it already was the post-attach check of that attempt.
      result.principal = 'already-attached';
      return;
    }
    await timed('attach-thing-principal', async () => {
      await iot.attachThingPrincipal(plan.thingName, target.certificateArn);
      if (principalPolicy === 'exclusive') {
        const after = await iot.listThingPrincipals(plan.thingName);
        assertThingNotOwnedByOthers(plan.thingName, after, target, true);
      }
    });
    result.principal = 'attached';
  };
  if (thingPlan === null) await policies();
  else await thing(thingPlan);
  result.iotApiCalls = iot.callCount - callsAtStart;
  logger.debug('plan executed', { ...result });
  return result;
}
