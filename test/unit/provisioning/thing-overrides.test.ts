import { describe, expect, it } from 'vitest';
import type { ThingDescription } from '../../../lib/provisioning/iot-registry.js';
import {
  looksNew,
  overrideFor,
  planGroupChanges,
  planThingUpdate,
} from '../../../lib/provisioning/thing-overrides.js';
import type { OverrideValue, ThingPlan } from '../../../lib/template/plan.js';

function thingPlan(overrides: Record<string, OverrideValue>, changes: Partial<ThingPlan> = {}): ThingPlan {
  return {
    logicalName: 'thing',
    thingName: 'dev-1',
    thingTypeName: 'sensor',
    thingGroups: ['fleet'],
    billingGroup: null,
    attributes: { model: 'm1' },
    overrideSettings: overrides,
    ...changes,
  };
}

const existing: ThingDescription = {
  thingName: 'dev-1',
  thingArn: 'arn:aws:iot:eu-west-1:123456789012:thing/dev-1',
  thingTypeName: 'old-type',
  attributes: { model: 'm0', color: 'red' },
  version: 3,
  billingGroupName: null,
};

describe('overrideFor', () => {
  it("defaults to DO_NOTHING and accepts the docs' upper-case names", () => {
    // Act / Assess
    expect(overrideFor(thingPlan({}), 'ThingGroups')).toBe('DO_NOTHING');
    expect(overrideFor(thingPlan({ THING_GROUPS: 'MERGE' }), 'ThingGroups')).toBe('MERGE');
    expect(overrideFor(thingPlan({ ThingGroups: 'FAIL', THING_GROUPS: 'MERGE' }), 'ThingGroups')).toBe(
      'FAIL',
    );
  });
});

describe('planThingUpdate', () => {
  it('writes REPLACE as a merge with explicit removals, and the type in the same call', () => {
    // Act
    const decision = planThingUpdate(
      existing,
      thingPlan({ AttributePayload: 'REPLACE', ThingTypeName: 'REPLACE' }),
    );
    // Assess
    expect(decision).toEqual({
      update: {
        thingName: 'dev-1',
        thingTypeName: 'sensor',
        attributes: { model: 'm1', color: '' },
        merge: true,
      },
      target: { thingTypeName: 'sensor', attributes: { model: 'm1' } },
    });
  });

  it('sends nothing for MERGE when the attributes already include the wanted ones', () => {
    // Act
    const decision = planThingUpdate(
      { ...existing, attributes: { model: 'm1', color: 'red' } },
      thingPlan({ AttributePayload: 'MERGE' }),
    );
    // Assess
    expect(decision).toEqual({
      update: null,
      target: { thingTypeName: 'old-type', attributes: { model: 'm1', color: 'red' } },
    });
  });

  it('leaves what the template does not specify, even under REPLACE and FAIL', () => {
    // Prepare
    const plan = thingPlan(
      { AttributePayload: 'REPLACE', ThingTypeName: 'FAIL' },
      { attributes: {}, thingTypeName: null },
    );
    // Act
    const decision = planThingUpdate(existing, plan);
    // Assess
    expect(decision).toEqual({
      update: null,
      target: { thingTypeName: 'old-type', attributes: { model: 'm0', color: 'red' } },
    });
  });
});

describe('looksNew', () => {
  it('compares the overridden state with what CreateThing would make', () => {
    // Act / Assess
    expect(looksNew({ thingTypeName: 'sensor', attributes: { model: 'm1' } }, thingPlan({}))).toBe(true);
    expect(looksNew({ thingTypeName: 'sensor', attributes: { model: 'm1', x: '1' } }, thingPlan({}))).toBe(
      false,
    );
    expect(looksNew({ thingTypeName: null, attributes: { model: 'm1' } }, thingPlan({}))).toBe(false);
  });
});

describe('planGroupChanges', () => {
  const rows: {
    override: OverrideValue;
    treatAsNew: boolean;
    have: string[];
    want: { add: string[]; remove: string[] };
  }[] = [
    { override: 'MERGE', treatAsNew: false, have: ['old'], want: { add: ['fleet'], remove: [] } },
    { override: 'REPLACE', treatAsNew: false, have: ['old', 'fleet'], want: { add: [], remove: ['old'] } },
    { override: 'DO_NOTHING', treatAsNew: false, have: [], want: { add: [], remove: [] } },
    { override: 'DO_NOTHING', treatAsNew: true, have: [], want: { add: ['fleet'], remove: [] } },
    { override: 'FAIL', treatAsNew: false, have: ['fleet'], want: { add: [], remove: [] } },
    { override: 'FAIL', treatAsNew: true, have: [], want: { add: ['fleet'], remove: [] } },
  ];

  it.each(rows)(
    '$override (treated as new: $treatAsNew) with $have',
    ({ override, treatAsNew, have, want }) => {
      // Act
      const changes = planGroupChanges(thingPlan({ ThingGroups: override }), have, treatAsNew);
      // Assess
      expect(changes).toEqual(want);
    },
  );

  it('fails for FAIL when a new-looking thing is in a group the template does not name', () => {
    // Act / Assess
    expect(() => planGroupChanges(thingPlan({ ThingGroups: 'FAIL' }), ['other'], true)).toThrow(
      expect.objectContaining({
        code: 'OverrideConflict',
        details: { thingName: 'dev-1', property: 'ThingGroups', existing: ['other'], wanted: ['fleet'] },
      }),
    );
  });
});
