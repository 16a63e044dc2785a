import { ThrottlingException } from '@aws-sdk/client-iot';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clearPolicyCache } from '../../../lib/provisioning/policy-cache.js';
import { FakeIot } from './fake-iot.js';
import {
  CERT_ARN,
  CERT_ID,
  POLICY_DOCUMENT,
  POLICY_NAME,
  provision,
  referencePlan,
  seed,
} from './plan-fixtures.js';

const COMMANDS = [
  'DescribeThing',
  'CreateThing',
  'UpdateThing',
  'ListThingPrincipals',
  'ListThingGroupsForThing',
  'AddThingToThingGroup',
  'AddThingToBillingGroup',
  'CreatePolicy',
  'GetPolicy',
  'AttachPolicy',
  'AttachThingPrincipal',
  'UpdateCertificate',
] as const;

const throttled = () =>
  new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });

describe('executePlan convergence (property)', () => {
  it('reaches the same account state after any sequence of failures and retries, sequential or concurrent', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ command: fc.constantFrom(...COMMANDS), skip: fc.nat({ max: 3 }) }), {
          maxLength: 6,
        }),
        fc.boolean(),
        fc.boolean(),
        async (faults, concurrent, coldRetries) => {
          // Prepare
          clearPolicyCache();
          const fake = new FakeIot();
          try {
            seed(fake);
            for (const fault of faults) fake.failOn(fault.command, throttled(), fault.skip);
            // Act: deliver (twice at once when concurrent) and retry until done, as Lambda would.
            const deliver = async () => {
              for (let attempt = 0; attempt < 20; attempt += 1) {
                if (coldRetries) clearPolicyCache();
                try {
                  return await provision(referencePlan());
                } catch {
                  // retried
                }
              }
              throw new Error('did not converge in 20 attempts');
            };
            await (concurrent ? Promise.all([deliver(), deliver()]) : deliver());
            // Assess
            expect(fake.snapshot()).toEqual({
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
            });
          } finally {
            fake.restore();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
