// Key generation and signature algorithm identifiers for the PKI toolkit (node:crypto).
import { constants, createHash, sign as cryptoSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { explicit, integer, NULL, oid, sequence } from './der-writer.js';

export type KeyType = 'rsa' | 'ec' | 'ed25519';
export type Curve = 'P-256' | 'P-384';

/** Signature algorithms the toolkit can produce (and lib/certificate can verify). */
export type SignatureAlgorithmName =
  | 'rsa-pkcs1-sha256'
  | 'rsa-pkcs1-sha384'
  | 'rsa-pss-sha256'
  | 'rsa-pss-sha384'
  | 'rsa-pkcs1-sha512'
  | 'ecdsa-sha256'
  | 'ecdsa-sha384'
  | 'ecdsa-sha512'
  | 'ed25519';

export interface KeySpec {
  keyType?: KeyType;
  curve?: Curve;
  rsaBits?: number;
}

const NODE_CURVE: Record<Curve, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1' };

/** A fresh key pair (RSA-2048 by default, or EC P-256 by default for `keyType: 'ec'`). */
export function generateKeyPair(spec: KeySpec = {}): { privateKey: KeyObject; publicKey: KeyObject } {
  if (spec.keyType === 'ed25519') return generateKeyPairSync('ed25519');
  if ((spec.keyType ?? 'rsa') === 'ec') {
    return generateKeyPairSync('ec', { namedCurve: NODE_CURVE[spec.curve ?? 'P-256'] });
  }
  return generateKeyPairSync('rsa', { modulusLength: spec.rsaBits ?? 2048 });
}

/** The algorithm a key signs with unless told otherwise: ECDSA with the curve's hash, Ed25519, else RSA PKCS#1 v1.5 SHA-256. */
export function defaultSignatureAlgorithm(key: KeyObject): SignatureAlgorithmName {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec') {
    return key.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? 'ecdsa-sha384' : 'ecdsa-sha256';
  }
  return 'rsa-pkcs1-sha256';
}

const HASH_OID = { sha256: '2.16.840.1.101.3.4.2.1', sha384: '2.16.840.1.101.3.4.2.2' } as const;

function pssParams(hash: 'sha256' | 'sha384'): Buffer {
  const hashAlg = sequence(oid(HASH_OID[hash]), NULL);
  return sequence(
    explicit(0, hashAlg),
    explicit(1, sequence(oid('1.2.840.113549.1.1.8'), hashAlg)), // MGF1 with the same hash
    explicit(2, integer(hash === 'sha256' ? 32 : 48)),
  );
}

/** DER AlgorithmIdentifier for a signature algorithm. */
export function algorithmIdentifier(name: SignatureAlgorithmName): Buffer {
  switch (name) {
    case 'rsa-pkcs1-sha256':
      return sequence(oid('1.2.840.113549.1.1.11'), NULL);
    case 'rsa-pkcs1-sha384':
      return sequence(oid('1.2.840.113549.1.1.12'), NULL);
    case 'rsa-pss-sha256':
      return sequence(oid('1.2.840.113549.1.1.10'), pssParams('sha256'));
    case 'rsa-pss-sha384':
      return sequence(oid('1.2.840.113549.1.1.10'), pssParams('sha384'));
    case 'rsa-pkcs1-sha512':
      return sequence(oid('1.2.840.113549.1.1.13'), NULL);
    case 'ecdsa-sha256':
      return sequence(oid('1.2.840.10045.4.3.2'));
    case 'ecdsa-sha384':
      return sequence(oid('1.2.840.10045.4.3.3'));
    case 'ecdsa-sha512':
      return sequence(oid('1.2.840.10045.4.3.4'));
    case 'ed25519':
      return sequence(oid('1.3.101.112'));
  }
}

/** Signs `data` (a TBS structure) as the named algorithm; ECDSA signatures are DER (r, s). */
export function signWith(name: SignatureAlgorithmName, data: Uint8Array, key: KeyObject): Buffer {
  if (name === 'ed25519') return cryptoSign(null, data, key);
  const hash = name.endsWith('sha384') ? 'sha384' : name.endsWith('sha512') ? 'sha512' : 'sha256';
  if (name.startsWith('rsa-pss')) {
    return cryptoSign(hash, data, {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: hash === 'sha256' ? 32 : 48,
    });
  }
  return cryptoSign(hash, data, key);
}

/** SubjectPublicKeyInfo DER of a key. */
export function spkiDer(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's value (without unused-bits byte). */
export function keyIdentifier(spki: Buffer): Buffer {
  // SPKI = SEQUENCE { AlgorithmIdentifier, BIT STRING }: the BIT STRING is the last element.
  let p = 2 + ((spki[1] as number) & 0x80 ? (spki[1] as number) & 0x7f : 0); // skip outer header
  const algLen = readLen(spki, p + 1);
  p = algLen.next + algLen.len; // skip AlgorithmIdentifier
  const bits = readLen(spki, p + 1);
  return createHash('sha1')
    .update(spki.subarray(bits.next + 1, bits.next + bits.len))
    .digest();
}

function readLen(buf: Buffer, at: number): { len: number; next: number } {
  const first = buf[at] as number;
  if (first < 0x80) return { len: first, next: at + 1 };
  let len = 0;
  const n = first & 0x7f;
  for (let i = 1; i <= n; i++) len = len * 256 + (buf[at + i] as number);
  return { len, next: at + 1 + n };
}
