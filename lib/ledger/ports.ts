/**
 * The ports the provisioning ledger is read and written through. One DynamoDB adapter
 * implements them (the registration-state table); tests use an in-memory fake. Every method
 * batches by itself (BatchGetItem: 100 keys per call) and retries unprocessed keys.
 */
import type {
  LedgerFailure,
  LedgerRecord,
  SweepLeaseAcquisition,
  SweepLeaseRelease,
  SweepRevocation,
  SweepState,
} from './record.js';

export interface LedgerReader {
  /** The certificate's record, or null when the ledger does not know it. */
  get(certificateId: string): Promise<LedgerRecord | null>;
  /** Records of these certificates; unknown ones are absent from the map. */
  getMany(certificateIds: readonly string[]): Promise<Map<string, LedgerRecord>>;
  /** Certificate id per serial (canonical hex) of one CA; serials the ledger does not know are absent. */
  certificatesBySerial(caCertificateId: string, serials: readonly string[]): Promise<Map<string, string>>;
}

export interface LedgerWriter {
  /** Writes a settled outcome: the certificate's item (ledger fields) and its (CA, serial) item. */
  recordOutcome(record: LedgerRecord): Promise<void>;
  /** Records a failure that did not settle (thrown: retried, then the DLQ). */
  recordFailure(certificateId: string, caCertificateId: string, failure: LedgerFailure): Promise<void>;
}

/** The per-CA sweep lease (an item of the same table; times are epoch ms). */
export interface SweepLease {
  /**
   * Takes the CA's lease until `until` when it is free, expired or already `owner`'s. When
   * another sweep holds it, asks that sweep to run again when done (a newer CRL may have landed
   * after it read the CRL) and says who holds it.
   */
  acquireSweepLease(
    caCertificateId: string,
    owner: string,
    now: number,
    until: number,
  ): Promise<SweepLeaseAcquisition>;
  /** Extends `owner`'s lease; false when it is no longer `owner`'s (it expired and was taken). */
  renewSweepLease(caCertificateId: string, owner: string, until: number): Promise<boolean>;
  /** Gives the lease up, unless a rerun was asked for meanwhile (then clears the request and keeps it). */
  releaseSweepLease(caCertificateId: string, owner: string): Promise<SweepLeaseRelease>;
}

export interface SweepLedger extends LedgerReader, LedgerWriter, SweepLease {
  sweepState(caCertificateId: string): Promise<SweepState | null>;
  /**
   * Saves the CA's sweep bookkeeping only if its last swept CRL number is still `expected`
   * (null: no state yet). Returns false when another sweep saved in between.
   */
  saveSweepState(state: SweepState, expected: string | null): Promise<boolean>;
  recordRevocation(certificateId: string, revocation: SweepRevocation): Promise<void>;
}
