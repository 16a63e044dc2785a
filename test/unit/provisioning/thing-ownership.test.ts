import { beforeEach, describe, expect, it } from 'vitest';
import { isJitrError } from '../../../lib/errors/jitr-error.js';
import { ThingOwnedByAnotherCertificateError } from '../../../lib/provisioning/errors.js';
import {
  assertThingNotOwnedByOthers,
  certificateIdOf,
  isThisCertificate,
} from '../../../lib/provisioning/thing-ownership.js';
import { requiredPermissions } from '../../../lib/template/permissions.js';
import type { Plan } from '../../../lib/template/plan.js';
import defaultTemplate from '../../../lib/template-source/templates/default.json' with { type: 'json' };
import { expectRejection } from '../../helpers/expect-jitr-error.js';
import { ACCOUNT, FakeIotRegistry, type Method, REGION } from '../../helpers/fake-iot-registry.js';
import {
  CERT_ARN,
  CERT_ID,
  newContainer,
  OTHER_CERT_ARN,
  type Provision,
  referenceFinalState,
  referencePlan,
  seed,
} from './plan-fixtures.js';

/** The container under test: its policy cache lives as long as this function. */
let provision: Provision;

const OTHER_CERT_ID = 'd'.repeat(64);
const COGNITO = 'eu-west-1:0f1e2d3c-aaaa-bbbb-cccc-123456789abc';
/** Every write the executor or the use case can make. */
const WRITES: Method[] = [
  'updateThing',
  'addThingToThingGroup',
  'removeThingFromThingGroup',
  'addThingToBillingGroup',
  'createPolicy',
  'attachPolicy',
  'attachThingPrincipal',
  'updateCertificateStatus',
];

/** Overrides that would change the existing thing below in every property. */
const WRITING_OVERRIDES = {
  AttributePayload: 'MERGE',
  ThingTypeName: 'REPLACE',
  ThingGroups: 'MERGE',
} as const;

let fake: FakeIotRegistry;

beforeEach(() => {
  fake = new FakeIotRegistry();
  seed(fake);
  fake.certificateStatus.set(OTHER_CERT_ID, 'ACTIVE');
  provision = newContainer(fake);
});

/** dev-1 as another device left it: its certificate attached, its own type, attributes and groups. */
function victimThing(principals: string[] = [OTHER_CERT_ARN]) {
  fake.things.set('dev-1', {
    thingTypeName: 'old-type',
    attributes: { model: 'm0', owner: 'victim' },
    version: 3,
    billingGroupName: null,
    groups: ['old-group'],
    principals,
  });
}

/** The same plan, rendered for the other certificate (same CN → same thing name). */
function planFor(certificateId: string): Plan {
  const plan = referencePlan();
  if (plan.certificate !== null) plan.certificate.certificateId = certificateId;
  return plan;
}

/** No write reached the IoT port (and something was read). */
function expectNoWrite(): void {
  expect(fake.log.length).toBeGreaterThan(0);
  expect(fake.log.filter((name) => WRITES.includes(name))).toEqual([]);
}

