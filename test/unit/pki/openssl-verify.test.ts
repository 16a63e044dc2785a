// The toolkit's certificates (assembled by PKI.js) are valid X.509 for an independent
// implementation: OpenSSL verifies each device and verification certificate against its CA.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCa, createVerificationCertificate, issueDeviceCertificate } from '../../../lib/pki/index.js';

const dir = mkdtempSync(join(tmpdir(), 'jitr-openssl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function opensslVerify(caPem: string, certificatePem: string, name: string): string {
  const ca = join(dir, `${name}-ca.pem`);
  const cert = join(dir, `${name}.pem`);
  writeFileSync(ca, caPem);
  writeFileSync(cert, certificatePem);
  const run = spawnSync('openssl', ['verify', '-x509_strict', '-CAfile', ca, cert], { encoding: 'utf8' });
  if (run.error !== undefined) throw run.error; // no openssl: fail loudly, never skip
  return `${run.stdout}${run.stderr}`.trim();
}

describe('openssl verify', () => {
  it.each([
    ['EC P-256', { keyType: 'ec' as const }],
    ['EC P-384', { keyType: 'ec' as const, curve: 'P-384' as const }],
    ['RSA-2048 (RSA is the point)', { keyType: 'rsa' as const }],
    ['Ed25519', { keyType: 'ed25519' as const }],
  ])('accepts a %s CA, its device certificate and its verification certificate', (name, keySpec) => {
    // Prepare
    const ca = createCa({ ...keySpec, subject: 'C=JP,O=Example Corp,CN=Device CA' });
    const device = issueDeviceCertificate({
      ca,
      ...keySpec,
      subject: 'C=JP,O=Example Corp,CN=lamp-0042,serialNumber=SN-0042',
      san: { dns: ['lamp-0042.example.com'], uri: ['urn:example:lamp-0042'] },
    });
    const verification = createVerificationCertificate({ ca, ...keySpec, registrationCode: 'a1b2c3d4e5f6' });
    const id = name.replace(/\W+/g, '-');
    // Act / Assess
    expect(opensslVerify(ca.certificatePem, device.certificatePem, `${id}-device`)).toBe(
      `${join(dir, `${id}-device.pem`)}: OK`,
    );
    expect(opensslVerify(ca.certificatePem, verification.certificatePem, `${id}-verification`)).toBe(
      `${join(dir, `${id}-verification.pem`)}: OK`,
    );
  });

  it('refuses a certificate signed by another CA (the check can fail)', () => {
    // Prepare
    const ca = createCa({ keyType: 'ec', subject: 'CN=Device CA' });
    const impostor = createCa({ keyType: 'ec', subject: 'CN=Device CA' });
    const device = issueDeviceCertificate({ ca: impostor, keyType: 'ec', subject: 'CN=lamp-0043' });
    // Act
    const out = opensslVerify(ca.certificatePem, device.certificatePem, 'impostor');
    // Assess
    expect(out).toContain('error');
    expect(out).not.toMatch(/: OK$/);
  });
});
