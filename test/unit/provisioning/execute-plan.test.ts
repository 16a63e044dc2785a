import { beforeEach, describe, expect, it } from 'vitest';
import { isJitrError } from '../../../lib/errors/jitr-error.js';
import { executePlan } from '../../../lib/provisioning/execute-plan.js';
import { createPolicyCache } from '../../../lib/provisioning/policy-cache.js';
import { expectRejection } from '../../helpers/expect-jitr-error.js';
import { FakeIotRegistry, type Method, throttled } from '../../helpers/fake-iot-registry.js';
import {
  CERT_ARN,
  CERT_ID,
  newContainer,
  POLICY_NAME,
  type Provision,
  quietLogger,
  referenceFinalState,
  referencePlan,
  seed,
} from './plan-fixtures.js';

let fake: FakeIotRegistry;
/** The container under test: its policy cache lives as long as this function. */
let provision: Provision;

beforeEach(() => {
  fake = new FakeIotRegistry();
  seed(fake);
  provision = newContainer(fake);
});

// The order the fake sees: the thing first (DescribeThing, CreateThing), then every write that
// needs only the thing at once (policies, billing group, the certificate's attachment, groups),
// the post-attach re-check after the attachment, activation last (the use case's step).
const HAPPY_PATH: Method[] = [
  'describeThing',
  'createThing',
  'createPolicy',
  'addThingToBillingGroup',
  'attachThingPrincipal',
  'addThingToThingGroup',
  'addThingToThingGroup',
  // THING_PRINCIPAL_POLICY=exclusive (default): no other certificate got attached meanwhile.
  'listThingPrincipals',
  'attachPolicy',
  'attachPolicy',
  'updateCertificateStatus',
];

describe('executePlan', () => {
  it('provisions a new device: the thing first, then its writes together, activation last', async () => {
    // Act
    const result = await provision(referencePlan());
    // Assess
    expect(fake.log).toEqual(HAPPY_PATH);
    expect(fake.calls.at(-1)?.method).toBe('updateCertificateStatus');
    expect(fake.callsOf('createThing')).toEqual([
      [{ thingName: 'dev-1', thingTypeName: 'sensor', attributes: { model: 'm1', serial: 's-1' } }],
    ]);
    expect(fake.callsOf('attachThingPrincipal')).toEqual([['dev-1', CERT_ARN]]);
    expect(fake.callsOf('updateCertificateStatus')).toEqual([[CERT_ID, 'ACTIVE']]);
    expect(result).toEqual({
      thingName: 'dev-1',
      thing: { action: 'created', treatedAsNew: true },
      thingGroups: { added: ['fleet', 'eu'], removed: [] },
      billingGroup: { name: 'billing-a', action: 'added', existing: null },
      policies: [
        { policyName: POLICY_NAME, source: 'document', action: 'created' },
        { policyName: 'base-policy', source: 'name', action: 'named' },
      ],
      policyNames: [POLICY_NAME, 'base-policy'],
      principal: 'attached',
      created: ['thing:dev-1', `policy:${POLICY_NAME}`],
      reused: ['policy:base-policy'],
      iotApiCalls: 10,
      timings: {
        thing: 0,
        'thing-groups': 0,
        'billing-group': 0,
        policies: 0,
        'attach-policies': 0,
        'attach-thing-principal': 0,
      },
    });
    expect(fake.snapshot()).toEqual(referenceFinalState());
  });

  it('never sets the certificate status itself', async () => {
    // Act
    await executePlan(
      referencePlan(),
      { certificateId: CERT_ID, certificateArn: CERT_ARN },
      { iot: fake, logger: quietLogger, policyCache: createPolicyCache() },
    );
    // Assess
    expect(fake.log).toEqual(HAPPY_PATH.slice(0, -1));
    expect(fake.certificateStatus.get(CERT_ID)).toBe('PENDING_ACTIVATION');
  });

  it('leaves the certificate INACTIVE when the template says so', async () => {
    // Prepare
    const plan = referencePlan();
    if (plan.certificate) plan.certificate.status = 'INACTIVE';
    // Act
    await provision(plan);
    // Assess
    expect(fake.callsOf('updateCertificateStatus')).toEqual([[CERT_ID, 'INACTIVE']]);
  });

  it('runs only the policy steps for a plan without a thing', async () => {
    // Prepare
    const plan = { ...referencePlan(), thing: null };
    // Act
    const result = await provision(plan);
    // Assess
    expect(fake.log).toEqual(['createPolicy', 'attachPolicy', 'attachPolicy', 'updateCertificateStatus']);
    expect(result.principal).toBe('no-thing');
    expect(result.thing).toBeNull();
  });

  it('refuses a plan whose certificate resource names another certificate, without any call', async () => {
    // Prepare
    const plan = referencePlan();
    if (plan.certificate) plan.certificate.certificateId = 'e'.repeat(64);
    // Act
    const error = await expectRejection(() => provision(plan));
    // Assess
    expect(isJitrError(error) && error.code).toBe('PlanCertificateMismatch');
    expect(fake.log).toEqual([]);
  });
});

