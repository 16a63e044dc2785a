// X.501 Names: decoding every directory string type, RFC 4514 text, RFC 5280 comparison.
import { children, DerError, decodeOid, expectTlv, TAG, type Tlv, toHex } from './der.js';
import { ATTRIBUTE_SHORT_NAMES } from './oids.js';
import type { AsnStringType, DistinguishedName, NameAttribute } from './types.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

const STRING_TYPES: Readonly<Record<number, AsnStringType>> = {
  [TAG.UTF8_STRING]: 'utf8',
  [TAG.PRINTABLE_STRING]: 'printable',
  [TAG.IA5_STRING]: 'ia5',
  [TAG.TELETEX_STRING]: 'teletex',
  [TAG.BMP_STRING]: 'bmp',
  [TAG.UNIVERSAL_STRING]: 'universal',
  [TAG.NUMERIC_STRING]: 'numeric',
  [TAG.VISIBLE_STRING]: 'visible',
};

function decodeString(buf: Uint8Array, t: Tlv, type: AsnStringType): string {
  const bytes = buf.subarray(t.valueStart, t.end);
  switch (type) {
    case 'utf8':
      try {
        return UTF8.decode(bytes);
      } catch {
        throw new DerError('UTF8String is not valid UTF-8', t.start);
      }
    case 'bmp': {
      // UCS-2: two bytes per character, no surrogates (they are not characters).
      if (bytes.length % 2 !== 0) throw new DerError('BMPString has an odd length', t.start);
      for (let i = 0; i < bytes.length; i += 2) {
        const unit = ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
        if (unit >= 0xd800 && unit <= 0xdfff) throw new DerError('BMPString holds a surrogate', t.start);
      }
      return Buffer.from(bytes).swap16().toString('utf16le');
    }
    case 'universal': {
      if (bytes.length % 4 !== 0)
        throw new DerError('UniversalString length is not a multiple of 4', t.start);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
      let out = '';
      for (let i = 0; i < bytes.length; i += 4) {
        const cp = view.getUint32(i);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
          throw new DerError('UniversalString holds an invalid code point', t.start);
        }
        out += String.fromCodePoint(cp);
      }
      return out;
    }
    case 'teletex':
      // T.61 has no exact mapping to Unicode; read as Latin-1 (what real-world encoders write)
      // for display and name comparison only: certificateParameters never uses it.
      return Buffer.from(bytes).toString('latin1');
    default: {
      // PrintableString, IA5String, NumericString and VisibleString: each is an ASCII subset,
      // decoded only when every byte is in its X.680 character set.
      const allowed = CHARSETS[type];
      for (const byte of bytes) {
        if (allowed === undefined || !allowed(byte)) {
          throw new DerError(
            `${type} string holds a byte outside its character set (0x${byte.toString(16)})`,
            t.start,
          );
        }
      }
      return Buffer.from(bytes).toString('latin1');
    }
  }
}

/** X.680 character sets of the restricted ASCII string types. */
const CHARSETS: Partial<Record<AsnStringType, (byte: number) => boolean>> = {
  // A–Z a–z 0–9 space ' ( ) + , - . / : = ?
  printable: (b) =>
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x61 && b <= 0x7a) ||
    (b >= 0x30 && b <= 0x39) ||
    b === 0x20 ||
    (b >= 0x27 && b <= 0x29) ||
    (b >= 0x2b && b <= 0x2f) ||
    b === 0x3a ||
    b === 0x3d ||
    b === 0x3f,
  ia5: (b) => b <= 0x7f,
  numeric: (b) => (b >= 0x30 && b <= 0x39) || b === 0x20,
  visible: (b) => b >= 0x20 && b <= 0x7e,
};

/** RFC 4514 §2.4 escaping of an attribute value. */
const NEEDS_ESCAPE = /["+,;<>\\\0]|^[ #]| $/;

function escapeValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  let out = value.replace(/["+,;<>\\]/g, '\\$&').replace(/\0/g, '\\00');
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** Decodes a Name whose TLV is `t`. */
export function parseName(buf: Uint8Array, t: Tlv): DistinguishedName {
  if (t.tag !== TAG.SEQUENCE) throw new DerError('Name is not a SEQUENCE', t.start);
  const rdns: NameAttribute[][] = [];
  const attributes: Record<string, string[]> = {};
  for (const rdnTlv of children(buf, t)) {
    if (rdnTlv.tag !== TAG.SET) throw new DerError('RDN is not a SET', rdnTlv.start);
    const rdn: NameAttribute[] = [];
    const members = children(buf, rdnTlv);
    if (members.length === 0) throw new DerError('empty RDN', rdnTlv.start);
    for (const atv of members) {
      if (atv.tag !== TAG.SEQUENCE) throw new DerError('AttributeTypeAndValue is not a SEQUENCE', atv.start);
      const typeTlv = expectTlv(buf, atv.valueStart, atv.end, TAG.OID, 'attribute type');
      const valueTlv = expectTlv(buf, typeTlv.end, atv.end, buf[typeTlv.end] ?? 0, 'attribute value');
      if (valueTlv.end !== atv.end) throw new DerError('trailing data in AttributeTypeAndValue', atv.start);
      const oid = decodeOid(buf, typeTlv);
      const stringType = STRING_TYPES[valueTlv.tag] ?? 'other';
      const value =
        stringType === 'other'
          ? `#${toHex(buf, valueTlv.start, valueTlv.end)}`
          : decodeString(buf, valueTlv, stringType);
      const type = ATTRIBUTE_SHORT_NAMES[oid] ?? oid;
      rdn.push({ oid, type, value, stringType });
      const list = attributes[type] ?? [];
      list.push(value);
      attributes[type] = list;
    }
    rdns.push(rdn);
  }
  const rfc4514 = rdns
    .map((rdn) =>
      rdn.map((a) => `${a.type}=${a.stringType === 'other' ? a.value : escapeValue(a.value)}`).join('+'),
    )
    .reverse()
    .join(',');
  return { rfc4514, rdns, attributes, der: buf.subarray(t.start, t.end) };
}

/** RFC 5280 §7.1 (RFC 4518, simplified): case-fold, trim, collapse inner whitespace. */
function foldString(value: string): string {
  return value.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

function attributeKey(a: NameAttribute): string {
  return `${a.oid}\u0000${a.stringType === 'other' ? a.value : foldString(a.value)}`;
}

/**
 * RFC 5280 name comparison: identical DER matches at once; otherwise RDN by RDN, attributes of
 * a multi-valued RDN in any order, string values compared case-insensitively with whitespace
 * folded (whatever their string type), other values byte for byte.
 */
export function namesEqual(a: DistinguishedName, b: DistinguishedName): boolean {
  if (Buffer.compare(a.der, b.der) === 0) return true;
  if (a.rdns.length !== b.rdns.length) return false;
  for (let i = 0; i < a.rdns.length; i++) {
    const x = (a.rdns[i] as NameAttribute[]).map(attributeKey).sort();
    const y = (b.rdns[i] as NameAttribute[]).map(attributeKey).sort();
    if (x.length !== y.length || x.some((k, j) => k !== y[j])) return false;
  }
  return true;
}
