import { describe, expect, it } from 'vitest';
import {
  type CertificateFacts,
  checkValidity,
  DEFAULT_VALIDITY_SKEW_SECONDS,
  parseCertificate,
  verifyIssuedBy,
} from '../../../lib/certificate/index.js';
import { type Ca, createCa, issueDeviceCertificate, nameDer } from '../../../lib/pki/index.js';
import { ecCa, impostorEcCa, NOW, otherCa, p384Ca, rsaCa } from '../../helpers/pki-fixtures.js';

function codeOf(fn: () => void): string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

const issue = (ca: Ca, extra: Partial<Parameters<typeof issueDeviceCertificate>[0]> = {}): CertificateFacts =>
  parseCertificate(
    issueDeviceCertificate({ ca, subject: 'CN=dev-001', keyType: 'ec', ...extra }).certificateDer,
  );

describe('verifyIssuedBy', () => {
  it.each([
    ['RSA-2048 PKCS#1 v1.5 SHA-256', rsaCa, 'rsa-pkcs1-sha256'],
    ['RSA-2048 PKCS#1 v1.5 SHA-384', rsaCa, 'rsa-pkcs1-sha384'],
    ['RSA-2048 PSS SHA-256', rsaCa, 'rsa-pss-sha256'],
    ['RSA-2048 PSS SHA-384', rsaCa, 'rsa-pss-sha384'],
    ['EC P-256 SHA-256', ecCa, 'ecdsa-sha256'],
    ['RSA-2048 PKCS#1 v1.5 SHA-512', rsaCa, 'rsa-pkcs1-sha512'],
    ['EC P-384 SHA-384', p384Ca, 'ecdsa-sha384'],
    ['EC P-256 SHA-512', ecCa, 'ecdsa-sha512'],
  ] as const)('accepts a certificate signed by the CA (%s)', (_name, ca, signatureAlgorithm) => {
    const cert = issue(ca(), { signatureAlgorithm });
    expect(codeOf(() => verifyIssuedBy(cert, parseCertificate(ca().certificatePem)))).toBe('ok');
  });

  it('accepts an Ed25519 CA and certificate', () => {
    const ca = createCa({ keyType: 'ed25519', subject: 'CN=Ed CA' });
    const cert = issue(ca, { keyType: 'ed25519' });
    expect([cert.signatureAlgorithm.name, cert.keyAlgorithm]).toEqual(['ed25519', { type: 'ed25519' }]);
    expect(codeOf(() => verifyIssuedBy(cert, parseCertificate(ca.certificatePem)))).toBe('ok');
  });

  it('refuses sha1WithRSAEncryption as CertificateUnsupportedAlgorithm', () => {
    // Prepare: rewrite both AlgorithmIdentifiers from sha256WithRSA (…01 01 0b) to sha1WithRSA (…01 01 05).
    const der = Buffer.from(
      issueDeviceCertificate({ ca: rsaCa(), subject: 'CN=x', keyType: 'ec' }).certificateDer,
    );
    const oid = Buffer.from('2a864886f70d01010b', 'hex');
    for (let at = der.indexOf(oid); at >= 0; at = der.indexOf(oid, at + 1)) der[at + oid.length - 1] = 0x05;
    // Act + Assess
    const cert = parseCertificate(der);
    expect(cert.signatureAlgorithm).toMatchObject({
      name: 'unsupported:1.2.840.113549.1.1.5',
      supported: false,
    });
    expect(codeOf(() => verifyIssuedBy(cert, parseCertificate(rsaCa().certificatePem)))).toBe(
      'CertificateUnsupportedAlgorithm',
    );
  });

  it('rejects a certificate from another CA as CertificateNotIssuedByCa', () => {
    const cert = issue(otherCa());
    expect(codeOf(() => verifyIssuedBy(cert, parseCertificate(ecCa().certificatePem)))).toBe(
      'CertificateNotIssuedByCa',
    );
  });

  it('rejects a same-named CA with another key (AKI mismatch) as CertificateNotIssuedByCa', () => {
    const cert = issue(impostorEcCa());
    expect(codeOf(() => verifyIssuedBy(cert, parseCertificate(ecCa().certificatePem)))).toBe(
      'CertificateNotIssuedByCa',
    );
  });

  it('rejects a same-named CA with another key and no AKI as CertificateSignatureInvalid', () => {
    const cert = issue(impostorEcCa(), { authorityKeyIdentifier: null });
    expect(codeOf(() => verifyIssuedBy(cert, parseCertificate(ecCa().certificatePem)))).toBe(
      'CertificateSignatureInvalid',
    );
  });

  it('rejects a tampered signature and a tampered tbsCertificate as CertificateSignatureInvalid', () => {
    // Prepare
    const ca = parseCertificate(rsaCa().certificatePem);
    const der = issueDeviceCertificate({ ca: rsaCa(), subject: 'CN=dev-001', keyType: 'ec' }).certificateDer;
    const badSig = Buffer.from(der);
    badSig[badSig.length - 5] = (badSig[badSig.length - 5] as number) ^ 0x01;
    const badTbs = Buffer.from(der);
    const at = badTbs.indexOf(Buffer.from('dev-001'));
    badTbs[at] = 'D'.charCodeAt(0);
    // Act + Assess
    expect(codeOf(() => verifyIssuedBy(parseCertificate(badSig), ca))).toBe('CertificateSignatureInvalid');
    expect(codeOf(() => verifyIssuedBy(parseCertificate(badTbs), ca))).toBe('CertificateSignatureInvalid');
  });

  it('compares issuer and CA subject as RFC 5280 does: case, whitespace and string type', () => {
    // Prepare: same key, issuer written in another case, spacing and string type.
    const ca = ecCa();
    const respelled = {
      ...ca,
      subjectDer: nameDer([
        { type: 'C', value: 'jp', stringType: 'utf8' },
        { type: 'O', value: '  EXAMPLE   corp ', stringType: 'printable' },
        { type: 'CN', value: 'example ec ca', stringType: 'bmp' },
      ]),
    };
    const cert = issue(respelled);
    // Act + Assess
    expect(cert.issuer.rfc4514).not.toBe(parseCertificate(ca.certificatePem).subject.rfc4514);
    expect(codeOf(() => verifyIssuedBy(cert, parseCertificate(ca.certificatePem)))).toBe('ok');
  });

  it('refuses a "CA" whose certificate says it is not a CA', () => {
    // Prepare: a device certificate used as the CA, and a certificate naming it as issuer.
    const leaf = issueDeviceCertificate({ ca: ecCa(), subject: 'CN=not-a-ca', keyType: 'ec' });
    const fake: Ca = { ...ecCa(), subjectDer: nameDer('CN=not-a-ca'), subjectKeyIdentifier: null };
    const cert = issue(fake);
    // Act + Assess
    expect(codeOf(() => verifyIssuedBy(cert, parseCertificate(leaf.certificateDer)))).toBe(
      'CertificateNotIssuedByCa',
    );
  });

  it('gives evidence in the error details', () => {
    try {
      verifyIssuedBy(issue(otherCa()), parseCertificate(ecCa().certificatePem));
      expect.unreachable();
    } catch (error) {
      expect((error as { toJSON(): unknown }).toJSON()).toEqual({
        name: 'CertificateNotIssuedByCaError',
        code: 'CertificateNotIssuedByCa',
        disposition: 'rejected',
        step: 'certificate-issuer',
        message:
          'Certificate issuer "CN=Other CA,O=Other Inc,C=US" is not the CA "CN=Example EC CA,O=Example Corp,C=JP"',
        remedy: 'Issue the device certificate from the CA it was registered under (or register its real CA).',
        details: {
          issuer: 'CN=Other CA,O=Other Inc,C=US',
          caSubject: 'CN=Example EC CA,O=Example Corp,C=JP',
        },
      });
    }
  });
});

describe('checkValidity', () => {
  const cert = issue(ecCa(), {
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2026-12-31T00:00:00Z'),
  });

  it('accepts a time inside the window and inside the skew at both ends', () => {
    expect(codeOf(() => checkValidity(cert, NOW, 0))).toBe('ok');
    expect(codeOf(() => checkValidity(cert, new Date('2025-12-31T23:55:00Z'), 300))).toBe('ok');
    expect(codeOf(() => checkValidity(cert, new Date('2026-12-31T00:05:00Z'), 300))).toBe('ok');
  });

  it('rejects an expired certificate as CertificateExpired', () => {
    expect(codeOf(() => checkValidity(cert, new Date('2026-12-31T00:05:01Z'), 300))).toBe(
      'CertificateExpired',
    );
  });

  it('rejects a not-yet-valid certificate as CertificateNotYetValid', () => {
    expect(codeOf(() => checkValidity(cert, new Date('2025-12-31T23:54:59Z'), 300))).toBe(
      'CertificateNotYetValid',
    );
  });

  it('has a 5-minute default skew', () => {
    expect(DEFAULT_VALIDITY_SKEW_SECONDS).toBe(300);
  });
});
