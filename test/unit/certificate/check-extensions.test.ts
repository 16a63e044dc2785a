import { describe, expect, it } from 'vitest';
import {
  type CertificateFacts,
  CertificateIsCaError,
  CertificateUnsupportedCriticalExtensionError,
  checkExtensions,
  parseCertificate,
  RECOGNISED_CRITICAL_EXTENSIONS,
  verifyIssuedBy,
} from '../../../lib/certificate/index.js';
import { isJitrError } from '../../../lib/errors/jitr-error.js';
import { integer, octetString, oid, sequence, TRUE, tlv } from '../../../lib/pki/der-writer.js';
import { issueDeviceCertificate, type RawExtension } from '../../../lib/pki/index.js';
import { ecCa, NOW } from '../../helpers/pki-fixtures.js';

const UNKNOWN_OID = '1.3.6.1.4.1.55555.1.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

function device(extensions: RawExtension[]): CertificateFacts {
  return parseCertificate(
    issueDeviceCertificate({ ca: ecCa(), subject: 'CN=dev-001', keyType: 'ec', now: NOW, extensions })
      .certificateDer,
  );
}

/** What checkExtensions throws, as plain data (or 'ok'). */
function outcomeOf(cert: CertificateFacts): unknown {
  try {
    checkExtensions(cert);
    return 'ok';
  } catch (error) {
    if (!isJitrError(error)) throw error;
    return { code: error.code, disposition: error.disposition, step: error.step, details: error.details };
  }
}

const unsupported = (extensionOid: string) => ({
  code: 'CertificateUnsupportedCriticalExtension',
  disposition: 'rejected',
  step: 'certificate-extensions',
  details: { oid: extensionOid },
});

describe('checkExtensions', () => {
  it('accepts the default device certificate and lists its extensions with their critical flags', () => {
    // Act
    const cert = device([]);
    // Assess
    expect(cert.extensions).toEqual([
      { oid: '2.5.29.19', critical: true },
      { oid: '2.5.29.15', critical: true },
      { oid: '2.5.29.37', critical: false },
      { oid: '2.5.29.14', critical: false },
      { oid: '2.5.29.35', critical: false },
    ]);
    expect(outcomeOf(cert)).toBe('ok');
  });

  it('rejects an unknown critical extension with its OID, although the CA signed it', () => {
    // Prepare
    const cert = device([{ oid: UNKNOWN_OID, critical: true, value: octetString(Buffer.from('x')) }]);
    // Act
    let thrown: unknown;
    try {
      checkExtensions(cert);
    } catch (error) {
      thrown = error;
    }
    // Assess
    expect(() => verifyIssuedBy(cert, parseCertificate(ecCa().certificatePem))).not.toThrow();
    expect(thrown).toBeInstanceOf(CertificateUnsupportedCriticalExtensionError);
    expect(outcomeOf(cert)).toEqual(unsupported(UNKNOWN_OID));
    expect((thrown as Error).message).toBe(
      `Certificate carries an unsupported critical extension ${UNKNOWN_OID}`,
    );
  });

  it('accepts the same extension when it is not critical', () => {
    // Prepare
    const cert = device([{ oid: UNKNOWN_OID, critical: false, value: octetString(Buffer.from('x')) }]);
    // Act + Assess
    expect(cert.extensions.at(-1)).toEqual({ oid: UNKNOWN_OID, critical: false });
    expect(outcomeOf(cert)).toBe('ok');
  });

  it('reports the first unknown critical extension when there are several', () => {
    const cert = device([
      { oid: '1.3.6.1.4.1.55555.1.2', critical: false, value: integer(1) },
      { oid: '1.3.6.1.4.1.55555.1.3', critical: true, value: integer(2) },
      { oid: '1.3.6.1.4.1.55555.1.4', critical: true, value: integer(3) },
    ]);
    expect(outcomeOf(cert)).toEqual(unsupported('1.3.6.1.4.1.55555.1.3'));
  });

  it.each([
    ['basicConstraints (cA absent)', '2.5.29.19', sequence()],
    ['keyUsage', '2.5.29.15', tlv(0x03, Buffer.from([0x07, 0x80]))],
    ['extKeyUsage', '2.5.29.37', sequence(oid(CLIENT_AUTH))],
    ['subjectAltName', '2.5.29.17', sequence(tlv(0x82, Buffer.from('dev-001.example.com')))],
    ['subjectKeyIdentifier', '2.5.29.14', octetString(Buffer.alloc(20, 7))],
    [
      'authorityKeyIdentifier',
      '2.5.29.35',
      sequence(tlv(0x80, ecCa().subjectKeyIdentifier ?? Buffer.alloc(0))),
    ],
    ['certificatePolicies', '2.5.29.32', sequence(sequence(oid('1.3.6.1.4.1.55555.2.1')))],
  ])('accepts a critical %s', (_name, extensionOid, value) => {
    // Prepare
    const cert = device([{ oid: extensionOid, critical: true, value }]);
    // Act + Assess
    expect(cert.extensions.filter((e) => e.oid === extensionOid)).toEqual([
      { oid: extensionOid, critical: true },
    ]);
    expect(outcomeOf(cert)).toBe('ok');
    expect(() => verifyIssuedBy(cert, parseCertificate(ecCa().certificatePem))).not.toThrow();
  });

  it('recognises exactly the documented set', () => {
    expect([...RECOGNISED_CRITICAL_EXTENSIONS].sort()).toEqual([
      '2.5.29.14',
      '2.5.29.15',
      '2.5.29.17',
      '2.5.29.19',
      '2.5.29.32',
      '2.5.29.35',
      '2.5.29.37',
    ]);
  });

  it.each([
    ['nameConstraints', '2.5.29.30', sequence(tlv(0xa0, sequence(tlv(0x82, Buffer.from('example.com')))))],
    ['policyConstraints', '2.5.29.36', sequence(tlv(0x80, Buffer.from([0])))],
    ['inhibitAnyPolicy', '2.5.29.54', integer(0)],
    [
      'cRLDistributionPoints',
      '2.5.29.31',
      sequence(sequence(tlv(0xa0, tlv(0xa0, tlv(0x86, Buffer.from('http://crl.example/ca.crl')))))),
    ],
  ])('rejects a critical %s (not processed on a device certificate)', (_name, extensionOid, value) => {
    const cert = device([{ oid: extensionOid, critical: true, value }]);
    expect(outcomeOf(cert)).toEqual(unsupported(extensionOid));
  });

  it.each([
    ['critical', true],
    ['non-critical', false],
  ])('rejects a device certificate that is a CA (%s basicConstraints cA=TRUE)', (_name, critical) => {
    // Prepare
    const cert = device([{ oid: '2.5.29.19', critical, value: sequence(TRUE) }]);
    // Act
    let thrown: unknown;
    try {
      checkExtensions(cert);
    } catch (error) {
      thrown = error;
    }
    // Assess
    expect(cert.isCa).toBe(true);
    expect(thrown).toBeInstanceOf(CertificateIsCaError);
    expect(outcomeOf(cert)).toEqual({
      code: 'CertificateIsCa',
      disposition: 'rejected',
      step: 'certificate-extensions',
      details: {},
    });
  });

  it('rejects a CA certificate presented as a device certificate', () => {
    expect(outcomeOf(parseCertificate(ecCa().certificatePem))).toEqual({
      code: 'CertificateIsCa',
      disposition: 'rejected',
      step: 'certificate-extensions',
      details: {},
    });
  });
});
