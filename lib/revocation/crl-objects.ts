/** The port the sweep reads CRL objects through (the S3 adapter is s3-crl-objects.ts). */
import type { CrlObjectVersion } from '../ledger/record.js';

export interface CrlObject {
  bytes: Uint8Array;
  version: Omit<CrlObjectVersion, 'crlNumber'>;
}

export interface CrlObjectSource {
  /** The CA's current CRL object, or null when none is published. */
  current(caCertificateId: string): Promise<CrlObject | null>;
  /** The bytes of a version read before, or null when it can no longer be read (overwritten, deleted). */
  read(version: CrlObjectVersion): Promise<Uint8Array | null>;
}
