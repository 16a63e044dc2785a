// Issue 9, class 8: parse X.509 exactly as RFC 5280 / X.680 define it, and class 6: linear PEM
// decoding with size caps. Every refusal is a typed CertificateMalformed.
import { describe, expect, it } from 'vitest';
import { MAX_CERTIFICATE_BYTES, parseCertificate } from '../../../lib/certificate/index.js';
import { PemError, pemToDer, toDer } from '../../../lib/certificate/pem.js';
import { MAX_CRL_BYTES } from '../../../lib/crl/index.js';
import { tlv } from '../../../lib/pki/der-writer.js';
import { issueDeviceCertificate, type SubjectInput } from '../../../lib/pki/index.js';
import { certificateParameters } from '../../../lib/template/certificate-parameters.js';
import { ecCa } from '../../helpers/pki-fixtures.js';

function issue(subject: SubjectInput = 'CN=dev-1', san?: { dns?: string[]; uri?: string[] }): Buffer {
  return issueDeviceCertificate({ ca: ecCa(), subject, keyType: 'ec', ...(san === undefined ? {} : { san }) })
    .certificateDer;
}

function codeOf(input: string | Uint8Array): string {
  try {
    parseCertificate(input);
    return 'parsed';
  } catch (error) {
    return (error as { code?: string }).code ?? `untyped ${String(error)}`;
  }
}

/** Replaces the first occurrence of `from` (hex) by `to` (hex) in the DER; lengths must match. */
function patched(der: Buffer, from: string, to: string): Buffer {
  const at = der.indexOf(Buffer.from(from, 'hex'));
  expect(at).toBeGreaterThan(0);
  const out = Buffer.from(der);
  Buffer.from(to, 'hex').copy(out, at);
  return out;
}

describe('strict DER', () => {
  const VERSION_V3 = 'a003020102';

  it('parses the certificate as issued', () => {
    expect(parseCertificate(issue()).version).toBe(3);
  });

  it.each([
    ['a version that is not an INTEGER', 'a00302010a'.replace('02010a', '0a0102')],
    ['an explicitly encoded default v1', 'a003020100'],
    ['an unknown version (v4)', 'a003020103'],
  ])('refuses %s', (_name, version) => {
    expect(codeOf(patched(issue(), VERSION_V3, version))).toBe('CertificateMalformed');
  });

  it('refuses extensions in a certificate that says it is v2', () => {
    expect(codeOf(patched(issue(), VERSION_V3, 'a003020101'))).toBe('CertificateMalformed');
  });

  // The toolkit refuses to issue these, so a valid value is patched in the DER afterwards.
  it.each([
    ['a PrintableString with "*"', 'printable' as const, '612a62'],
    ['a PrintableString with "@"', 'printable' as const, '614062'],
    ['an IA5String with a byte above 0x7f', 'ia5' as const, '61e462'],
  ])('refuses %s in the subject', (_name, stringType, bad) => {
    const der = issue([{ type: 'CN', value: 'a.b', stringType }]);
    expect(codeOf(der)).toBe('parsed');
    expect(codeOf(patched(der, '612e62', bad))).toBe('CertificateMalformed');
  });

  it('refuses a BMPString holding a surrogate', () => {
    // U+D83D alone, written as BMP (UCS-2 has no surrogates).
    const der = issue([{ type: 'CN', value: 'ab', stringType: 'bmp' }]);
    expect(codeOf(patched(der, '1e0400610062', '1e04d83d0062'))).toBe('CertificateMalformed');
  });

  it('refuses a subjectAltName dNSName or URI that is not ASCII (IA5String)', () => {
    const hex = (text: string) => Buffer.from(text, 'latin1').toString('hex');
    const dns = issue('CN=dev-1', { dns: ['gerxt.example'] });
    expect(codeOf(patched(dns, hex('gerxt'), hex('ger\u00e4t')))).toBe('CertificateMalformed');
    const uri = issue('CN=dev-1', { uri: ['urn:x'] });
    expect(codeOf(patched(uri, hex('urn:x'), hex('urn:\u00ff')))).toBe('CertificateMalformed');
    expect(parseCertificate(issue('CN=dev-1', { dns: ['dev.example'] })).sanDns).toEqual(['dev.example']);
  });

  it('never makes a parameter of a TeletexString value (T.61 is not decoded exactly)', () => {
    const facts = parseCertificate(issue([{ type: 'CN', value: 'dev-1', stringType: 'teletex' }]));
    expect(facts.subject.attributes.CN).toEqual(['dev-1']);
    expect(certificateParameters(facts, facts.sha256)['AWS::IoT::Certificate::CommonName']).toBeUndefined();
  });

  it('decodes UTF8String, PrintableString, BMPString and UniversalString values as parameters', () => {
    const facts = parseCertificate(
      issue([
        { type: 'C', value: 'DE', stringType: 'printable' },
        { type: 'O', value: 'Grüße', stringType: 'utf8' },
        { type: 'OU', value: 'Ω-line', stringType: 'bmp' },
        { type: 'CN', value: 'dev😀', stringType: 'universal' },
      ]),
    );
    const p = certificateParameters(facts, facts.sha256);
    expect([p['AWS::IoT::Certificate::Country'], p['AWS::IoT::Certificate::Organization']]).toEqual([
      'DE',
      'Grüße',
    ]);
    expect([p['AWS::IoT::Certificate::OrganizationalUnit'], p['AWS::IoT::Certificate::CommonName']]).toEqual([
      'Ω-line',
      'dev😀',
    ]);
  });
});

