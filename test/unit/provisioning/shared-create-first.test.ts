// THING_PRINCIPAL_POLICY=shared: the thing step starts with CreateThing (no DescribeThing) where
// nothing after it depends on whether the thing existed, and the certificate's policies go out
// with it (they never touch the thing); everything else keeps its order.
import { beforeEach, describe, expect, it } from 'vitest';
import { isJitrError } from '../../../lib/errors/jitr-error.js';
import { policiesGoFirst } from '../../../lib/provisioning/execute-plan.js';
import { createsFirst } from '../../../lib/provisioning/thing-steps.js';
import type { OverrideValue, Plan } from '../../../lib/template/plan.js';
import { expectRejection } from '../../helpers/expect-jitr-error.js';
import { FakeIotRegistry, unavailable } from '../../helpers/fake-iot-registry.js';
import {
  CERT_ARN,
  CERT_ID,
  newContainer,
  OTHER_CERT_ARN,
  POLICY_NAME,
  type Provision,
  referenceFinalState,
  referencePlan,
  seed,
} from './plan-fixtures.js';

let fake = new FakeIotRegistry();
let provision: Provision = newContainer(fake);

beforeEach(() => {
  fake = new FakeIotRegistry();
  provision = newContainer(fake);
  seed(fake);
});

/** The reference plan without a billing group (like the demo and the default template). */
function plan(overrides?: Record<string, OverrideValue>): Plan {
  const p = referencePlan(overrides);
  if (p.thing !== null) p.thing.billingGroup = null;
  return p;
}

const shared = { thingPrincipalPolicy: 'shared' } as const;

/** dev-1 exactly as CreateThing from the plan makes it, serving another certificate. */
function identicalThingOfAnotherDevice() {
  fake.things.set('dev-1', {
    thingTypeName: 'sensor',
    attributes: { model: 'm1', serial: 's-1' },
    version: 1,
    billingGroupName: null,
    groups: [],
    principals: [OTHER_CERT_ARN],
  });
}

