// Distinguished names for the PKI toolkit: parse 'C=JP,O=Example,CN=dev-001' or an attribute
// list and encode it as a DER Name, with a chosen ASN.1 string type per attribute.
import { ATTRIBUTE_OIDS, attributeOid } from '../certificate/oids.js';
import { oid, sequence, set, tlv } from './der-writer.js';

/** ASN.1 string types a subject attribute can be written as. */
export type AsnStringType = 'utf8' | 'printable' | 'ia5' | 'teletex' | 'bmp' | 'universal';

export interface SubjectAttribute {
  /** Short name (`CN`, `serialNumber`, …) or dotted OID. */
  type: string;
  value: string;
  /** Default: PrintableString for C, serialNumber and dnQualifier when the value allows it, else UTF8String. */
  stringType?: AsnStringType;
}

/**
 * A subject: `'C=JP,O=Example,CN=dev-001'` (most significant RDN first, `+` joins the attributes
 * of a multi-valued RDN, `\` escapes a special character), or a list of RDNs in that order where
 * each element is one attribute or an array of attributes (a multi-valued RDN).
 */
export type SubjectInput = string | ReadonlyArray<SubjectAttribute | readonly SubjectAttribute[]>;

const STRING_TAG: Record<AsnStringType, number> = {
  utf8: 0x0c,
  printable: 0x13,
  ia5: 0x16,
  teletex: 0x14,
  bmp: 0x1e,
  universal: 0x1c,
};
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
const PRINTABLE_BY_DEFAULT: ReadonlySet<string> = new Set(
  ['C', 'serialNumber', 'dnQualifier'].map(attributeOid),
);

function encodeString(value: string, type: AsnStringType): Buffer {
  switch (type) {
    case 'utf8':
      return Buffer.from(value, 'utf8');
    case 'printable':
    case 'ia5':
    case 'teletex':
      // TeletexString is written as Latin-1, which is what real-world T.61 use amounts to.
      return Buffer.from(value, 'latin1');
    case 'bmp':
      return Buffer.from(value, 'utf16le').swap16();
    case 'universal': {
      const cps = [...value].map((c) => c.codePointAt(0) as number);
      const out = Buffer.alloc(cps.length * 4);
      cps.forEach((cp, i) => {
        out.writeUInt32BE(cp, i * 4);
      });
      return out;
    }
  }
}

function attributeDer(a: SubjectAttribute): Buffer {
  const typeOid = /^\d+(\.\d+)+$/.test(a.type) ? a.type : ATTRIBUTE_OIDS[a.type.toLowerCase()];
  if (typeOid === undefined) throw new RangeError(`unknown subject attribute type "${a.type}"`);
  const stringType =
    a.stringType ?? (PRINTABLE_BY_DEFAULT.has(typeOid) && PRINTABLE.test(a.value) ? 'printable' : 'utf8');
  return sequence(oid(typeOid), tlv(STRING_TAG[stringType], encodeString(a.value, stringType)));
}

/** Splits on an unescaped separator, keeping escapes for the next level. */
function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length) {
      cur += c + (text[i + 1] as string);
      i++;
    } else if (c === sep) {
      parts.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  parts.push(cur);
  return parts;
}

function unescapeValue(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

/** Parses the string form into RDNs (most significant first). */
export function parseSubjectString(text: string): SubjectAttribute[][] {
  return splitUnescaped(text, ',')
    .filter((rdn) => rdn.trim() !== '')
    .map((rdn) =>
      splitUnescaped(rdn, '+').map((pair) => {
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new RangeError(`subject component "${pair}" is not TYPE=VALUE`);
        return { type: pair.slice(0, eq).trim(), value: unescapeValue(pair.slice(eq + 1).trim()) };
      }),
    );
}

/** DER Name for a subject. */
export function nameDer(subject: SubjectInput): Buffer {
  const rdns = typeof subject === 'string' ? parseSubjectString(subject) : subject;
  return sequence(
    ...rdns.map((rdn) => {
      const attrs = (Array.isArray(rdn) ? rdn : [rdn]) as SubjectAttribute[];
      // DER orders the members of a SET OF by their encodings.
      const encoded = attrs.map(attributeDer).sort(Buffer.compare);
      return set(...encoded);
    }),
  );
}
