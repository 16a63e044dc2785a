// DistributionPointName (RFC 5280 4.2.1.13, 5.2.5), shared by a certificate's
// cRLDistributionPoints and a CRL's issuingDistributionPoint, so that the CRL's scope can be
// compared with the points a device certificate names.
import { children, DerError, TAG, type Tlv, toHex } from './der.js';

/** One name of a distribution point: `key` compares (exact DER), `text` is for logs. */
export interface DistributionPointName {
  key: string;
  text: string;
}

const URI_TAG = 0x86;

/**
 * The names of a `DistributionPointName` CHOICE whose TLV is `t` (the content of the `[0]`
 * field): `fullName [0] GeneralNames` gives each GeneralName, compared by its exact DER (as
 * OpenSSL's GENERAL_NAME_cmp does); `nameRelativeToCRLIssuer [1]` gives one name, compared only
 * with the same relative name.
 */
export function distributionPointNames(buf: Uint8Array, t: Tlv): DistributionPointName[] {
  if (t.tag === 0xa0) {
    const names = children(buf, t);
    if (names.length === 0) throw new DerError('empty fullName', t.start);
    return names.map((name) => ({
      key: `${name.tag.toString(16)}:${toHex(buf, name.valueStart, name.end)}`,
      text:
        name.tag === URI_TAG
          ? Buffer.from(buf.subarray(name.valueStart, name.end)).toString('latin1')
          : `[${name.tag.toString(16)}]${toHex(buf, name.valueStart, name.end)}`,
    }));
  }
  if (t.tag === 0xa1) {
    const hex = toHex(buf, t.valueStart, t.end);
    return [{ key: `rdn:${hex}`, text: `nameRelativeToCRLIssuer ${hex}` }];
  }
  throw new DerError('bad DistributionPointName', t.start);
}

/**
 * The names of every distribution point in a cRLDistributionPoints extension value (`value` is
 * the extnValue OCTET STRING). Points that name a cRLIssuer are left out: their CRL comes from
 * another issuer, never from the CA's own (direct) CRL.
 */
export function crlDistributionPoints(buf: Uint8Array, value: Tlv): DistributionPointName[] {
  const list = children(buf, value)[0];
  if (list === undefined || list.tag !== TAG.SEQUENCE || list.end !== value.end) {
    throw new DerError('cRLDistributionPoints is not a SEQUENCE', value.start);
  }
  const out: DistributionPointName[] = [];
  for (const point of children(buf, list)) {
    if (point.tag !== TAG.SEQUENCE) throw new DerError('DistributionPoint is not a SEQUENCE', point.start);
    const fields = children(buf, point);
    if (fields.some((f) => f.tag === 0xa2)) continue;
    const name = fields.find((f) => f.tag === 0xa0);
    if (name === undefined) continue;
    const inner = children(buf, name);
    if (inner.length !== 1) throw new DerError('bad distributionPoint', name.start);
    out.push(...distributionPointNames(buf, inner[0] as Tlv));
  }
  return out;
}
