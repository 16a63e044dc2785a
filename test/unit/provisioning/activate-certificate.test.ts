// Typed aws-sdk-client-mock matchers (the setup file registers them at runtime only).
import 'aws-sdk-client-mock-vitest/extend';
import { CertificateStateException, UpdateCertificateCommand } from '@aws-sdk/client-iot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isJitrError } from '../../../lib/errors/jitr-error.js';
import {
  activateCertificate,
  finalCertificateStatus,
  rejectCertificate,
} from '../../../lib/provisioning/activate-certificate.js';
import { FakeIot, notFound } from './fake-iot.js';
import { CERT_ID, newRegistry, referencePlan } from './plan-fixtures.js';

let fake: FakeIot;

beforeEach(() => {
  fake = new FakeIot();
});

afterEach(() => {
  fake.restore();
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
    const status = await activateCertificate(CERT_ID, 'INACTIVE', { iot: newRegistry() });
    // Assess
    expect(status).toBe('INACTIVE');
    expect(fake.mock).toHaveReceivedCommandExactlyOnceWith(UpdateCertificateCommand, {
      certificateId: CERT_ID,
      newStatus: 'INACTIVE',
    });
  });

  it('fails with CertificateState (dropped, not retried) when the certificate was revoked meanwhile', async () => {
    // Prepare
    fake.failOn(
      'UpdateCertificate',
      new CertificateStateException({
        message: 'Certificate is revoked',
        $metadata: { httpStatusCode: 406 },
      }),
    );
    // Act
    const outcome = activateCertificate(referencePlan(), { certificateId: CERT_ID }, { iot: newRegistry() });
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
    await rejectCertificate(CERT_ID, status, { iot: newRegistry() });
    // Assess
    expect(fake.certificateStatus.get(CERT_ID)).toBe(status);
  });
});

describe('SdkIotRegistry.updateThing', () => {
  it('reports a vanished thing as transient ThingNotFound, and a missing type as ThingTypeNotFound', async () => {
    // Prepare
    const iot = newRegistry();
    fake.failOn('UpdateThing', notFound('Thing dev-1 cannot be found.'));
    // Then the in-memory IoT answers: the thing exists, the type does not.
    fake.things.set('dev-1', {
      thingTypeName: null,
      attributes: {},
      version: 1,
      billingGroupName: null,
      groups: [],
      principals: [],
    });
    // Act
    const vanished = await iot
      .updateThing({ thingName: 'dev-1', thingTypeName: 'sensor' })
      .catch((e: unknown) => e);
    const missingType = await iot
      .updateThing({ thingName: 'dev-1', thingTypeName: 'sensor' })
      .catch((e: unknown) => e);
    // Assess
    expect(isJitrError(vanished) && [vanished.code, vanished.disposition]).toEqual([
      'ThingNotFound',
      'transient',
    ]);
    expect(isJitrError(missingType) && [missingType.code, missingType.disposition]).toEqual([
      'ThingTypeNotFound',
      'configuration',
    ]);
  });
});
