// The in-memory form of a verified CRL: the DER buffer plus an offset index into it.

import { decodeTimeAt, TAG } from '../certificate/der.js';
import type { DistinguishedName, DistributionPointName } from '../certificate/index.js';
import type { CrlFrame } from './crl-frame.js';
import { CrlMalformedError } from './errors.js';
import { type RevocationReason, reasonFromCode } from './reasons.js';
import { readLength, type SerialIndex } from './serial-index.js';
import type { RevocationEntry, VerifiedCrl } from './types.js';

/** Hex text (any case, `:`/space separators, optional 0x) to bytes; odd length gets a leading 0. */
export function serialBytesFromHex(serialHex: string): Uint8Array {
  const clean = serialHex.trim().replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (!/^[0-9a-fA-F]*$/.test(clean)) throw new RangeError(`serial is not hex: ${serialHex}`);
  return Buffer.from(clean.length % 2 ? `0${clean}` : clean, 'hex');
}

export class IndexedCrl implements VerifiedCrl {
  readonly issuer: DistinguishedName;
  readonly version: 1 | 2;
  readonly crlNumber: string | null;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | null;
  readonly entryCount: number;
  readonly signatureAlgorithm: string;
  readonly authorityKeyIdentifier: string | null;
  readonly byteLength: number;
  readonly distributionPoints: readonly DistributionPointName[] | null;
  readonly #buf: Uint8Array;
  readonly #index: SerialIndex;
  readonly #tmp = new Int32Array(2);
  readonly #revokedStart: number;
  readonly #revokedEnd: number;

  constructor(buf: Uint8Array, frame: CrlFrame, index: SerialIndex) {
    this.#buf = buf;
    this.#index = index;
    this.#revokedStart = Math.max(0, frame.revokedStart);
    this.#revokedEnd = Math.max(0, frame.revokedEnd);
    this.issuer = frame.issuer;
    this.version = frame.version;
    this.crlNumber = frame.crlNumber;
    this.thisUpdate = frame.thisUpdate;
    this.nextUpdate = frame.nextUpdate;
    this.entryCount = index.count;
    this.signatureAlgorithm = frame.signatureAlgorithm.name;
    this.authorityKeyIdentifier = frame.authorityKeyIdentifier;
    this.byteLength = buf.length;
    this.distributionPoints = frame.distributionPoints;
  }

  lookup(serialBytes: Uint8Array): RevocationEntry | null {
    const at = this.#index.find(serialBytes);
    return at < 0 ? null : this.#entryAt(at);
  }

  lookupHex(serialHex: string): RevocationEntry | null {
    return this.lookup(serialBytesFromHex(serialHex));
  }

  has(serialBytes: Uint8Array): boolean {
    return this.#index.find(serialBytes) >= 0;
  }

  /** Walks the revoked list again (the index validated every entry when the CRL was loaded). */
  *serials(): IterableIterator<Uint8Array> {
    const buf = this.#buf;
    const tmp = new Int32Array(2);
    for (let p = this.#revokedStart; p < this.#revokedEnd; ) {
      readLength(buf, p + 1, this.#revokedEnd, tmp);
      const entryEnd = tmp[1] as number;
      readLength(buf, (tmp[0] as number) + 1, entryEnd, tmp);
      yield buf.subarray(tmp[0] as number, tmp[1] as number);
      p = entryEnd;
    }
  }

  /** Decodes the entry at `at` (only ever for a hit; the index validated its structure). */
  #entryAt(at: number): RevocationEntry {
    const buf = this.#buf;
    const tmp = this.#tmp;
    try {
      readLength(buf, at + 1, buf.length, tmp);
      const entryEnd = tmp[1] as number;
      const serialTag = tmp[0] as number;
      readLength(buf, serialTag + 1, entryEnd, tmp);
      const serialStart = tmp[0] as number;
      const serialEnd = tmp[1] as number;
      readLength(buf, serialEnd + 1, entryEnd, tmp);
      const revocationDate = decodeTimeAt(buf, serialEnd, tmp[0] as number, tmp[1] as number);
      const timeEnd = tmp[1] as number;
      return {
        serialHex: hexOf(buf, serialStart, serialEnd),
        revocationDate,
        reason: timeEnd < entryEnd ? reasonOf(buf, timeEnd, entryEnd, tmp) : null,
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new CrlMalformedError({ kind: 'entry', said: message, offset: at }, error);
    }
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of a short range without creating a Buffer view (cheaper for ~16 bytes). */
function hexOf(buf: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += HEX[buf[i] as number];
  return out;
}

/** The reasonCode in an entry's extensions (`buf[s, e)` = the Extensions TLV), or null. */
function reasonOf(buf: Uint8Array, s: number, e: number, tmp: Int32Array): RevocationReason | null {
  readLength(buf, s + 1, e, tmp);
  const listEnd = tmp[1] as number;
  for (let p = tmp[0] as number; p < listEnd; ) {
    readLength(buf, p + 1, listEnd, tmp);
    const extStart = tmp[0] as number;
    const extEnd = tmp[1] as number;
    // OID 2.5.29.21 = 06 03 55 1d 15, then optional BOOLEAN, then OCTET STRING { ENUMERATED }.
    if (
      buf[extStart] === 0x06 &&
      buf[extStart + 1] === 3 &&
      buf[extStart + 2] === 0x55 &&
      buf[extStart + 3] === 0x1d &&
      buf[extStart + 4] === 0x15
    ) {
      let v = extStart + 5;
      if (buf[v] === TAG.BOOLEAN) v += 3;
      if (
        buf[v] === TAG.OCTET_STRING &&
        buf[v + 2] === TAG.ENUMERATED &&
        buf[v + 3] === 1 &&
        v + 5 <= extEnd
      ) {
        return reasonFromCode(buf[v + 4] as number) ?? null;
      }
    }
    p = extEnd;
  }
  return null;
}
