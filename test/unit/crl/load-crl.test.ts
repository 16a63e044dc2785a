import { sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../../../lib/certificate/index.js';
import { checkCrlFreshness, DEFAULT_CRL_MAX_STALENESS_SECONDS, loadCrl } from '../../../lib/crl/index.js';
import { bitString, explicit, integer, oid, sequence, tlv } from '../../../lib/pki/der-writer.js';
import { buildCrl, createCa } from '../../../lib/pki/index.js';
import { ecCa, impostorEcCa, NOW, otherCa, p384Ca, rsaCa } from '../../helpers/pki-fixtures.js';
import { codeOf, crlOf, load, NEXT, REVOKED_AT } from './crl-fixtures.js';

describe('loadCrl', () => {
  it.each([
    ['RSA-2048', rsaCa, 'rsa-pkcs1-sha256'],
    ['EC P-256', ecCa, 'ecdsa-sha256'],
    ['EC P-384', p384Ca, 'ecdsa-sha384'],
  ])('verifies a v2 CRL from a %s CA and exposes its facts', (_name, ca, signatureAlgorithm) => {
    // Act
    const crl = load(crlOf(ca()), ca());
    // Assess
    expect({
      issuer: crl.issuer.rfc4514,
      version: crl.version,
      crlNumber: crl.crlNumber,
      thisUpdate: crl.thisUpdate.toISOString(),
      nextUpdate: crl.nextUpdate?.toISOString(),
      entryCount: crl.entryCount,
      signatureAlgorithm: crl.signatureAlgorithm,
      authorityKeyIdentifier: crl.authorityKeyIdentifier,
    }).toEqual({
      issuer: parseCertificate(ca().certificatePem).subject.rfc4514,
      version: 2,
      crlNumber: '77',
      thisUpdate: NOW.toISOString(),
      nextUpdate: NEXT.toISOString(),
      entryCount: 3,
      signatureAlgorithm,
      authorityKeyIdentifier: ca().subjectKeyIdentifier?.toString('hex'),
    });
  });

  it('reads PEM, v1 and empty CRLs', () => {
    const pem = `-----BEGIN X509 CRL-----\r\n${crlOf(ecCa()).toString('base64').replace(/.{64}/g, '$&\r\n')}\r\n-----END X509 CRL-----\r\n`;
    expect(load(Buffer.from(pem), ecCa()).entryCount).toBe(3);
    const v1 = load(
      buildCrl({
        ca: rsaCa(),
        version: 1,
        entries: [{ serial: '0a', revocationDate: REVOKED_AT }],
        thisUpdate: NOW,
        nextUpdate: NEXT,
      }),
      rsaCa(),
    );
    expect([v1.version, v1.crlNumber, v1.authorityKeyIdentifier, v1.lookupHex('0a')?.reason]).toEqual([
      1,
      null,
      null,
      null,
    ]);
    const empty = load(buildCrl({ ca: ecCa(), entries: [], thisUpdate: NOW, nextUpdate: NEXT }), ecCa());
    expect([empty.entryCount, empty.lookupHex('01')]).toEqual([0, null]);
  });

  it('verifies CRLs signed with RSA-PSS, SHA-512 and Ed25519', () => {
    for (const signatureAlgorithm of ['rsa-pss-sha256', 'rsa-pss-sha384', 'rsa-pkcs1-sha512'] as const) {
      expect(load(crlOf(rsaCa(), { signatureAlgorithm }), rsaCa()).signatureAlgorithm).toBe(
        signatureAlgorithm,
      );
    }
    expect(load(crlOf(ecCa(), { signatureAlgorithm: 'ecdsa-sha512' }), ecCa()).signatureAlgorithm).toBe(
      'ecdsa-sha512',
    );
    const ed = createCa({ keyType: 'ed25519', subject: 'CN=Ed CA', now: NOW });
    expect(load(crlOf(ed), ed).signatureAlgorithm).toBe('ed25519');
  });

  it('refuses sha1WithRSAEncryption as CrlUnsupportedAlgorithm', () => {
    const der = crlOf(rsaCa());
    const oid = Buffer.from('2a864886f70d01010b', 'hex');
    for (let at = der.indexOf(oid); at >= 0; at = der.indexOf(oid, at + 1)) der[at + oid.length - 1] = 0x05;
    expect(codeOf(() => load(der, rsaCa()))).toBe('CrlUnsupportedAlgorithm');
  });

  it('rejects a CRL from another CA as CrlIssuerMismatch', () => {
    expect(codeOf(() => load(crlOf(otherCa()), ecCa()))).toBe('CrlIssuerMismatch');
  });

  it('rejects a same-named CA with another key (AKI) as CrlIssuerMismatch', () => {
    expect(codeOf(() => load(crlOf(impostorEcCa()), ecCa()))).toBe('CrlIssuerMismatch');
  });

  it('rejects a CRL signed by another key as CrlSignatureInvalid', () => {
    const forged = { ...ecCa(), privateKey: impostorEcCa().privateKey };
    expect(codeOf(() => load(crlOf(forged), ecCa()))).toBe('CrlSignatureInvalid');
  });

  it('rejects a CRL with one changed serial byte as CrlSignatureInvalid', () => {
    const der = crlOf(rsaCa());
    const at = der.indexOf(Buffer.from([0x02, 0x03, 0x00, 0x91, 0xf0]));
    der[at + 4] = 0xf1;
    expect(codeOf(() => load(der, rsaCa()))).toBe('CrlSignatureInvalid');
  });

  it('rejects a stale CRL as CrlStale, unless the grace covers it', () => {
    const der = crlOf(ecCa());
    const late = new Date(NEXT.getTime() + 1000);
    expect(DEFAULT_CRL_MAX_STALENESS_SECONDS).toBe(3600);
    expect(codeOf(() => load(der, ecCa(), NEXT))).toBe('ok');
    expect(codeOf(() => load(der, ecCa(), late))).toBe('CrlStale');
    expect(codeOf(() => load(der, ecCa(), late, 1))).toBe('ok');
    expect(codeOf(() => load(crlOf(ecCa(), { nextUpdate: null }), ecCa()))).toBe('CrlStale');
  });

  it('rejects a CRL from the future as CrlNotYetValid, within 5 minutes of skew', () => {
    const der = crlOf(ecCa());
    expect(codeOf(() => load(der, ecCa(), new Date(NOW.getTime() - 300_000)))).toBe('ok');
    expect(codeOf(() => load(der, ecCa(), new Date(NOW.getTime() - 300_001)))).toBe('CrlNotYetValid');
  });

  it('refuses unknown critical CRL extensions and delta CRLs, ignores non-critical ones', () => {
    const ext = (o: string, critical: boolean) => [{ oid: o, critical, value: Buffer.from([0x05, 0x00]) }];
    expect(codeOf(() => load(crlOf(ecCa(), { extensions: ext('1.3.6.1.4.1.99999.1', true) }), ecCa()))).toBe(
      'CrlUnsupportedCriticalExtension',
    );
    expect(codeOf(() => load(crlOf(ecCa(), { extensions: ext('1.3.6.1.4.1.99999.1', false) }), ecCa()))).toBe(
      'ok',
    );
    const delta = [{ oid: '2.5.29.27', critical: true, value: integer(76) }];
    expect(codeOf(() => load(crlOf(ecCa(), { extensions: delta }), ecCa()))).toBe(
      'CrlUnsupportedCriticalExtension',
    );
  });

  it('accepts an issuingDistributionPoint for user certificates, refuses a CA-only one', () => {
    const idp = (field: Buffer) => [{ oid: '2.5.29.28', critical: true, value: sequence(field) }];
    const users = idp(tlv(0x81, Buffer.from([0xff])));
    const caOnly = idp(tlv(0x82, Buffer.from([0xff])));
    const withDp = [
      {
        oid: '2.5.29.28',
        critical: true,
        value: sequence(explicit(0, explicit(0, tlv(0x86, Buffer.from('http://x/crl'))))),
      },
    ];
    expect(codeOf(() => load(crlOf(ecCa(), { extensions: users }), ecCa()))).toBe('ok');
    expect(codeOf(() => load(crlOf(ecCa(), { extensions: withDp }), ecCa()))).toBe('ok');
    expect(codeOf(() => load(crlOf(ecCa(), { extensions: caOnly }), ecCa()))).toBe(
      'CrlUnsupportedCriticalExtension',
    );
  });

  it('refuses an unknown critical entry extension, ignores a non-critical one', () => {
    const entry = (critical: boolean) =>
      buildCrl({
        ca: ecCa(),
        entries: [
          { serial: '01', revocationDate: REVOKED_AT },
          {
            serial: '02',
            revocationDate: REVOKED_AT,
            reason: 'keyCompromise',
            extensions: [{ oid: '1.2.3.4', critical, value: Buffer.from([0x05, 0x00]) }],
          },
        ],
        thisUpdate: NOW,
        nextUpdate: NEXT,
      });
    expect(codeOf(() => load(entry(true), ecCa()))).toBe('CrlUnsupportedCriticalExtension');
    expect(load(entry(false), ecCa()).lookupHex('02')?.reason).toBe('keyCompromise');
    const indirect = buildCrl({
      ca: ecCa(),
      entries: [
        {
          serial: '01',
          revocationDate: REVOKED_AT,
          extensions: [{ oid: '2.5.29.29', critical: true, value: sequence() }],
        },
      ],
      thisUpdate: NOW,
      nextUpdate: NEXT,
    });
    expect(codeOf(() => load(indirect, ecCa()))).toBe('CrlUnsupportedCriticalExtension');
  });

  it.each([
    ['garbage', Buffer.from('not a crl at all')],
    ['an empty buffer', Buffer.alloc(0)],
    ['a certificate', () => ecCa().certificateDer],
    ['a truncated CRL', () => crlOf(ecCa()).subarray(0, 100)],
    ['a CRL with trailing bytes', () => Buffer.concat([crlOf(ecCa()), Buffer.from([0])])],
    [
      'a CRL with version 6',
      () => {
        const der = buildCrl({ ca: ecCa(), entries: [], thisUpdate: NOW });
        der[der.indexOf(Buffer.from([0x02, 0x01, 0x01])) + 2] = 0x05;
        return der;
      },
    ],
  ] as const)('rejects %s as CrlMalformed', (_name, input) => {
    const bytes = typeof input === 'function' ? input() : input;
    expect(codeOf(() => load(bytes, ecCa()))).toBe('CrlMalformed');
  });

  describe('an explicit version field', () => {
    /** The value bytes of the DER TLV at `at` (short or long definite length) and where it ends. */
    function valueAt(der: Buffer, at: number): { value: Buffer; end: number } {
      const first = der[at + 1] as number;
      const lengthBytes = first < 0x80 ? 0 : first & 0x7f;
      const length = lengthBytes === 0 ? first : der.readUIntBE(at + 2, lengthBytes);
      const start = at + 2 + lengthBytes;
      return { value: der.subarray(start, start + length), end: start + length };
    }

    /**
     * A v1 CRL (no version field) with `versionField` inserted at the head of tbsCertList and
     * re-signed with the CA key, so that the version field is its only defect.
     */
    function withVersionField(versionField: Buffer | null): Buffer {
      const ca = ecCa();
      const v1 = buildCrl({
        ca,
        version: 1,
        entries: [{ serial: '05', revocationDate: REVOKED_AT }],
        thisUpdate: NOW,
        nextUpdate: NEXT,
      });
      const certList = valueAt(v1, 0).value;
      const tbs = valueAt(certList, 0);
      const algorithm = certList.subarray(tbs.end, valueAt(certList, tbs.end).end);
      const newTbs = sequence(...(versionField === null ? [] : [versionField]), tbs.value);
      const signature = sign('sha256', newTbs, ca.privateKey); // ecdsa-with-SHA256, DER (r, s)
      return sequence(newTbs, algorithm, bitString(signature));
    }

    it('re-signs the hand-edited CRL correctly (control: no field, and v2 = INTEGER 1, load)', () => {
      expect(load(withVersionField(null), ecCa()).version).toBe(1);
      expect(load(withVersionField(integer(1)), ecCa()).version).toBe(2);
      expect(load(withVersionField(integer(1)), ecCa()).entryCount).toBe(1);
    });

    it('refuses an explicit v1 version field (INTEGER 0): RFC 5280 omits it in v1, so it is malformed', () => {
      // Prepare
      const der = withVersionField(integer(0));
      expect(der.includes(Buffer.from([0x02, 0x01, 0x00]))).toBe(true);
      // Act
      let error: unknown;
      try {
        load(der, ecCa());
      } catch (e) {
        error = e;
      }
      // Assess
      expect(error).toMatchObject({
        code: 'CrlMalformed',
        disposition: 'transient',
        message: expect.stringContaining('unsupported CRL version field 0'),
      });
    });
  });

  it('rejects a signed CRL that carries an extension twice as CrlMalformed', () => {
    // cRLNumber (2.5.29.20) is already written by buildCrl; a second one is appended.
    const der = crlOf(ecCa(), { extensions: [{ oid: '2.5.29.20', value: integer(78) }] });
    expect(codeOf(() => load(der, ecCa()))).toBe('CrlMalformed');
  });

  it('never throws anything but a typed CRL error for corrupted bytes', () => {
    const der = crlOf(ecCa(), { extensions: [{ oid: '1.2.3', value: oid('1.2.3.4') }] });
    const codes = new Set([
      'CrlMalformed',
      'CrlSignatureInvalid',
      'CrlIssuerMismatch',
      'CrlUnsupportedCriticalExtension',
      'CrlUnsupportedAlgorithm',
      'CrlStale',
      'CrlNotYetValid',
    ]);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: der.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (at, xor) => {
          const bad = Buffer.from(der);
          bad[at] = (bad[at] as number) ^ xor;
          const code = codeOf(() => load(bad, ecCa()));
          expect(codes.has(code) || code === 'ok').toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('checkCrlFreshness', () => {
  it('re-checks a cached CRL against a later clock', () => {
    const crl = load(crlOf(ecCa()), ecCa());
    expect(codeOf(() => checkCrlFreshness(crl, NOW, 0))).toBe('ok');
    expect(codeOf(() => checkCrlFreshness(crl, new Date(NEXT.getTime() + 60_000), 0))).toBe('CrlStale');
    expect(codeOf(() => checkCrlFreshness(crl, new Date(NEXT.getTime() + 60_000), 3600))).toBe('ok');
  });

  it('puts the evidence in the error', () => {
    const crl = load(crlOf(ecCa()), ecCa());
    try {
      checkCrlFreshness(crl, new Date('2026-06-09T00:00:00Z'), 0);
      expect.unreachable();
    } catch (error) {
      expect((error as { toJSON(): unknown }).toJSON()).toEqual({
        name: 'CrlStaleError',
        code: 'CrlStale',
        disposition: 'transient',
        step: 'crl',
        message: 'CRL is stale: nextUpdate 2026-06-08T12:00:00.000Z (+0 s allowed) has passed',
        remedy:
          'Publish a fresh CRL (before nextUpdate), or raise CRL_MAX_STALENESS if late publication is acceptable.',
        details: {
          thisUpdate: '2026-06-01T12:00:00.000Z',
          nextUpdate: '2026-06-08T12:00:00.000Z',
          now: '2026-06-09T00:00:00.000Z',
          maxStalenessSeconds: 0,
        },
      });
    }
  });
});

describe('loadCrl with input that is not bytes', () => {
  it('reports CrlMalformed rather than a TypeError', () => {
    expect(
      codeOf(() =>
        loadCrl(null as unknown as Uint8Array, parseCertificate(ecCa().certificatePem), {
          now: NOW,
          maxStalenessSeconds: 0,
        }),
      ),
    ).toBe('CrlMalformed');
  });
});
