import { beforeEach, describe, expect, it } from 'vitest';
import { isJitrError } from '../../../lib/errors/jitr-error.js';
import type { OverrideValue } from '../../../lib/template/plan.js';
import { expectRejection } from '../../helpers/expect-jitr-error.js';
import { FakeIotRegistry } from '../../helpers/fake-iot-registry.js';
import {
  CERT_ARN,
  CERT_ID,
  newContainer,
  OTHER_CERT_ARN,
  type Provision,
  referencePlan,
  seed,
} from './plan-fixtures.js';

/** The container under test: its policy cache lives as long as this function. */
let provision: Provision;

let fake: FakeIotRegistry;

beforeEach(() => {
  fake = new FakeIotRegistry();
  seed(fake);
  provision = newContainer(fake);
});

/**
 * Override semantics are the same under both THING_PRINCIPAL_POLICY values; these cases use a
 * thing another device uses, which only `shared` lets a second certificate touch
 * (exclusive refusals: thing-ownership.test.ts).
 */
const SHARED = { thingPrincipalPolicy: 'shared' } as const;

/** A thing in use by another device (another certificate attached). */
function existingThing(principals = [OTHER_CERT_ARN]) {
  fake.things.set('dev-1', {
    thingTypeName: 'old-type',
    attributes: { model: 'm0', color: 'red' },
    version: 3,
    billingGroupName: null,
    groups: ['old-group'],
    principals,
  });
}

const ALL_DO_NOTHING: Record<string, OverrideValue> = {
  AttributePayload: 'DO_NOTHING',
  ThingTypeName: 'DO_NOTHING',
  ThingGroups: 'DO_NOTHING',
};

/** The existing thing after a run that changed nothing but billing group and principal. */
const UNCHANGED = {
  thingTypeName: 'old-type',
  attributes: { model: 'm0', color: 'red' } as Record<string, string>,
  version: 3,
  billingGroupName: 'billing-a',
  groups: ['old-group'],
  principals: [OTHER_CERT_ARN, CERT_ARN],
};

describe('executePlan OverrideSettings on an existing thing', () => {
  const applied: { property: string; value: OverrideValue; want: Partial<typeof UNCHANGED> }[] = [
    {
      property: 'AttributePayload',
      value: 'MERGE',
      want: { attributes: { model: 'm1', color: 'red', serial: 's-1' }, version: 4 },
    },
    {
      property: 'AttributePayload',
      value: 'REPLACE',
      want: { attributes: { model: 'm1', serial: 's-1' }, version: 4 },
    },
    { property: 'AttributePayload', value: 'DO_NOTHING', want: {} },
    { property: 'ThingTypeName', value: 'REPLACE', want: { thingTypeName: 'sensor', version: 4 } },
    { property: 'ThingTypeName', value: 'DO_NOTHING', want: {} },
    { property: 'ThingGroups', value: 'MERGE', want: { groups: ['eu', 'fleet', 'old-group'] } },
    { property: 'ThingGroups', value: 'REPLACE', want: { groups: ['eu', 'fleet'] } },
    { property: 'ThingGroups', value: 'DO_NOTHING', want: {} },
  ];

  it.each(applied)('applies $property: $value', async ({ property, value, want }) => {
    // Prepare
    existingThing();
    // Act
    await provision(referencePlan({ ...ALL_DO_NOTHING, [property]: value }), SHARED);
    // Assess
    expect(fake.snapshot().things['dev-1']).toEqual({ ...UNCHANGED, ...want });
    expect(fake.certificateStatus.get(CERT_ID)).toBe('ACTIVE');
  });

  it('treats omitted OverrideSettings as DO_NOTHING for every property', async () => {
    // Prepare
    existingThing();
    // Act
    await provision(referencePlan({}), SHARED);
    // Assess
    expect(fake.snapshot().things['dev-1']).toEqual(UNCHANGED);
    expect(fake.log).not.toContain('updateThing');
  });

  const conflicts = [
    {
      property: 'AttributePayload',
      existing: { model: 'm0', color: 'red' },
      wanted: { model: 'm1', serial: 's-1' },
    },
    { property: 'ThingTypeName', existing: 'old-type', wanted: 'sensor' },
    { property: 'ThingGroups', existing: ['old-group'], wanted: ['fleet', 'eu'] },
  ];

  it.each(conflicts)('fails with OverrideConflict for $property: FAIL, changing nothing', async (row) => {
    // Prepare
    existingThing();
    const before = fake.snapshot();
    // Act
    const error = await expectRejection(() =>
      provision(referencePlan({ ...ALL_DO_NOTHING, [row.property]: 'FAIL' }), SHARED),
    );
    // Assess
    expect(isJitrError(error) && [error.code, error.disposition, error.step]).toEqual([
      'OverrideConflict',
      'configuration',
      'thing',
    ]);
    expect(isJitrError(error) && error.details).toEqual({
      thingName: 'dev-1',
      property: row.property,
      existing: row.existing,
      wanted: row.wanted,
    });
    expect(fake.snapshot()).toEqual(before);
  });

  it('checks ThingGroups: FAIL before writing the attributes of another property', async () => {
    // Prepare
    existingThing();
    const before = fake.snapshot();
    // Act
    const error = await expectRejection(() =>
      provision(
        referencePlan({ AttributePayload: 'MERGE', ThingTypeName: 'REPLACE', ThingGroups: 'FAIL' }),
        SHARED,
      ),
    );
    // Assess
    expect(isJitrError(error) && error.code).toBe('OverrideConflict');
    expect(fake.log).toEqual(['describeThing', 'listThingGroupsForThing']);
    expect(fake.snapshot()).toEqual(before);
  });

  it('passes FAIL when the existing thing already matches', async () => {
    // Prepare
    fake.things.set('dev-1', {
      thingTypeName: 'sensor',
      attributes: { model: 'm1', serial: 's-1' },
      version: 2,
      billingGroupName: 'billing-a',
      groups: ['eu', 'fleet'],
      principals: [OTHER_CERT_ARN],
    });
    // Act
    const result = await provision(
      referencePlan({ AttributePayload: 'FAIL', ThingTypeName: 'FAIL', ThingGroups: 'FAIL' }),
      SHARED,
    );
    // Assess: identical to what CreateThing from the plan makes, so treated as new (shared:
    // whoever else uses it); FAIL finds nothing missing and nothing extra.
    expect(result.thing).toEqual({ action: 'unchanged', treatedAsNew: true });
    expect(fake.log).not.toContain('updateThing');
    expect(fake.log).not.toContain('listThingPrincipals');
  });

  it('rejects MERGE for ThingTypeName', async () => {
    // Prepare
    existingThing();
    // Act
    const error = await expectRejection(() =>
      provision(referencePlan({ ...ALL_DO_NOTHING, ThingTypeName: 'MERGE' }), SHARED),
    );
    // Assess
    expect(isJitrError(error) && error.code).toBe('UnsupportedOverride');
  });

  it('keeps another billing group (no override exists for it)', async () => {
    // Prepare
    existingThing();
    const thing = fake.things.get('dev-1');
    if (thing) thing.billingGroupName = 'billing-b';
    // Act
    const result = await provision(referencePlan(ALL_DO_NOTHING), SHARED);
    // Assess
    expect(result.billingGroup).toEqual({
      name: 'billing-a',
      action: 'kept-existing',
      existing: 'billing-b',
    });
    expect(fake.log).not.toContain('addThingToBillingGroup');
  });
});

