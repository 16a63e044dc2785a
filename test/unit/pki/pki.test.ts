import { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../../../lib/certificate/index.js';
import {
  buildCrl,
  type CreateCaOptions,
  createCa,
  createVerificationCertificate,
  issueDeviceCertificate,
  keyUsageDer,
  loadCa,
  nameDer,
  parseSubjectString,
} from '../../../lib/pki/index.js';
import { ecCa, NOW, p384Ca, rsaCa } from '../../helpers/pki-fixtures.js';

// pkijs is an independent ASN.1 implementation: a good cross-check for the hand-written DER.
function pkijsCrl(der: Uint8Array): pkijs.CertificateRevocationList {
  const asn = asn1js.fromBER(Uint8Array.from(der));
  return new pkijs.CertificateRevocationList({ schema: asn.result });
}
function pkijsCert(der: Uint8Array): pkijs.Certificate {
  return new pkijs.Certificate({ schema: asn1js.fromBER(Uint8Array.from(der)).result });
}

describe('createCa', () => {
  it.each([
    ['RSA-2048', rsaCa, 'rsa'],
    ['EC P-256', ecCa, 'ec'],
    ['EC P-384', p384Ca, 'ec'],
  ])('creates a self-signed %s CA that node:crypto accepts', (_name, make, keyType) => {
    // Prepare
    const ca = make();
    // Act
    const x = new X509Certificate(ca.certificatePem);
    // Assess
    expect(x.ca).toBe(true);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.checkIssued(x)).toBe(true);
    expect(x.publicKey.asymmetricKeyType).toBe(keyType);
    expect(ca.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(Buffer.compare(x.raw, ca.certificateDer)).toBe(0);
  });

  it('names the curve and hash for P-384', () => {
    const x = new X509Certificate(p384Ca().certificatePem);
    expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    expect(p384Ca().signatureAlgorithm).toBe('ecdsa-sha384');
  });

  it('loads back from PEM with the same subject and key identifier', () => {
    const ca = ecCa();
    const loaded = loadCa({ certificatePem: ca.certificatePem, privateKeyPem: ca.privateKeyPem });
    expect(loaded.subjectDer).toEqual(ca.subjectDer);
    expect(loaded.subjectKeyIdentifier).toEqual(ca.subjectKeyIdentifier);
    expect(loaded.signatureAlgorithm).toBe('ecdsa-sha256');
  });

  it('gives a CA keyCertSign + cRLSign by default, the key usages asked for, or no keyUsage', () => {
    // Prepare / Act
    const usages = (options: CreateCaOptions = {}) =>
      parseCertificate(createCa({ keyType: 'ec', ...options }).certificateDer).keyUsage;
    // Assess
    expect(usages()).toEqual(['keyCertSign', 'cRLSign']);
    expect(usages({ keyUsage: ['keyCertSign'] })).toEqual(['keyCertSign']);
    expect(usages({ keyUsage: ['cRLSign', 'digitalSignature'] })).toEqual(['digitalSignature', 'cRLSign']);
    expect(usages({ keyUsage: null })).toBeNull();
    expect(
      new X509Certificate(createCa({ keyType: 'ec', keyUsage: ['keyCertSign'] }).certificateDer).ca,
    ).toBe(true);
  });

  it('writes keyUsage as a minimal DER BIT STRING (trailing zero bits dropped)', () => {
    expect(keyUsageDer(['keyCertSign', 'cRLSign']).toString('hex')).toBe('03020106');
    expect(keyUsageDer(['keyCertSign']).toString('hex')).toBe('03020204');
    expect(keyUsageDer(['digitalSignature']).toString('hex')).toBe('03020780');
    expect(keyUsageDer(['digitalSignature', 'decipherOnly']).toString('hex')).toBe('0303078080');
  });

  it('refuses a private key that does not belong to the certificate', () => {
    expect(() =>
      loadCa({ certificatePem: ecCa().certificatePem, privateKeyPem: p384Ca().privateKeyPem }),
    ).toThrow('the private key does not belong to the CA certificate');
  });
});

describe('issueDeviceCertificate', () => {
  it('issues a certificate the CA key verifies, with the given subject, SAN and validity', () => {
    // Prepare
    const ca = ecCa();
    // Act
    const dev = issueDeviceCertificate({
      ca,
      subject: 'C=JP,O=Example,CN=dev-001,serialNumber=SN1',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      days: 10,
      san: { dns: ['dev-001.example.com'], uri: ['urn:dev:001'] },
      keyType: 'ec',
    });
    // Assess
    const x = new X509Certificate(dev.certificatePem);
    expect(x.verify(ca.publicKey)).toBe(true);
    expect(x.subject).toBe('C=JP\nO=Example\nCN=dev-001\nserialNumber=SN1');
    expect(x.subjectAltName).toBe('DNS:dev-001.example.com, URI:urn:dev:001');
    expect(new Date(x.validFrom).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(new Date(x.validTo).toISOString()).toBe('2026-01-11T00:00:00.000Z');
    expect(dev.certificateId).toBe(x.fingerprint256.replace(/:/g, '').toLowerCase());
  });

  it('keeps a leading 00 in the DER serial when the high bit is set', () => {
    const dev = issueDeviceCertificate({ ca: ecCa(), subject: 'CN=d', serial: '0000091f0aa', keyType: 'ec' });
    expect(dev.serialBytes.toString('hex')).toBe('0091f0aa');
    expect(new X509Certificate(dev.certificateDer).serialNumber).toBe('91F0AA');
  });

  it.each(['rsa-pkcs1-sha256', 'rsa-pkcs1-sha384', 'rsa-pss-sha256', 'rsa-pss-sha384'] as const)(
    'signs with %s from an RSA CA',
    (signatureAlgorithm) => {
      const ca = rsaCa();
      const dev = issueDeviceCertificate({ ca, subject: 'CN=d', signatureAlgorithm, keyType: 'ec' });
      expect(new X509Certificate(dev.certificateDer).verify(ca.publicKey)).toBe(true);
    },
  );

  it('writes every ASN.1 string type and multi-valued RDNs that pkijs reads back', () => {
    // Prepare
    const subject = [
      { type: 'C', value: 'JP' },
      [
        { type: 'O', value: 'Ünïcode Org', stringType: 'utf8' as const },
        { type: 'OU', value: 'Line 7', stringType: 'printable' as const },
      ],
      { type: 'L', value: 'mail@x', stringType: 'ia5' as const },
      { type: 'ST', value: 'Bayern ä', stringType: 'teletex' as const },
      { type: 'CN', value: 'Dévice ☃', stringType: 'bmp' as const },
      { type: 'dnQualifier', value: 'q 😀', stringType: 'universal' as const },
    ];
    // Act
    const dev = issueDeviceCertificate({ ca: ecCa(), subject, keyType: 'ec' });
    // Assess
    const tv = pkijsCert(dev.certificateDer).subject.typesAndValues.map((t) => [
      t.type,
      t.value.idBlock.tagNumber,
    ]);
    expect(tv).toEqual([
      ['2.5.4.6', 19],
      ['2.5.4.11', 19], // SET OF members sorted by their DER
      ['2.5.4.10', 12],
      ['2.5.4.7', 22],
      ['2.5.4.8', 20],
      ['2.5.4.3', 30],
      ['2.5.4.46', 28],
    ]);
  });

  it('replaces a default extension with a same-OID one and appends the others, as pkijs reads them', () => {
    // Prepare
    const ca = ecCa();
    // Act: basicConstraints cA=TRUE (30 03 01 01 ff) replaces the default; a private OID is appended.
    const dev = issueDeviceCertificate({
      ca,
      subject: 'CN=d',
      keyType: 'ec',
      extensions: [
        { oid: '2.5.29.19', critical: true, value: Buffer.from('30030101ff', 'hex') },
        { oid: '1.3.6.1.4.1.55555.1.1', critical: true, value: Buffer.from('0500', 'hex') },
      ],
    });
    // Assess
    const extensions = (pkijsCert(dev.certificateDer).extensions ?? []).map((e) => [
      e.extnID,
      e.critical,
      Buffer.from(e.extnValue.valueBlock.valueHexView).toString('hex'),
    ]);
    expect(extensions.map(([id, critical]) => [id, critical])).toEqual([
      ['2.5.29.19', true],
      ['2.5.29.15', true],
      ['2.5.29.37', false],
      ['2.5.29.14', false],
      ['2.5.29.35', false],
      ['1.3.6.1.4.1.55555.1.1', true],
    ]);
    expect(extensions[0]?.[2]).toBe('30030101ff');
    expect(extensions[5]?.[2]).toBe('0500');
    expect(new X509Certificate(dev.certificateDer).verify(ca.publicKey)).toBe(true);
  });
});

describe('parseSubjectString', () => {
  it('splits RDNs, multi-valued RDNs and escapes', () => {
    expect(parseSubjectString('C=JP, O=A\\,B+OU=x\\+y ,CN=dev')).toEqual([
      [{ type: 'C', value: 'JP' }],
      [
        { type: 'O', value: 'A,B' },
        { type: 'OU', value: 'x+y' },
      ],
      [{ type: 'CN', value: 'dev' }],
    ]);
  });

  it('rejects an unknown attribute type and a component without =', () => {
    expect(() => nameDer('XX=1')).toThrow('unknown subject attribute type "XX"');
    expect(() => nameDer('CN')).toThrow('subject component "CN" is not TYPE=VALUE');
  });
});

describe('createVerificationCertificate', () => {
  it('puts the registration code in the CN and is issued by the CA', () => {
    const ca = rsaCa();
    const v = createVerificationCertificate({ ca, registrationCode: 'a1b2c3d4e5f6', keyType: 'ec' });
    const x = new X509Certificate(v.certificatePem);
    expect(x.subject).toBe('CN=a1b2c3d4e5f6');
    expect(x.verify(ca.publicKey)).toBe(true);
  });
});

describe('buildCrl', () => {
  it('builds a v2 CRL that pkijs parses and verifies, with serials, dates, reasons and number', async () => {
    // Prepare
    const ca = rsaCa();
    const revoked = new Date('2026-05-01T00:00:00Z');
    // Act
    const der = buildCrl({
      ca,
      entries: [
        { serial: '0091f0', revocationDate: revoked, reason: 'keyCompromise' },
        { serial: Uint8Array.from([0x01, 0x02]), revocationDate: new Date('2051-01-01T00:00:00Z') },
      ],
      thisUpdate: NOW,
      nextUpdate: new Date('2026-06-08T12:00:00Z'),
      crlNumber: 4242,
    });
    // Assess
    const crl = pkijsCrl(der);
    const caCert = pkijsCert(ca.certificateDer);
    expect(await crl.verify({ issuerCertificate: caCert })).toBe(true);
    expect(crl.version).toBe(1);
    expect(crl.thisUpdate.value.toISOString()).toBe(NOW.toISOString());
    expect(crl.nextUpdate?.value.toISOString()).toBe('2026-06-08T12:00:00.000Z');
    const entries = (crl.revokedCertificates ?? []).map((r) => ({
      serial: Buffer.from(r.userCertificate.valueBlock.valueHexView).toString('hex'),
      date: r.revocationDate.value.toISOString(),
      ext: r.crlEntryExtensions?.extensions.map((e) => e.extnID) ?? [],
    }));
    expect(entries).toEqual([
      { serial: '0091f0', date: '2026-05-01T00:00:00.000Z', ext: ['2.5.29.21'] },
      { serial: '0102', date: '2051-01-01T00:00:00.000Z', ext: [] },
    ]);
    expect(crl.crlExtensions?.extensions.map((e) => e.extnID)).toEqual(['2.5.29.35', '2.5.29.20']);
  });

  it('builds a v1 CRL without version or extensions, and an empty v2 CRL', async () => {
    const ca = ecCa();
    const v1 = pkijsCrl(
      buildCrl({ ca, entries: [{ serial: '05', revocationDate: NOW }], thisUpdate: NOW, version: 1 }),
    );
    expect(v1.version).toBe(0);
    expect(v1.crlExtensions).toBeUndefined();
    expect(await v1.verify({ issuerCertificate: pkijsCert(ca.certificateDer) })).toBe(true);
    const empty = pkijsCrl(buildCrl({ ca, entries: [], thisUpdate: NOW }));
    expect(empty.revokedCertificates).toBeUndefined();
  });

  it('refuses extensions in a v1 CRL', () => {
    expect(() =>
      buildCrl({
        ca: ecCa(),
        entries: [{ serial: '05', revocationDate: NOW, reason: 'superseded' }],
        thisUpdate: NOW,
        version: 1,
      }),
    ).toThrow('a v1 CRL cannot carry entry extensions');
  });

  it('creates a different CA each call', () => {
    const a = createCa({ keyType: 'ec' });
    const b = createCa({ keyType: 'ec' });
    expect(a.certificatePem).not.toBe(b.certificatePem);
  });
});
