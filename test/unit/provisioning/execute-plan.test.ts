import {
  AttachThingPrincipalCommand,
  CreateThingCommand,
  ThrottlingException,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
// Typed aws-sdk-client-mock matchers (the setup file registers them at runtime only).
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isJitrError } from '../../../lib/errors/jitr-error.js';
import { executePlan } from '../../../lib/provisioning/execute-plan.js';
import { createPolicyCache } from '../../../lib/provisioning/policy-cache.js';
import { expectRejection } from '../../helpers/expect-jitr-error.js';
import { FakeIot } from './fake-iot.js';
import {
  CERT_ARN,
  CERT_ID,
  newContainer,
  newRegistry,
  POLICY_DOCUMENT,
  POLICY_NAME,
  type Provision,
  quietLogger,
  referencePlan,
  seed,
} from './plan-fixtures.js';

/** The container under test: its policy cache lives as long as this function. */
let provision: Provision = newContainer();

let fake: FakeIot;

beforeEach(() => {
  provision = newContainer();
  fake = new FakeIot();
  seed(fake);
});

afterEach(() => {
  fake.restore();
});

/** The account after a successful registration with the reference plan. */
function expectedFinalState() {
  return {
    things: {
      'dev-1': {
        thingTypeName: 'sensor',
        attributes: { model: 'm1', serial: 's-1' },
        version: 1,
        billingGroupName: 'billing-a',
        groups: ['eu', 'fleet'],
        principals: [CERT_ARN],
      },
    },
    policies: {
      'base-policy': '{"Version":"2012-10-17","Statement":[]}',
      [POLICY_NAME]: JSON.stringify(POLICY_DOCUMENT),
    },
    attachments: { [CERT_ARN]: ['base-policy', POLICY_NAME] },
    certificateStatus: { [CERT_ID]: 'ACTIVE' },
  };
}

// The order the fake sees: the thing first (DescribeThing, CreateThing), then every write that
// needs only the thing at once (policies, billing group, the certificate's attachment, groups),
// the post-attach re-check after the attachment, activation last (the use case's step).
const HAPPY_PATH = [
  'DescribeThing',
  'CreateThing',
  'CreatePolicy',
  'AddThingToBillingGroup',
  'AttachThingPrincipal',
  'AddThingToThingGroup',
  'AddThingToThingGroup',
  // THING_PRINCIPAL_POLICY=exclusive (default): no other certificate got attached meanwhile.
  'ListThingPrincipals',
  'AttachPolicy',
  'AttachPolicy',
  'UpdateCertificate',
];

describe('executePlan', () => {
  it('provisions a new device: the thing first, then its writes together, activation last', async () => {
    // Act
    const result = await provision(referencePlan());
    // Assess
    expect(fake.log).toEqual(HAPPY_PATH);
    const sent = fake.mock.calls().map((call) => call.args[0].constructor.name);
    expect(sent.at(-1)).toBe('UpdateCertificateCommand');
    expect(fake.mock).toHaveReceivedCommandWith(CreateThingCommand, {
      thingName: 'dev-1',
      thingTypeName: 'sensor',
      attributePayload: { attributes: { model: 'm1', serial: 's-1' } },
    });
    expect(fake.mock).toHaveReceivedCommandWith(AttachThingPrincipalCommand, {
      thingName: 'dev-1',
      principal: CERT_ARN,
    });
    expect(fake.mock).toHaveReceivedCommandExactlyOnceWith(UpdateCertificateCommand, {
      certificateId: CERT_ID,
      newStatus: 'ACTIVE',
    });
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
    expect(fake.snapshot()).toEqual(expectedFinalState());
  });

  it('never sets the certificate status itself', async () => {
    // Act
    await executePlan(
      referencePlan(),
      { certificateId: CERT_ID, certificateArn: CERT_ARN },
      { iot: newRegistry(), logger: quietLogger, policyCache: createPolicyCache() },
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
    expect(fake.mock).toHaveReceivedCommandExactlyOnceWith(UpdateCertificateCommand, {
      certificateId: CERT_ID,
      newStatus: 'INACTIVE',
    });
  });

  it('runs only the policy steps for a plan without a thing', async () => {
    // Prepare
    const plan = { ...referencePlan(), thing: null };
    // Act
    const result = await provision(plan);
    // Assess
    expect(fake.log).toEqual(['CreatePolicy', 'AttachPolicy', 'AttachPolicy', 'UpdateCertificate']);
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
      'DescribeThing',
      'ListThingPrincipals',
      'ListThingGroupsForThing',
      'AttachPolicy',
      'AttachPolicy',
      'UpdateCertificate',
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
    expect(fake.snapshot()).toEqual(expectedFinalState());
  });

  it('reuses an existing policy with the same document in a cold container', async () => {
    // Prepare
    await provision(referencePlan());
    provision = newContainer();
    fake.log.length = 0;
    // Act
    const second = await provision(referencePlan());
    // Assess
    expect(fake.log).toEqual([
      'DescribeThing',
      'ListThingPrincipals',
      'CreatePolicy',
      'ListThingGroupsForThing',
      'GetPolicy',
      'AttachPolicy',
      'AttachPolicy',
      'UpdateCertificate',
    ]);
    expect(second.policies[0]).toEqual({ policyName: POLICY_NAME, source: 'document', action: 'reused' });
    expect(fake.snapshot()).toEqual(expectedFinalState());
  });

  it('converges when two copies of the event run concurrently', async () => {
    // Act
    const [a, b] = await Promise.all([provision(referencePlan()), provision(referencePlan())]);
    // Assess
    expect(fake.snapshot()).toEqual(expectedFinalState());
    expect([a.thing, b.thing]).toEqual([
      { action: 'created', treatedAsNew: true },
      { action: 'created', treatedAsNew: true },
    ]);
    // Both CreatePolicy calls were in flight together: one created, the other compared and reused.
    expect([a.policies[0]?.action, b.policies[0]?.action]).toEqual(['created', 'reused']);
    expect(fake.log.filter((name) => name === 'UpdateCertificate')).toHaveLength(2);
  });

  it('continues when CreateThing answers 409 because another writer created the thing meanwhile', async () => {
    // Prepare
    fake.before('CreateThing', () => {
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
      'DescribeThing',
      'CreateThing',
      'DescribeThing',
      'ListThingPrincipals',
      'UpdateThing',
    ]);
    expect(result.thing).toEqual({ action: 'updated', treatedAsNew: true });
    expect(fake.snapshot()).toEqual({
      ...expectedFinalState(),
      things: { 'dev-1': { ...expectedFinalState().things['dev-1'], version: 2 } },
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
    fake.failOn(
      row.command,
      new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }),
      row.skip,
    );
    // Act
    const error = await expectRejection(() => provision(referencePlan()));
    const statusAfterFailure = fake.certificateStatus.get(CERT_ID);
    if (row.container === 'cold') provision = newContainer();
    await provision(referencePlan());
    // Assess
    expect(isJitrError(error) && [error.code, error.disposition]).toEqual(['AwsThrottled', 'transient']);
    expect(statusAfterFailure).toBe('PENDING_ACTIVATION');
    expect(fake.snapshot()).toEqual(expectedFinalState());
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
    expect(fake.snapshot()).toEqual(expectedFinalState());
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
    expect(fake.snapshot()).toEqual(expectedFinalState());
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
    expect(fake.mock).not.toHaveReceivedCommand(UpdateCertificateCommand);
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
    expect(fake.mock).not.toHaveReceivedCommand(UpdateCertificateCommand);
    expect(fake.certificateStatus.get(CERT_ID)).toBe('PENDING_ACTIVATION');
  });
});