describe('executePlan THING_PRINCIPAL_POLICY=exclusive (default)', () => {
  it('refuses a thing another certificate is attached to, before any write', async () => {
    // Prepare
    victimThing();
    const before = fake.snapshot();
    // Act
    const error = await expectRejection(() => provision(referencePlan(WRITING_OVERRIDES)));
    // Assess
    expect(error).toBeInstanceOf(ThingOwnedByAnotherCertificateError);
    expect(isJitrError(error) && [error.code, error.disposition, error.step, error.name]).toEqual([
      'ThingOwnedByAnotherCertificate',
      'configuration',
      'thing',
      'ThingOwnedByAnotherCertificateError',
    ]);
    expect(isJitrError(error) && error.details).toEqual({
      thingName: 'dev-1',
      certificateId: CERT_ID,
      otherCertificateIds: [OTHER_CERT_ID],
      otherPrincipals: [OTHER_CERT_ARN],
      detectedAfterAttach: false,
    });
    expect(isJitrError(error) && error.remedy).toBe(
      `If this is a certificate rotation, detach the old certificate from dev-1 (aws iot detach-thing-principal --thing-name dev-1 --principal ${OTHER_CERT_ARN}) and replay the DLQ; to let several certificates share a thing, set THING_PRINCIPAL_POLICY=shared.`,
    );
    expect(fake.log).toEqual(['describeThing', 'listThingPrincipals']);
    expectNoWrite();
    expect(fake.snapshot()).toEqual(before);
    expect(fake.certificateStatus.get(CERT_ID)).toBe('PENDING_ACTIVATION');
  });

  it('refuses it when the thing carries several principals, listing every other one', async () => {
    // Prepare: this certificate already attached (e.g. by hand) next to another one and a Cognito identity.
    victimThing([OTHER_CERT_ARN, CERT_ARN, COGNITO]);
    // Act
    const error = await expectRejection(() => provision(referencePlan()));
    // Assess
    expect(isJitrError(error) && error.details).toEqual({
      thingName: 'dev-1',
      certificateId: CERT_ID,
      otherCertificateIds: [OTHER_CERT_ID],
      otherPrincipals: [OTHER_CERT_ARN, COGNITO],
      detectedAfterAttach: false,
    });
    expectNoWrite();
  });

  it('refuses a thing whose only principal is not a certificate', async () => {
    // Prepare
    victimThing([COGNITO]);
    // Act
    const error = await expectRejection(() => provision(referencePlan()));
    // Assess
    expect(isJitrError(error) && [error.code, error.details.otherCertificateIds]).toEqual([
      'ThingOwnedByAnotherCertificate',
      [],
    ]);
    expectNoWrite();
  });

  it('refuses before OverrideSettings: FAIL would report the victim thing', async () => {
    // Prepare
    victimThing();
    // Act
    const error = await expectRejection(() =>
      provision(referencePlan({ AttributePayload: 'FAIL', ThingTypeName: 'FAIL', ThingGroups: 'FAIL' })),
    );
    // Assess
    expect(isJitrError(error) && error.code).toBe('ThingOwnedByAnotherCertificate');
    expect(fake.log).toEqual(['describeThing', 'listThingPrincipals']);
  });

  it('refuses when CreateThing answers 409 because the other device created the thing meanwhile', async () => {
    // Prepare
    fake.before('createThing', () => victimThing());
    // Act
    const error = await expectRejection(() => provision(referencePlan()));
    // Assess
    expect(isJitrError(error) && error.code).toBe('ThingOwnedByAnotherCertificate');
    expect(fake.log).toEqual(['describeThing', 'createThing', 'describeThing', 'listThingPrincipals']);
    expectNoWrite();
  });

  it('uses a thing pre-created without principals, and attaches the certificate', async () => {
    // Prepare: an operator created the thing with the template's type and attributes.
    fake.things.set('dev-1', {
      thingTypeName: 'sensor',
      attributes: { model: 'm1', serial: 's-1' },
      version: 1,
      billingGroupName: null,
      groups: [],
      principals: [],
    });
    // Act
    const result = await provision(referencePlan());
    // Assess
    expect([result.thing, result.principal]).toEqual([
      { action: 'unchanged', treatedAsNew: true },
      'attached',
    ]);
    expect(fake.log).toEqual([
      'describeThing',
      'listThingPrincipals',
      'createPolicy',
      'listThingGroupsForThing',
      'addThingToBillingGroup',
      'attachThingPrincipal',
      'listThingPrincipals',
      'attachPolicy',
      'attachPolicy',
      'addThingToThingGroup',
      'addThingToThingGroup',
      'updateCertificateStatus',
    ]);
    expect(fake.snapshot()).toEqual({
      ...referenceFinalState(),
      certificateStatus: { [CERT_ID]: 'ACTIVE', [OTHER_CERT_ID]: 'ACTIVE' },
    });
  });

  it('converges on its own retry: only this certificate attached, no second attach', async () => {
    // Prepare: a previous attempt got as far as AttachThingPrincipal, then failed.
    fake.things.set('dev-1', {
      thingTypeName: 'sensor',
      attributes: { model: 'm1', serial: 's-1' },
      version: 1,
      billingGroupName: null,
      groups: ['fleet'],
      principals: [CERT_ARN.replace(CERT_ID, CERT_ID.toUpperCase())],
    });
    // Act
    const result = await provision(referencePlan());
    // Assess
    expect([result.thing, result.principal]).toEqual([
      { action: 'unchanged', treatedAsNew: true },
      'already-attached',
    ]);
    expect(fake.log).not.toContain('attachThingPrincipal');
    expect(fake.snapshot().things['dev-1']?.groups).toEqual(['eu', 'fleet']);
    expect(fake.certificateStatus.get(CERT_ID)).toBe('ACTIVE');
  });

  it('fails after attaching, and activates nothing, when another certificate was attached concurrently', async () => {
    // Prepare: the other device's run attaches its certificate just before ours.
    fake.before('attachThingPrincipal', () => {
      fake.things.get('dev-1')?.principals.push(OTHER_CERT_ARN);
    });
    // Act
    const error = await expectRejection(() => provision(referencePlan()));
    // Assess
    expect(isJitrError(error) && [error.code, error.step, error.details]).toEqual([
      'ThingOwnedByAnotherCertificate',
      'thing',
      {
        thingName: 'dev-1',
        certificateId: CERT_ID,
        otherCertificateIds: [OTHER_CERT_ID],
        otherPrincipals: [OTHER_CERT_ARN],
        detectedAfterAttach: true,
      },
    ]);
    // The re-check follows the attachment; activation never comes.
    expect(fake.log.lastIndexOf('listThingPrincipals')).toBeGreaterThan(
      fake.log.indexOf('attachThingPrincipal'),
    );
    expect(fake.log).not.toContain('updateCertificateStatus');
    expect(fake.certificateStatus.get(CERT_ID)).toBe('PENDING_ACTIVATION');
    // Act: Lambda's retry (or a replay) stays refused until an operator detaches one of them.
    const retry = await expectRejection(() => provision(referencePlan()));
    // Assess
    expect(isJitrError(retry) && [retry.code, retry.details.detectedAfterAttach]).toEqual([
      'ThingOwnedByAnotherCertificate',
      false,
    ]);
    expect(fake.certificateStatus.get(CERT_ID)).toBe('PENDING_ACTIVATION');
  });

  it('activates at most one of two certificates with the same name registering at once', async () => {
    // Prepare
    fake.certificateStatus.set(OTHER_CERT_ID, 'PENDING_ACTIVATION');
    // Act
    const outcomes = await Promise.allSettled([
      provision(planFor(CERT_ID)),
      provision(planFor(OTHER_CERT_ID), {
        target: { certificateId: OTHER_CERT_ID, certificateArn: OTHER_CERT_ARN },
      }),
    ]);
    // Assess
    const active = [CERT_ID, OTHER_CERT_ID].filter((id) => fake.certificateStatus.get(id) === 'ACTIVE');
    expect(active.length).toBeLessThanOrEqual(1);
    const codes = outcomes.map((o) =>
      o.status === 'fulfilled' ? 'ok' : isJitrError(o.reason) ? o.reason.code : 'unexpected',
    );
    expect(codes.filter((code) => code === 'ok')).toHaveLength(active.length);
    expect(codes.filter((code) => code !== 'ok')).toEqual(
      Array(2 - active.length).fill('ThingOwnedByAnotherCertificate'),
    );
  });
});

