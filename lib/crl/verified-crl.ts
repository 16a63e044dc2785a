// The in-memory form of a verified CRL: the DER buffer plus an offset index into it.

import { decodeTime, readTlv, TAG, toHex } from '../certificate/der.js';
import type { DistinguishedName } from '../certificate/index.js';
import type { CrlFrame } from './crl-frame.js';
import { CrlMalformedError } from './errors.js';
import { type RevocationReason, reasonFromCode } from './reasons.js';
import type { SerialIndex } from './serial-index.js';
import type { RevocationEntry, VerifiedCrl } from './types.js';

const REASON_OID_HEX = '0603551d15';

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
  readonly #buf: Uint8Array;
  readonly #index: SerialIndex;

  constructor(buf: Uint8Array, frame: CrlFrame, index: SerialIndex) {
    this.#buf = buf;
    this.#index = index;
    this.issuer = frame.issuer;
    this.version = frame.version;
    this.crlNumber = frame.crlNumber;
    this.thisUpdate = frame.thisUpdate;
    this.nextUpdate = frame.nextUpdate;
    this.entryCount = index.count;
    this.signatureAlgorithm = frame.signatureAlgorithm.name;
    this.authorityKeyIdentifier = frame.authorityKeyIdentifier;
    this.byteLength = buf.length;
  }

  lookup(serialBytes: Uint8Array): RevocationEntry | null {
    const at = this.#index.find(serialBytes);
    return at < 0 ? null : this.#entryAt(at);
  }

  lookupHex(serialHex: string): RevocationEntry | null {
    return this.lookup(serialBytesFromHex(serialHex));
  }

  /** Decodes the entry at `at` (only ever for a hit; the index validated its structure). */
  #entryAt(at: number): RevocationEntry {
    const buf = this.#buf;
    try {
      const entry = readTlv(buf, at, buf.length);
      const serial = readTlv(buf, entry.valueStart, entry.end);
      const time = readTlv(buf, serial.end, entry.end);
      const revocationDate = decodeTime(buf, time);
      let reason: RevocationReason | null = null;
      if (time.end < entry.end) {
        const list = readTlv(buf, time.end, entry.end);
        for (let p = list.valueStart; p < list.end; ) {
          const ext = readTlv(buf, p, list.end);
          const oid = readTlv(buf, ext.valueStart, ext.end);
          if (toHex(buf, oid.start, oid.end) === REASON_OID_HEX) {
            let v = readTlv(buf, oid.end, ext.end);
            if (v.tag === TAG.BOOLEAN) v = readTlv(buf, v.end, ext.end);
            const e = readTlv(buf, v.valueStart, v.end);
            if (e.tag === TAG.ENUMERATED && e.end - e.valueStart === 1) {
              reason = reasonFromCode(buf[e.valueStart] as number) ?? null;
            }
          }
          p = ext.end;
        }
      }
      return { serialHex: toHex(buf, serial.valueStart, serial.end), revocationDate, reason };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new CrlMalformedError(`revoked entry at byte ${at}: ${message}`, { cause: error });
    }
  }
}
