/**
 * The ports the provisioning ledger is read and written through. One DynamoDB adapter
 * implements them (the registration-state table); tests use an in-memory fake. Every method
 * batches by itself (BatchGetItem: 100 keys per call) and retries unprocessed keys.
 */
import type { LedgerFailure, LedgerRecord, SweepRevocation, SweepState } from './record.js';

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

export interface SweepLedger extends LedgerReader, LedgerWriter {
  sweepState(caCertificateId: string): Promise<SweepState | null>;
  /**
   * Saves the CA's sweep bookkeeping only if its last swept CRL number is still `expected`
   * (null: no state yet). Returns false when another sweep saved in between.
   */
  saveSweepState(state: SweepState, expected: string | null): Promise<boolean>;
  recordRevocation(certificateId: string, revocation: SweepRevocation): Promise<void>;
}
