import { describe, expect, it } from 'vitest';
import { CrlUnavailableError } from '../../../lib/crl/store-errors.js';
import { createCa, issueDeviceCertificate } from '../../../lib/pki/index.js';
import { registerCertificate } from '../../../lib/registration/register-certificate.js';
import { expectJitrError } from '../../helpers/expect-jitr-error.js';
import { accessDenied, certificateState, type Method, unavailable } from '../../helpers/fake-iot-registry.js';
import { ACCOUNT, createWorld, NOW, REGION, RICH_TEMPLATE, type World } from './world.js';

function setUp(options: Parameters<typeof createWorld>[0] = {}): World {
  return createWorld(options);
}

const certArn = (id: string) => `arn:aws:iot:${REGION}:${ACCOUNT}:cert/${id}`;

describe('registerCertificate', () => {
  it('provisions in JITP order and activates the certificate last', async () => {
    // Prepare
    const w = setUp();
    w.template.value = RICH_TEMPLATE;
    const { event } = w.device('O=Acme,CN=dev-001');
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect(result).toEqual({
      outcome: 'activated',
      certificateId: event.certificateId,
      caCertificateId: w.caId,
      certificateStatus: 'ACTIVE',
      thingName: 'dev-001',
      policies: ['device-base'],
      code: null,
    });
    expect(w.fake.log).toEqual([
      'describeCertificate',
      'describeCaCertificate',
      'describeThing',
      'createThing',
      // Then every write that needs only the thing, together.
      'attachThingPrincipal',
      'attachPolicy',
      'addThingToThingGroup',
      'addThingToThingGroup',
      'listThingPrincipals', // THING_PRINCIPAL_POLICY=exclusive: no other certificate got attached meanwhile
      'updateCertificateStatus',
    ]);
    expect(w.fake.snapshot()).toEqual({
      things: {
        'dev-001': {
          thingTypeName: 'sensor',
          attributes: { org: 'Acme' },
          version: 1,
          billingGroupName: null,
          groups: ['fleet', 'plant-7'],
          principals: [certArn(event.certificateId)],
        },
      },
      policies: { 'device-base': '{"Version":"2012-10-17","Statement":[]}' },
      attachments: { [certArn(event.certificateId)]: ['device-base'] },
      certificateStatus: { [event.certificateId]: 'ACTIVE' },
    });
    expect(w.metrics.emitted).toEqual([
      'CertificateActivated=1',
      'TimeToActive:ms',
      'IotApiCalls=10',
      'ProvisioningDuration:ms',
    ]);
  });

  it('writes one summary line with outcome, thing, policies, timings, IoT calls and CRL evidence', async () => {
    // Prepare
    const w = setUp();
    const { event } = w.device('CN=dev-002');
    // Act
    await registerCertificate(event, w.deps);
    // Assess
    const summaries = w.logger.lines.filter((l) => l.message === 'registration summary');
    expect(summaries).toHaveLength(1);
    const { level, extra } = w.logger.summary();
    expect(level).toBe('info');
    const policyName = (extra.policies as string[])[0];
    expect(policyName).toMatch(/^[\w+=,.@-]+$/);
    expect(extra).toEqual({
      outcome: 'activated',
      certificateId: event.certificateId,
      caCertificateId: w.caId,
      certificateStatus: 'ACTIVE',
      thingName: 'dev-002',
      policies: [policyName],
      templateSource: 'bundled:default',
      crl: {
        checked: true,
        crlNumber: '42',
        thisUpdate: '2026-11-21T00:00:00.000Z',
        nextUpdate: '2026-11-28T00:00:00.000Z',
        entryCount: 0,
      },
      timingsMs: {
        'describe-certificate': 1,
        'describe-ca': 1,
        'check-certificate': 1,
        crl: 1,
        'template-load': 1,
        'template-render': 1,
        'execute-plan': expect.any(Number),
        activate: 1,
      },
      execution: expect.objectContaining({ created: [`thing:dev-002`, `policy:${policyName}`] }),
      durationMs: expect.any(Number),
      iotApiCalls: w.fake.log.length,
    });
  });

  it('is an idempotent no-op for a certificate that is already ACTIVE (duplicate delivery)', async () => {
    // Prepare
    const w = setUp();
    const { event } = w.device('CN=dev-003');
    await registerCertificate(event, w.deps);
    const before = w.fake.snapshot();
    w.fake.log.length = 0;
    w.metrics.emitted.length = 0;
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect(result.outcome).toBe('already-active');
    expect(w.fake.log).toEqual(['describeCertificate']);
    expect(w.fake.snapshot()).toEqual(before);
    expect(w.metrics.emitted).toEqual(['CertificateAlreadyActive=1', 'IotApiCalls=1']);
  });

  it('converges when two copies of the event run concurrently', async () => {
    // Prepare
    const w = setUp();
    w.template.value = RICH_TEMPLATE;
    const { event } = w.device('CN=dev-004');
    // Act
    const results = await Promise.all([
      registerCertificate(event, w.deps),
      registerCertificate(event, w.deps),
    ]);
    // Assess
    expect(results.map((r) => r.outcome)).toEqual(['activated', 'activated']);
    const state = w.fake.snapshot();
    expect(Object.keys(state.things)).toEqual(['dev-004']);
    expect(state.things['dev-004']?.principals).toEqual([certArn(event.certificateId)]);
    expect(state.certificateStatus).toEqual({ [event.certificateId]: 'ACTIVE' });
  });

  it.each(['REVOKED', 'INACTIVE', 'PENDING_TRANSFER'])('skips a certificate that is %s', async (status) => {
    // Prepare
    const w = setUp();
    const { event } = w.device('CN=dev-005');
    w.fake.certificateStatus.set(event.certificateId, status);
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect(result.outcome).toBe('skipped');
    expect(result.certificateStatus).toBe(status);
    // The CA read goes out with DescribeCertificate (a cold container); nothing else.
    expect(w.fake.log).toEqual(['describeCertificate', 'describeCaCertificate']);
    expect(w.metrics.emitted).toEqual(['CertificateSkipped=1', 'IotApiCalls=2']);
  });

  it('drops a malformed event without calling AWS', async () => {
    // Prepare
    const w = setUp();
    const { event } = w.device('CN=dev-006');
    // Act
    const result = await registerCertificate({ ...event, timestamp: 'yesterday' }, w.deps);
    // Assess
    expect(result).toEqual({
      outcome: 'dropped',
      certificateId: null,
      caCertificateId: null,
      certificateStatus: null,
      thingName: null,
      policies: [],
      code: 'InvalidEvent',
    });
    expect(w.fake.log).toEqual([]);
    expect(w.metrics.emitted).toEqual(['EventDropped=1', 'IotApiCalls=0']);
    const summary = w.logger.summary();
    expect(summary.level).toBe('warn');
    expect(summary.extra.error).toEqual({
      name: 'InvalidEventError',
      code: 'InvalidEvent',
      disposition: 'invalid-input',
      step: 'event',
      path: '$.timestamp',
      message: 'timestamp is not a non-negative integer of milliseconds',
      remedy: expect.stringContaining('IoT rule'),
    });
  });

  it('drops an event whose CA is not the one the certificate was registered under', async () => {
    // Prepare
    const w = setUp();
    const { event } = w.device('CN=dev-007');
    // Act
    const result = await registerCertificate({ ...event, caCertificateId: 'b'.repeat(64) }, w.deps);
    // Assess
    expect(result.outcome).toBe('dropped');
    expect(result.code).toBe('CertificateCaMismatch');
    // The reads of the event's CA went out together; the mismatch decides, nothing is written.
    expect(w.fake.log).toEqual(['describeCertificate', 'describeCaCertificate']);
  });

  it('throws CaNotActive and activates nothing when the CA is not ACTIVE', async () => {
    // Prepare
    const w = setUp();
    w.caStatus.value = 'INACTIVE';
    const { event } = w.device('CN=dev-008');
    // Act
    const error = await expectJitrError(registerCertificate(event, w.deps));
    // Assess
    expect(error.code).toBe('CaNotActive');
    expect(error.disposition).toBe('configuration');
    expect(w.fake.log).toEqual(['describeCertificate', 'describeCaCertificate']);
    expect(w.status(event.certificateId)).toBe('PENDING_ACTIVATION');
    expect(w.metrics.emitted).toEqual([
      'ProvisioningFailed[CaNotActive]',
      'OperatorActionNeeded=1',
      'IotApiCalls=2',
    ]);
    expect(w.logger.summary().level).toBe('error');
    expect(w.logger.summary().extra.outcome).toBe('failed');
  });

  it('describes each CA once per warm container', async () => {
    // Prepare
    const w = setUp();
    const first = w.device('CN=dev-009a').event;
    const second = w.device('CN=dev-009b').event;
    // Act
    await registerCertificate(first, w.deps);
    await registerCertificate(second, w.deps);
    // Assess
    expect(w.fake.log.filter((c) => c === 'describeCaCertificate')).toEqual(['describeCaCertificate']);
  });

  it('warns when the CA carries a JITP template', async () => {
    // Prepare
    const w = setUp();
    w.caRegistrationConfig.value = { templateBody: '{"Resources":{}}', roleArn: 'arn:aws:iam::1:role/jitp' };
    const { event } = w.device('CN=dev-010');
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect(result.outcome).toBe('activated');
    const warnings = w.logger.lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain('JITP template');
    expect(warnings[0]?.extra).toEqual({ templateName: null, hasTemplateBody: true });
  });

  it('sets a certificate on the CRL to REVOKED and provisions nothing', async () => {
    // Prepare
    const w = setUp();
    const { event, serialHex } = w.device('CN=dev-011');
    w.crl.revoked.add(serialHex);
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect(result.outcome).toBe('revoked');
    expect(result.code).toBe('CertificateRevoked');
    expect(w.fake.log).toEqual(['describeCertificate', 'describeCaCertificate', 'updateCertificateStatus']);
    expect(w.fake.callsOf('updateCertificateStatus')).toEqual([[event.certificateId, 'REVOKED']]);
    expect(w.status(event.certificateId)).toBe('REVOKED');
    expect(w.fake.snapshot().things).toEqual({});
    expect(w.metrics.emitted).toEqual(['CertificateRevoked=1', 'IotApiCalls=3']);
    expect(w.logger.summary().extra.revocation).toEqual(
      expect.objectContaining({ serial: serialHex, crlNumber: '42', caCertificateId: w.caId }),
    );
  });

  it('rejects an expired certificate and sets it INACTIVE', async () => {
    // Prepare
    const w = setUp();
    const { event } = w.device('CN=dev-012', {
      notBefore: new Date(NOW.getTime() - 10 * 86_400_000),
      notAfter: new Date(NOW.getTime() - 86_400_000),
    });
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect(result.outcome).toBe('rejected');
    expect(result.code).toBe('CertificateExpired');
    expect(w.status(event.certificateId)).toBe('INACTIVE');
    expect(w.fake.snapshot().things).toEqual({});
    expect(w.metrics.emitted).toEqual(['CertificateRejected[CertificateExpired]', 'IotApiCalls=3']);
  });

  it('leaves a rejected certificate PENDING_ACTIVATION when REJECTED_CERTIFICATE_STATUS says so', async () => {
    // Prepare
    const w = setUp({ rejectedCertificateStatus: 'PENDING_ACTIVATION' });
    const { event } = w.device('CN=dev-013', { notBefore: new Date(NOW.getTime() + 86_400_000), days: 10 });
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect(result.outcome).toBe('rejected');
    expect(result.code).toBe('CertificateNotYetValid');
    expect(w.fake.log).toEqual(['describeCertificate', 'describeCaCertificate']);
    expect(w.status(event.certificateId)).toBe('PENDING_ACTIVATION');
  });

  it('rejects a certificate issued by another CA with the same name', async () => {
    // Prepare
    const w = setUp();
    const impostor = createCa({
      keyType: 'ec',
      curve: 'P-256',
      subject: 'O=Example,CN=Example Device CA',
      now: NOW,
    });
    const forged = issueDeviceCertificate({ ca: impostor, subject: 'CN=dev-014', keyType: 'ec', now: NOW });
    w.fake.certificates.set(forged.certificateId, {
      certificatePem: forged.certificatePem,
      caCertificateId: w.caId,
    });
    const { event } = w.device('CN=unused');
    // Act
    const result = await registerCertificate({ ...event, certificateId: forged.certificateId }, w.deps);
    // Assess
    expect(result.outcome).toBe('rejected');
    expect(['CertificateSignatureInvalid', 'CertificateNotIssuedByCa']).toContain(result.code);
    expect(w.status(forged.certificateId)).toBe('INACTIVE');
    expect(w.fake.snapshot().things).toEqual({});
  });

  it('drops the event when a rejected certificate can no longer change status', async () => {
    // Prepare
    const w = setUp();
    const { event } = w.device('CN=dev-014b', {
      notBefore: new Date('2020-01-01'),
      notAfter: new Date('2021-01-01'),
    });
    w.fake.failOn('updateCertificateStatus', certificateState());
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect([result.outcome, result.code]).toEqual(['dropped', 'CertificateState']);
    expect(w.metrics.emitted).toEqual(['EventDropped=1', 'IotApiCalls=3']);
    expect(w.logger.summary().extra.error).toEqual(expect.objectContaining({ code: 'CertificateState' }));
  });

  it('rejects a subject value that is unsafe in a thing name', async () => {
    // Prepare
    const w = setUp();
    const { event } = w.device('CN=dev#15');
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect(result.outcome).toBe('rejected');
    expect(result.code).toBe('UnsafeCertificateValue');
    expect(w.status(event.certificateId)).toBe('INACTIVE');
    expect(w.fake.snapshot().things).toEqual({});
  });

  it('throws MissingParameter (configuration) when the certificate lacks a field the template needs', async () => {
    // Prepare
    const w = setUp();
    const { event } = w.device('O=Acme');
    // Act
    const error = await expectJitrError(registerCertificate(event, w.deps));
    // Assess
    expect(error.code).toBe('MissingParameter');
    expect(w.status(event.certificateId)).toBe('PENDING_ACTIVATION');
    expect(w.metrics.emitted).toEqual([
      'ProvisioningFailed[MissingParameter]',
      'OperatorActionNeeded=1',
      'IotApiCalls=2',
    ]);
  });

  it('reports the missing permission of an access-denied step and converges on retry', async () => {
    // Prepare
    const w = setUp();
    w.template.value = RICH_TEMPLATE;
    const { event } = w.device('CN=dev-016');
    const message = `User: arn:aws:sts::${ACCOUNT}:assumed-role/jitr-role/jitr is not authorized to perform: iot:CreateThing on resource: arn:aws:iot:${REGION}:${ACCOUNT}:thing/dev-016 because no identity-based policy allows the iot:CreateThing action`;
    w.fake.failOn('createThing', accessDenied('createThing', message));
    // Act
    const error = await expectJitrError(registerCertificate(event, w.deps));
    // Assess
    expect(error.code).toBe('AccessDenied');
    expect(w.status(event.certificateId)).toBe('PENDING_ACTIVATION');
    expect(w.fake.log).not.toContain('updateCertificateStatus');
    const failure = w.logger.summary().extra.error as Record<string, unknown>;
    expect(failure.code).toBe('AccessDenied');
    expect(failure.missingPermission).toBe('iot:CreateThing');
    expect(failure.resource).toBe(`arn:aws:iot:${REGION}:${ACCOUNT}:thing/dev-016`);
    expect(failure.awsErrorName).toBe('AccessDeniedException');
    // Act: the permission is granted, the event replayed
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect(result.outcome).toBe('activated');
    expect(Object.keys(w.fake.snapshot().things)).toEqual(['dev-016']);
  });

  it.each<Method>([
    'createThing',
    'addThingToThingGroup',
    'attachPolicy',
    'attachThingPrincipal',
    'updateCertificateStatus',
  ])('leaves the certificate pending when %s fails, and a retry converges', async (command) => {
    // Prepare
    const w = setUp();
    w.template.value = RICH_TEMPLATE;
    const { event } = w.device('CN=dev-017');
    w.fake.failOn(command, unavailable(command));
    // Act
    const error = await expectJitrError(registerCertificate(event, w.deps));
    // Assess
    expect(error.disposition).toBe('transient');
    expect(w.status(event.certificateId)).toBe('PENDING_ACTIVATION');
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect(result.outcome).toBe('activated');
    const state = w.fake.snapshot();
    expect(state.things['dev-017']?.groups).toEqual(['fleet', 'plant-7']);
    expect(state.things['dev-017']?.principals).toEqual([certArn(event.certificateId)]);
    expect(state.attachments).toEqual({ [certArn(event.certificateId)]: ['device-base'] });
    expect(state.certificateStatus).toEqual({ [event.certificateId]: 'ACTIVE' });
  });

  it('says in the summary of a failed attempt what it created before the failure', async () => {
    // Prepare
    const w = setUp();
    w.template.value = RICH_TEMPLATE;
    const { event } = w.device('CN=dev-019');
    w.fake.failOn('attachPolicy', unavailable('attachPolicy'));
    // Act
    const error = await expectJitrError(registerCertificate(event, w.deps));
    // Assess
    expect(error.code).toBe('AwsUnavailable');
    const { extra } = w.logger.summary();
    expect(extra.outcome).toBe('failed');
    expect(extra.thingName).toBe('dev-019');
    const execution = extra.execution as { thingGroups: { added: string[] } };
    execution.thingGroups.added.sort(); // added in parallel
    expect(execution).toEqual({
      timings: expect.objectContaining({ thing: expect.any(Number) }),
      created: ['thing:dev-019'],
      reused: ['policy:device-base'],
      thingGroups: { added: ['fleet', 'plant-7'], removed: [] },
    });
  });

  it('throws a transient CRL error in required mode and activates nothing', async () => {
    // Prepare
    const w = setUp();
    w.crl.failure = new CrlUnavailableError(
      { bucket: 'crls', key: 'crl/x.crl', caCertificateId: 'x' },
      { awsErrorName: 'SlowDown' },
    );
    const { event } = w.device('CN=dev-018');
    // Act
    const error = await expectJitrError(registerCertificate(event, w.deps));
    // Assess
    expect(error.code).toBe('CrlUnavailable');
    expect(error.disposition).toBe('transient');
    expect(w.status(event.certificateId)).toBe('PENDING_ACTIVATION');
  });

  it('throws CrlMissing in required mode when no CRL is published', async () => {
    // Prepare
    const w = setUp();
    w.crl.published = false;
    const { event } = w.device('CN=dev-019');
    // Act
    const error = await expectJitrError(registerCertificate(event, w.deps));
    // Assess
    expect(error.code).toBe('CrlMissing');
    expect(w.status(event.certificateId)).toBe('PENDING_ACTIVATION');
  });

  it('activates without a CRL in optional mode, with a warning and the CrlMissing metric', async () => {
    // Prepare
    const w = setUp({ crlMode: 'optional' });
    w.crl.published = false;
    const { event } = w.device('CN=dev-020');
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect(result.outcome).toBe('activated');
    expect(w.metrics.emitted).toContain('CrlMissing=1');
    expect(w.logger.summary().extra.crl).toEqual({ checked: false, reason: 'no-crl' });
  });

  it('emits no TimeToActive when the registration timestamp is null', async () => {
    // Prepare
    const w = setUp();
    const { event } = w.device('CN=dev-021');
    // Act
    await registerCertificate({ ...event, certificateRegistrationTimestamp: null }, w.deps);
    // Assess
    expect(w.metrics.emitted).toEqual(['CertificateActivated=1', 'IotApiCalls=9', 'ProvisioningDuration:ms']);
  });

  it('leaves the certificate INACTIVE when the template says Status INACTIVE', async () => {
    // Prepare
    const w = setUp();
    const template = structuredClone(RICH_TEMPLATE);
    template.Resources.certificate.Properties.Status = 'INACTIVE';
    w.template.value = template;
    const { event } = w.device('CN=dev-022');
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect(result.outcome).toBe('provisioned-inactive');
    expect(w.status(event.certificateId)).toBe('INACTIVE');
    expect(w.metrics.emitted).not.toContain('CertificateActivated=1');
  });
});
