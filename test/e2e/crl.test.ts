// Missing and stale CRLs in S3, with CRL_MODE required (default) and optional: nothing is
// ever activated without a usable CRL unless the operator allowed CAs without one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeviceState } from '../../infra/demo/device-state.js';
import { type Diagnosis, diagnoseDlq } from '../../infra/demo/diagnosis.js';
import { summariseEmf } from '../../infra/demo/emf.js';
import type { Device } from '../../infra/demo/world.js';
import { addCa, type LocalCa } from '../../infra/local-aws/local-aws.js';
import { type E2e, issueDevice, provisionedState, startE2e, untouchedState } from '../helpers/e2e-jitr.js';

function diagnosisOf(
  e2e: E2e,
  device: Device,
): Pick<Diagnosis, 'condition' | 'attempts' | 'code'> | undefined {
  const entries = e2e.aws.sandbox.sqs
    .peek(e2e.aws.queueUrl)
    .map((m) => ({ messageId: m.messageId, body: m.body }));
  const found = diagnoseDlq(entries, e2e.deployment.output()).find(
    (d) => d.certificateId === device.certificateId,
  );
  return found === undefined
    ? undefined
    : { condition: found.condition, attempts: found.attempts, code: found.code };
}

describe('CRL_MODE=required', () => {
  let e2e: E2e;
  let staleCa: LocalCa;

  beforeAll(async () => {
    // The direct path: the diagnosis pinned here is the destination record's (the queue path's
    // redriven event and its recorded error are pinned by the demo stories).
    e2e = await startE2e({ crl: 'none', ingestion: 'direct' });
    staleCa = await addCa(e2e.aws, { commonName: 'Stale CRL CA', crl: 'stale' });
  });

  afterAll(async () => {
    await e2e?.stop();
  });

  it('leaves the device pending and sends the event to the DLQ when the CA has no CRL', async () => {
    // Prepare
    const device = issueDevice(e2e.ca, { commonName: 'no-crl-required', serialNumber: 'SN-R1' });

    // Act
    await e2e.deployment.connect(device.certificatePem);

    // Assess
    expect(await readDeviceState(e2e.aws.iot, device.certificateId)).toEqual(
      untouchedState(device, 'PENDING_ACTIVATION'),
    );
    expect(diagnosisOf(e2e, device)).toEqual({
      condition: 'RetriesExhausted',
      attempts: 3,
      code: 'CrlMissing',
    });
  });

  it('leaves the device pending when the CRL is past nextUpdate plus the grace, and activates after a fresh CRL and replay', async () => {
    // Prepare
    const subject = { commonName: 'stale-crl-required', serialNumber: 'SN-R2' };
    const device = issueDevice(staleCa, subject);

    // Act
    await e2e.deployment.connect(device.certificatePem);
    const pending = await readDeviceState(e2e.aws.iot, device.certificateId);
    const diagnosis = diagnosisOf(e2e, device);
    await staleCa.publishCrl([], 'fresh');
    const report = await e2e.deployment.replay([device.certificateId]);

    // Assess
    expect(pending).toEqual(untouchedState(device, 'PENDING_ACTIVATION'));
    expect(diagnosis).toEqual({ condition: 'RetriesExhausted', attempts: 3, code: 'CrlStale' });
    expect(report.results.map((r) => [r.certificateId, r.outcome, r.deleted])).toEqual([
      [device.certificateId, 'activated', 1],
    ]);
    expect(await readDeviceState(e2e.aws.iot, device.certificateId)).toEqual(
      provisionedState(device, subject),
    );
  });
});

describe('CRL_MODE=optional', () => {
  let e2e: E2e;
  let staleCa: LocalCa;

  beforeAll(async () => {
    e2e = await startE2e({ crl: 'none', ingestion: 'direct', env: () => ({ CRL_MODE: 'optional' }) });
    staleCa = await addCa(e2e.aws, { commonName: 'Stale CRL CA', crl: 'stale' });
  });

  afterAll(async () => {
    await e2e?.stop();
  });

  it('activates a device of a CA without a CRL and counts CrlMissing', async () => {
    // Prepare
    const subject = { commonName: 'no-crl-optional', serialNumber: 'SN-O1' };
    const device = issueDevice(e2e.ca, subject);

    // Act
    await e2e.deployment.connect(device.certificatePem);

    // Assess
    expect(await readDeviceState(e2e.aws.iot, device.certificateId)).toEqual(
      provisionedState(device, subject),
    );
    const counted = summariseEmf(e2e.deployment.output())
      .filter((m) => m.name === 'CrlMissing' || m.name === 'CertificateActivated')
      .map((m) => [m.name, m.sum]);
    expect(counted).toEqual([
      ['CertificateActivated', 1],
      ['CrlMissing', 1],
    ]);
    expect(diagnosisOf(e2e, device)).toBeUndefined();
  });

  it('still refuses a stale CRL', async () => {
    // Prepare
    const device = issueDevice(staleCa, { commonName: 'stale-crl-optional', serialNumber: 'SN-O2' });

    // Act
    await e2e.deployment.connect(device.certificatePem);

    // Assess
    expect(await readDeviceState(e2e.aws.iot, device.certificateId)).toEqual(
      untouchedState(device, 'PENDING_ACTIVATION'),
    );
    expect(diagnosisOf(e2e, device)).toEqual({
      condition: 'RetriesExhausted',
      attempts: 3,
      code: 'CrlStale',
    });
  });
});
