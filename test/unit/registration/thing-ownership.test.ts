// The use case with two devices whose certificates carry the same CN (the template names the
// thing after the CN): THING_PRINCIPAL_POLICY decides whether the second one may join the thing.
import { describe, expect, it } from 'vitest';
import { registerCertificate } from '../../../lib/registration/register-certificate.js';
import { expectJitrError } from '../../helpers/expect-jitr-error.js';
import { ACCOUNT, createWorld, REGION, RICH_TEMPLATE } from './world.js';

const certArn = (id: string) => `arn:aws:iot:${REGION}:${ACCOUNT}:cert/${id}`;

/** The victim registered and active, and an impostor certificate from the same CA with its CN. */
async function victimAndImpostor(policy?: 'exclusive' | 'shared') {
  const w = createWorld();
  w.template.value = RICH_TEMPLATE;
  if (policy !== undefined)
    w.deps.config = { ...w.deps.config, provisioning: { thingPrincipalPolicy: policy } };
  const victim = w.device('O=Acme,CN=lamp-0042').event;
  expect((await registerCertificate(victim, w.deps)).outcome).toBe('activated');
  const impostor = w.device('O=Evil,CN=lamp-0042').event;
  w.fake.log.length = 0;
  w.metrics.emitted.length = 0;
  return { w, victim, impostor };
}

describe('registerCertificate with a certificate naming another device’s thing', () => {
  it('refuses it by default (exclusive): nothing written, the certificate stays pending', async () => {
    // Prepare
    const { w, victim, impostor } = await victimAndImpostor();
    const before = w.fake.snapshot();
    // Act
    const error = await expectJitrError(registerCertificate(impostor, w.deps));
    // Assess
    expect([error.code, error.disposition, error.step]).toEqual([
      'ThingOwnedByAnotherCertificate',
      'configuration',
      'thing',
    ]);
    expect(error.details).toEqual({
      thingName: 'lamp-0042',
      certificateId: impostor.certificateId,
      otherCertificateIds: [victim.certificateId],
      otherPrincipals: [certArn(victim.certificateId)],
      detectedAfterAttach: false,
    });
    expect(w.status(impostor.certificateId)).toBe('PENDING_ACTIVATION');
    expect(w.fake.log).toEqual(['describeCertificate', 'describeThing', 'listThingPrincipals']);
    expect(w.fake.snapshot()).toEqual(before);
    expect(before.things['lamp-0042']).toEqual({
      thingTypeName: 'sensor',
      attributes: { org: 'Acme' },
      version: 1,
      billingGroupName: null,
      groups: ['fleet', 'plant-7'],
      principals: [certArn(victim.certificateId)],
    });
    expect(w.metrics.emitted).toEqual([
      'ProvisioningFailed[ThingOwnedByAnotherCertificate]',
      'OperatorActionNeeded=1',
      'IotApiCalls=3',
    ]);
    const failure = w.logger.summary().extra.error as Record<string, unknown>;
    expect([failure.code, failure.remedy]).toEqual([
      'ThingOwnedByAnotherCertificate',
      `If this is a certificate rotation, detach the old certificate from lamp-0042 (aws iot detach-thing-principal --thing-name lamp-0042 --principal ${certArn(victim.certificateId)}) and replay the DLQ; to let several certificates share a thing, set THING_PRINCIPAL_POLICY=shared.`,
    ]);
  });

  it('registers it once the old certificate is detached (rotation) and the event replayed', async () => {
    // Prepare
    const { w, impostor: successor } = await victimAndImpostor('exclusive');
    await expectJitrError(registerCertificate(successor, w.deps));
    const thing = w.fake.things.get('lamp-0042');
    if (thing !== undefined) thing.principals = [];
    // Act
    const result = await registerCertificate(successor, w.deps);
    // Assess
    expect(result.outcome).toBe('activated');
    expect(w.fake.snapshot().things['lamp-0042']?.principals).toEqual([certArn(successor.certificateId)]);
  });

  it('attaches it next to the other certificate under THING_PRINCIPAL_POLICY=shared (JITP)', async () => {
    // Prepare
    const { w, victim, impostor } = await victimAndImpostor('shared');
    // Act
    const result = await registerCertificate(impostor, w.deps);
    // Assess
    expect(result.outcome).toBe('activated');
    expect(w.fake.snapshot().things['lamp-0042']?.principals).toEqual([
      certArn(victim.certificateId),
      certArn(impostor.certificateId),
    ]);
    expect(w.status(impostor.certificateId)).toBe('ACTIVE');
  });
});
