// Signed X.509 CRLs in pure Node. The revoked list is written straight into one buffer (no
// per-entry Buffers), so a 1,000,000-entry CRL takes about a second (perf anchors §A.0).
// Deliberately NOT PKI.js, which assembles the toolkit's certificates (certificates.ts): it
// needs ≈4.4 s and +549 MB for a 100k-entry CRL, and the 1M-entry bench and the 100k-entry
// unit test depend on this writer's speed.
import { REVOCATION_REASON_CODES, type RevocationReason } from '../crl/reasons.js';
import { algorithmIdentifier, type SignatureAlgorithmName, signWith } from './algorithms.js';
import {
  bitString,
  explicit,
  integer,
  lengthBytes,
  octetString,
  oid,
  sequence,
  serialMagnitude,
  TRUE,
  time,
  tlv,
} from './der-writer.js';
import type { Ca, RawExtension } from './types.js';

export type { RawExtension } from './types.js';

export interface CrlEntryInput {
  /** Unsigned magnitude of the certificate serial (bytes or hex); written in minimal DER. */
  serial: Uint8Array | string;
  revocationDate: Date;
  /** Written as a reasonCode entry extension (v2 only). */
  reason?: RevocationReason;
  extensions?: RawExtension[];
}

export interface BuildCrlOptions {
  ca: Ca;
  entries: Iterable<CrlEntryInput>;
  thisUpdate: Date;
  /** Default thisUpdate + 7 days; `null` omits it. */
  nextUpdate?: Date | null;
  /** v2 only; default 1. `null` omits the cRLNumber extension. */
  crlNumber?: number | bigint | null;
  /** Extra CRL extensions (v2 only), after authorityKeyIdentifier and cRLNumber. */
  extensions?: RawExtension[];
  /** Default 2. A v1 CRL has no extensions at all. */
  version?: 1 | 2;
  signatureAlgorithm?: SignatureAlgorithmName;
  /** Default: the CA's subject. */
  issuerDer?: Uint8Array;
}

function extensionDer(e: RawExtension): Buffer {
  return e.critical
    ? sequence(oid(e.oid), TRUE, octetString(e.value))
    : sequence(oid(e.oid), octetString(e.value));
}

// One Extension { reasonCode, OCTET STRING { ENUMERATED code } }: 11 bytes here + the code = 12.
const REASON_PREFIX = Buffer.from([0x30, 10, 0x06, 3, 0x55, 0x1d, 0x15, 0x04, 3, 0x0a, 1]);

/** Writes YYMMDDHHMMSSZ (UTCTime) or YYYYMMDDHHMMSSZ (GeneralizedTime) with its header at `p`. */
function writeTime(buf: Buffer, p: number, d: Date): number {
  const y = d.getUTCFullYear();
  const utc = y >= 1950 && y < 2050;
  buf[p++] = utc ? 0x17 : 0x18;
  buf[p++] = utc ? 13 : 15;
  const parts = [
    utc ? y % 100 : y,
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
  ];
  for (let i = 0; i < parts.length; i++) {
    const v = parts[i] as number;
    if (i === 0 && !utc) {
      p += buf.write(String(v).padStart(4, '0'), p, 'latin1');
      continue;
    }
    buf[p++] = 0x30 + Math.floor(v / 10);
    buf[p++] = 0x30 + (v % 10);
  }
  buf[p++] = 0x5a; // Z
  return p;
}

function writeEntries(entries: Iterable<CrlEntryInput>, version: 1 | 2): Buffer {
  let buf = Buffer.allocUnsafe(1 << 16);
  let p = 0;
  for (const entry of entries) {
    const mag = typeof entry.serial === 'string' ? serialMagnitude(entry.serial) : entry.serial;
    let s = 0;
    while (s < mag.length - 1 && mag[s] === 0) s++;
    const lead = mag.length === 0 || ((mag[s] as number) & 0x80) !== 0 ? 1 : 0;
    const serialLen = mag.length - s + lead;
    const extra = entry.extensions?.map(extensionDer) ?? [];
    if (version === 1 && (entry.reason !== undefined || extra.length > 0)) {
      throw new RangeError('a v1 CRL cannot carry entry extensions');
    }
    let extLen = extra.reduce((n, e) => n + e.length, 0);
    if (entry.reason !== undefined) extLen += 12;
    const extBlock = extLen === 0 ? 0 : 1 + lengthBytes(extLen).length + extLen;
    const year = entry.revocationDate.getUTCFullYear();
    const timeLen = year >= 1950 && year < 2050 ? 15 : 17;
    const contentLen = 1 + lengthBytes(serialLen).length + serialLen + timeLen + extBlock;
    const total = 1 + lengthBytes(contentLen).length + contentLen;
    if (p + total > buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, p + total));
      buf.copy(bigger, 0, 0, p);
      buf = bigger;
    }
    buf[p++] = 0x30;
    for (const b of lengthBytes(contentLen)) buf[p++] = b;
    buf[p++] = 0x02;
    for (const b of lengthBytes(serialLen)) buf[p++] = b;
    if (lead) buf[p++] = 0;
    for (let i = s; i < mag.length; i++) buf[p++] = mag[i] as number;
    p = writeTime(buf, p, entry.revocationDate);
    if (extLen > 0) {
      buf[p++] = 0x30;
      for (const b of lengthBytes(extLen)) buf[p++] = b;
      if (entry.reason !== undefined) {
        REASON_PREFIX.copy(buf, p);
        p += REASON_PREFIX.length;
        buf[p++] = REVOCATION_REASON_CODES[entry.reason];
      }
      for (const e of extra) p += e.copy(buf, p);
    }
  }
  return buf.subarray(0, p);
}

/**
 * Builds a CRL signed by `ca` and returns its DER.
 *
 * @example
 * const der = buildCrl({ ca, entries: [{ serial: 'a1b2', revocationDate: now, reason: 'keyCompromise' }], thisUpdate: now });
 */
export function buildCrl(options: BuildCrlOptions): Buffer {
  const version = options.version ?? 2;
  const signatureAlgorithm = options.signatureAlgorithm ?? options.ca.signatureAlgorithm;
  const alg = algorithmIdentifier(signatureAlgorithm);
  const list = writeEntries(options.entries, version);
  const nextUpdate =
    options.nextUpdate === undefined
      ? new Date(options.thisUpdate.getTime() + 7 * 86_400_000)
      : options.nextUpdate;
  const extensions: Buffer[] = [];
  if (version === 2) {
    const ski = options.ca.subjectKeyIdentifier;
    if (ski !== null) extensions.push(extensionDer({ oid: '2.5.29.35', value: sequence(tlv(0x80, ski)) }));
    const crlNumber = options.crlNumber === undefined ? 1 : options.crlNumber;
    if (crlNumber !== null) extensions.push(extensionDer({ oid: '2.5.29.20', value: integer(crlNumber) }));
    extensions.push(...(options.extensions ?? []).map(extensionDer));
  } else if ((options.extensions ?? []).length > 0) {
    throw new RangeError('a v1 CRL cannot carry extensions');
  }
  const tbs = sequence(
    ...(version === 2 ? [integer(1)] : []),
    alg,
    Buffer.from(options.issuerDer ?? options.ca.subjectDer),
    time(options.thisUpdate),
    ...(nextUpdate === null ? [] : [time(nextUpdate)]),
    ...(list.length > 0 ? [sequence(list)] : []),
    ...(extensions.length > 0 ? [explicit(0, sequence(...extensions))] : []),
  );
  return sequence(tbs, alg, bitString(signWith(signatureAlgorithm, tbs, options.ca.privateKey)));
}