describe('executePlan, shared: CreateThing first', () => {
  it('creates a new thing without DescribeThing; its policies go out with it, groups and attachment after', async () => {
    // Act
    const result = await provision(plan(), shared);
    // Assess: the policy branch starts first (CreatePolicy, cold container), CreateThing with it;
    // the thing's writes wait for CreateThing's answer.
    expect(fake.log).toEqual([
      'createPolicy',
      'createThing',
      'attachPolicy',
      'attachPolicy',
      'attachThingPrincipal',
      'addThingToThingGroup',
      'addThingToThingGroup',
      'updateCertificateStatus',
    ]);
    expect(result.thing).toEqual({ action: 'created', treatedAsNew: true });
    expect(result.iotApiCalls).toBe(7);
    // The reference account, without the billing group this plan leaves out.
    const expected = referenceFinalState();
    expect(fake.snapshot()).toEqual({
      ...expected,
      things: { 'dev-1': { ...expected.things['dev-1'], billingGroupName: null } },
    });
  });

  it('takes the DescribeThing path when CreateThing answers 409 (a thing with another configuration)', async () => {
    // Prepare
    fake.things.set('dev-1', {
      thingTypeName: 'old-type',
      attributes: { model: 'm0', color: 'red' },
      version: 2,
      billingGroupName: null,
      groups: ['old-group'],
      principals: [OTHER_CERT_ARN],
    });
    // Act
    const result = await provision(plan(), shared);
    // Assess: MERGE attributes, REPLACE type; DO_NOTHING groups, since the merged thing still
    // differs from the plan (its color).
    expect(fake.log.slice(0, 3)).toEqual(['createPolicy', 'createThing', 'describeThing']);
    expect(fake.log).not.toContain('listThingPrincipals');
    expect(result.thing).toEqual({ action: 'updated', treatedAsNew: false });
    expect(fake.snapshot().things['dev-1']).toEqual({
      thingTypeName: 'sensor',
      attributes: { model: 'm1', serial: 's-1', color: 'red' },
      version: 3,
      billingGroupName: null,
      groups: ['old-group'],
      principals: [OTHER_CERT_ARN, CERT_ARN],
    });
  });

  it('handles a thing identical to the plan as new: its groups are added, also when another device shares it', async () => {
    // Prepare
    identicalThingOfAnotherDevice();
    // Act
    const result = await provision(plan(), shared);
    // Assess (README "Thing ownership": AWS answers CreateThing for an identical thing with success)
    expect(result.thing).toEqual({ action: 'created', treatedAsNew: true });
    expect(fake.snapshot().things['dev-1']?.groups).toEqual(['eu', 'fleet']);
    expect(fake.snapshot().things['dev-1']?.principals).toEqual([OTHER_CERT_ARN, CERT_ARN]);
    expect(fake.log).not.toContain('describeThing');
  });

  it('ends a retry where the uninterrupted run ends after its overrides made the thing identical to the plan', async () => {
    // Prepare: another device's thing that REPLACE turns into exactly the plan's; the first
    // attempt fails after UpdateThing, the retry's CreateThing then succeeds (identical thing).
    const overrides = {
      AttributePayload: 'REPLACE',
      ThingTypeName: 'REPLACE',
      ThingGroups: 'DO_NOTHING',
    } as const;
    const seedThing = () =>
      fake.things.set('dev-1', {
        thingTypeName: 'old-type',
        attributes: { model: 'm0' },
        version: 1,
        billingGroupName: null,
        groups: ['old-group'],
        principals: [OTHER_CERT_ARN],
      });
    seedThing();
    await provision(plan(overrides), shared);
    const uninterrupted = fake.snapshot();
    fake = new FakeIotRegistry();
    seed(fake);
    seedThing();
    provision = newContainer(fake);
    fake.failOn('attachThingPrincipal', unavailable('attachThingPrincipal'));
    // Act
    await expectRejection(() => provision(plan(overrides), shared));
    await provision(plan(overrides), shared);
    // Assess
    expect(fake.snapshot()).toEqual(uninterrupted);
    expect(uninterrupted.things['dev-1']?.groups).toEqual(['eu', 'fleet', 'old-group']);
  });

  it('keeps DescribeThing first where the result depends on the existing thing', async () => {
    for (const [label, p] of [
      [
        'ThingGroups REPLACE',
        plan({ AttributePayload: 'MERGE', ThingTypeName: 'REPLACE', ThingGroups: 'REPLACE' }),
      ],
      [
        'ThingGroups FAIL',
        plan({ AttributePayload: 'MERGE', ThingTypeName: 'REPLACE', ThingGroups: 'FAIL' }),
      ],
      ['a billing group', referencePlan()],
    ] as const) {
      // Act
      fake.log.length = 0;
      fake.things.clear();
      await provision(p, shared);
      // Assess
      expect([label, fake.log.filter((name) => name.endsWith('Thing'))[0]]).toEqual([label, 'describeThing']);
    }
  });

  it('under a FAIL override writes nothing before the thing step refused', async () => {
    // Prepare
    fake.things.set('dev-1', {
      thingTypeName: 'sensor',
      attributes: { model: 'other' },
      version: 1,
      billingGroupName: null,
      groups: [],
      principals: [],
    });
    const before = fake.snapshot();
    // Act
    const error = await expectRejection(() =>
      provision(
        plan({ AttributePayload: 'FAIL', ThingTypeName: 'REPLACE', ThingGroups: 'DO_NOTHING' }),
        shared,
      ),
    );
    // Assess
    expect(isJitrError(error) && error.code).toBe('OverrideConflict');
    expect(fake.log).toEqual(['createThing', 'describeThing']);
    expect(fake.snapshot()).toEqual(before);
  });

  it('reports the thing step’s failure after the policies that went out with it have ended', async () => {
    // Prepare: the template's thing type does not exist.
    fake.thingTypes.delete('sensor');
    // Act
    const error = await expectRejection(() => provision(plan(), shared));
    // Assess
    expect(isJitrError(error) && error.code).toBe('ThingTypeNotFound');
    expect(fake.snapshot().attachments).toEqual({ [CERT_ARN]: ['base-policy', POLICY_NAME] });
    expect(fake.certificateStatus.get(CERT_ID)).toBe('PENDING_ACTIVATION');
    expect(fake.callsOf('createThing')).toHaveLength(1);
  });
});

describe('which plans start with CreateThing, and when the policies go first', () => {
  it('starts with CreateThing only under shared, without a billing group, with groups DO_NOTHING or MERGE (or none)', () => {
    const thing = (p: Plan) => {
      if (p.thing === null) throw new Error('no thing');
      return p.thing;
    };
    const groups = (g: OverrideValue) => thing(plan({ ThingGroups: g }));
    expect(createsFirst(thing(plan()), 'shared')).toBe(true);
    expect(createsFirst(thing(plan()), 'exclusive')).toBe(false);
    expect(createsFirst(thing(referencePlan()), 'shared')).toBe(false);
    expect(
      ['DO_NOTHING', 'MERGE', 'REPLACE', 'FAIL'].map((g) =>
        createsFirst(groups(g as OverrideValue), 'shared'),
      ),
    ).toEqual([true, true, false, false]);
    const noGroups = thing(plan({ ThingGroups: 'REPLACE' }));
    noGroups.thingGroups = [];
    expect(createsFirst(noGroups, 'shared')).toBe(true);
  });

  it('lets the policies go with the thing step only under shared and without a FAIL override', () => {
    const thing = (overrides: Record<string, OverrideValue>) => {
      const t = plan(overrides).thing;
      if (t === null) throw new Error('no thing');
      return t;
    };
    expect(policiesGoFirst(thing({ ThingGroups: 'DO_NOTHING' }), 'shared')).toBe(true);
    expect(policiesGoFirst(thing({ ThingGroups: 'DO_NOTHING' }), 'exclusive')).toBe(false);
    expect(
      ['AttributePayload', 'ThingTypeName', 'ThingGroups'].map((p) =>
        policiesGoFirst(thing({ [p]: 'FAIL' }), 'shared'),
      ),
    ).toEqual([false, false, false]);
  });
});
