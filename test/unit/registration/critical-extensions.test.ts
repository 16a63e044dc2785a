// The use case rejects device certificates with an unknown critical extension, or that are CAs,
// before anything is provisioned (RFC 5280 §4.2; the device is at fault).
import { describe, expect, it } from 'vitest';
import {
  CertificateIsCaError,
  CertificateUnsupportedCriticalExtensionError,
} from '../../../lib/certificate/index.js';
import type { RawExtension } from '../../../lib/pki/index.js';
import { registerCertificate } from '../../../lib/registration/register-certificate.js';
import { createWorld, type World } from './world.js';

const UNKNOWN_OID = '1.3.6.1.4.1.55555.1.1';
const unknown = (critical: boolean): RawExtension => ({
  oid: UNKNOWN_OID,
  critical,
  value: Buffer.from('0500', 'hex'), // NULL
});
// basicConstraints { cA TRUE }
const CA_TRUE: RawExtension = { oid: '2.5.29.19', critical: true, value: Buffer.from('30030101ff', 'hex') };

function setUp(options: Parameters<typeof createWorld>[0] = {}): World {
  return createWorld(options);
}

describe('registerCertificate and certificate extensions', () => {
  it('rejects an unknown critical extension: INACTIVE, nothing provisioned, CertificateRejected', async () => {
    // Prepare
    const w = setUp();
    const { event } = w.device('CN=dev-ext-1', { extensions: [unknown(true)] });
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect(result).toEqual({
      outcome: 'rejected',
      certificateId: event.certificateId,
      caCertificateId: w.caId,
      certificateStatus: 'INACTIVE',
      thingName: null,
      policies: [],
      code: 'CertificateUnsupportedCriticalExtension',
    });
    expect(w.fake.log).toEqual(['describeCertificate', 'describeCaCertificate', 'updateCertificateStatus']);
    expect(w.fake.callsOf('updateCertificateStatus')).toEqual([[event.certificateId, 'INACTIVE']]);
    expect(w.status(event.certificateId)).toBe('INACTIVE');
    expect(w.fake.snapshot().things).toEqual({});
    // The CRL was read together with the certificate, but the rejection came first.
    expect(w.crl.calls).toBe(1);
    expect(w.logger.summary().extra.crl).toBeNull();
    expect(w.metrics.emitted).toEqual([
      'CertificateRejected[CertificateUnsupportedCriticalExtension]',
      'IotApiCalls=3',
    ]);
    expect(w.logger.summary().extra.error).toEqual({
      name: 'CertificateUnsupportedCriticalExtensionError',
      code: 'CertificateUnsupportedCriticalExtension',
      disposition: 'rejected',
      step: 'certificate-extensions',
      message: `Certificate carries an unsupported critical extension ${UNKNOWN_OID}`,
      remedy: new CertificateUnsupportedCriticalExtensionError('').remedy,
      details: { oid: UNKNOWN_OID },
    });
  });

  it('activates the same certificate when the extension is not critical', async () => {
    // Prepare
    const w = setUp();
    const { event } = w.device('CN=dev-ext-2', { extensions: [unknown(false)] });
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect([result.outcome, result.code, result.thingName]).toEqual(['activated', null, 'dev-ext-2']);
    expect(w.status(event.certificateId)).toBe('ACTIVE');
    expect(w.metrics.emitted).toContain('CertificateActivated=1');
  });

  it('rejects a CA certificate presented as a device certificate as CertificateIsCa', async () => {
    // Prepare
    const w = setUp();
    const { event } = w.device('CN=dev-ext-3', { extensions: [CA_TRUE] });
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect([result.outcome, result.code, result.certificateStatus]).toEqual([
      'rejected',
      'CertificateIsCa',
      'INACTIVE',
    ]);
    expect(w.fake.log).toEqual(['describeCertificate', 'describeCaCertificate', 'updateCertificateStatus']);
    expect(w.status(event.certificateId)).toBe('INACTIVE');
    expect(w.fake.snapshot().things).toEqual({});
    expect(w.metrics.emitted).toEqual(['CertificateRejected[CertificateIsCa]', 'IotApiCalls=3']);
    expect(w.logger.summary().extra.error).toEqual({
      name: 'CertificateIsCaError',
      code: 'CertificateIsCa',
      disposition: 'rejected',
      step: 'certificate-extensions',
      message: 'Certificate is a CA certificate (basicConstraints cA=TRUE), not a device',
      remedy: new CertificateIsCaError().remedy,
    });
  });

  it('leaves the certificate PENDING_ACTIVATION when REJECTED_CERTIFICATE_STATUS says so', async () => {
    // Prepare
    const w = setUp({ rejectedCertificateStatus: 'PENDING_ACTIVATION' });
    const { event } = w.device('CN=dev-ext-4', { extensions: [unknown(true)] });
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect([result.outcome, result.code]).toEqual(['rejected', 'CertificateUnsupportedCriticalExtension']);
    expect(w.fake.log).toEqual(['describeCertificate', 'describeCaCertificate']);
    expect(w.status(event.certificateId)).toBe('PENDING_ACTIVATION');
    expect(w.fake.snapshot().things).toEqual({});
    expect(w.metrics.emitted).toEqual([
      'CertificateRejected[CertificateUnsupportedCriticalExtension]',
      'IotApiCalls=2',
    ]);
  });
});
