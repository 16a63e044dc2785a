import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CertificateFacts,
  CertificateMalformedError,
  parseCertificate,
} from '../../../lib/certificate/index.js';
import { CertificateRevokedError } from '../../../lib/crl/errors.js';
import { CrlStaleError, loadCrl, type VerifiedCrl } from '../../../lib/crl/index.js';
import { type CrlMode, type CrlStore, checkRevocation } from '../../../lib/crl/revocation-check.js';
import {
  CrlAccessDeniedError,
  CrlNotUsableError,
  CrlUnavailableError,
} from '../../../lib/crl/store-errors.js';
import type { JitrError } from '../../../lib/errors/jitr-error.js';
import { buildCrl, type Ca, createCa, issueDeviceCertificate } from '../../../lib/pki/index.js';
import { expectRejection } from '../../helpers/expect-jitr-error.js';

const T0 = new Date('2026-04-01T00:00:00Z');
const NEXT = new Date('2026-04-08T00:00:00Z');
const CA_ID = 'a'.repeat(64);
const MODES: CrlMode[] = ['required', 'optional'];

let ca: Ca;
let caFacts: CertificateFacts;
let revokedCert: CertificateFacts;
let goodCert: CertificateFacts;
let crl: VerifiedCrl;

/** A store that answers one fixed way and records what it was asked. */
function fakeStore(answer: VerifiedCrl | null | Error): CrlStore & { calls: [string, string][] } {
  const calls: [string, string][] = [];
  return {
    calls,
    async get(caCertificateId, caCert) {
      calls.push([caCertificateId, caCert.sha256]);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

beforeAll(() => {
  ca = createCa({ keyType: 'ec', subject: 'O=Revocation Test,CN=Revocation CA', now: T0 });
  caFacts = parseCertificate(ca.certificateDer);
  // A serial whose high bit is set: its DER INTEGER content starts with 00.
  revokedCert = parseCertificate(
    issueDeviceCertificate({ ca, keyType: 'ec', subject: 'CN=revoked', serial: '80aa', now: T0 })
      .certificateDer,
  );
  goodCert = parseCertificate(
    issueDeviceCertificate({ ca, keyType: 'ec', subject: 'CN=good', serial: '01', now: T0 }).certificateDer,
  );
  const der = buildCrl({
    ca,
    thisUpdate: T0,
    nextUpdate: NEXT,
    crlNumber: 42,
    entries: [
      { serial: '80aa', revocationDate: new Date('2026-03-31T10:00:00Z'), reason: 'keyCompromise' },
      { serial: '02', revocationDate: new Date('2026-03-30T10:00:00Z') },
    ],
  });
  crl = loadCrl(der, caFacts, { now: T0, maxStalenessSeconds: 0 });
});

describe('checkRevocation', () => {
  it.each(MODES)('returns the CRL evidence for a certificate that is not listed (%s)', async (mode) => {
    // Prepare
    const store = fakeStore(crl);

    // Act
    const decision = await checkRevocation({
      store,
      mode,
      caCertificateId: CA_ID,
      ca: caFacts,
      cert: goodCert,
      now: T0,
    });

    // Assess
    expect(decision).toEqual({
      checked: true,
      evidence: { crlNumber: '42', thisUpdate: T0, nextUpdate: NEXT, entryCount: 2 },
    });
    expect(store.calls).toEqual([[CA_ID, caFacts.sha256]]);
  });

  it.each(MODES)('rejects a listed certificate with the evidence (%s)', async (mode) => {
    // Prepare
    const store = fakeStore(crl);

    // Act
    const error = await expectRejection(
      checkRevocation({ store, mode, caCertificateId: CA_ID, ca: caFacts, cert: revokedCert, now: T0 }),
    );

    // Assess
    expect(error).toBeInstanceOf(CertificateRevokedError);
    const revoked = error as CertificateRevokedError;
    expect(revoked.evidence).toEqual({
      serial: '0080aa',
      revocationDate: '2026-03-31T10:00:00.000Z',
      reason: 'keyCompromise',
      crlNumber: '42',
      thisUpdate: '2026-04-01T00:00:00.000Z',
      nextUpdate: '2026-04-08T00:00:00.000Z',
    });
    expect(revoked.toJSON()).toEqual({
      name: 'CertificateRevokedError',
      code: 'CertificateRevoked',
      disposition: 'rejected',
      step: 'crl',
      message: `Certificate serial 0080aa is revoked on the CRL of CA ${CA_ID}`,
      remedy: 'None for this certificate: the CA revoked it. Issue the device a new certificate.',
      details: { caCertificateId: CA_ID, ...revoked.evidence },
    });
    expect(revoked.retryable).toBe(false);
  });

  it('records a null reason for an entry without a reasonCode', async () => {
    // Prepare
    const cert = parseCertificate(
      issueDeviceCertificate({ ca, keyType: 'ec', subject: 'CN=two', serial: '0002', now: T0 })
        .certificateDer,
    );

    // Act
    const error = (await expectRejection(
      checkRevocation({
        store: fakeStore(crl),
        mode: 'required',
        caCertificateId: CA_ID,
        ca: caFacts,
        cert,
        now: T0,
      }),
    )) as CertificateRevokedError;

    // Assess
    expect([error.code, error.evidence.serial, error.evidence.reason]).toEqual([
      'CertificateRevoked',
      '02',
      null,
    ]);
  });

  it('fails as transient CrlMissing when no CRL is published and CRL_MODE is required', async () => {
    // Act
    const error = (await expectRejection(
      checkRevocation({
        store: fakeStore(null),
        mode: 'required',
        caCertificateId: CA_ID,
        ca: caFacts,
        cert: goodCert,
        now: T0,
      }),
    )) as JitrError;

    // Assess
    expect(error.toJSON()).toEqual({
      name: 'CrlMissingError',
      code: 'CrlMissing',
      disposition: 'transient',
      step: 'crl',
      message: `No CRL is published for CA ${CA_ID} and CRL_MODE is required`,
      remedy:
        "Publish the CA's CRL (jitr pki crl && jitr pki publish-crl --bucket $CRL_BUCKET), then replay the event; " +
        'or set CRL_MODE=optional to allow CAs without a CRL.',
      details: { caCertificateId: CA_ID },
    });
  });

  it('lets a certificate through unchecked when no CRL is published and CRL_MODE is optional', async () => {
    // Act
    const decision = await checkRevocation({
      store: fakeStore(null),
      mode: 'optional',
      caCertificateId: CA_ID,
      ca: caFacts,
      cert: revokedCert,
      now: T0,
    });

    // Assess
    expect(decision).toEqual({ checked: false, reason: 'no-crl' });
  });

  const location = { bucket: 'crls', key: `crl/${CA_ID}.crl`, caCertificateId: CA_ID };
  const passThrough: [string, () => Error][] = [
    [
      'a stale CRL',
      () =>
        new CrlStaleError({
          thisUpdate: T0.toISOString(),
          nextUpdate: NEXT.toISOString(),
          now: T0.toISOString(),
          maxStalenessSeconds: 0,
        }),
    ],
    [
      'S3 unavailable',
      () => new CrlUnavailableError(location, { awsErrorName: 'SlowDown', httpStatusCode: 503 }),
    ],
    ['access denied', () => new CrlAccessDeniedError(location, { awsErrorName: 'AccessDenied' })],
  ];
  for (const mode of MODES) {
    it.each(passThrough)(`passes %s through unchanged (${mode})`, async (_name, make) => {
      // Prepare
      const thrown = make();

      // Act
      const error = await expectRejection(
        checkRevocation({
          store: fakeStore(thrown),
          mode,
          caCertificateId: CA_ID,
          ca: caFacts,
          cert: goodCert,
          now: T0,
        }),
      );

      // Assess
      expect(error).toBe(thrown);
    });

    it.each([
      ['an unexpected exception', () => new RangeError('offset out of range')],
      [
        'an error of another disposition (invalid-input)',
        () => new CertificateMalformedError({ kind: 'encoding', said: 'not a certificate' }),
      ],
    ])(`fails closed as transient CrlNotUsable on %s (${mode})`, async (_name, make) => {
      // Prepare
      const thrown = make();

      // Act
      const error = (await expectRejection(
        checkRevocation({
          store: fakeStore(thrown),
          mode,
          caCertificateId: CA_ID,
          ca: caFacts,
          cert: goodCert,
          now: T0,
        }),
      )) as JitrError;

      // Assess
      expect(error).toBeInstanceOf(CrlNotUsableError);
      expect([error.code, error.disposition, error.cause]).toEqual(['CrlNotUsable', 'transient', thrown]);
    });
  }
});
