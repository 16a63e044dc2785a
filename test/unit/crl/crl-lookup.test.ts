import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../../../lib/certificate/index.js';
import { buildCrl, issueDeviceCertificate } from '../../../lib/pki/index.js';
import { ecCa, NOW } from '../../helpers/pki-fixtures.js';
import { crlOf, load, NEXT, REVOKED_AT } from './crl-fixtures.js';

describe('VerifiedCrl.lookup', () => {
  it('answers lookups with the evidence: serial, date and reason, or null', () => {
    const crl = load(crlOf(ecCa()), ecCa());
    expect(crl.lookupHex('0091f0')).toEqual({
      serialHex: '0091f0',
      revocationDate: REVOKED_AT,
      reason: 'keyCompromise',
    });
    expect(crl.lookupHex('05')).toEqual({ serialHex: '05', revocationDate: REVOKED_AT, reason: null });
    expect(crl.lookupHex('7fee01')).toEqual({
      serialHex: '7fee01',
      revocationDate: new Date('2051-01-01T00:00:00Z'),
      reason: 'cessationOfOperation',
    });
    expect(crl.lookupHex('06')).toBeNull();
    expect(crl.lookup(Uint8Array.from([0x91, 0xf1]))).toBeNull();
  });

  it('normalises serial queries: leading zeros, case and separators', () => {
    const crl = load(crlOf(ecCa()), ecCa());
    for (const q of ['0091f0', '91f0', '91F0', '00:91:F0', '0x91f0', '00000091f0', '9 1f0']) {
      expect(crl.lookupHex(q)?.serialHex).toBe('0091f0');
    }
    expect(crl.lookup(Uint8Array.from([0x00, 0x91, 0xf0]))?.serialHex).toBe('0091f0');
    expect(crl.lookup(Uint8Array.from([0x91, 0xf0]))?.serialHex).toBe('0091f0');
    expect(crl.lookup(Uint8Array.from([0x00, 0x05]))?.serialHex).toBe('05');
  });

  it('finds a revoked device certificate by the serial bytes of its DER', () => {
    // Prepare: a serial whose high bit is set, so its DER content starts with 00.
    const dev = parseCertificate(
      issueDeviceCertificate({ ca: ecCa(), subject: 'CN=dev', serial: 'c0ffee0123456789', keyType: 'ec' })
        .certificateDer,
    );
    const crl = load(
      buildCrl({
        ca: ecCa(),
        entries: [{ serial: 'c0ffee0123456789', revocationDate: REVOKED_AT, reason: 'superseded' }],
        thisUpdate: NOW,
        nextUpdate: NEXT,
      }),
      ecCa(),
    );
    // Act + Assess
    expect(dev.serialHex).toBe('00c0ffee0123456789');
    expect(crl.lookup(dev.serialBytes)).toEqual({
      serialHex: '00c0ffee0123456789',
      revocationDate: REVOKED_AT,
      reason: 'superseded',
    });
  });

  it('indexes a 100,000-entry CRL and agrees with a Set on hits and misses', () => {
    // Prepare
    const n = 100_000;
    const serials = randomBytes(12 * n);
    const entries = Array.from({ length: n }, (_, i) => ({
      serial: serials.subarray(12 * i, 12 * i + 12),
      revocationDate: REVOKED_AT,
      ...(i % 4 === 0 ? { reason: 'keyCompromise' as const } : {}),
    }));
    const der = buildCrl({ ca: ecCa(), entries, thisUpdate: NOW, nextUpdate: NEXT });
    // Act
    const crl = load(der, ecCa());
    // Assess
    expect(crl.entryCount).toBe(n);
    const hexes = new Set<string>();
    for (let i = 0; i < n; i++)
      hexes.add(
        Buffer.from(serials.subarray(12 * i, 12 * i + 12))
          .toString('hex')
          .replace(/^(00)+/, ''),
      );
    for (let i = 0; i < n; i += 97) {
      const entry = crl.lookup(serials.subarray(12 * i, 12 * i + 12));
      expect(entry?.revocationDate).toEqual(REVOKED_AT);
      expect(entry?.reason).toBe(i % 4 === 0 ? 'keyCompromise' : null);
    }
    let misses = 0;
    for (let i = 0; i < 2000; i++) {
      const q = randomBytes(12);
      if (!hexes.has(q.toString('hex').replace(/^(00)+/, ''))) misses += crl.lookup(q) === null ? 1 : 0;
      else misses += 1;
    }
    expect(misses).toBe(2000);
  });
});

describe('VerifiedCrl.serials and has', () => {
  it('walks every revoked serial in CRL order as written, and answers membership without leading zeros', () => {
    const crl = load(crlOf(ecCa()), ecCa());
    expect([...crl.serials()].map((s) => Buffer.from(s).toString('hex'))).toEqual(['0091f0', '05', '7fee01']);
    expect(crl.has(Uint8Array.from([0x91, 0xf0]))).toBe(true);
    expect(crl.has(Uint8Array.from([0x00, 0x05]))).toBe(true);
    expect(crl.has(Uint8Array.from([0x06]))).toBe(false);
  });

  it('walks nothing for a CRL without revoked entries', () => {
    const empty = load(buildCrl({ ca: ecCa(), entries: [], thisUpdate: NOW, nextUpdate: NEXT }), ecCa());
    expect([...empty.serials()]).toEqual([]);
  });
});
