// The thing steps of the executor: thing, thing groups, billing group (see execute-plan.ts).
import type { ThingPlan } from '../template/plan.js';
import { IotConflictError } from './errors.js';
import type { ExecutionResult, ExecutionTarget, ProvisioningLogger, ThingState } from './execution-types.js';
import type { IotRegistry } from './iot-registry.js';
import { looksNew, overrideFor, planGroupChanges, planThingUpdate } from './thing-overrides.js';

/** DescribeThing → CreateThing, or the OverrideSettings on the existing thing (one UpdateThing at most). */
export async function ensureThing(
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
      return { description: null, createdNow: true, principals: null, groups: null, treatedAsNew: true };
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
  // Every FAIL check runs before the first write, so a conflict leaves the thing untouched.
  const { update, target: overridden } = planThingUpdate(existing, plan);
  let principals: string[] | null = null;
  let treatedAsNew = false;
  const groupOverride = overrideFor(plan, 'ThingGroups');
  if (plan.thingGroups.length > 0 && (groupOverride === 'DO_NOTHING' || groupOverride === 'FAIL')) {
    if (looksNew(overridden, plan)) {
      principals = await iot.listThingPrincipals(plan.thingName);
      treatedAsNew = principals.every((principal) => principal === target.certificateArn);
    }
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
