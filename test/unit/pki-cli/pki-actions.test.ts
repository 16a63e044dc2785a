import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCertificate, verifyIssuedBy } from '../../../lib/certificate/index.js';
import {
  createCaAction,
  crlAction,
  issueDeviceAction,
  normaliseSerial,
  revokeAction,
  verificationCertAction,
} from '../../../lib/cli/pki-actions.js';
import { loadCrl } from '../../../lib/crl/index.js';
import type { JitrError } from '../../../lib/errors/jitr-error.js';
import { caPaths, readState } from '../../../lib/pki/ca-store.js';

const NOW = new Date('2026-03-01T12:00:00Z');

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as JitrError).code;
  }
  throw new Error('expected a rejection');
}

describe('jitr pki actions', () => {
  let root: string;
  let dir: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'jitr-pki-'));
    dir = join(root, 'ca');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates a CA, issues a device, revokes it and lists it on a verifiable CRL', async () => {
    // Prepare
    const created = await createCaAction({
      dir,
      keyType: 'ec',
      curve: 'P-384',
      subject: 'O=Acme,CN=Acme CA',
      now: NOW,
    });
    const device = await issueDeviceAction({
      dir,
      subject: 'C=JP,O=Example,CN=dev-001,serialNumber=SN1',
      days: '30',
      now: NOW,
    });
    const other = await issueDeviceAction({ dir, subject: 'CN=dev-002', now: NOW });

    // Act
    const revoked = await revokeAction({ dir, serial: device.serial, reason: 'keyCompromise', now: NOW });
    const crl = await crlAction({ dir, nextUpdateDays: '2', now: NOW });

    // Assess
    const caFacts = parseCertificate(await readFile(caPaths(dir).certificate));
    expect(created).toEqual({
      caCertificateId: caFacts.sha256,
      subject: 'CN=Acme CA,O=Acme',
      keyAlgorithm: { type: 'ec', curve: 'P-384' },
      notBefore: new Date(NOW.getTime() - 60_000).toISOString(),
      notAfter: new Date(NOW.getTime() - 60_000 + 3650 * 86_400_000).toISOString(),
      certificate: join(dir, 'ca.pem'),
      privateKey: join(dir, 'ca.key'),
    });
    expect((await stat(caPaths(dir).privateKey)).mode & 0o777).toBe(0o600);

    const deviceFacts = parseCertificate(await readFile(device.certificate));
    expect(() => verifyIssuedBy(deviceFacts, caFacts)).not.toThrow();
    expect(device).toEqual({
      certificateId: deviceFacts.sha256,
      serial: deviceFacts.serialHex,
      subject: 'serialNumber=SN1,CN=dev-001,O=Example,C=JP',
      notBefore: new Date(NOW.getTime() - 60_000).toISOString(),
      notAfter: new Date(NOW.getTime() - 60_000 + 30 * 86_400_000).toISOString(),
      certificate: join(dir, 'devices', `dev-001-${deviceFacts.sha256.slice(0, 8)}.pem`),
      privateKey: join(dir, 'devices', `dev-001-${deviceFacts.sha256.slice(0, 8)}.key`),
      chain: join(dir, 'devices', `dev-001-${deviceFacts.sha256.slice(0, 8)}.chain.pem`),
    });
    expect((await stat(device.privateKey)).mode & 0o777).toBe(0o600);
    const key = await readFile(device.privateKey, 'utf8');
    expect(
      new X509Certificate(await readFile(device.certificate)).checkPrivateKey(createPrivateKey(key)),
    ).toBe(true);
    expect(await readFile(device.chain, 'utf8')).toBe(
      (await readFile(device.certificate, 'utf8')) + (await readFile(caPaths(dir).certificate, 'utf8')),
    );

    expect(revoked).toEqual({
      serial: deviceFacts.serialHex,
      revocationDate: NOW.toISOString(),
      reason: 'keyCompromise',
      alreadyRevoked: false,
      revokedCount: 1,
    });
    expect(crl).toEqual({
      crl: join(dir, 'crl.der'),
      crlNumber: 1,
      thisUpdate: NOW.toISOString(),
      nextUpdate: new Date(NOW.getTime() + 2 * 86_400_000).toISOString(),
      entryCount: 1,
      bytes: (await readFile(join(dir, 'crl.der'))).length,
    });

    const verified = loadCrl(await readFile(crl.crl), caFacts, { now: NOW, maxStalenessSeconds: 0 });
    expect(verified.entryCount).toBe(1);
    expect(verified.lookup(deviceFacts.serialBytes)).toEqual({
      serialHex: deviceFacts.serialHex,
      revocationDate: NOW,
      reason: 'keyCompromise',
    });
    expect(verified.lookup(parseCertificate(await readFile(other.certificate)).serialBytes)).toBeNull();
  });

  it('revokes by certificate file (--cert) the serial issue-device printed, and only a certificate of this CA', async () => {
    // Prepare
    await createCaAction({ dir, keyType: 'ec', now: NOW });
    const device = await issueDeviceAction({ dir, subject: 'CN=dev-004', now: NOW });
    const otherDir = join(root, 'other-ca');
    await createCaAction({ dir: otherDir, keyType: 'ec', subject: 'CN=JITR Example Device CA', now: NOW });
    const foreign = await issueDeviceAction({ dir: otherDir, subject: 'CN=dev-005', now: NOW });
    await writeFile(join(root, 'empty.pem'), '');

    // Act
    const revoked = await revokeAction({ dir, cert: device.certificate, reason: 'keyCompromise', now: NOW });
    const refusals = await Promise.all([
      codeOf(revokeAction({ dir, cert: foreign.certificate, now: NOW })),
      codeOf(revokeAction({ dir, cert: join(root, 'empty.pem'), now: NOW })),
      codeOf(revokeAction({ dir, cert: join(root, 'missing.pem'), now: NOW })),
      codeOf(revokeAction({ dir, cert: device.certificate, serial: device.serial, now: NOW })),
      codeOf(revokeAction({ dir, now: NOW })),
    ]);

    // Assess
    expect(revoked).toEqual({
      serial: device.serial,
      revocationDate: NOW.toISOString(),
      reason: 'keyCompromise',
      alreadyRevoked: false,
      revokedCount: 1,
    });
    expect(refusals).toEqual([
      'PkiInvalidArgument',
      'PkiInvalidArgument',
      'FileNotFound',
      'PkiInvalidArgument',
      'PkiInvalidArgument',
    ]);
    expect((await readState(dir)).revoked.map((r) => r.serial)).toEqual([device.serial]);
  });

  it('increments the CRL number on every CRL and keeps revocations idempotent', async () => {
    // Prepare
    await createCaAction({ dir, keyType: 'ec', now: NOW });
    const device = await issueDeviceAction({ dir, subject: 'CN=dev-003', now: NOW });

    // Act
    const first = await crlAction({ dir, now: NOW });
    await revokeAction({ dir, serial: device.serial, now: NOW });
    const again = await revokeAction({
      dir,
      serial: device.serial.toUpperCase(),
      reason: 'superseded',
      now: NOW,
    });
    const second = await crlAction({ dir, out: join(root, 'second.crl'), now: NOW });

    // Assess
    expect([first.crlNumber, first.entryCount, second.crlNumber, second.entryCount]).toEqual([1, 0, 2, 1]);
    expect(again).toEqual({
      serial: device.serial,
      revocationDate: NOW.toISOString(),
      alreadyRevoked: true,
      revokedCount: 1,
    });
    expect(await readState(dir)).toEqual({
      version: 1,
      lastCrlNumber: 2,
      revoked: [{ serial: device.serial, revocationDate: NOW.toISOString() }],
    });
    const caFacts = parseCertificate(await readFile(caPaths(dir).certificate));
    const crl = loadCrl(await readFile(join(root, 'second.crl')), caFacts, {
      now: NOW,
      maxStalenessSeconds: 0,
    });
    expect(crl.crlNumber).toBe('2');
  });

  it('writes a verification certificate whose CN is the registration code, signed by the CA', async () => {
    // Prepare
    await createCaAction({ dir, keyType: 'rsa', now: NOW });

    // Act
    const result = await verificationCertAction({ dir, registrationCode: 'a1b2c3d4e5f6' });

    // Assess
    expect(result).toEqual({
      verificationCertificate: join(dir, 'verification.pem'),
      certificate: join(dir, 'ca.pem'),
    });
    const facts = parseCertificate(await readFile(result.verificationCertificate));
    expect(facts.subject.rfc4514).toBe('CN=a1b2c3d4e5f6');
    const caFacts = parseCertificate(await readFile(caPaths(dir).certificate));
    expect(() => verifyIssuedBy(facts, caFacts)).not.toThrow();
  });

  it('refuses to overwrite an existing CA and leaves it unchanged', async () => {
    // Prepare
    await createCaAction({ dir, keyType: 'ec', now: NOW });
    const before = await readFile(caPaths(dir).privateKey, 'utf8');

    // Act
    const code = await codeOf(createCaAction({ dir, now: NOW }));

    // Assess
    expect(code).toBe('PkiCaExists');
    expect(await readFile(caPaths(dir).privateKey, 'utf8')).toBe(before);
  });

  it('refuses to create a CA next to a stray ca.pem without leaving a key behind', async () => {
    // Prepare
    await mkdir(dir, { recursive: true });
    await writeFile(caPaths(dir).certificate, 'not ours');

    // Act
    const code = await codeOf(createCaAction({ dir, keyType: 'ec', now: NOW }));

    // Assess
    expect(code).toBe('PkiCaExists');
    expect(await readdir(dir)).toEqual(['ca.pem']);
  });

  it.each([
    [
      'a missing CA',
      () => issueDeviceAction({ dir: '/nonexistent/jitr-ca', subject: 'CN=x' }),
      'PkiCaNotFound',
    ],
    ['a bad key type', () => createCaAction({ dir: '/nonexistent/x', keyType: 'dsa' }), 'PkiInvalidArgument'],
    ['a curve on RSA', () => createCaAction({ dir: '/nonexistent/x', curve: 'P-256' }), 'PkiInvalidArgument'],
    ['zero days', () => createCaAction({ dir: '/nonexistent/x', days: '0' }), 'PkiInvalidArgument'],
    [
      'an unknown subject attribute',
      () => createCaAction({ dir: '/nonexistent/x', subject: 'XX=1' }),
      'PkiInvalidArgument',
    ],
    ['a non-hex serial', () => revokeAction({ dir: '/nonexistent/x', serial: 'zz' }), 'PkiInvalidArgument'],
    [
      'an unknown reason',
      () => revokeAction({ dir: '/nonexistent/x', serial: '01', reason: 'lost' }),
      'PkiInvalidArgument',
    ],
    [
      'a bad registration code',
      () => verificationCertAction({ registrationCode: 'a b' }),
      'PkiInvalidArgument',
    ],
  ])('rejects %s with a typed error', async (_name, run, code) => {
    // Act / Assess
    expect(await codeOf(run())).toBe(code);
  });

  it('rejects a corrupt state file with PkiStateInvalid', async () => {
    // Prepare
    await createCaAction({ dir, keyType: 'ec', now: NOW });
    await writeFile(caPaths(dir).state, '{"version":1,"lastCrlNumber":-1,"revoked":[]}');

    // Act / Assess
    expect(await codeOf(crlAction({ dir, now: NOW }))).toBe('PkiStateInvalid');
  });
});

describe('normaliseSerial', () => {
  it.each([
    ['0x01:AB', '01ab'],
    ['00ff', '00ff'],
    ['ff', '00ff'],
    ['000001', '01'],
    ['7F', '7f'],
  ])('normalises %s to the DER INTEGER content %s', (input, want) => {
    expect(normaliseSerial(input)).toBe(want);
  });
});
