// "Signed by this CA", written once for certificates and CRLs (RFC 5280 §6.1.3 (a), §6.3.3):
// the issuer name is the CA's subject, the CA may sign this kind of object (basicConstraints
// cA and keyUsage keyCertSign / cRLSign, when present), the authorityKeyIdentifier matches the
// CA's subjectKeyIdentifier when both are present, the algorithm is supported and the
// signature verifies with the CA's key. Each caller turns a failure into its own error.
import { namesEqual } from './name.js';
import { publicKeyOfFacts, verifySignature } from './signature.js';
import type { CertificateFacts, DistinguishedName, SignatureAlgorithm } from './types.js';

/** What is checked of a signed object (a certificate or a CRL). */
export interface SignedObject {
  issuer: DistinguishedName;
  authorityKeyIdentifier: string | null;
  signatureAlgorithm: SignatureAlgorithm;
  tbs: Uint8Array;
  signature: Uint8Array;
}

/** A failure of the issuer checks proper (name, CA constraints, key identifier). */
export type IssuerFailure = Extract<
  SignedByFailure,
  { check: 'issuer-name' | 'ca-constraints' | 'authority-key-identifier' }
>;

/** The facts of a failure, for an error's details (without the `check` tag). */
export function failureFacts(failure: SignedByFailure): Record<string, unknown> {
  const { check: _check, ...facts } = failure;
  return facts;
}

export type SignedByFailure =
  | { check: 'issuer-name' }
  | { check: 'ca-constraints'; isCa: boolean | null; keyUsage: string[] | null }
  | { check: 'authority-key-identifier'; authorityKeyIdentifier: string; caSubjectKeyIdentifier: string }
  | { check: 'unsupported-algorithm'; signatureAlgorithm: string }
  | { check: 'signature'; signatureAlgorithm: string };

/**
 * The first check that `object` fails against `ca`, or null when the CA signed it.
 * `usage`: the keyUsage bit the CA needs (`keyCertSign` for a certificate, `cRLSign` for a CRL).
 * @example signedBy(certSigned, caFacts, 'keyCertSign') // null when ca issued it
 */
export function signedBy(
  object: SignedObject,
  ca: CertificateFacts,
  usage: 'keyCertSign' | 'cRLSign',
): SignedByFailure | null {
  if (!namesEqual(object.issuer, ca.subject)) return { check: 'issuer-name' };
  if (ca.isCa === false || (ca.keyUsage !== null && !ca.keyUsage.includes(usage))) {
    return { check: 'ca-constraints', isCa: ca.isCa, keyUsage: ca.keyUsage };
  }
  if (
    object.authorityKeyIdentifier !== null &&
    ca.subjectKeyIdentifier !== null &&
    object.authorityKeyIdentifier !== ca.subjectKeyIdentifier
  ) {
    return {
      check: 'authority-key-identifier',
      authorityKeyIdentifier: object.authorityKeyIdentifier,
      caSubjectKeyIdentifier: ca.subjectKeyIdentifier,
    };
  }
  if (!object.signatureAlgorithm.supported) {
    return { check: 'unsupported-algorithm', signatureAlgorithm: object.signatureAlgorithm.name };
  }
  if (!verifySignature(object.signatureAlgorithm, object.tbs, publicKeyOfFacts(ca), object.signature)) {
    return { check: 'signature', signatureAlgorithm: object.signatureAlgorithm.name };
  }
  return null;
}
