import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeIotRegistry, type Method, throttled } from '../../helpers/fake-iot-registry.js';
import {
  CERT_ARN,
  newContainer,
  type Provision,
  referenceFinalState,
  referencePlan,
  seed,
} from './plan-fixtures.js';

/** The container under test: its policy cache lives as long as this function. */
let provision: Provision;

const COMMANDS = [
  'describeThing',
  'createThing',
  'updateThing',
  'listThingPrincipals',
  'listThingGroupsForThing',
  'addThingToThingGroup',
  'addThingToBillingGroup',
  'createPolicy',
  'getPolicy',
  'attachPolicy',
  'attachThingPrincipal',
  'updateCertificateStatus',
] as const satisfies readonly Method[];

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
          const fake = new FakeIotRegistry();
          provision = newContainer(fake);
          seed(fake);
          for (const fault of faults) fake.failOn(fault.command, throttled(fault.command), fault.skip);
          // Act: deliver (twice at once when concurrent) and retry until done, as Lambda would.
          const deliver = async () => {
            for (let attempt = 0; attempt < 20; attempt += 1) {
              if (coldRetries) provision = newContainer(fake);
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
          expect(fake.snapshot()).toEqual(referenceFinalState());
        },
      ),
      { numRuns: 100 },
    );
  });
});

const OTHER_CERT = 'arn:aws:iot:eu-west-1:123456789012:cert/other';

const existingThing = fc.option(
  fc.record({
    thingTypeName: fc.constantFrom(null, 'sensor', 'old-type'),
    attributes: fc.record(
      { model: fc.constantFrom('m0', 'm1'), serial: fc.constant('s-1'), color: fc.constant('red') },
      { requiredKeys: [] },
    ),
    groups: fc.subarray(['fleet', 'eu', 'old-group']),
    billingGroupName: fc.constantFrom(null, 'billing-a', 'billing-b'),
    principals: fc.subarray([OTHER_CERT, CERT_ARN]),
  }),
);
const override = fc.constantFrom('MERGE', 'REPLACE', 'DO_NOTHING', 'FAIL') as fc.Arbitrary<
  'MERGE' | 'REPLACE' | 'DO_NOTHING' | 'FAIL'
>;
const principalPolicy = fc.constantFrom('exclusive', 'shared') as fc.Arbitrary<'exclusive' | 'shared'>;

/**
 * The reference plan; without its billing group when `billing` is false (then, under `shared`,
 * the thing step starts with CreateThing for DO_NOTHING and MERGE groups).
 */
function planOf(overrides: Record<string, 'MERGE' | 'REPLACE' | 'DO_NOTHING' | 'FAIL'>, billing: boolean) {
  const plan = referencePlan(overrides);
  if (!billing && plan.thing !== null) plan.thing.billingGroup = null;
  return plan;
}

/** Runs the registration on a fresh account holding `thing`, retrying after each failure. */
async function outcome(
  thing: Record<string, unknown> | null,
  overrides: Record<string, 'MERGE' | 'REPLACE' | 'DO_NOTHING' | 'FAIL'>,
  faults: { command: Method; skip: number }[],
  thingPrincipalPolicy: 'exclusive' | 'shared',
  onSeeded: (initial: unknown) => void = () => {},
  billing = true,
): Promise<unknown> {
  const fake = new FakeIotRegistry();
  provision = newContainer(fake);
  seed(fake);
  if (thing !== null) fake.things.set('dev-1', { ...(thing as object), version: 1 } as never);
  onSeeded(fake.snapshot());
  for (const fault of faults) fake.failOn(fault.command, throttled(fault.command), fault.skip);
  let lastCode: unknown = null;
  for (let attempt = 0; attempt < 20; attempt += 1) {
    try {
      await provision(planOf(overrides, billing), { thingPrincipalPolicy });
      return fake.snapshot();
    } catch (error) {
      lastCode = (error as { code?: unknown }).code;
      // A configuration error is final: report it (and the state it leaves) like the DLQ would.
      if (lastCode !== 'AwsThrottled') return { error: lastCode, state: fake.snapshot() };
    }
  }
  return { error: 'no convergence', lastCode };
}

describe('executePlan on any existing thing (property)', () => {
  it('ends, after failures and retries, exactly where an uninterrupted run ends', async () => {
    await fc.assert(
      fc.asyncProperty(
        existingThing,
        fc.record({ AttributePayload: override, ThingTypeName: override, ThingGroups: override }),
        fc.array(fc.record({ command: fc.constantFrom(...COMMANDS), skip: fc.nat({ max: 2 }) }), {
          maxLength: 5,
        }),
        principalPolicy,
        fc.boolean(),
        async (thing, overrides, faults, policy, billing) => {
          // Act
          const uninterrupted = await outcome(thing, overrides, [], policy, undefined, billing);
          const interrupted = await outcome(thing, overrides, faults, policy, undefined, billing);
          // Assess
          expect(interrupted).toEqual(uninterrupted);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('under exclusive, refuses a thing another principal holds without writing, and otherwise leaves this certificate its only principal', async () => {
    await fc.assert(
      fc.asyncProperty(
        existingThing,
        fc.record({ AttributePayload: override, ThingTypeName: override, ThingGroups: override }),
        fc.array(fc.record({ command: fc.constantFrom(...COMMANDS), skip: fc.nat({ max: 2 }) }), {
          maxLength: 5,
        }),
        async (thing, overrides, faults) => {
          // Act
          let initial: unknown;
          const result = (await outcome(thing, overrides, faults, 'exclusive', (seeded) => {
            initial = seeded;
          })) as { error?: unknown; state?: unknown; things?: Record<string, { principals: string[] }> };
          // Assess
          if (overrides.ThingTypeName === 'MERGE') {
            // Refused before any call, whatever the thing.
            expect(result).toEqual({ error: 'UnsupportedOverride', state: initial });
          } else if (thing?.principals.includes(OTHER_CERT)) {
            expect(result).toEqual({ error: 'ThingOwnedByAnotherCertificate', state: initial });
          } else if (result.error === undefined) {
            expect(result.things?.['dev-1']?.principals).toEqual([CERT_ARN]);
          } else {
            expect(result.error).toBe('OverrideConflict');
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('is idempotent: a second delivery changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        existingThing,
        fc.record({ AttributePayload: override, ThingTypeName: override, ThingGroups: override }),
        principalPolicy,
        fc.boolean(),
        async (thing, overrides, thingPrincipalPolicy, billing) => {
          // Prepare
          const fake = new FakeIotRegistry();
          provision = newContainer(fake);
          seed(fake);
          if (thing !== null) fake.things.set('dev-1', { ...(thing as object), version: 1 } as never);
          const first = await provision(planOf(overrides, billing), { thingPrincipalPolicy }).then(
            () => 'ok',
            (error: { code?: unknown }) => error.code,
          );
          const afterFirst = fake.snapshot();
          // Act
          const second = await provision(planOf(overrides, billing), { thingPrincipalPolicy }).then(
            () => 'ok',
            (error: { code?: unknown }) => error.code,
          );
          // Assess
          expect(second).toBe(first);
          expect(fake.snapshot()).toEqual(afterFirst);
        },
      ),
      { numRuns: 150 },
    );
  });
});
