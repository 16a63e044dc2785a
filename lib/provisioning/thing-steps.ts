// The thing steps of the executor: thing, thing groups, billing group (see execute-plan.ts).
import type { ThingPlan } from '../template/plan.js';
import { allSettled } from './all-settled.js';
import { IotConflictError } from './errors.js';
import type { ExecutionResult, ExecutionTarget, ProvisioningLogger, ThingState } from './execution-types.js';
import type { IotRegistry } from './iot-registry.js';
import { looksNew, overrideFor, planGroupChanges, planThingUpdate } from './thing-overrides.js';
import { assertThingNotOwnedByOthers, type ThingPrincipalPolicy } from './thing-ownership.js';

/**
 * Whether the thing step may start with CreateThing, without DescribeThing: only when nothing
 * it does afterwards depends on whether the thing existed. AWS answers CreateThing with success
 * both when it creates the thing and when an identical one (same type, attributes, billing
 * group) exists, and with 409 when one with another configuration exists (then the DescribeThing
 * path runs). So: `shared` only (under `exclusive` a thing that may already exist must have its
 * principals read before anything is attached to it, and DescribeThing answering "absent" is
 * what spares that read for a new thing); no billing group (an identical thing may sit in
 * another one, which is kept); ThingGroups DO_NOTHING or MERGE (REPLACE and FAIL compare with
 * the thing's current groups). An identical existing thing is then handled as new: the
 * template's groups are added to it, also when other certificates share it (the "treated as
 * new" rule otherwise asks that no other principal is attached; README "Thing ownership").
 */
export function createsFirst(plan: ThingPlan, principalPolicy: ThingPrincipalPolicy): boolean {
  const groups = overrideFor(plan, 'ThingGroups');
  return (
    principalPolicy === 'shared' &&
    plan.billingGroup === null &&
    (plan.thingGroups.length === 0 || groups === 'DO_NOTHING' || groups === 'MERGE')
  );
}

/** CreateThing from the plan; the state of a thing this run may treat as its own creation. */
async function createThing(
  plan: ThingPlan,
  iot: IotRegistry,
  result: ExecutionResult,
): Promise<ThingState | null> {
  const created = await iot.createThing({
    thingName: plan.thingName,
    thingTypeName: plan.thingTypeName,
    attributes: plan.attributes,
  });
  if (!created.created) return null;
  result.thing = { action: 'created', treatedAsNew: true };
  result.created.push(`thing:${plan.thingName}`);
  return { description: null, createdNow: true, principals: null, groups: null, treatedAsNew: true };
}

/**
 * DescribeThing → CreateThing, or the OverrideSettings on the existing thing (one UpdateThing at
 * most); CreateThing first when {@link createsFirst} allows it. Under `exclusive`, an existing
 * thing's principals are read first and a thing serving another principal is refused before
 * any write (thing-ownership.ts).
 */
export async function ensureThing(
  plan: ThingPlan,
  target: ExecutionTarget,
  iot: IotRegistry,
  logger: ProvisioningLogger,
  result: ExecutionResult,
  principalPolicy: ThingPrincipalPolicy,
): Promise<ThingState> {
  if (createsFirst(plan, principalPolicy)) {
    // 409: a thing with another configuration exists; the DescribeThing path handles it.
    const state = await createThing(plan, iot, result);
    if (state !== null) return state;
  }
  let existing = await iot.describeThing(plan.thingName);
  if (existing === null) {
    const state = await createThing(plan, iot, result);
    if (state !== null) return state;
    // 409: created concurrently with another configuration; continue as for an existing thing.
    existing = await iot.describeThing(plan.thingName);
    if (existing === null) {
      throw new IotConflictError({ step: 'thing' }, { deletedConcurrently: 'thing', name: plan.thingName });
    }
  }
  // Every check (ownership first, then the FAIL overrides) runs before the first write, so a
  // refusal leaves the thing, its groups and the certificate untouched.
  let principals: string[] | null = null;
  if (principalPolicy === 'exclusive') {
    principals = await iot.listThingPrincipals(plan.thingName);
    assertThingNotOwnedByOthers(plan.thingName, principals, target, false);
  }
  const { update, target: overridden } = planThingUpdate(existing, plan);
  let treatedAsNew = false;
  const groupOverride = overrideFor(plan, 'ThingGroups');
  if (plan.thingGroups.length > 0 && (groupOverride === 'DO_NOTHING' || groupOverride === 'FAIL')) {
    // Treated as new: exactly what CreateThing from this plan makes (README "Thing ownership").
    // Under `exclusive` the principals were read above and name this certificate at most; under
    // `shared` they do not count, as for a CreateThing that succeeds on an identical thing.
    treatedAsNew = looksNew(overridden, plan);
  }
  let groups: string[] | null = null;
  if (plan.thingGroups.length > 0 && groupOverride === 'FAIL') {
    groups = await iot.listThingGroupsForThing(plan.thingName);
    planGroupChanges(plan, groups, treatedAsNew);
  }
  if (update !== null) {
    logger.info('applying OverrideSettings to the existing thing', {
      thingName: plan.thingName,
      update: { ...update },
    });
    await iot.updateThing(update);
  }
  result.thing = { action: update === null ? 'unchanged' : 'updated', treatedAsNew };
  result.reused.push(`thing:${plan.thingName}`);
  return { description: existing, createdNow: false, principals, groups, treatedAsNew };
}

/** Adds (and for REPLACE removes) thing groups; see the treated-as-new rule in execute-plan.ts. */
export async function applyGroups(
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
    const existingGroups = state.groups ?? (await iot.listThingGroupsForThing(plan.thingName));
    ({ add, remove } = planGroupChanges(plan, existingGroups, treatedAsNew));
  }
  // Remove first: a thing belongs to at most 10 groups. Each set goes out at once.
  await allSettled(remove.map((group) => iot.removeThingFromThingGroup(plan.thingName, group)));
  result.thingGroups.removed.push(...remove);
  await allSettled(add.map((group) => iot.addThingToThingGroup(plan.thingName, group)));
  result.thingGroups.added.push(...add);
}

/** Adds the thing to the billing group when it has none; keeps a different existing one. */
export async function applyBillingGroup(
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
