// The outer structure of a CRL: everything except the revoked list, which serial-index.ts walks.
import {
  children,
  DerError,
  decodeTime,
  decodeUnsigned,
  expectTlv,
  authorityKeyIdentifier as readAuthorityKeyIdentifier,
  readExtensions,
  readTlv,
  TAG,
  type Tlv,
} from '../certificate/der.js';
import { type DistributionPointName, distributionPointNames } from '../certificate/distribution-points.js';
import type { DistinguishedName, SignatureAlgorithm } from '../certificate/index.js';
import { parseName } from '../certificate/name.js';
import { OID } from '../certificate/oids.js';
import { bitStringBytes, parseSignatureAlgorithm } from '../certificate/signature.js';
import { CrlUnsupportedCriticalExtensionError } from './errors.js';

export interface CrlFrame {
  tbs: Uint8Array;
  version: 1 | 2;
  signatureAlgorithm: SignatureAlgorithm;
  signature: Uint8Array;
  issuer: DistinguishedName;
  thisUpdate: Date;
  nextUpdate: Date | null;
  /** Content range of revokedCertificates ([-1, -1] when absent). */
  revokedStart: number;
  revokedEnd: number;
  crlNumber: string | null;
  authorityKeyIdentifier: string | null;
  /** The issuingDistributionPoint's names (a partitioned CRL), or null when it names none. */
  distributionPoints: DistributionPointName[] | null;
}

/**
 * issuingDistributionPoint (critical): a CRL that covers every end-entity certificate of the CA
 * is fine (onlyContainsUserCerts only narrows it to what we check). One that leaves some of them
 * out (CA-only, attribute-only, some reasons only, indirect) cannot prove a device certificate is
 * *not* revoked, so it is refused. A `distributionPoint` makes the CRL partitioned: it covers
 * only certificates whose cRLDistributionPoints name one of its names, which the revocation
 * check compares per certificate; the names are returned for that.
 */
function readIssuingDistributionPoint(buf: Uint8Array, v: Tlv): DistributionPointName[] | null {
  const seq = expectTlv(buf, v.valueStart, v.end, TAG.SEQUENCE, 'issuingDistributionPoint');
  let scope: DistributionPointName[] | null = null;
  for (const f of children(buf, seq)) {
    if (f.tag === 0xa0) {
      const inner = children(buf, f);
      if (inner.length !== 1) throw new DerError('bad issuingDistributionPoint distributionPoint', f.start);
      scope = distributionPointNames(buf, inner[0] as Tlv);
      continue;
    }
    if (f.tag === 0x81) continue;
    const names: Record<number, string> = {
      130: 'onlyContainsCACerts',
      163: 'onlySomeReasons',
      131: 'onlySomeReasons',
      132: 'indirectCRL',
      133: 'onlyContainsAttributeCerts',
    };
    throw new CrlUnsupportedCriticalExtensionError({
      kind: 'scope',
      oid: OID.issuingDistributionPoint,
      field: names[f.tag] ?? `field 0x${f.tag.toString(16)}`,
    });
  }
  return scope;
}

interface CrlExtensionFacts {
  crlNumber: string | null;
  authorityKeyIdentifier: string | null;
  distributionPoints: DistributionPointName[] | null;
}

function parseCrlExtensions(buf: Uint8Array, list: Tlv): CrlExtensionFacts {
  let crlNumber: string | null = null;
  let authorityKeyIdentifier: string | null = null;
  let distributionPoints: DistributionPointName[] | null = null;
  for (const { oid, critical, value: next } of readExtensions(buf, list)) {
    if (oid === OID.cRLNumber) {
      crlNumber = decodeUnsigned(
        buf,
        expectTlv(buf, next.valueStart, next.end, TAG.INTEGER, 'cRLNumber'),
        'cRLNumber',
      ).toString();
    } else if (oid === OID.authorityKeyIdentifier) {
      authorityKeyIdentifier = readAuthorityKeyIdentifier(buf, next);
    } else if (oid === OID.issuingDistributionPoint) {
      distributionPoints = readIssuingDistributionPoint(buf, next);
    } else if (oid === OID.deltaCRLIndicator) {
      throw new CrlUnsupportedCriticalExtensionError({ kind: 'delta', oid });
    } else if (critical) {
      throw new CrlUnsupportedCriticalExtensionError({ kind: 'crl-extension', oid });
    }
  }
  return { crlNumber, authorityKeyIdentifier, distributionPoints };
}

