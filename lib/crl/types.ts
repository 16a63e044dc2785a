// What a verified CRL exposes.
import type { DistinguishedName, DistributionPointName } from '../certificate/index.js';
import type { RevocationReason } from './reasons.js';

/** One revoked certificate, as evidence for the decision. */
export interface RevocationEntry {
  /** Lowercase hex of the serial's DER INTEGER content bytes as written in the CRL. */
  serialHex: string;
  revocationDate: Date;
  /** The reasonCode entry extension, or null when absent (or an unassigned code). */
  reason: RevocationReason | null;
}

/** A CRL whose signature, issuer, critical extensions and freshness were checked by `loadCrl`. */
export interface VerifiedCrl {
  readonly issuer: DistinguishedName;
  readonly version: 1 | 2;
  /** cRLNumber as a decimal string (it may exceed 2^53), or null when absent. */
  readonly crlNumber: string | null;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | null;
  readonly entryCount: number;
  readonly signatureAlgorithm: string;
  /** keyIdentifier of the CRL's authorityKeyIdentifier, lowercase hex, or null. */
  readonly authorityKeyIdentifier: string | null;
  readonly byteLength: number;
  /**
   * The distribution point names of its issuingDistributionPoint: a partitioned CRL that covers
   * only certificates naming one of them in cRLDistributionPoints. null = covers the whole CA.
   */
  readonly distributionPoints: readonly DistributionPointName[] | null;
  /** O(1): the entry for a serial (DER INTEGER content bytes; leading 00 bytes are ignored), or null. */
  lookup(serialBytes: Uint8Array): RevocationEntry | null;
  /** Same as {@link lookup} for hex text (case, `:`/space separators and leading zeros ignored). */
  lookupHex(serialHex: string): RevocationEntry | null;
  /** O(1), allocation-free: whether a serial is listed (leading 00 bytes are ignored). */
  has(serialBytes: Uint8Array): boolean;
  /**
   * Every revoked serial in CRL order, as views into the CRL buffer (no copy; leading 00 bytes
   * as written). Views are only valid while the CRL is; copy what you keep.
   */
  serials(): IterableIterator<Uint8Array>;
}
