import { beforeEach, describe, expect, it } from 'vitest';
import { isJitrError } from '../../../lib/errors/jitr-error.js';
import {
  activateCertificate,
  finalCertificateStatus,
  rejectCertificate,
} from '../../../lib/provisioning/activate-certificate.js';
import { certificateState, FakeIotRegistry } from '../../helpers/fake-iot-registry.js';
import { CERT_ID, referencePlan } from './plan-fixtures.js';

let fake: FakeIotRegistry;

beforeEach(() => {
  fake = new FakeIotRegistry();
});

describe('finalCertificateStatus', () => {
  it('is ACTIVE unless the template says INACTIVE, and ACTIVE without a certificate resource', () => {
    // Prepare
    const inactive = referencePlan();
    if (inactive.certificate) inactive.certificate.status = 'INACTIVE';
    // Act / Assess
    expect(finalCertificateStatus(referencePlan())).toBe('ACTIVE');
    expect(finalCertificateStatus(inactive)).toBe('INACTIVE');
    expect(finalCertificateStatus({ ...referencePlan(), certificate: null })).toBe('ACTIVE');
  });
});

describe('activateCertificate', () => {
  it('sets the given status in its (certificateId, status) form', async () => {
    // Act
    const status = await activateCertificate(CERT_ID, 'INACTIVE', { iot: fake });
    // Assess
    expect(status).toBe('INACTIVE');
    expect(fake.calls).toEqual([{ method: 'updateCertificateStatus', args: [CERT_ID, 'INACTIVE'] }]);
  });

  it('fails with CertificateState (dropped, not retried) when the certificate was revoked meanwhile', async () => {
    // Prepare
    fake.failOn('updateCertificateStatus', certificateState());
    // Act
    const outcome = activateCertificate(referencePlan(), { certificateId: CERT_ID }, { iot: fake });
    // Assess
    await expect(outcome).rejects.toSatisfy(
      (error) =>
        isJitrError(error) && error.code === 'CertificateState' && error.disposition === 'invalid-input',
    );
  });
});

describe('rejectCertificate', () => {
  it.each(['REVOKED', 'INACTIVE'] as const)('sets %s', async (status) => {
    // Act
    await rejectCertificate(CERT_ID, status, { iot: fake });
    // Assess
    expect(fake.certificateStatus.get(CERT_ID)).toBe(status);
  });
});
