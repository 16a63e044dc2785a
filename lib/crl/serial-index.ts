// The revoked-certificate list, walked by hand and indexed by an open-addressing hash table of
// offsets into the CRL buffer (perf anchors §A: 1M entries in ~90 ms with nothing on the V8
// heap, so a cached CRL costs the garbage collector nothing). No per-entry JS object exists.
import { CrlMalformedError, CrlUnsupportedCriticalExtensionError } from './errors.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

// Entry extensions this code understands: reasonCode (2.5.29.21) and invalidityDate (2.5.29.24)
// only change the evidence, never the answer. certificateIssuer (2.5.29.29, always critical)
// would make this an indirect CRL, which is not supported and so fails as "critical unknown".
const OID_REASON = [0x06, 0x03, 0x55, 0x1d, 0x15];
const OID_INVALIDITY = [0x06, 0x03, 0x55, 0x1d, 0x18];

function malformed(message: string, at: number): never {
  throw new CrlMalformedError({ kind: 'encoding', said: message, offset: at });
}

function isOid(buf: Uint8Array, at: number, oid: readonly number[]): boolean {
  for (let i = 0; i < oid.length; i++) if (buf[at + i] !== oid[i]) return false;
  return true;
}

/** First index in [s, e) after the serial's leading 00 bytes: serials compare without them. */
function canonicalStart(bytes: Uint8Array, s: number, e: number): number {
  while (s < e && bytes[s] === 0) s++;
  return s;
}

/**
 * 32-bit hash of `bytes[s, e)`, four bytes per multiply (murmur3-style mixing with its final
 * avalanche): hashing is most of the walk's cost, and byte-at-a-time FNV took twice as long.
 */
function hashOf(bytes: Uint8Array, s: number, e: number): number {
  let h = (e - s) ^ FNV_OFFSET;
  let i = s;
  for (; i + 4 <= e; i += 4) {
    let k =
      ((bytes[i] as number) << 24) |
      ((bytes[i + 1] as number) << 16) |
      ((bytes[i + 2] as number) << 8) |
      (bytes[i + 3] as number);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  for (; i < e; i++) h = Math.imul(h ^ (bytes[i] as number), FNV_PRIME);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Reads the DER length at `p` (the byte after the tag) into `out` = [valueStart, end], allocation-free. */
export function readLength(buf: Uint8Array, p: number, limit: number, out: Int32Array): void {
  if (p >= limit) malformed('truncated length', p);
  let len = buf[p] as number;
  let q = p + 1;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || q + n > limit) malformed('bad length', p);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[q++] as number);
    if (len < 0x80 || (n > 1 && buf[p + 1] === 0)) malformed('non-minimal length', p);
  }
  if (q + len > limit) malformed('element overruns its parent', p);
  out[0] = q;
  out[1] = q + len;
}

/** [start, end) of the serial's content bytes in the (already validated) entry at `p`. */
function serialRange(buf: Uint8Array, p: number, out: Int32Array): void {
  readLength(buf, p + 1, buf.length, out);
  readLength(buf, (out[0] as number) + 1, buf.length, out);
}

/** Validates the extensions of one entry: a critical one other than reasonCode/invalidityDate fails. */
function checkEntryExtensions(buf: Uint8Array, s: number, e: number, tmp: Int32Array): void {
  for (let p = s; p < e; ) {
    if (buf[p] !== 0x30) malformed('entry extension is not a SEQUENCE', p);
    readLength(buf, p + 1, e, tmp);
    const extStart = tmp[0] as number;
    const extEnd = tmp[1] as number;
    if (buf[extStart] !== 0x06) malformed('entry extension without an OID', extStart);
    readLength(buf, extStart + 1, extEnd, tmp);
    const oidEnd = tmp[1] as number;
    if (buf[oidEnd] === 0x01) {
      if (buf[oidEnd + 1] !== 1 || oidEnd + 3 > extEnd) malformed('bad critical flag', oidEnd);
      const flag = buf[oidEnd + 2];
      if (flag === 0xff) {
        if (!isOid(buf, extStart, OID_REASON) && !isOid(buf, extStart, OID_INVALIDITY)) {
          const oidHex = Buffer.from(buf.buffer, buf.byteOffset + extStart, oidEnd - extStart).toString(
            'hex',
          );
          throw new CrlUnsupportedCriticalExtensionError({
            kind: 'entry-extension',
            oidDer: oidHex,
            offset: p,
          });
        }
      } else if (flag !== 0x00) {
        malformed('critical flag is not DER', oidEnd);
      }
    }
    p = extEnd;
  }
}

/** An O(1) serial → entry-offset map over a CRL's revokedCertificates. */
export class SerialIndex {
  readonly count: number;
  private readonly buf: Uint8Array;
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly tmp = new Int32Array(2);

