// "Signed by this CA" is one check for certificates and CRLs (lib/certificate/signed-by.ts):
// the same CA constraints apply to both, each with its own keyUsage bit.
import { describe, expect, it } from 'vitest';
import { type CertificateFacts, parseCertificate, verifyIssuedBy } from '../../../lib/certificate/index.js';
import { loadCrl } from '../../../lib/crl/index.js';
import { issueDeviceCertificate } from '../../../lib/pki/index.js';
import { expectJitrErrorSync } from '../../helpers/expect-jitr-error.js';
import { ecCa, NOW } from '../../helpers/pki-fixtures.js';
import { crlOf } from '../crl/crl-fixtures.js';

/** The fixture CA's facts with another keyUsage (as if its certificate said so). */
function caWithKeyUsage(keyUsage: string[] | null): CertificateFacts {
  return { ...parseCertificate(ecCa().certificatePem), keyUsage };
}

const device = () =>
  parseCertificate(
    issueDeviceCertificate({ ca: ecCa(), keyType: 'ec', subject: 'CN=dev-1', now: NOW }).certificatePem,
  );
const crl = (ca: CertificateFacts) => () => loadCrl(crlOf(ecCa()), ca, { now: NOW, maxStalenessSeconds: 0 });

describe('signed by this CA', () => {
  it('accepts a certificate and a CRL when the CA may sign both (or says nothing)', () => {
    // Act / Assess
    for (const ca of [caWithKeyUsage(['keyCertSign', 'cRLSign']), caWithKeyUsage(null)]) {
      expect(() => verifyIssuedBy(device(), ca)).not.toThrow();
      expect(crl(ca)().entryCount).toBe(3);
    }
  });

  it('refuses a CRL from a CA whose keyUsage lacks cRLSign, as it refuses a certificate without keyCertSign', () => {
    // Act
    const crlError = expectJitrErrorSync(crl(caWithKeyUsage(['keyCertSign'])));
    const certError = expectJitrErrorSync(() => verifyIssuedBy(device(), caWithKeyUsage(['cRLSign'])));
    // Assess
    expect([crlError.code, crlError.details.keyUsage]).toEqual(['CrlSignerNotAuthorized', ['keyCertSign']]);
    expect([certError.code, certError.details.keyUsage]).toEqual(['CertificateNotIssuedByCa', ['cRLSign']]);
  });

  it('refuses both from a certificate that is not a CA', () => {
    // Prepare
    const notCa = { ...caWithKeyUsage(null), isCa: false };
    // Act / Assess
    expect(expectJitrErrorSync(crl(notCa)).code).toBe('CrlIssuerMismatch');
    expect(expectJitrErrorSync(() => verifyIssuedBy(device(), notCa)).code).toBe('CertificateNotIssuedByCa');
  });
});
