// Types shared by the PKI toolkit's certificate and CRL writers.
import type { KeyObject } from 'node:crypto';
import type { SignatureAlgorithmName } from './algorithms.js';

/** A CA that can issue certificates and sign CRLs. */
export interface Ca {
  certificatePem: string;
  certificateDer: Buffer;
  privateKeyPem: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** DER of the CA's subject Name (the issuer of everything it signs). */
  subjectDer: Buffer;
  /** The CA's subjectKeyIdentifier (used as the authorityKeyIdentifier of what it signs). */
  subjectKeyIdentifier: Buffer | null;
  /** What the CA signs with unless a call says otherwise. */
  signatureAlgorithm: SignatureAlgorithmName;
}

/** An extension given as raw DER: `value` is what goes inside the extnValue OCTET STRING. */
export interface RawExtension {
  oid: string;
  critical?: boolean;
  value: Uint8Array;
}