describe('PEM decoding', () => {
  const pem = (der: Buffer, label = 'CERTIFICATE') =>
    `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;

  it('takes the first CERTIFICATE block and skips other labels', () => {
    const der = issue();
    const text = `${pem(Buffer.from('key material'), 'EC PRIVATE KEY')}${pem(der)}${pem(issue())}`;
    expect(parseCertificate(text).der).toEqual(der);
  });

  it.each([
    ['repeated BEGIN lines without END', '-----BEGIN CERTIFICATE-----\n'.repeat(2_000)],
    ['a BEGIN line followed by endless base64', `-----BEGIN CERTIFICATE-----\n${'A'.repeat(60_000)}`],
    ['a label that never closes', `-----BEGIN ${'C'.repeat(60_000)}`],
    ['mismatched labels', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----\n'],
    [
      'a nested BEGIN',
      '-----BEGIN CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
    ],
    ['headers', '-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END CERTIFICATE-----\n'],
    ['no certificate block', pem(Buffer.from('x'), 'PUBLIC KEY')],
  ])('refuses %s with a typed error', (_name, text) => {
    expect(text.length).toBeLessThanOrEqual(MAX_CERTIFICATE_BYTES);
    expect(codeOf(text)).toBe('CertificateMalformed');
  });

  it(`refuses certificate input over ${MAX_CERTIFICATE_BYTES} bytes before decoding it, PEM or DER`, () => {
    const der = issue();
    const padded = `${pem(der)}${' '.repeat(MAX_CERTIFICATE_BYTES)}`;
    expect(codeOf(padded)).toBe('CertificateMalformed');
    expect(() => parseCertificate(padded)).toThrow(/at most 65536/);
    expect(codeOf(Buffer.concat([der, Buffer.alloc(MAX_CERTIFICATE_BYTES)]))).toBe('CertificateMalformed');
    expect(codeOf(`${pem(der)}${' '.repeat(MAX_CERTIFICATE_BYTES - pem(der).length)}`)).toBe('parsed');
  });

  it('caps CRLs high enough for a 1,000,000-entry CRL as PEM (≈ 52 MB)', () => {
    expect(MAX_CRL_BYTES).toBeGreaterThan(52_000_000 * 1.2);
    expect(() => toDer('AAAA', ['X509 CRL'], 3)).toThrow(PemError);
  });

  it('decodes a block whose body contains no dashes, and refuses a body that runs into another boundary', () => {
    expect(pemToDer('-----BEGIN CRL-----\nAAEC\n-----END CRL-----', ['CRL'])).toEqual(Buffer.from([0, 1, 2]));
    expect(() => pemToDer('-----BEGIN CRL-----\nAAEC\n-----BEGIN CRL-----', ['CRL'])).toThrow(PemError);
  });

  it('keeps tlv helpers honest', () => {
    expect(tlv(0x04, Buffer.from([1]))).toEqual(Buffer.from([4, 1, 1]));
  });
});
