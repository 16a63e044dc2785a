// Signature algorithm identifiers and verification with node:crypto (shared with lib/crl).
import { constants, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { children, DerError, decodeOid, decodeUnsigned, expectTlv, readTlv, TAG, type Tlv } from './der.js';
import { FIXED_SIGNATURE_ALGORITHMS, HASH_OIDS, OID } from './oids.js';
import type { SignatureAlgorithm } from './types.js';

function hashOfAlgorithmIdentifier(buf: Uint8Array, t: Tlv): string | undefined {
  const oidTlv = expectTlv(buf, t.valueStart, t.end, TAG.OID, 'hash algorithm');
  return HASH_OIDS[decodeOid(buf, oidTlv)];
}

/** RSASSA-PSS-params (RFC 4055): hash, MGF1 hash (must match), salt length. */
function pssAlgorithm(buf: Uint8Array, params: Tlv | undefined, der: Uint8Array): SignatureAlgorithm {
  let hash: string | undefined = 'sha1';
  let mgfHash: string | undefined = 'sha1';
  let salt = 20;
  if (params !== undefined) {
    if (params.tag !== TAG.SEQUENCE) throw new DerError('RSASSA-PSS params are not a SEQUENCE', params.start);
    for (const field of children(buf, params)) {
      const inner = readTlv(buf, field.valueStart, field.end);
      if (field.tag === 0xa0) hash = hashOfAlgorithmIdentifier(buf, inner);
      else if (field.tag === 0xa1) {
        const mgfOid = expectTlv(buf, inner.valueStart, inner.end, TAG.OID, 'MGF');
        if (decodeOid(buf, mgfOid) !== OID.mgf1) mgfHash = undefined;
        else mgfHash = hashOfAlgorithmIdentifier(buf, readTlv(buf, mgfOid.end, inner.end));
      } else if (field.tag === 0xa2) {
        if (inner.tag !== TAG.INTEGER) throw new DerError('saltLength is not an INTEGER', inner.start);
        const value = decodeUnsigned(buf, inner, 'saltLength');
        if (value > 4096n) throw new DerError('saltLength is out of range', inner.start);
        salt = Number(value);
      } else if (field.tag === 0xa3) {
        if (inner.tag !== TAG.INTEGER) throw new DerError('trailerField is not an INTEGER', inner.start);
        if (decodeUnsigned(buf, inner, 'trailerField') !== 1n) hash = undefined;
      }
    }
  }
  const ok = (hash === 'sha256' || hash === 'sha384' || hash === 'sha512') && mgfHash === hash;
  return {
    name: ok ? `rsa-pss-${hash}` : 'unsupported:rsa-pss',
    oid: OID.rsassaPss,
    hash: ok ? (hash as 'sha256' | 'sha384' | 'sha512') : null,
    pssSaltLength: salt,
    der,
    supported: ok,
  };
}

/** Reads an AlgorithmIdentifier TLV as a signature algorithm (unsupported ones are flagged, not thrown). */
export function parseSignatureAlgorithm(buf: Uint8Array, t: Tlv): SignatureAlgorithm {
  if (t.tag !== TAG.SEQUENCE) throw new DerError('AlgorithmIdentifier is not a SEQUENCE', t.start);
  const oidTlv = expectTlv(buf, t.valueStart, t.end, TAG.OID, 'algorithm');
  const oid = decodeOid(buf, oidTlv);
  const params = oidTlv.end < t.end ? readTlv(buf, oidTlv.end, t.end) : undefined;
  if (params !== undefined && params.end !== t.end)
    throw new DerError('trailing data in AlgorithmIdentifier', t.start);
  const der = buf.subarray(t.start, t.end);
  if (oid === OID.rsassaPss) return pssAlgorithm(buf, params, der);
  const fixed = FIXED_SIGNATURE_ALGORITHMS[oid];
  if (fixed === undefined) return { name: `unsupported:${oid}`, oid, hash: null, der, supported: false };
  return { name: fixed.name, oid, hash: fixed.hash, der, supported: true };
}

/** BIT STRING value bytes (no unused bits allowed: signatures are whole octets). */
export function bitStringBytes(buf: Uint8Array, t: Tlv, what: string): Uint8Array {
  if (t.tag !== TAG.BIT_STRING || t.end === t.valueStart || buf[t.valueStart] !== 0) {
    throw new DerError(`${what} is not a whole-octet BIT STRING`, t.start);
  }
  return buf.subarray(t.valueStart + 1, t.end);
}

/**
 * ECDSA keys accepted: the NIST curves P-256, P-384 and P-521 (AWS IoT's own list for ECC
 * certificates). Any other curve node:crypto happens to know (secp256k1, brainpool…) fails.
 */
const ACCEPTED_CURVES: ReadonlySet<string> = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/** A public KeyObject for an SPKI. */
export function publicKeyOf(spki: Uint8Array): KeyObject {
  return createPublicKey({
    key: Buffer.from(spki.buffer, spki.byteOffset, spki.length),
    format: 'der',
    type: 'spki',
  });
}

const PUBLIC_KEY = Symbol('publicKey');

/**
 * The public key of parsed certificate facts, imported once per facts object: a CA's facts live
 * in the runtime's CA cache, and importing a key costs more than verifying with it (~0.3 ms for
 * P-256). The key is kept on the object (not enumerable, so JSON and deep equality ignore it),
 * never in module state.
 */
export function publicKeyOfFacts(facts: { readonly spki: Uint8Array }): KeyObject {
  const held = (facts as { [PUBLIC_KEY]?: KeyObject })[PUBLIC_KEY];
  if (held !== undefined) return held;
  const key = publicKeyOf(facts.spki);
  if (Object.isExtensible(facts)) Object.defineProperty(facts, PUBLIC_KEY, { value: key });
  return key;
}

/**
 * Verifies `signature` over `data` with the key in `spki`. Returns false (never throws) for
 * a wrong key, a key/algorithm mismatch or a garbled signature; callers check
 * `algorithm.supported` first.
 */
export function verifySignature(
  algorithm: SignatureAlgorithm,
  data: Uint8Array,
  spki: Uint8Array | KeyObject,
  signature: Uint8Array,
): boolean {
  if (!algorithm.supported) return false;
  try {
    const key = spki instanceof Uint8Array ? publicKeyOf(spki) : spki;
    if (algorithm.name.startsWith('rsa-pss')) {
      return verify(
        algorithm.hash,
        data,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: algorithm.pssSaltLength ?? 20 },
        signature,
      );
    }
    if (algorithm.name.startsWith('rsa-pkcs1') && key.asymmetricKeyType !== 'rsa') return false;
    if (
      algorithm.name.startsWith('ecdsa') &&
      !ACCEPTED_CURVES.has(key.asymmetricKeyDetails?.namedCurve ?? '')
    ) {
      return false;
    }
    return verify(algorithm.hash, data, key, signature);
  } catch {
    return false;
  }
}
