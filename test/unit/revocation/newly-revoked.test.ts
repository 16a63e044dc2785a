import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalSerialHex } from '../../../lib/ledger/record.js';
import { buildCrl, type CrlEntryInput } from '../../../lib/pki/index.js';
import { newlyRevokedBatches } from '../../../lib/revocation/newly-revoked.js';
import { ecCa, NOW } from '../../helpers/pki-fixtures.js';
import { load } from '../crl/crl-fixtures.js';

const REVOKED_AT = new Date('2026-05-01T00:00:00Z');

function crlWith(serials: readonly string[], crlNumber = 1) {
  const entries: CrlEntryInput[] = serials.map((serial) => ({ serial, revocationDate: REVOKED_AT }));
  return load(buildCrl({ ca: ecCa(), entries, thisUpdate: NOW, crlNumber }), ecCa());
}

describe('newlyRevokedBatches', () => {
  it('yields the serials of the new CRL that the base does not list, in CRL order', () => {
    // Prepare
    const base = crlWith(['01', '0091f0', '7f']);
    const current = crlWith(['01', '0091f0', '7f', '0a', 'c0ffee'], 2);

    // Act
    const batches = [...newlyRevokedBatches(current, base)];

    // Assess: c0ffee has its high bit set (DER 00c0ffee); keys drop the 00.
    expect(batches).toEqual([['0a', 'c0ffee']]);
  });

  it('treats every serial as new without a base, in batches of at most the batch size', () => {
    const current = crlWith(['01', '02', '03', '04', '05']);
    expect([...newlyRevokedBatches(current, null, 2)]).toEqual([['01', '02'], ['03', '04'], ['05']]);
  });

  it('yields nothing for an empty CRL or one the base covers entirely', () => {
    expect([...newlyRevokedBatches(crlWith([]), null)]).toEqual([]);
    expect([...newlyRevokedBatches(crlWith(['05']), crlWith(['05', '06']))]).toEqual([]);
  });

  it('refuses a batch size below one', () => {
    expect(() => [...newlyRevokedBatches(crlWith(['01']), null, 0)]).toThrow(RangeError);
  });

  it('is the set difference current − base for any pair of CRLs (property)', () => {
    const serial = fc
      .uint8Array({ minLength: 1, maxLength: 20 })
      .filter((b) => b.some((x) => x !== 0))
      .map((b) => Buffer.from(b).toString('hex'));
    fc.assert(
      fc.property(
        fc.uniqueArray(serial, { maxLength: 40, selector: canonicalSerialHex }),
        fc.uniqueArray(serial, { maxLength: 40, selector: canonicalSerialHex }),
        (a, b) => {
          const got = [...newlyRevokedBatches(crlWith(b), crlWith(a), 7)].flat();
          const inA = new Set(a.map(canonicalSerialHex));
          const want = b.map(canonicalSerialHex).filter((s) => !inA.has(s));
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 40 },
    );
  });
});
