/**
 * The provisioning ledger's records and keys (pure). The ledger lives in the registration-state
 * table (one string partition key `pk`, no sort key) next to the lease items of the fleet
 * ingestion path; this module only says what the items hold and how they are keyed. See the
 * README, "Provisioning ledger", for the item shapes as stored.
 */
import type { RevocationReason } from '../crl/reasons.js';

/** Key of a certificate's item: lease state (ingestion) and the ledger fields. */
export function certificateKey(certificateId: string): string {
  return `cert#${certificateId.toLowerCase()}`;
}

/** Key of the (CA, serial) → certificate item, so that serial lookups work with BatchGetItem. */
export function serialKey(caCertificateId: string, serial: string): string {
  return `serial#${caCertificateId.toLowerCase()}#${canonicalSerialHex(serial)}`;
}

/** Key of a CA's sweep bookkeeping (last swept CRL number, the CRL objects swept). */
export function sweepKey(caCertificateId: string): string {
  return `sweep#${caCertificateId.toLowerCase()}`;
}

/**
 * Key of a CA's sweep lease: at most one sweep of a CA at a time, so that two (an S3 event and
 * the schedule, the CLI and the function) never spend the UpdateCertificate share twice. A
 * transient item: TTL on `expiresAt`.
 */
export function sweepLeaseKey(caCertificateId: string): string {
  return `lease#sweep#${caCertificateId.toLowerCase()}`;
}

/** What taking a CA's sweep lease found. */
export type SweepLeaseAcquisition =
  | { acquired: true }
  /** Held by `owner` until `leaseUntil` (epoch ms); it was asked to sweep again when done. */
  | { acquired: false; owner: string; leaseUntil: number };

/**
 * What giving the lease up did: `released`; `rerun` (kept: another sweep asked meanwhile, the
 * holder sweeps again); `lost` (it had expired and another sweep took it).
 */
export type SweepLeaseRelease = 'released' | 'rerun' | 'lost';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * The serial as it is keyed: lowercase hex of the INTEGER content bytes without leading 00
 * bytes (`00` for zero). A certificate writes `0091f0` where a CRL may write `91f0` for a
 * non-minimal encoder; both key the same item.
 *
 * @example canonicalSerialHex('00:91:F0') // '91f0'
 * @example canonicalSerialHex(Uint8Array.of(0, 0x91, 0xf0)) // '91f0'
 */
export function canonicalSerialHex(serial: string | Uint8Array): string {
  if (typeof serial !== 'string') {
    let s = 0;
    while (s < serial.length - 1 && serial[s] === 0) s++;
    let out = '';
    for (let i = s; i < serial.length; i++) out += HEX[serial[i] as number];
    return out === '' ? '00' : out;
  }
  const clean = serial.trim().replace(/^0x/i, '').replace(/[\s:]/g, '').toLowerCase();
  const even = clean.length % 2 === 1 ? `0${clean}` : clean;
  const stripped = even.replace(/^(00)+/, '');
  return stripped === '' ? '00' : stripped;
}

/** What the sweep did to a certificate the CA's CRL revoked. */
export interface SweepRevocation {
  /** The CRL number of the CRL that listed it. */
  crlNumber: string;
  /** When the sweep set the status (ISO 8601). */
  at: string;
  /** `REVOKED`, or `INACTIVE` for `certificateHold` (a hold may be lifted; REVOKED is final). */
  status: 'REVOKED' | 'INACTIVE';
  reason: RevocationReason | null;
  /** The CRL entry's revocationDate (ISO 8601). */
  revocationDate: string;
}

/** The last failure of a registration that has not settled (thrown, retried, DLQ). */
export interface LedgerFailure {
  code: string;
  step: string | null;
  message: string;
  remedy: string | null;
  at: string;
}

/**
 * The ledger fields of a certificate's item: what happened at registration and after it.
 * `outcome` is the handler's outcome (`activated`, `revoked`, `rejected`, …) or `failed`.
 */
export interface LedgerRecord {
  certificateId: string;
  caCertificateId: string;
  /** X.509 serial as the certificate writes it (lowercase hex, leading 00 kept); null when unparsed. */
  serial: string | null;
  thingName: string | null;
  policies: string[];
  outcome: string;
  /** The error code behind rejected/revoked/dropped/failed outcomes; null otherwise. */
  reasonCode: string | null;
  /** The pipeline step that decided the outcome (`crl`, `activate`, `things`, …). */
  step: string | null;
  /** Settled writes and failures recorded for this certificate (each invocation adds one). */
  attempts: number;
  templateSource: string | null;
  /** Lowercase hex SHA-256 of the template's canonical JSON. */
  templateHash: string | null;
  /** The CRL number the certificate was checked against (null: no CRL consulted). */
  crlNumber: string | null;
  /** AWS's certificateRegistrationTimestamp (ISO 8601), when the event carried one. */
  registeredAt: string | null;
  /** When the outcome settled (ISO 8601). */
  settledAt: string | null;
  timeToActiveMs: number | null;
  /** The status the handler left the certificate in. */
  certificateStatus: string | null;
  /** Where the record came from: the handler, or a `--full` sweep that found the certificate. */
  source: 'handler' | 'full-sweep';
  lastError: LedgerFailure | null;
  revokedBySweep: SweepRevocation | null;
}

/** One CRL object as the sweep read it: enough to read the same version again. */
export interface CrlObjectVersion {
  bucket: string;
  key: string;
  /** null on an unversioned bucket: that object can no longer be read once overwritten. */
  versionId: string | null;
  etag: string | null;
  crlNumber: string;
}

/** A CA's sweep bookkeeping (`sweep#<caCertificateId>`). */
export interface SweepState {
  caCertificateId: string;
  /** Decimal string (a CRL number may exceed 2^53). */
  lastSweptCrlNumber: string;
  /** Lowercase hex SHA-256 of the swept CRL's bytes: the same object again is not an alarm. */
  lastSweptCrlSha256: string;
  lastSweptAt: string;
  /** The CRL objects of the last sweeps, newest first (at most {@link SWEPT_OBJECTS_KEPT}). */
  sweptObjects: CrlObjectVersion[];
}

/**
 * The sweep diffs a new CRL against the CRL swept before the last one, not the last one: a
 * device activated against a cached older CRL while sweep N ran is then still found by sweep
 * N+1 (see the README, "Sweep guarantees").
 */
export const SWEPT_OBJECTS_KEPT = 2;

/** A record with nothing known yet but its ids (then filled by the writer). */
export function emptyLedgerRecord(certificateId: string, caCertificateId: string): LedgerRecord {
  return {
    certificateId,
    caCertificateId,
    serial: null,
    thingName: null,
    policies: [],
    outcome: 'failed',
    reasonCode: null,
    step: null,
    attempts: 0,
    templateSource: null,
    templateHash: null,
    crlNumber: null,
    registeredAt: null,
    settledAt: null,
    timeToActiveMs: null,
    certificateStatus: null,
    source: 'handler',
    lastError: null,
    revokedBySweep: null,
  };
}