/**
 * Parses CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue }
 * down to the revoked list's byte range. Throws DerError on malformed input, or
 * CrlUnsupportedCriticalExtensionError.
 */
export function parseCrlFrame(buf: Uint8Array): CrlFrame {
  const outer = readTlv(buf, 0, buf.length);
  if (outer.tag !== TAG.SEQUENCE || outer.end !== buf.length)
    throw new DerError('not a single DER SEQUENCE', 0);
  const tbsTlv = expectTlv(buf, outer.valueStart, outer.end, TAG.SEQUENCE, 'tbsCertList');
  const algTlv = expectTlv(buf, tbsTlv.end, outer.end, TAG.SEQUENCE, 'signatureAlgorithm');
  const sigTlv = readTlv(buf, algTlv.end, outer.end);
  if (sigTlv.end !== outer.end) throw new DerError('trailing data after signatureValue', sigTlv.end);
  const signature = bitStringBytes(buf, sigTlv, 'signatureValue');
  const signatureAlgorithm = parseSignatureAlgorithm(buf, algTlv);

  // Walk the tbsCertList fields one by one (never children(): the revoked list can be huge,
  // and only its outer TLV is read here).
  const end = tbsTlv.end;
  let t = readTlv(buf, tbsTlv.valueStart, end);
  let version: 1 | 2 = 1;
  if (t.tag === TAG.INTEGER) {
    const v = decodeUnsigned(buf, t, 'version');
    // RFC 5280 5.1.2.1: the field is absent in a v1 CRL and, when present, MUST be v2 (1).
    if (v !== 1n)
      throw new DerError(`unsupported CRL version field ${v} (only v2, 1, may be written)`, t.start);
    version = 2;
    t = readTlv(buf, t.end, end);
  }
  if (t.tag !== TAG.SEQUENCE)
    throw new DerError('tbsCertList.signature is not an AlgorithmIdentifier', t.start);
  if (Buffer.compare(buf.subarray(t.start, t.end), signatureAlgorithm.der) !== 0) {
    throw new DerError('tbsCertList.signature differs from signatureAlgorithm', t.start);
  }
  const issuerTlv = readTlv(buf, t.end, end);
  const issuer = parseName(buf, issuerTlv);
  t = readTlv(buf, issuerTlv.end, end);
  const thisUpdate = decodeTime(buf, t);
  let p = t.end;
  let nextUpdate: Date | null = null;
  let revokedStart = -1;
  let revokedEnd = -1;
  let extensions: CrlExtensionFacts = {
    crlNumber: null,
    authorityKeyIdentifier: null,
    distributionPoints: null,
  };
  if (p < end) {
    t = readTlv(buf, p, end);
    if (t.tag === TAG.UTC_TIME || t.tag === TAG.GENERALIZED_TIME) {
      nextUpdate = decodeTime(buf, t);
      p = t.end;
      t = p < end ? readTlv(buf, p, end) : t;
    }
    if (p < end && t.tag === TAG.SEQUENCE) {
      revokedStart = t.valueStart;
      revokedEnd = t.end;
      p = t.end;
      t = p < end ? readTlv(buf, p, end) : t;
    }
    if (p < end && t.tag === 0xa0) {
      if (version === 1) throw new DerError('a v1 CRL cannot carry extensions', t.start);
      const list = expectTlv(buf, t.valueStart, t.end, TAG.SEQUENCE, 'crlExtensions');
      if (list.end !== t.end) throw new DerError('trailing data after crlExtensions', list.end);
      extensions = parseCrlExtensions(buf, list);
      p = t.end;
    }
    if (p !== end) throw new DerError('unexpected field in tbsCertList', p);
  }
  return {
    tbs: buf.subarray(tbsTlv.start, tbsTlv.end),
    version,
    signatureAlgorithm,
    signature,
    issuer,
    thisUpdate,
    nextUpdate,
    revokedStart,
    revokedEnd,
    ...extensions,
  };
}