  /** Walks `buf[start, end)` (the revokedCertificates content), validating every entry. */
  constructor(buf: Uint8Array, start: number, end: number) {
    this.buf = buf;
    const tmp = new Int32Array(2);
    // Pass 1 (sequential): validate each entry and hash its serial while its bytes are hot.
    let offsets = new Int32Array(Math.max(16, ((end - start) / 32) | 0));
    let hashes = new Int32Array(offsets.length);
    let n = 0;
    for (let p = start; p < end; ) {
      // RevokedCertificate ::= SEQUENCE { userCertificate INTEGER, revocationDate Time, crlEntryExtensions OPTIONAL }
      // Lengths below 128 (every entry of a normal CRL) are read inline; others via readLength.
      if (buf[p] !== 0x30) malformed('revoked entry is not a SEQUENCE', p);
      let q: number;
      let entryEnd: number;
      const l0 = buf[p + 1] as number;
      if (l0 < 0x80) {
        q = p + 2;
        entryEnd = q + l0;
        if (entryEnd > end) malformed('element overruns its parent', p + 1);
      } else {
        readLength(buf, p + 1, end, tmp);
        q = tmp[0] as number;
        entryEnd = tmp[1] as number;
      }
      if (buf[q] !== 0x02) malformed('revoked entry serial is not an INTEGER', q);
      let serialStart: number;
      let serialEnd: number;
      const l1 = buf[q + 1] as number;
      if (l1 < 0x80) {
        serialStart = q + 2;
        serialEnd = serialStart + l1;
        if (serialEnd > entryEnd) malformed('element overruns its parent', q + 1);
      } else {
        readLength(buf, q + 1, entryEnd, tmp);
        serialStart = tmp[0] as number;
        serialEnd = tmp[1] as number;
      }
      if (serialEnd === serialStart) malformed('empty serial', q);
      const timeTag = buf[serialEnd];
      if (timeTag !== 0x17 && timeTag !== 0x18) malformed('revocationDate is not a Time', serialEnd);
      const l2 = buf[serialEnd + 1] as number;
      if (l2 >= 0x80) malformed('revocationDate is too long', serialEnd);
      const timeEnd = serialEnd + 2 + l2;
      if (timeEnd > entryEnd) malformed('element overruns its parent', serialEnd + 1);
      if (timeEnd < entryEnd) {
        if (buf[timeEnd] !== 0x30) malformed('crlEntryExtensions is not a SEQUENCE', timeEnd);
        readLength(buf, timeEnd + 1, entryEnd, tmp);
        if (tmp[1] !== entryEnd) malformed('trailing data in revoked entry', timeEnd);
        checkEntryExtensions(buf, tmp[0] as number, entryEnd, tmp);
      }
      if (n === offsets.length) {
        const o = new Int32Array(offsets.length * 2);
        o.set(offsets);
        offsets = o;
        const h = new Int32Array(hashes.length * 2);
        h.set(hashes);
        hashes = h;
      }
      hashes[n] = hashOf(buf, canonicalStart(buf, serialStart, serialEnd), serialEnd);
      offsets[n++] = p;
      p = entryEnd;
    }
    // Pass 2: insert. Random writes into a multi-MB table miss the cache on every entry, so the
    // (hash, offset) pairs are first bucketed by the top 8 bits of their home slot (a counting
    // sort: sequential reads, 256 write streams) and then inserted bucket by bucket, so that
    // consecutive inserts land in the same few pages (~1.4× faster at 1M entries).
    let size = 16;
    let bits = 4;
    while (size < n * 2) {
      size *= 2;
      bits++;
    }
    const slots = new Int32Array(size);
    const mask = size - 1;
    const shift = Math.max(0, bits - 8);
    const counts = new Int32Array(257);
    for (let i = 0; i < n; i++) {
      const b = (((hashes[i] as number) & mask) >>> shift) + 1;
      counts[b] = (counts[b] as number) + 1;
    }
    for (let b = 1; b < 257; b++) counts[b] = (counts[b] as number) + (counts[b - 1] as number);
    const bucketHashes = new Int32Array(n);
    const bucketOffsets = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const h = hashes[i] as number;
      const b = (h & mask) >>> shift;
      const k = counts[b] as number;
      counts[b] = k + 1;
      bucketHashes[k] = h;
      bucketOffsets[k] = offsets[i] as number;
    }
    for (let k = 0; k < n; k++) {
      let slot = (bucketHashes[k] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = (bucketOffsets[k] as number) + 1; // +1 so that 0 means empty
    }
    this.slots = slots;
    this.mask = mask;
    this.count = n;
  }

  /** Offset of the matching entry (its SEQUENCE tag), or -1. */
  find(serial: Uint8Array): number {
    const buf = this.buf;
    const slots = this.slots;
    const qs = canonicalStart(serial, 0, serial.length);
    const qn = serial.length - qs;
    const tmp = this.tmp;
    for (let slot = hashOf(serial, qs, serial.length) & this.mask; ; slot = (slot + 1) & this.mask) {
      const stored = slots[slot] as number;
      if (stored === 0) return -1;
      serialRange(buf, stored - 1, tmp);
      const s = canonicalStart(buf, tmp[0] as number, tmp[1] as number);
      if ((tmp[1] as number) - s !== qn) continue;
      let i = 0;
      while (i < qn && buf[s + i] === serial[qs + i]) i++;
      if (i === qn) return stored - 1;
    }
  }
}
