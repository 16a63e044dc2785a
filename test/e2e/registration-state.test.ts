// Correctness never depends on the registration-state table: when DynamoDB fails (here: the
// configured table does not exist), the handler runs its plain path and counts the fallback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeviceState } from '../../infra/demo/device-state.js';
import { summariseEmf } from '../../infra/demo/emf.js';
import { dlqRecords, type E2e, issueDevice, provisionedState, startE2e } from '../helpers/e2e-jitr.js';

describe('registration-state table unavailable', () => {
  let e2e: E2e;

  beforeAll(async () => {
    e2e = await startE2e({ env: () => ({ REGISTRATION_STATE_TABLE: 'jitr-missing-table' }) });
  });

  afterAll(async () => {
    await e2e?.stop();
  });

  it('activates the device as without a table and counts RegistrationStateUnavailable', async () => {
    // Prepare
    const subject = { commonName: 'no-table', serialNumber: 'SN-T1' };
    const device = issueDevice(e2e.ca, subject);

    // Act
    await e2e.deployment.connect(device.certificatePem);

    // Assess
    expect(await readDeviceState(e2e.aws.iot, device.certificateId)).toEqual(
      provisionedState(device, subject),
    );
    const lines = e2e.deployment.output();
    const metrics = summariseEmf(lines);
    expect(metrics.find((m) => m.name === 'CertificateActivated')?.sum).toBe(1);
    // Claim and settle both fell back.
    expect(metrics.find((m) => m.name === 'RegistrationStateUnavailable')?.sum).toBe(2);
    expect(dlqRecords(e2e)).toEqual([]);
  });
});
