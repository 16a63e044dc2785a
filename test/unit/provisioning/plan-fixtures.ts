// Plans and wiring shared by the executor tests.
import { activateCertificate } from '../../../lib/provisioning/activate-certificate.js';
import {
  type ExecutionResult,
  type ExecutionTarget,
  executePlan,
  type ThingPrincipalPolicy,
} from '../../../lib/provisioning/execute-plan.js';
import { createPolicyCache } from '../../../lib/provisioning/policy-cache.js';
import type { OverrideValue, Plan } from '../../../lib/template/plan.js';
import { ACCOUNT, type FakeIotRegistry, REGION } from '../../helpers/fake-iot-registry.js';

export const CERT_ID = 'c0ffee'.padEnd(64, '0');
export const CERT_ARN = `arn:aws:iot:${REGION}:${ACCOUNT}:cert/${CERT_ID}`;
export const OTHER_CERT_ARN = `arn:aws:iot:${REGION}:${ACCOUNT}:cert/${'d'.repeat(64)}`;
export const POLICY_DOCUMENT = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'iot:Connect', Resource: 'arn:aws:iot:eu-west-1:123456789012:client/dev-1' },
  ],
};
export const POLICY_NAME = 'jitr-0f3a9c';

export const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** A plan shaped like AWS's JITP reference template (MERGE / REPLACE / DO_NOTHING). */
export function referencePlan(overrideSettings?: Record<string, OverrideValue>): Plan {
  return {
    parameters: { 'AWS::IoT::Certificate::Id': CERT_ID },
    thing: {
      logicalName: 'thing',
      thingName: 'dev-1',
      thingTypeName: 'sensor',
      thingGroups: ['fleet', 'eu'],
      billingGroup: 'billing-a',
      attributes: { model: 'm1', serial: 's-1' },
      overrideSettings: overrideSettings ?? {
        AttributePayload: 'MERGE',
        ThingTypeName: 'REPLACE',
        ThingGroups: 'DO_NOTHING',
      },
    },
    certificate: {
      logicalName: 'certificate',
      certificateId: CERT_ID,
      status: 'ACTIVE',
      overrideSettings: { Status: 'DO_NOTHING' },
    },
    policies: [
      { logicalName: 'policy', policyName: POLICY_NAME, policyDocument: POLICY_DOCUMENT },
      { logicalName: 'base', policyName: 'base-policy', policyDocument: null },
    ],
  };
}

/** The account after a successful registration with the reference plan (FakeIotRegistry.snapshot()). */
export function referenceFinalState() {
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
    certificateStatus: { [CERT_ID]: 'ACTIVE' } as Record<string, string>,
  };
}

/** The account resources a correct setup has (type, groups, billing group, named policy). */
export function seed(fake: FakeIotRegistry): void {
  fake.thingTypes.add('sensor');
  fake.thingTypes.add('old-type');
  for (const group of ['fleet', 'eu', 'old-group']) fake.thingGroups.add(group);
  fake.billingGroups.add('billing-a');
  fake.billingGroups.add('billing-b');
  fake.policies.set('base-policy', '{"Version":"2012-10-17","Statement":[]}');
  fake.certificateStatus.set(CERT_ID, 'PENDING_ACTIVATION');
}

export type Provision = (
  plan: Plan,
  options?: { thingPrincipalPolicy?: ThingPrincipalPolicy; target?: ExecutionTarget },
) => Promise<ExecutionResult>;

/**
 * A new container: what the use case does (execute, then set the status last), with the
 * container's policy cache shared by every call until the test starts another container.
 * `thingPrincipalPolicy` is left out by default, so the executor's own default (`exclusive`)
 * is what these tests exercise.
 */
export function newContainer(iot: FakeIotRegistry): Provision {
  const policyCache = createPolicyCache();
  return async (plan, options = {}) => {
    const target = options.target ?? { certificateId: CERT_ID, certificateArn: CERT_ARN };
    const result = await executePlan(plan, target, {
      iot,
      logger: quietLogger,
      policyCache,
      clock: () => 0,
      ...(options.thingPrincipalPolicy === undefined
        ? {}
        : { thingPrincipalPolicy: options.thingPrincipalPolicy }),
    });
    await activateCertificate(plan, { certificateId: target.certificateId }, { iot, logger: quietLogger });
    return result;
  };
}
