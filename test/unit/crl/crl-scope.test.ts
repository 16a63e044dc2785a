// Issue 9, class 7: a partitioned CRL proves nothing about a certificate outside its scope, and
// only a key allowed to sign CRLs (keyUsage cRLSign) may sign one. Both are configuration errors.
import { describe, expect, it } from 'vitest';
import { type CertificateFacts, parseCertificate } from '../../../lib/certificate/index.js';
import { loadCrl, type VerifiedCrl } from '../../../lib/crl/index.js';
import { checkRevocation } from '../../../lib/crl/revocation-check.js';
import { buildCrl, issueDeviceCertificate, type RawExtension } from '../../../lib/pki/index.js';
import {
  crlDistributionPointsExtension,
  issuingDistributionPointExtension,
} from '../../helpers/distribution-points.js';
import { ecCa, NOW } from '../../helpers/pki-fixtures.js';

const P1 = 'http://crl.example.com/p1.crl';
const P2 = 'http://crl.example.com/p2.crl';
const CA_ID = 'c'.repeat(64);

const caFacts = (): CertificateFacts => parseCertificate(ecCa().certificatePem);

function device(extensions: RawExtension[] = [], serial = '0a01'): CertificateFacts {
  return parseCertificate(
    issueDeviceCertificate({ ca: ecCa(), subject: 'CN=dev', keyType: 'ec', now: NOW, serial, extensions })
      .certificateDer,
  );
}

function crl(extensions: RawExtension[] = [], revoked: string[] = []): VerifiedCrl {
  const der = buildCrl({
    ca: ecCa(),
    entries: revoked.map((serial) => ({ serial, revocationDate: NOW })),
    thisUpdate: NOW,
    nextUpdate: new Date(NOW.getTime() + 86_400_000),
    crlNumber: 1,
    extensions,
  });
  return loadCrl(der, caFacts(), { now: NOW, maxStalenessSeconds: 0 });
}

async function decide(list: VerifiedCrl, cert: CertificateFacts): Promise<string> {
  try {
    const decision = await checkRevocation({
      store: { get: async () => list },
      mode: 'required',
      caCertificateId: CA_ID,
      ca: caFacts(),
      cert,
      now: NOW,
    });
    return decision.checked ? 'not-revoked' : 'unchecked';
  } catch (error) {
    return `${(error as { code: string }).code}/${(error as { disposition: string }).disposition}`;
  }
}

describe('CRL scope (issuingDistributionPoint vs cRLDistributionPoints)', () => {
  const partitioned = () => crl([issuingDistributionPointExtension([P1])]);

  it('reads the distribution points of both sides', () => {
    expect(partitioned().distributionPoints?.map((p) => p.text)).toEqual([P1]);
    expect(
      device([crlDistributionPointsExtension([P2], [P1])]).crlDistributionPoints?.map((p) => p.text),
    ).toEqual([P2, P1]);
    expect(device().crlDistributionPoints).toBeNull();
    expect(crl().distributionPoints).toBeNull();
  });

  it('answers for a certificate whose CDP names the CRL point (any of its points)', async () => {
    expect(await decide(partitioned(), device([crlDistributionPointsExtension([P1])]))).toBe('not-revoked');
    expect(await decide(partitioned(), device([crlDistributionPointsExtension([P2], [P1])]))).toBe(
      'not-revoked',
    );
    const revoked = crl([issuingDistributionPointExtension([P1])], ['0a01']);
    expect(await decide(revoked, device([crlDistributionPointsExtension([P1])]))).toBe(
      'CertificateRevoked/rejected',
    );
  });

  it('proves nothing for a certificate naming another point or none: CrlScopeMismatch, never "not revoked"', async () => {
    expect(await decide(partitioned(), device([crlDistributionPointsExtension([P2])]))).toBe(
      'CrlScopeMismatch/configuration',
    );
    expect(await decide(partitioned(), device())).toBe('CrlScopeMismatch/configuration');
    // Even a certificate the partitioned CRL happens to list is not judged by it.
    const listed = crl([issuingDistributionPointExtension([P1])], ['0a01']);
    expect(await decide(listed, device([crlDistributionPointsExtension([P2])]))).toBe(
      'CrlScopeMismatch/configuration',
    );
  });

  it('names both sides in the error', async () => {
    const error = await checkRevocation({
      store: { get: async () => partitioned() },
      mode: 'required',
      caCertificateId: CA_ID,
      ca: caFacts(),
      cert: device([crlDistributionPointsExtension([P2])]),
      now: NOW,
    }).catch((e: unknown) => e);
    expect((error as { details: unknown }).details).toEqual({
      caCertificateId: CA_ID,
      crlDistributionPoints: [P1],
      certificateDistributionPoints: [P2],
    });
  });

  it('lets a complete CRL (no distribution point) answer for every certificate', async () => {
    expect(await decide(crl(), device([crlDistributionPointsExtension([P2])]))).toBe('not-revoked');
    expect(await decide(crl(), device())).toBe('not-revoked');
  });
});

describe('CRL signer', () => {
  const der = () =>
    buildCrl({ ca: ecCa(), entries: [], thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + 86_400_000) });

  it('refuses a CRL from a CA whose keyUsage lacks cRLSign (configuration)', () => {
    const restricted = { ...caFacts(), keyUsage: ['keyCertSign', 'digitalSignature'] };
    let error: unknown;
    try {
      loadCrl(der(), restricted, { now: NOW, maxStalenessSeconds: 0 });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'CrlSignerNotAuthorized', disposition: 'configuration' });
  });

  it('accepts a CA with cRLSign or without keyUsage', () => {
    expect(caFacts().keyUsage).toContain('cRLSign');
    expect(loadCrl(der(), caFacts(), { now: NOW, maxStalenessSeconds: 0 }).entryCount).toBe(0);
    expect(
      loadCrl(der(), { ...caFacts(), keyUsage: null }, { now: NOW, maxStalenessSeconds: 0 }).entryCount,
    ).toBe(0);
  });
});
