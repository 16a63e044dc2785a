import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkTemplateFile,
  permissionsForTemplateFile,
  renderTemplateFile,
} from '../../../lib/cli/template-impl.js';
import { issueDeviceCertificate } from '../../../lib/pki/index.js';
import { ecCa, NOW } from '../../helpers/pki-fixtures.js';
import { CERT_ID, fixture } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'jitr-template-cli-'));
const JITP = join(dir, 'jitp.json');
writeFileSync(JITP, fixture('jitp-registration-config.json'));

async function rejection(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code: string; path?: string };
    return { code: e.code, path: e.path };
  }
  throw new Error('expected a rejection');
}

describe('jitr template render', () => {
  it('renders with --param values and --certificate-id', async () => {
    // Act
    const plan = await renderTemplateFile({
      template: JITP,
      param: [
        'AWS::IoT::Certificate::CommonName=lamp-1',
        'AWS::IoT::Certificate::SerialNumber=SN=1',
        'AWS::IoT::Certificate::Country=DE',
      ],
      certificateId: CERT_ID,
    });
    // Assess
    expect(plan.parameters).toEqual({
      'AWS::IoT::Certificate::CommonName': 'lamp-1',
      'AWS::IoT::Certificate::SerialNumber': 'SN=1',
      'AWS::IoT::Certificate::Country': 'DE',
      'AWS::IoT::Certificate::Id': CERT_ID,
    });
    expect(plan.certificate?.certificateId).toBe(CERT_ID);
  });

  it('renders with --cert, using the SHA-256 of the DER as the certificate id', async () => {
    // Prepare
    const device = issueDeviceCertificate({
      ca: ecCa(),
      subject: 'C=DE,O=Example Corp,CN=lamp-0042,serialNumber=SN-42',
      keyType: 'ec',
      curve: 'P-256',
      now: NOW,
    });
    const certFile = join(dir, 'device.pem');
    writeFileSync(certFile, device.certificatePem);
    // Act
    const plan = await renderTemplateFile({ template: JITP, cert: certFile });
    // Assess
    expect(plan.parameters).toEqual({
      'AWS::IoT::Certificate::CommonName': 'lamp-0042',
      'AWS::IoT::Certificate::SerialNumber': 'SN-42',
      'AWS::IoT::Certificate::Country': 'DE',
      'AWS::IoT::Certificate::Id': device.certificateId,
    });
    expect(plan.thing?.thingGroups).toEqual(['v1-lightbulbs', 'DE']);
  });

  it('fails with MissingParameter when the certificate has no Country', async () => {
    // Prepare
    const device = issueDeviceCertificate({
      ca: ecCa(),
      subject: 'CN=lamp-0043,serialNumber=SN-43',
      keyType: 'ec',
      curve: 'P-256',
      now: NOW,
    });
    const certFile = join(dir, 'no-country.pem');
    writeFileSync(certFile, device.certificatePem);
    // Act / Assess
    expect(await rejection(renderTemplateFile({ template: JITP, cert: certFile }))).toEqual({
      code: 'MissingParameter',
      path: 'Parameters["AWS::IoT::Certificate::Country"]',
    });
  });

  it('rejects a malformed --param, and names a missing file or a directory by its option', async () => {
    expect(await rejection(renderTemplateFile({ template: JITP, param: ['novalue'] }))).toEqual({
      code: 'InvalidCommandLine',
      path: undefined,
    });
    const missing = join(dir, 'missing.json');
    await expect(renderTemplateFile({ template: missing })).rejects.toMatchObject({
      code: 'FileNotFound',
      message: `--template ${missing} does not exist`,
    });
    await expect(renderTemplateFile({ template: JITP, cert: dir })).rejects.toMatchObject({
      code: 'NotAFile',
      message: `--cert ${dir} is a directory, not a file`,
    });
  });

  it('blames the missing --cert, not the certificate, when a parameter has no value', async () => {
    await expect(renderTemplateFile({ template: JITP })).rejects.toMatchObject({
      code: 'InvalidCommandLine',
      message: expect.stringMatching(
        /^the template needs a value for AWS::IoT::Certificate::\w+, and there is no --cert to take it from$/,
      ),
    });
  });
});

describe('jitr template check and permissions', () => {
  it('checks a template file', async () => {
    expect((await checkTemplateFile(JITP)).resources).toEqual([
      { logicalName: 'thing', type: 'AWS::IoT::Thing' },
      { logicalName: 'certificate', type: 'AWS::IoT::Certificate' },
      { logicalName: 'policy', type: 'AWS::IoT::Policy' },
    ]);
  });

  it('prints permissions scoped to a region and account', async () => {
    // Act
    const policy = await permissionsForTemplateFile(JITP, { region: 'eu-west-1', account: '123456789012' });
    // Assess
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      'ReadAndActivateCertificate',
      'ReadCaCertificate',
      'ManageThing',
      'AttachCertificateToThing',
      'ThingGroupMembership',
      'ReadPolicies',
      'CreatePolicies',
      'AttachPoliciesToCertificate',
    ]);
  });
});