describe('executePlan THING_PRINCIPAL_POLICY=shared (JITP behaviour)', () => {
  it('attaches the certificate to a thing another certificate uses', async () => {
    // Prepare
    victimThing();
    // Act
    const result = await provision(referencePlan(), { thingPrincipalPolicy: 'shared' });
    // Assess
    expect(result.principal).toBe('attached');
    expect(fake.snapshot().things['dev-1']?.principals).toEqual([OTHER_CERT_ARN, CERT_ARN]);
    expect(fake.certificateStatus.get(CERT_ID)).toBe('ACTIVE');
    expect(fake.log.filter((name) => name === 'listThingPrincipals')).toEqual([]);
  });

  it('activates both certificates with the same name registering at once', async () => {
    // Prepare
    fake.certificateStatus.set(OTHER_CERT_ID, 'PENDING_ACTIVATION');
    // Act
    await Promise.all([
      provision(planFor(CERT_ID), { thingPrincipalPolicy: 'shared' }),
      provision(planFor(OTHER_CERT_ID), {
        thingPrincipalPolicy: 'shared',
        target: { certificateId: OTHER_CERT_ID, certificateArn: OTHER_CERT_ARN },
      }),
    ]);
    // Assess
    expect([fake.certificateStatus.get(CERT_ID), fake.certificateStatus.get(OTHER_CERT_ID)]).toEqual([
      'ACTIVE',
      'ACTIVE',
    ]);
    expect([...(fake.snapshot().things['dev-1']?.principals ?? [])].sort()).toEqual(
      [CERT_ARN, OTHER_CERT_ARN].sort(),
    );
  });
});