describe('executePlan idempotency', () => {
  it('converges when the same event runs twice (warm container: no policy calls)', async () => {
    // Prepare
    await provision(referencePlan());
    fake.log.length = 0;
    // Act
    const second = await provision(referencePlan());
    // Assess
    expect(fake.log).toEqual([
      'describeThing',
      'listThingPrincipals',
      'listThingGroupsForThing',
      'attachPolicy',
      'attachPolicy',
      'updateCertificateStatus',
    ]);
    expect(second).toEqual({
      thingName: 'dev-1',
      thing: { action: 'unchanged', treatedAsNew: true },
      thingGroups: { added: [], removed: [] },
      billingGroup: { name: 'billing-a', action: 'unchanged', existing: 'billing-a' },
      policies: [
        { policyName: POLICY_NAME, source: 'document', action: 'cached' },
        { policyName: 'base-policy', source: 'name', action: 'named' },
      ],
      policyNames: [POLICY_NAME, 'base-policy'],
      principal: 'already-attached',
      created: [],
      reused: ['thing:dev-1', `policy:${POLICY_NAME}`, 'policy:base-policy'],
      iotApiCalls: 5,
      timings: { thing: 0, 'thing-groups': 0, 'billing-group': 0, policies: 0, 'attach-policies': 0 },
    });
    expect(fake.snapshot()).toEqual(referenceFinalState());
  });

  it('reuses an existing policy with the same document in a cold container', async () => {
    // Prepare
    await provision(referencePlan());
    provision = newContainer(fake);
    fake.log.length = 0;
    // Act
    const second = await provision(referencePlan());
    // Assess
    expect(fake.log).toEqual([
      'describeThing',
      'listThingPrincipals',
      'createPolicy',
      'listThingGroupsForThing',
      'getPolicy',
      'attachPolicy',
      'attachPolicy',
      'updateCertificateStatus',
    ]);
    expect(second.policies[0]).toEqual({ policyName: POLICY_NAME, source: 'document', action: 'reused' });
    expect(fake.snapshot()).toEqual(referenceFinalState());
  });

  it('converges when two copies of the event run concurrently', async () => {
    // Act
    const [a, b] = await Promise.all([provision(referencePlan()), provision(referencePlan())]);
    // Assess
    expect(fake.snapshot()).toEqual(referenceFinalState());
    expect([a.thing, b.thing]).toEqual([
      { action: 'created', treatedAsNew: true },
      { action: 'created', treatedAsNew: true },
    ]);
    // Both CreatePolicy calls were in flight together: one created, the other compared and reused.
    expect([a.policies[0]?.action, b.policies[0]?.action]).toEqual(['created', 'reused']);
    expect(fake.log.filter((name) => name === 'updateCertificateStatus')).toHaveLength(2);
  });

  it('continues when CreateThing answers 409 because another writer created the thing meanwhile', async () => {
    // Prepare
    fake.before('createThing', () => {
      fake.things.set('dev-1', {
        thingTypeName: 'old-type',
        attributes: { model: 'm0' },
        version: 1,
        billingGroupName: null,
        groups: [],
        principals: [],
      });
    });
    // Act
    const result = await provision(referencePlan());
    // Assess
    expect(fake.log.slice(0, 5)).toEqual([
      'describeThing',
      'createThing',
      'describeThing',
      'listThingPrincipals',
      'updateThing',
    ]);
    expect(result.thing).toEqual({ action: 'updated', treatedAsNew: true });
    expect(fake.snapshot()).toEqual({
      ...referenceFinalState(),
      things: { 'dev-1': { ...referenceFinalState().things['dev-1'], version: 2 } },
    });
  });

  // A failure at every call of the happy path, then a retry (warm or cold container): the
  // account ends exactly as after an uninterrupted run, and nothing was activated before.
  const cases = HAPPY_PATH.flatMap((command, index) => {
    const skip = HAPPY_PATH.slice(0, index).filter((name) => name === command).length;
    return [
      { label: `${index} (${command}), warm`, command, skip, container: 'warm' },
      { label: `${index} (${command}), cold`, command, skip, container: 'cold' },
    ];
  });

  it.each(cases)('converges after a failure at call $label retry', async (row) => {
    // Prepare
    fake.failOn(row.command, throttled(row.command), row.skip);
    // Act
    const error = await expectRejection(() => provision(referencePlan()));
    const statusAfterFailure = fake.certificateStatus.get(CERT_ID);
    if (row.container === 'cold') provision = newContainer(fake);
    await provision(referencePlan());
    // Assess
    expect(isJitrError(error) && [error.code, error.disposition]).toEqual(['AwsThrottled', 'transient']);
    expect(statusAfterFailure).toBe('PENDING_ACTIVATION');
    expect(fake.snapshot()).toEqual(referenceFinalState());
  });

  it('completes the groups after the operator creates a missing group and the DLQ is replayed', async () => {
    // Prepare: the reference template's ThingGroups is DO_NOTHING, and the first attempt
    // created the thing and added 'fleet' before failing on the missing 'eu'.
    fake.thingGroups.delete('eu');
    const error = await expectRejection(() => provision(referencePlan()));
    fake.thingGroups.add('eu');
    // Act
    const replay = await provision(referencePlan());
    // Assess
    expect(isJitrError(error) && [error.code, error.disposition]).toEqual([
      'ThingGroupNotFound',
      'configuration',
    ]);
    expect(replay.thing).toEqual({ action: 'unchanged', treatedAsNew: true });
    expect(replay.thingGroups).toEqual({ added: ['eu'], removed: [] });
    expect(fake.snapshot()).toEqual(referenceFinalState());
  });

  it('recreates a cached policy that was deleted by hand, on the retry', async () => {
    // Prepare
    await provision(referencePlan());
    fake.policies.delete(POLICY_NAME);
    fake.attachments.clear();
    // Act
    const error = await expectRejection(() => provision(referencePlan()));
    await provision(referencePlan());
    // Assess
    expect(isJitrError(error) && error.code).toBe('PolicyNotFound');
    expect(fake.snapshot()).toEqual(referenceFinalState());
  });
});

