/**
 * OverrideSettings on an existing thing, as pure decisions (no I/O).
 *
 * Per property (`AttributePayload`, `ThingTypeName`, `ThingGroups`), the value is one of
 * MERGE / REPLACE / DO_NOTHING / FAIL; **omitted means DO_NOTHING** (the template engine's
 * documented default). A property the template does not specify (no attributes, no type, no
 * groups) is left as it is whatever the override says: REPLACE never wipes what the template
 * does not mention.
 */
import type { OverrideValue, ThingPlan } from '../template/plan.js';
import { OverrideConflictError, UnsupportedOverrideError } from './errors.js';
import type { ThingDescription, UpdateThingInput } from './iot-registry.js';

export type ThingProperty = 'AttributePayload' | 'ThingTypeName' | 'ThingGroups';

const ALIASES: Record<ThingProperty, string> = {
  AttributePayload: 'ATTRIBUTE_PAYLOAD',
  ThingTypeName: 'THING_TYPE_NAME',
  ThingGroups: 'THING_GROUPS',
};

/** The override for a property; the docs' upper-case names are accepted too. Default DO_NOTHING. */
export function overrideFor(plan: ThingPlan, property: ThingProperty): OverrideValue {
  return plan.overrideSettings[property] ?? plan.overrideSettings[ALIASES[property]] ?? 'DO_NOTHING';
}

/** Exact equality of two attribute maps (same keys, same values). */
export function sameAttributes(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}

function conflict(
  plan: ThingPlan,
  property: ThingProperty,
  existing: unknown,
  wanted: unknown,
): OverrideConflictError {
  return new OverrideConflictError({ thingName: plan.thingName, property, existing, wanted });
}

/**
 * Refuses override values a property does not accept (MERGE on ThingTypeName). Checked before
 * any call, whether or not the thing exists, so that a first run and its retry agree.
 */
export function checkOverrides(plan: ThingPlan): void {
  if (overrideFor(plan, 'ThingTypeName') === 'MERGE') {
    throw new UnsupportedOverrideError(plan.thingName);
  }
}

/** The thing's type and attributes once the overrides are applied. */
export interface OverriddenState {
  thingTypeName: string | null;
  attributes: Record<string, string>;
}

/**
 * Decides the UpdateThing call (or none) that applies the attribute and type overrides, and
 * the resulting state. Throws {@link OverrideConflictError} for FAIL with a difference.
 */
export function planThingUpdate(
  existing: ThingDescription,
  plan: ThingPlan,
): { update: UpdateThingInput | null; target: OverriddenState } {
  const wanted = plan.attributes;
  const have = existing.attributes;
  let attributes: Record<string, string> | undefined;
  let targetAttributes = have;
  const attributeOverride = overrideFor(plan, 'AttributePayload');
  if (Object.keys(wanted).length > 0) {
    if (attributeOverride === 'MERGE') {
      targetAttributes = { ...have, ...wanted };
      if (!Object.entries(wanted).every(([key, value]) => have[key] === value)) attributes = wanted;
    } else if (attributeOverride === 'REPLACE') {
      targetAttributes = wanted;
      if (!sameAttributes(have, wanted)) {
        // With merge, an empty value removes an attribute: explicit removals, same meaning everywhere.
        attributes = { ...wanted };
        for (const key of Object.keys(have)) if (!(key in wanted)) attributes[key] = '';
      }
    } else if (attributeOverride === 'FAIL' && !sameAttributes(have, wanted)) {
      throw conflict(plan, 'AttributePayload', have, wanted);
    }
  }

  let thingTypeName: string | undefined;
  let targetType = existing.thingTypeName;
  const typeOverride = overrideFor(plan, 'ThingTypeName');
  if (plan.thingTypeName !== null && plan.thingTypeName !== existing.thingTypeName) {
    if (typeOverride === 'REPLACE') {
      thingTypeName = plan.thingTypeName;
      targetType = plan.thingTypeName;
    } else if (typeOverride === 'FAIL') {
      throw conflict(plan, 'ThingTypeName', existing.thingTypeName, plan.thingTypeName);
    }
  }

  const update: UpdateThingInput | null =
    attributes === undefined && thingTypeName === undefined
      ? null
      : {
          thingName: plan.thingName,
          ...(thingTypeName === undefined ? {} : { thingTypeName }),
          ...(attributes === undefined ? {} : { attributes, merge: true }),
        };
  return { update, target: { thingTypeName: targetType, attributes: targetAttributes } };
}

/** Whether the overridden state is exactly what CreateThing from this plan would have made. */
export function looksNew(target: OverriddenState, plan: ThingPlan): boolean {
  return target.thingTypeName === plan.thingTypeName && sameAttributes(target.attributes, plan.attributes);
}

/**
 * Group changes for an existing thing. `treatAsNew` (see execute-plan.ts) applies the template's
 * groups fully whatever the override, as for a thing created by this registration.
 */
export function planGroupChanges(
  plan: ThingPlan,
  existingGroups: string[],
  treatAsNew: boolean,
): { add: string[]; remove: string[] } {
  const wanted = plan.thingGroups;
  const have = new Set(existingGroups);
  const missing = wanted.filter((group) => !have.has(group));
  const extra = existingGroups.filter((group) => !wanted.includes(group));
  const override = overrideFor(plan, 'ThingGroups');
  if (override === 'REPLACE') return { add: missing, remove: extra };
  if (override === 'MERGE') return { add: missing, remove: [] };
  if (override === 'FAIL') {
    const differs = treatAsNew ? extra.length > 0 : missing.length > 0 || extra.length > 0;
    if (differs) throw conflict(plan, 'ThingGroups', existingGroups, wanted);
    return { add: missing, remove: [] };
  }
  return { add: treatAsNew ? missing : [], remove: [] };
}
