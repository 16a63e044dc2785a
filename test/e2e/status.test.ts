// `jitr status <certificateId>` as a user runs it: the built CLI against the sandbox after the
// deployed handler onboarded a device.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_POLICY_NAME, type E2e, issueDevice, startE2e } from '../helpers/e2e-jitr.js';
import { runJitr } from '../helpers/jitr-cli.js';

let e2e: E2e;
let activeId: string;

beforeAll(async () => {
  e2e = await startE2e();
  const device = issueDevice(e2e.ca, { commonName: 'status-dev-1', serialNumber: 'SN-S1' });
  activeId = (await e2e.deployment.connect(device.certificatePem)).certificateId;
}, 120_000);

afterAll(async () => {
  await e2e?.stop();
});

describe('jitr status', () => {
  it('shows an onboarded device as online with its thing, groups and policy, as JSON, exit 0', async () => {
    const result = await runJitr(['status', activeId, '--json'], e2e.aws.sandbox.env());
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      certificateId: activeId,
      certificate: { status: 'ACTIVE', caCertificateId: e2e.ca.caCertificateId },
      things: [{ thingName: 'status-dev-1', groups: ['demo-fleet', 'demo-plant-7'] }],
      policies: [DEMO_POLICY_NAME],
      ledger: 'not-configured',
      unreadable: [],
    });
    expect(report.diagnosis.online).toBe(true);
  });

  it('says AWS IoT does not know a certificate that never connected, exit 1', async () => {
    const unknown = 'f'.repeat(64);
    const result = await runJitr(['status', unknown], e2e.aws.sandbox.env());
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`certificate  ${unknown}`);
    expect(result.stdout).toContain(
      'verdict      ✗ AWS IoT does not know this certificate in this account and region',
    );
  });

  it('refuses an argument that is no certificate id, with the code and remedy', async () => {
    const result = await runJitr(['status', 'nope'], e2e.aws.sandbox.env());
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('InvalidOperationsOption');
    expect(result.stderr).toContain('remedy:');
  });
});