describe('executePlan treated-as-new rule', () => {
  /** What a previous attempt of this registration left: the thing, nothing else. */
  function partialThing(
    principals: string[],
    attributes: Record<string, string> = { model: 'm1', serial: 's-1' },
    groups: string[] = [],
  ) {
    fake.things.set('dev-1', {
      thingTypeName: 'sensor',
      attributes,
      version: 1,
      billingGroupName: null,
      groups,
      principals,
    });
  }

  it('adds the groups despite ThingGroups: DO_NOTHING when the thing has no other certificate', async () => {
    // Prepare
    partialThing([]);
    // Act
    const result = await provision(referencePlan());
    // Assess
    expect(result.thing).toEqual({ action: 'unchanged', treatedAsNew: true });
    expect(fake.snapshot().things['dev-1']?.groups).toEqual(['eu', 'fleet']);
  });

  it('adds the groups when only this certificate is attached already', async () => {
    // Prepare
    partialThing([CERT_ARN]);
    // Act
    const result = await provision(referencePlan());
    // Assess
    expect(result.principal).toBe('already-attached');
    expect(fake.snapshot().things['dev-1']?.groups).toEqual(['eu', 'fleet']);
  });

  it('adds the groups to a thing identical to the plan that another certificate uses (shared: principals do not count)', async () => {
    // Prepare
    partialThing([OTHER_CERT_ARN]);
    // Act
    const result = await provision(referencePlan(), SHARED);
    // Assess: as for a CreateThing that succeeds on an identical thing (README "Thing ownership").
    expect(result.thing).toEqual({ action: 'unchanged', treatedAsNew: true });
    expect(fake.snapshot().things['dev-1']?.groups).toEqual(['eu', 'fleet']);
    expect(fake.log).not.toContain('listThingPrincipals');
  });

  it('keeps DO_NOTHING for a thing another certificate uses when it differs from the plan', async () => {
    // Prepare
    partialThing([OTHER_CERT_ARN], { model: 'm1', serial: 's-1', color: 'red' });
    // Act
    const result = await provision(referencePlan(), SHARED);
    // Assess
    expect(result.thing).toEqual({ action: 'unchanged', treatedAsNew: false });
    expect(fake.snapshot().things['dev-1']?.groups).toEqual([]);
  });

  it('keeps DO_NOTHING for a thing whose merged attributes differ from the template (shared: no principal read)', async () => {
    // Prepare
    partialThing([], { model: 'm1', serial: 's-1', color: 'red' });
    // Act
    const result = await provision(referencePlan(), SHARED);
    // Assess
    expect(result.thing).toEqual({ action: 'unchanged', treatedAsNew: false });
    expect(fake.log).not.toContain('listThingPrincipals');
    expect(fake.snapshot().things['dev-1']?.groups).toEqual([]);
  });

  it('completes the groups under ThingGroups: FAIL after a partial run', async () => {
    // Prepare
    partialThing([], { model: 'm1', serial: 's-1' }, ['fleet']);
    // Act
    await provision(
      referencePlan({ AttributePayload: 'MERGE', ThingTypeName: 'REPLACE', ThingGroups: 'FAIL' }),
    );
    // Assess
    expect(fake.snapshot().things['dev-1']?.groups).toEqual(['eu', 'fleet']);
  });
});
