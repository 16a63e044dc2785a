import { X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DerError, readTlv } from '../../../lib/certificate/der.js';
import { CertificateMalformedError, parseCertificate } from '../../../lib/certificate/index.js';
import { parseName } from '../../../lib/certificate/name.js';
import { octetString, oid, sequence, set, tlv } from '../../../lib/pki/der-writer.js';
import { issueDeviceCertificate } from '../../../lib/pki/index.js';
import { ecCa, NOW, p384Ca, rsaCa } from '../../helpers/pki-fixtures.js';

function device(subject = 'C=JP,O=Example,CN=dev-001,serialNumber=SN1') {
  return issueDeviceCertificate({
    ca: ecCa(),
    subject,
    serial: '91f0c2',
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2027-01-01T00:00:00Z'),
    san: { dns: ['dev-001.example.com', 'alt.example.com'], uri: ['urn:example:dev-001'] },
    keyType: 'ec',
  });
}

function malformedCode(input: string | Uint8Array): string {
  try {
    parseCertificate(input);
  } catch (error) {
    if (error instanceof CertificateMalformedError) return error.code;
    throw error;
  }
  return 'parsed';
}

describe('parseCertificate', () => {
  it('extracts subject, issuer, serial, validity, fingerprint, SAN and key from PEM', () => {
    // Prepare
    const dev = device();
    // Act
    const facts = parseCertificate(dev.certificatePem);
    // Assess
    expect(facts.subject.rfc4514).toBe('serialNumber=SN1,CN=dev-001,O=Example,C=JP');
    expect(facts.subject.attributes).toEqual({
      C: ['JP'],
      O: ['Example'],
      CN: ['dev-001'],
      serialNumber: ['SN1'],
    });
    expect(facts.issuer.rfc4514).toBe('CN=Example EC CA,O=Example Corp,C=JP');
    expect(facts.serialHex).toBe('0091f0c2');
    expect(Buffer.from(facts.serialBytes).toString('hex')).toBe('0091f0c2');
    expect(facts.notBefore.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(facts.notAfter.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(facts.sha256).toBe(
      new X509Certificate(dev.certificatePem).fingerprint256.replace(/:/g, '').toLowerCase(),
    );
    expect(facts.sanDns).toEqual(['dev-001.example.com', 'alt.example.com']);
    expect(facts.sanUri).toEqual(['urn:example:dev-001']);
    expect(facts.keyAlgorithm).toEqual({ type: 'ec', curve: 'P-256' });
    expect(facts.signatureAlgorithm.name).toBe('ecdsa-sha256');
    expect(facts.version).toBe(3);
    expect(facts.isCa).toBe(false);
    expect(facts.keyUsage).toEqual(['digitalSignature']);
    expect(facts.authorityKeyIdentifier).toBe(ecCa().subjectKeyIdentifier?.toString('hex'));
  });

  it('gives the same facts for DER, bare base64, CRLF and padded PEM', () => {
    const dev = device();
    const reference = parseCertificate(dev.certificateDer);
    const body = dev.certificatePem.replace(/-----[^-]+-----/g, '');
    const variants = [
      dev.certificatePem,
      dev.certificatePem.replace(/\n/g, '\r\n'),
      `\n\n   ${dev.certificatePem.replace(/\n/g, '\n   ')}\n\n`,
      body,
      body.replace(/\n/g, ''),
      new Uint8Array(Buffer.from(dev.certificatePem)),
    ];
    for (const input of variants) expect(parseCertificate(input).sha256).toBe(reference.sha256);
  });

  it('takes the first CERTIFICATE block and skips blocks with other labels', () => {
    // Prepare
    const leaf = device();
    const text = `${leaf.privateKeyPem}${leaf.certificatePem}${ecCa().certificatePem}`;
    // Act
    const facts = parseCertificate(text);
    // Assess
    expect(facts.sha256).toBe(leaf.certificateId);
  });

  it('reads RSA and P-384 keys and signatures', () => {
    const rsa = parseCertificate(rsaCa().certificatePem);
    expect(rsa.keyAlgorithm).toEqual({ type: 'rsa', bits: 2048 });
    expect(rsa.signatureAlgorithm.name).toBe('rsa-pkcs1-sha256');
    expect(rsa.isCa).toBe(true);
    expect(rsa.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    const p384 = parseCertificate(p384Ca().certificatePem);
    expect(p384.keyAlgorithm).toEqual({ type: 'ec', curve: 'P-384' });
    expect(p384.signatureAlgorithm.name).toBe('ecdsa-sha384');
    const pss = parseCertificate(
      issueDeviceCertificate({
        ca: rsaCa(),
        subject: 'CN=x',
        signatureAlgorithm: 'rsa-pss-sha384',
        keyType: 'ec',
      }).certificateDer,
    );
    expect(pss.signatureAlgorithm).toMatchObject({
      name: 'rsa-pss-sha384',
      hash: 'sha384',
      pssSaltLength: 48,
    });
  });

  it('decodes every ASN.1 string type and multi-valued RDNs', () => {
    // Prepare
    const dev = issueDeviceCertificate({
      ca: ecCa(),
      keyType: 'ec',
      subject: [
        { type: 'C', value: 'DE' },
        [
          { type: 'O', value: 'Grüße GmbH', stringType: 'utf8' },
          { type: 'OU', value: 'Line 7', stringType: 'printable' },
        ],
        { type: 'L', value: 'mail@host', stringType: 'ia5' },
        { type: 'ST', value: 'Bayern äöü', stringType: 'teletex' },
        { type: 'CN', value: 'Gerät Ω', stringType: 'bmp' },
        { type: 'dnQualifier', value: 'q😀', stringType: 'universal' },
      ],
    });
    // Act
    const subject = parseCertificate(dev.certificatePem).subject;
    // Assess
    expect(subject.rdns).toEqual([
      [{ oid: '2.5.4.6', type: 'C', value: 'DE', stringType: 'printable' }],
      [
        { oid: '2.5.4.11', type: 'OU', value: 'Line 7', stringType: 'printable' },
        { oid: '2.5.4.10', type: 'O', value: 'Grüße GmbH', stringType: 'utf8' },
      ],
      [{ oid: '2.5.4.7', type: 'L', value: 'mail@host', stringType: 'ia5' }],
      [{ oid: '2.5.4.8', type: 'ST', value: 'Bayern äöü', stringType: 'teletex' }],
      [{ oid: '2.5.4.3', type: 'CN', value: 'Gerät Ω', stringType: 'bmp' }],
      [{ oid: '2.5.4.46', type: 'dnQualifier', value: 'q😀', stringType: 'universal' }],
    ]);
    expect(subject.rfc4514).toBe(
      'dnQualifier=q😀,CN=Gerät Ω,ST=Bayern äöü,L=mail@host,OU=Line 7+O=Grüße GmbH,C=DE',
    );
  });

  it('escapes RFC 4514 special characters and keeps repeated attributes in order', () => {
    const dev = device('O=A\\,B,OU=first,OU=second,CN=\\#hash+CN= lead');
    const subject = parseCertificate(dev.certificatePem).subject;
    // Inside one RDN, DER sorts the members by their encoding (the shorter 'lead' first).
    expect(subject.attributes).toEqual({ O: ['A,B'], OU: ['first', 'second'], CN: ['lead', '#hash'] });
    expect(subject.rfc4514).toBe('CN=lead+CN=\\#hash,OU=second,OU=first,O=A\\,B');
  });

  it('shows an attribute that is not a string as #hex and keeps unknown types as OIDs', () => {
    // Prepare: Name { SET { 1.2.3.4 = OCTET STRING 'ab' }, SET { CN = 'x' } }
    const der = sequence(
      set(sequence(oid('1.2.3.4'), octetString(Buffer.from('ab')))),
      set(sequence(oid('2.5.4.3'), tlv(0x0c, Buffer.from('x')))),
    );
    // Act
    const name = parseName(der, readTlv(der, 0, der.length));
    // Assess
    expect(name.rdns).toEqual([
      [{ oid: '1.2.3.4', type: '1.2.3.4', value: '#04026162', stringType: 'other' }],
      [{ oid: '2.5.4.3', type: 'CN', value: 'x', stringType: 'utf8' }],
    ]);
    expect(name.rfc4514).toBe('CN=x,1.2.3.4=#04026162');
  });

  it('rejects invalid UTF-8, odd BMPString and bad UniversalString lengths', () => {
    for (const [tag, bytes] of [
      [0x0c, [0xff, 0xfe]],
      [0x1e, [0x00, 0x41, 0x00]],
      [0x1c, [0x00, 0x00, 0x41]],
    ] as const) {
      const der = sequence(set(sequence(oid('2.5.4.3'), tlv(tag, Buffer.from(bytes)))));
      expect(() => parseName(der, readTlv(der, 0, der.length))).toThrow(DerError);
    }
  });

  it.each([
    ['an empty string', ''],
    ['random text', 'hello world'],
    ['a PEM block with bad base64', '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n'],
    ['a PEM file with only a key', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'],
    ['mismatched PEM labels', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CRL-----\n'],
  ])('rejects %s as CertificateMalformed', (_name, input) => {
    expect(malformedCode(input)).toBe('CertificateMalformed');
  });

  it('rejects truncated DER, trailing bytes and a wrong outer tag', () => {
    const der = device().certificateDer;
    expect(malformedCode(der.subarray(0, der.length - 1))).toBe('CertificateMalformed');
    expect(malformedCode(Buffer.concat([der, Buffer.from([0])]))).toBe('CertificateMalformed');
    expect(malformedCode(Uint8Array.from([0x30, 0x80, 0, 0]))).toBe('CertificateMalformed');
    expect(malformedCode(Uint8Array.from([0x31, 0x00]))).toBe('CertificateMalformed');
  });

  it('never throws anything but CertificateMalformed for corrupted DER', () => {
    const der = device().certificateDer;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: der.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (at, xor) => {
          const bad = Buffer.from(der);
          bad[at] = (bad[at] as number) ^ xor;
          const result = malformedCode(bad);
          expect(['CertificateMalformed', 'parsed']).toContain(result);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('parses the validity of a certificate issued at the fixed clock', () => {
    const facts = parseCertificate(
      issueDeviceCertificate({ ca: ecCa(), subject: 'CN=x', now: NOW, days: 1, keyType: 'ec' })
        .certificateDer,
    );
    expect(facts.notBefore.toISOString()).toBe('2026-06-01T11:59:00.000Z');
    expect(facts.notAfter.toISOString()).toBe('2026-06-02T11:59:00.000Z');
  });
});