describe('executePlan policies', () => {
  it('reuses a policy whose stored document differs only in key order and whitespace', async () => {
    // Prepare
    fake.policies.set(
      POLICY_NAME,
      '{ "Statement": [ { "Resource": "arn:aws:iot:eu-west-1:123456789012:client/dev-1", "Action": "iot:Connect", "Effect": "Allow" } ], "Version": "2012-10-17" }',
    );
    // Act
    const result = await provision(referencePlan());
    // Assess
    expect(result.policies[0]).toEqual({ policyName: POLICY_NAME, source: 'document', action: 'reused' });
  });

  it('fails with PolicyNameConflict when the name exists with another document', async () => {
    // Prepare
    fake.policies.set(POLICY_NAME, '{"Version":"2012-10-17","Statement":[]}');
    // Act
    const error = await expectRejection(() => provision(referencePlan()));
    // Assess
    expect(isJitrError(error) && error.toJSON()).toEqual({
      name: 'PolicyNameConflictError',
      code: 'PolicyNameConflict',
      disposition: 'configuration',
      step: 'policies',
      message: `policy ${POLICY_NAME} exists with a different document`,
      remedy: `Delete or rename the existing AWS IoT policy ${POLICY_NAME} (its name is derived from the template's document), then replay the DLQ.`,
      details: {
        policyName: POLICY_NAME,
        existingDocument: '{"Version":"2012-10-17","Statement":[]}',
        wantedDocument:
          '{"Statement":[{"Action":"iot:Connect","Effect":"Allow","Resource":"arn:aws:iot:eu-west-1:123456789012:client/dev-1"}],"Version":"2012-10-17"}',
      },
    });
    expect(fake.certificateStatus.get(CERT_ID)).toBe('PENDING_ACTIVATION');
  });

  it('fails with PolicyNotFound when a named policy does not exist', async () => {
    // Prepare
    fake.policies.delete('base-policy');
    // Act
    const error = await expectRejection(() => provision(referencePlan()));
    // Assess
    expect(isJitrError(error) && [error.code, error.step, error.awsErrorName]).toEqual([
      'PolicyNotFound',
      'attach-policies',
      'ResourceNotFoundException',
    ]);
    // The attachments went out together; whatever succeeded converges on the retry.
    expect(fake.log).not.toContain('updateCertificateStatus');
    expect(fake.certificateStatus.get(CERT_ID)).toBe('PENDING_ACTIVATION');
  });

  it('fails with ThingGroupNotFound naming the group, and activates nothing', async () => {
    // Prepare
    fake.thingGroups.delete('eu');
    // Act
    const error = await expectRejection(() => provision(referencePlan()));
    // Assess
    expect(isJitrError(error) && [error.code, error.details.thingGroupName]).toEqual([
      'ThingGroupNotFound',
      'eu',
    ]);
    // Policies went out with the groups (they need only the thing's checks); nothing is activated.
    expect(fake.log).not.toContain('updateCertificateStatus');
    expect(fake.certificateStatus.get(CERT_ID)).toBe('PENDING_ACTIVATION');
  });
});
