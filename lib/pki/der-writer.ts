// A minimal DER writer: enough of X.690 to build certificates and CRLs. Every helper returns a
// complete TLV as a Buffer; composite values are concatenated once per level.

/** Length octets of a definite, minimal DER length. */
export function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x100) return [0x81, n];
  if (n < 0x10000) return [0x82, n >> 8, n & 0xff];
  if (n < 0x1000000) return [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return [0x84, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** A TLV with the given tag around the concatenated parts. */
export function tlv(tag: number, ...parts: Uint8Array[]): Buffer {
  const content = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag, ...lengthBytes(content.length)]), content]);
}

export const sequence = (...parts: Uint8Array[]): Buffer => tlv(0x30, ...parts);
export const set = (...parts: Uint8Array[]): Buffer => tlv(0x31, ...parts);
export const octetString = (value: Uint8Array): Buffer => tlv(0x04, value);
export const bitString = (value: Uint8Array): Buffer => tlv(0x03, Buffer.from([0]), value);
export const explicit = (n: number, ...parts: Uint8Array[]): Buffer => tlv(0xa0 | n, ...parts);
export const NULL = Buffer.from([0x05, 0x00]);
export const TRUE = Buffer.from([0x01, 0x01, 0xff]);

/** OBJECT IDENTIFIER from dotted text. */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  const [a0, a1, ...rest] = arcs;
  if (a0 === undefined || a1 === undefined) throw new RangeError(`bad OID ${dotted}`);
  const bytes: number[] = [];
  for (const arc of [a0 * 40n + a1, ...rest]) {
    const chunk: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/**
 * Content bytes of a positive INTEGER from its unsigned big-endian magnitude: leading zero
 * bytes are dropped and one 00 is added back when the high bit is set (DER's minimal form).
 */
export function positiveIntegerContent(magnitude: Uint8Array): Buffer {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const trimmed = Buffer.from(magnitude.subarray(i));
  if (trimmed.length === 0) return Buffer.from([0]);
  return (trimmed[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
}

/** INTEGER from a non-negative number or bigint. */
export function integer(value: number | bigint): Buffer {
  let v = BigInt(value);
  if (v < 0n) throw new RangeError('only non-negative integers are supported');
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  return tlv(0x02, positiveIntegerContent(Buffer.from(bytes)));
}

/** UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5). */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const year = date.getUTCFullYear();
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  if (year >= 1950 && year < 2050) return tlv(0x17, Buffer.from(digits.slice(2), 'latin1'));
  return tlv(0x18, Buffer.from(digits, 'latin1'));
}

/** Unsigned magnitude bytes from hex (colons, spaces and a 0x prefix allowed) or bytes. */
export function serialMagnitude(serial: Uint8Array | string): Buffer {
  if (typeof serial !== 'string') return Buffer.from(serial);
  const clean = serial.replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (!/^[0-9a-fA-F]+$/.test(clean)) throw new RangeError(`serial is not hex: ${serial}`);
  return Buffer.from(clean.length % 2 ? `0${clean}` : clean, 'hex');
}
