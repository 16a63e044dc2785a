// The facts a parsed certificate exposes. All byte fields are views into `der`.
import type { DistributionPointName } from './distribution-points.js';

/** How an attribute value was encoded; `other` = not a string type (value shown as `#hex`). */
export type AsnStringType =
  | 'utf8'
  | 'printable'
  | 'ia5'
  | 'teletex'
  | 'bmp'
  | 'universal'
  | 'numeric'
  | 'visible'
  | 'other';

export interface NameAttribute {
  /** Dotted OID of the attribute type. */
  oid: string;
  /** RFC 4514 / LDAP short name (`CN`, `serialNumber`, …) or the dotted OID when it has none. */
  type: string;
  /** Decoded text; for `stringType: 'other'`, `#` followed by the hex of the value's DER. */
  value: string;
  stringType: AsnStringType;
}

export interface DistinguishedName {
  /** RFC 4514 string: least significant RDN first (`CN=dev-001,O=Example,C=JP`), `+` inside an RDN. */
  rfc4514: string;
  /** RDNs in DER order (most significant first); each is the attributes of one SET. */
  rdns: NameAttribute[][];
  /** Values per attribute type name, in DER order (so `[0]` is the first / most significant). */
  attributes: Readonly<Record<string, readonly string[]>>;
  /** The Name's DER (for exact comparison and for CRL issuers). */
  der: Uint8Array;
}

export type KeyAlgorithm =
  | { type: 'rsa'; bits: number }
  | { type: 'rsa-pss'; bits: number }
  | { type: 'ec'; curve: 'P-256' | 'P-384' | 'P-521' | string }
  | { type: 'ed25519' }
  | { type: 'ed448' }
  | { type: 'unknown'; oid: string };

/** A signature algorithm as needed by node:crypto.verify. */
export interface SignatureAlgorithm {
  /** e.g. `ecdsa-sha256`, `rsa-pss-sha384`, or `unsupported:<oid>`. */
  name: string;
  oid: string;
  /** null = unsupported (verification fails closed). */
  hash: 'sha256' | 'sha384' | 'sha512' | null;
  pssSaltLength?: number;
  /** The AlgorithmIdentifier's DER (inner and outer must match byte for byte). */
  der: Uint8Array;
  supported: boolean;
}

/** One extension as the certificate lists it (its value is read by the parser where used). */
export interface CertificateExtension {
  /** Dotted OID (extnID). */
  oid: string;
  /** The critical flag (DEFAULT FALSE when absent). */
  critical: boolean;
}

export interface CertificateFacts {
  der: Uint8Array;
  /** The tbsCertificate TLV (what the issuer signed). */
  tbs: Uint8Array;
  version: number;
  /** Lowercase hex of the serial's DER INTEGER content bytes; a leading 00 is kept (`0091f0…`). */
  serialHex: string;
  /** The serial's DER INTEGER content bytes. */
  serialBytes: Uint8Array;
  subject: DistinguishedName;
  issuer: DistinguishedName;
  notBefore: Date;
  notAfter: Date;
  /** Lowercase hex SHA-256 of the DER: the certificate id AWS IoT assigns. */
  sha256: string;
  sanDns: string[];
  sanUri: string[];
  keyAlgorithm: KeyAlgorithm;
  /** SubjectPublicKeyInfo DER. */
  spki: Uint8Array;
  signatureAlgorithm: SignatureAlgorithm;
  signatureValue: Uint8Array;
  /** Lowercase hex, or null when the extension is absent. */
  subjectKeyIdentifier: string | null;
  /** keyIdentifier of the authorityKeyIdentifier extension, lowercase hex, or null. */
  authorityKeyIdentifier: string | null;
  /** basicConstraints cA, or null when the extension is absent. */
  isCa: boolean | null;
  /** keyUsage bit names, or null when the extension is absent. */
  keyUsage: string[] | null;
  /** Every extension in DER order, with its critical flag (RFC 5280 §4.2). */
  extensions: CertificateExtension[];
  /**
   * Names of the distribution points in cRLDistributionPoints (points with a cRLIssuer left
   * out), or null when the extension is absent.
   */
  crlDistributionPoints: DistributionPointName[] | null;
}
