import { createHash, X509Certificate } from 'node:crypto';
import {
  DescribeCACertificateCommand,
  DescribeCertificateCommand,
  GetRegistrationCodeCommand,
  type IoTClient,
  ListCertificatesByCACommand,
  RegisterCACertificateCommand,
  RegisterCertificateCommand,
  UpdateCACertificateCommand,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../infra/sandbox/index.js';
import { clientsFor, errorOf, shapeOf } from './helpers/clients.js';
import { createTestPki, type TestCa, type TestPki } from './helpers/test-pki.js';

const sha256OfPem = (pem: string): string =>
  createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');

describe('sandbox IoT certificates', () => {
  let sandbox: Sandbox;
  let iot: IoTClient;
  let pki: TestPki;
  let ca: TestCa;
  let caId: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    iot = clientsFor(sandbox).iot;
    pki = createTestPki();
    ca = pki.createCa('Sandbox Test CA');
    const { registrationCode } = await iot.send(new GetRegistrationCodeCommand({}));
    const verification = pki.issue(ca, registrationCode ?? '');
    const out = await iot.send(
      new RegisterCACertificateCommand({
        caCertificate: ca.certificatePem,
        verificationCertificate: verification,
        setAsActive: true,
        allowAutoRegistration: true,
        registrationConfig: {
          templateBody: '{"Resources":{}}',
          roleArn: 'arn:aws:iam::123456789012:role/jitp',
        },
      }),
    );
    caId = out.certificateId ?? '';
  });

  afterAll(async () => {
    await sandbox.stop();
    pki.cleanup();
  });

  it('registers a CA under the SHA-256 of its DER and describes it with its registration config', async () => {
    // Act
    const out = await iot.send(new DescribeCACertificateCommand({ certificateId: caId }));

    // Assess
    expect(caId).toBe(sha256OfPem(ca.certificatePem));
    expect(out.certificateDescription).toMatchObject({
      certificateArn: `arn:aws:iot:us-east-1:123456789012:cacert/${caId}`,
      certificateId: caId,
      status: 'ACTIVE',
      autoRegistrationStatus: 'ENABLE',
      certificatePem: ca.certificatePem,
      certificateMode: 'DEFAULT',
    });
    expect(out.certificateDescription?.creationDate).toBeInstanceOf(Date);
    expect(out.registrationConfig).toEqual({
      templateBody: '{"Resources":{}}',
      roleArn: 'arn:aws:iam::123456789012:role/jitp',
    });
  });

  it('rejects a verification certificate whose CN is not the registration code', async () => {
    // Prepare
    const other = pki.createCa('Other CA');
    const verification = pki.issue(other, 'not-the-code');

    // Act
    const error = await errorOf(
      iot.send(
        new RegisterCACertificateCommand({
          caCertificate: other.certificatePem,
          verificationCertificate: verification,
        }),
      ),
    );

    // Assess
    expect(shapeOf(error)).toEqual({
      name: 'CertificateValidationException',
      status: 400,
      message:
        'The verification certificate is not signed by the CA or its common name is not the registration code',
    });
  });

  it('removes the registration config and disables auto-registration on UpdateCACertificate', async () => {
    // Prepare
    const other = pki.createCa('Updatable CA');
    const code = (await iot.send(new GetRegistrationCodeCommand({}))).registrationCode ?? '';
    const { certificateId } = await iot.send(
      new RegisterCACertificateCommand({
        caCertificate: other.certificatePem,
        verificationCertificate: pki.issue(other, code),
        registrationConfig: { templateName: 'jitp' },
      }),
    );

    // Act
    await iot.send(
      new UpdateCACertificateCommand({
        certificateId,
        newStatus: 'ACTIVE',
        newAutoRegistrationStatus: 'DISABLE',
        removeAutoRegistration: true,
      }),
    );
    const out = await iot.send(new DescribeCACertificateCommand({ certificateId }));

    // Assess
    expect([out.certificateDescription?.status, out.certificateDescription?.autoRegistrationStatus]).toEqual([
      'ACTIVE',
      'DISABLE',
    ]);
    expect(out.registrationConfig).toBeUndefined();
  });

  it('registers a device certificate under the SHA-256 of its DER, linked to its issuing CA', async () => {
    // Prepare
    const pem = pki.issue(ca, 'device-1');

    // Act
    const out = await iot.send(
      new RegisterCertificateCommand({ certificatePem: pem, status: 'PENDING_ACTIVATION' }),
    );
    const described = await iot.send(new DescribeCertificateCommand({ certificateId: out.certificateId }));

    // Assess
    expect(out).toMatchObject({
      certificateId: sha256OfPem(pem),
      certificateArn: `arn:aws:iot:us-east-1:123456789012:cert/${sha256OfPem(pem)}`,
    });
    expect(described.certificateDescription).toMatchObject({
      certificateId: sha256OfPem(pem),
      caCertificateId: caId,
      status: 'PENDING_ACTIVATION',
      certificatePem: pem,
      ownedBy: '123456789012',
    });
  });

  it('answers ResourceAlreadyExistsException (409) with resourceId when the certificate is registered twice', async () => {
    // Prepare
    const pem = pki.issue(ca, 'device-twice');
    await iot.send(new RegisterCertificateCommand({ certificatePem: pem }));

    // Act
    const error = await errorOf(iot.send(new RegisterCertificateCommand({ certificatePem: pem })));

    // Assess
    expect(shapeOf(error)).toEqual({
      name: 'ResourceAlreadyExistsException',
      status: 409,
      message: 'The certificate is already provisioned or registered',
    });
    expect([error.resourceId, error.resourceArn]).toEqual([
      sha256OfPem(pem),
      `arn:aws:iot:us-east-1:123456789012:cert/${sha256OfPem(pem)}`,
    ]);
  });

  it('answers ResourceNotFoundException (404) for an unknown certificate', async () => {
    // Act
    const error = await errorOf(iot.send(new DescribeCertificateCommand({ certificateId: 'a'.repeat(64) })));

    // Assess
    expect(shapeOf(error)).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
      message: `The certificate ${'a'.repeat(64)} does not exist`,
    });
  });

  it('activates a pending certificate and treats a repeated update as a no-op', async () => {
    // Prepare
    const { certificateId } = await iot.send(
      new RegisterCertificateCommand({
        certificatePem: pki.issue(ca, 'device-2'),
        status: 'PENDING_ACTIVATION',
      }),
    );

    // Act
    await iot.send(new UpdateCertificateCommand({ certificateId, newStatus: 'ACTIVE' }));
    await iot.send(new UpdateCertificateCommand({ certificateId, newStatus: 'ACTIVE' }));

    // Assess
    expect(sandbox.iot.certificate(certificateId ?? '')?.status).toBe('ACTIVE');
  });

  it('refuses to move a certificate out of REVOKED with CertificateStateException (406)', async () => {
    // Prepare
    const { certificateId } = await iot.send(
      new RegisterCertificateCommand({ certificatePem: pki.issue(ca, 'device-3'), status: 'ACTIVE' }),
    );
    await iot.send(new UpdateCertificateCommand({ certificateId, newStatus: 'REVOKED' }));

    // Act
    const error = await errorOf(
      iot.send(new UpdateCertificateCommand({ certificateId, newStatus: 'ACTIVE' })),
    );

    // Assess
    expect(shapeOf(error)).toEqual({
      name: 'CertificateStateException',
      status: 406,
      message: 'The certificate is revoked and its status cannot be changed',
    });
    expect(sandbox.iot.certificate(certificateId ?? '')?.status).toBe('REVOKED');
  });

  it.each(['PENDING_ACTIVATION', 'PENDING_TRANSFER'] as const)(
    'refuses %s as a target status with CertificateStateException (406)',
    async (target) => {
      // Prepare
      const { certificateId } = await iot.send(
        new RegisterCertificateCommand({
          certificatePem: pki.issue(ca, `device-${target}`),
          status: 'INACTIVE',
        }),
      );

      // Act
      const error = await errorOf(
        iot.send(new UpdateCertificateCommand({ certificateId, newStatus: target })),
      );

      // Assess
      expect(shapeOf(error)).toEqual({
        name: 'CertificateStateException',
        status: 406,
        message: `The certificate status cannot be set to ${target}`,
      });
    },
  );

  it('lists the certificates of a CA, paginated', async () => {
    // Act
    const first = await iot.send(
      new ListCertificatesByCACommand({ caCertificateId: caId, pageSize: 2, ascendingOrder: true }),
    );
    const second = await iot.send(
      new ListCertificatesByCACommand({
        caCertificateId: caId,
        pageSize: 250,
        marker: first.nextMarker,
        ascendingOrder: true,
      }),
    );

    // Assess
    const all = [...(first.certificates ?? []), ...(second.certificates ?? [])].map((c) => c.certificateId);
    const expected = [...sandbox.iot.store.certificates.values()]
      .filter((c) => c.caCertificateId === caId)
      .map((c) => c.certificateId);
    expect(first.certificates).toHaveLength(2);
    expect(all).toEqual(expected);
    expect(second.nextMarker).toBeUndefined();
  });
});
