// An in-memory ledger with the semantics of the DynamoDB adapter (lib/ledger/ports.ts), for
// unit tests of the sweep, `jitr status` and the handler's ledger write.
import type { SweepLedger } from '../../lib/ledger/ports.js';
import {
  canonicalSerialHex,
  emptyLedgerRecord,
  type LedgerFailure,
  type LedgerRecord,
  type SweepLeaseAcquisition,
  type SweepLeaseRelease,
  type SweepRevocation,
  type SweepState,
} from '../../lib/ledger/record.js';

export class FakeLedger implements SweepLedger {
  readonly records = new Map<string, LedgerRecord>();
  /** `<caId>#<canonical serial>` → certificate id. */
  readonly serials = new Map<string, string>();
  readonly states = new Map<string, SweepState>();
  /** Sweep leases by CA id, as the lease items hold them. */
  readonly leases = new Map<string, { owner: string; leaseUntil: number; rerun: boolean }>();
  /** Keys requested by reads, in order (one entry per item). */
  readonly reads: string[] = [];
  /** Fails every call of these methods with this error. */
  failing: { methods: readonly (keyof SweepLedger)[]; error: Error } | null = null;

  #check(method: keyof SweepLedger): void {
    if (this.failing?.methods.includes(method)) throw this.failing.error;
  }

  async get(certificateId: string): Promise<LedgerRecord | null> {
    this.#check('get');
    this.reads.push(`cert#${certificateId}`);
    return structuredClone(this.records.get(certificateId) ?? null);
  }

  async getMany(certificateIds: readonly string[]): Promise<Map<string, LedgerRecord>> {
    this.#check('getMany');
    const out = new Map<string, LedgerRecord>();
    for (const id of certificateIds) {
      this.reads.push(`cert#${id}`);
      const record = this.records.get(id);
      if (record !== undefined) out.set(id, structuredClone(record));
    }
    return out;
  }

  async certificatesBySerial(
    caCertificateId: string,
    serials: readonly string[],
  ): Promise<Map<string, string>> {
    this.#check('certificatesBySerial');
    const out = new Map<string, string>();
    for (const serial of serials) {
      this.reads.push(`serial#${caCertificateId}#${serial}`);
      const id = this.serials.get(`${caCertificateId}#${canonicalSerialHex(serial)}`);
      if (id !== undefined) out.set(serial, id);
    }
    return out;
  }

  async recordOutcome(record: LedgerRecord): Promise<void> {
    this.#check('recordOutcome');
    const previous = this.records.get(record.certificateId);
    this.records.set(record.certificateId, {
      ...structuredClone(record),
      attempts: (previous?.attempts ?? 0) + 1,
      lastError: record.lastError ?? null,
      revokedBySweep: previous?.revokedBySweep ?? record.revokedBySweep,
    });
    if (record.serial !== null) {
      this.serials.set(
        `${record.caCertificateId}#${canonicalSerialHex(record.serial)}`,
        record.certificateId,
      );
    }
  }

  async recordFailure(certificateId: string, caCertificateId: string, failure: LedgerFailure): Promise<void> {
    this.#check('recordFailure');
    const previous = this.records.get(certificateId);
    this.records.set(certificateId, {
      ...(previous ?? emptyRecord(certificateId, caCertificateId)),
      attempts: (previous?.attempts ?? 0) + 1,
      lastError: { ...failure },
    });
  }

  async sweepState(caCertificateId: string): Promise<SweepState | null> {
    this.#check('sweepState');
    return structuredClone(this.states.get(caCertificateId) ?? null);
  }

  async saveSweepState(state: SweepState, expected: string | null): Promise<boolean> {
    this.#check('saveSweepState');
    const current = this.states.get(state.caCertificateId)?.lastSweptCrlNumber ?? null;
    if (current !== expected) return false;
    this.states.set(state.caCertificateId, structuredClone(state));
    return true;
  }

  async acquireSweepLease(
    caCertificateId: string,
    owner: string,
    now: number,
    until: number,
  ): Promise<SweepLeaseAcquisition> {
    this.#check('acquireSweepLease');
    const lease = this.leases.get(caCertificateId);
    if (lease === undefined || lease.leaseUntil < now || lease.owner === owner) {
      this.leases.set(caCertificateId, { owner, leaseUntil: until, rerun: false });
      return { acquired: true };
    }
    lease.rerun = true;
    return { acquired: false, owner: lease.owner, leaseUntil: lease.leaseUntil };
  }

  async renewSweepLease(caCertificateId: string, owner: string, until: number): Promise<boolean> {
    this.#check('renewSweepLease');
    const lease = this.leases.get(caCertificateId);
    if (lease?.owner !== owner) return false;
    lease.leaseUntil = until;
    return true;
  }

  async releaseSweepLease(caCertificateId: string, owner: string): Promise<SweepLeaseRelease> {
    this.#check('releaseSweepLease');
    const lease = this.leases.get(caCertificateId);
    if (lease?.owner !== owner) return 'lost';
    if (lease.rerun) {
      lease.rerun = false;
      return 'rerun';
    }
    lease.leaseUntil = 0;
    return 'released';
  }

  async recordRevocation(certificateId: string, revocation: SweepRevocation): Promise<void> {
    this.#check('recordRevocation');
    const record = this.records.get(certificateId);
    if (record === undefined) throw new Error(`no ledger record for ${certificateId}`);
    record.revokedBySweep = { ...revocation };
    record.certificateStatus = revocation.status;
  }
}

/** A record as the ledger holds it when only a failure is known. */
export const emptyRecord = emptyLedgerRecord;

/** A settled `activated` record for a certificate with this serial. */
export function activatedRecord(
  certificateId: string,
  caCertificateId: string,
  serial: string,
): LedgerRecord {
  return {
    ...emptyRecord(certificateId, caCertificateId),
    serial,
    thingName: `thing-${certificateId.slice(0, 8)}`,
    policies: ['device-policy'],
    outcome: 'activated',
    step: 'activate',
    templateSource: 's3://templates/demo.json',
    templateHash: 'a'.repeat(64),
    crlNumber: '1',
    registeredAt: '2026-06-01T11:59:00.000Z',
    settledAt: '2026-06-01T12:00:00.000Z',
    timeToActiveMs: 60_000,
    certificateStatus: 'ACTIVE',
  };
}
