// The documented list of signature algorithms (README, "What is checked"): ECDSA only on the
// NIST curves P-256, P-384 and P-521; other curves node:crypto knows are refused.
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifySignature } from '../../../lib/certificate/signature.js';
import type { SignatureAlgorithm } from '../../../lib/certificate/types.js';

const DATA = Buffer.from('tbsCertificate stand-in');

function ecdsa(namedCurve: string, hash: 'sha256' | 'sha384' | 'sha512'): boolean {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve });
  const algorithm: SignatureAlgorithm = {
    name: `ecdsa-${hash}`,
    oid: '1.2.840.10045.4.3.4',
    hash,
    der: new Uint8Array(),
    supported: true,
  };
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return verifySignature(algorithm, DATA, spki, sign(hash, DATA, privateKey));
}

describe('accepted ECDSA curves', () => {
  it.each([
    ['P-256', 'prime256v1', 'sha256'],
    ['P-384', 'secp384r1', 'sha384'],
    ['P-521', 'secp521r1', 'sha512'],
  ] as const)('verifies %s', (_name, curve, hash) => {
    expect(ecdsa(curve, hash)).toBe(true);
  });

  it.each(['secp256k1', 'brainpoolP256r1'])('refuses %s', (curve) => {
    expect(ecdsa(curve, 'sha256')).toBe(false);
  });
});