describe('thing ownership permissions', () => {
  it('is covered by the IAM statements a template with a thing gets (iot:ListThingPrincipals on the thing)', () => {
    // Act
    const policy = requiredPermissions(defaultTemplate, { region: REGION, account: ACCOUNT });
    // Assess
    const onThings = policy.Statement.filter((statement) =>
      statement.Resource.includes(`arn:aws:iot:${REGION}:${ACCOUNT}:thing/*`),
    ).flatMap((statement) => statement.Action);
    expect(onThings).toContain('iot:ListThingPrincipals');
    expect(onThings).not.toContain('iot:DetachThingPrincipal');
  });
});

describe('thing ownership helpers', () => {
  it('reads the certificate id of a certificate ARN in any partition, and nothing else', () => {
    expect(
      [
        CERT_ARN,
        `arn:aws-cn:iot:cn-north-1:${ACCOUNT}:cert/${'A'.repeat(64)}`,
        `arn:aws:iot:${REGION}:${ACCOUNT}:thing/dev-1`,
        `arn:aws:iot:${REGION}:${ACCOUNT}:cert/${'a'.repeat(63)}`,
        COGNITO,
      ].map(certificateIdOf),
    ).toEqual([CERT_ID, 'a'.repeat(64), null, null, null]);
  });

  it('recognises this certificate by ARN or by id, never another principal', () => {
    expect(
      [CERT_ARN, CERT_ARN.replace(CERT_ID, CERT_ID.toUpperCase()), OTHER_CERT_ARN, COGNITO, CERT_ID].map(
        (principal) => isThisCertificate(principal, CERT_ARN),
      ),
    ).toEqual([true, true, false, false, false]);
  });

  it('accepts no principal and only this certificate', () => {
    const target = { certificateId: CERT_ID, certificateArn: CERT_ARN };
    expect(() => assertThingNotOwnedByOthers('dev-1', [], target, false)).not.toThrow();
    expect(() => assertThingNotOwnedByOthers('dev-1', [CERT_ARN], target, true)).not.toThrow();
    expect(() => assertThingNotOwnedByOthers('dev-1', [CERT_ARN, OTHER_CERT_ARN], target, true)).toThrow(
      ThingOwnedByAnotherCertificateError,
    );
  });
});
