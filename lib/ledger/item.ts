/**
 * Ledger records as DynamoDB items (pure): attribute values written by hand, so the pure core
 * needs no SDK. The item shapes are documented in the README ("Provisioning ledger").
 */
import type { RevocationReason } from '../crl/reasons.js';
import {
  emptyLedgerRecord,
  type LedgerFailure,
  type LedgerRecord,
  type SweepRevocation,
  type SweepState,
} from './record.js';

/** The DynamoDB attribute value shapes the ledger uses (structurally the SDK's `AttributeValue`). */
export type Attr =
  | { S: string }
  | { N: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { L: Attr[] }
  | { M: Record<string, Attr> };

export type Item = Record<string, Attr>;

export const str = (value: string): Attr => ({ S: value });
export const num = (value: number): Attr => ({ N: String(value) });
const orNull = (value: string | null): Attr => (value === null ? { NULL: true } : { S: value });

function readS(attr: unknown): string | null {
  return typeof attr === 'object' && attr !== null && 'S' in attr && typeof attr.S === 'string'
    ? attr.S
    : null;
}

function readN(attr: unknown): number | null {
  if (typeof attr !== 'object' || attr === null || !('N' in attr) || typeof attr.N !== 'string') return null;
  const n = Number(attr.N);
  return Number.isFinite(n) ? n : null;
}

function readM(attr: unknown): Record<string, unknown> | null {
  return typeof attr === 'object' &&
    attr !== null &&
    'M' in attr &&
    typeof attr.M === 'object' &&
    attr.M !== null
    ? (attr.M as Record<string, unknown>)
    : null;
}

function readL(attr: unknown): unknown[] {
  return typeof attr === 'object' && attr !== null && 'L' in attr && Array.isArray(attr.L) ? attr.L : [];
}

export function failureAttr(failure: LedgerFailure): Attr {
  return {
    M: {
      code: str(failure.code),
      step: orNull(failure.step),
      message: str(failure.message),
      remedy: orNull(failure.remedy),
      at: str(failure.at),
    },
  };
}

export function revocationAttr(revocation: SweepRevocation): Attr {
  return {
    M: {
      crlNumber: str(revocation.crlNumber),
      at: str(revocation.at),
      status: str(revocation.status),
      reason: orNull(revocation.reason),
      revocationDate: str(revocation.revocationDate),
    },
  };
}

function failureFrom(attr: unknown): LedgerFailure | null {
  const m = readM(attr);
  if (m === null) return null;
  return {
    code: readS(m.code) ?? 'UnexpectedError',
    step: readS(m.step),
    message: readS(m.message) ?? '',
    remedy: readS(m.remedy),
    at: readS(m.at) ?? '',
  };
}

function revocationFrom(attr: unknown): SweepRevocation | null {
  const m = readM(attr);
  if (m === null) return null;
  return {
    crlNumber: readS(m.crlNumber) ?? '',
    at: readS(m.at) ?? '',
    status: readS(m.status) === 'INACTIVE' ? 'INACTIVE' : 'REVOKED',
    reason: readS(m.reason) as RevocationReason | null,
    revocationDate: readS(m.revocationDate) ?? '',
  };
}

/** Epoch milliseconds of an ISO time, as the ingestion path writes `registeredAt`/`settledAt`. */
function epochMs(iso: string | null): Attr | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? num(ms) : null;
}

/**
 * The ledger attributes of a settled record for the certificate's item: `set` (SET) and
 * `remove` (REMOVE, fields that are null now). The lease fields of the ingestion path are
 * left alone; `registeredAt`/`settledAt` are epoch milliseconds as that path writes them, and
 * never removed. `attempts` is added by the writer, not set.
 */
export function ledgerAttributes(record: LedgerRecord): { set: Item; remove: string[] } {
  const optional: Record<string, Attr | null> = {
    serial: record.serial === null ? null : str(record.serial),
    thingName: record.thingName === null ? null : str(record.thingName),
    reasonCode: record.reasonCode === null ? null : str(record.reasonCode),
    step: record.step === null ? null : str(record.step),
    templateSource: record.templateSource === null ? null : str(record.templateSource),
    templateHash: record.templateHash === null ? null : str(record.templateHash),
    crlNumber: record.crlNumber === null ? null : str(record.crlNumber),
    timeToActiveMs: record.timeToActiveMs === null ? null : num(record.timeToActiveMs),
    certificateStatus: record.certificateStatus === null ? null : str(record.certificateStatus),
    lastError: record.lastError === null ? null : failureAttr(record.lastError),
  };
  const set: Item = {
    caCertificateId: str(record.caCertificateId.toLowerCase()),
    policies: { L: record.policies.map(str) },
    outcome: str(record.outcome),
    source: str(record.source),
  };
  const remove: string[] = [];
  for (const [name, value] of Object.entries(optional)) {
    if (value === null) remove.push(name);
    else set[name] = value;
  }
  for (const [name, value] of [
    ['registeredAt', epochMs(record.registeredAt)],
    ['settledAt', epochMs(record.settledAt)],
  ] as const) {
    if (value !== null) set[name] = value;
  }
  return { set, remove };
}

function isoOf(attr: unknown): string | null {
  const ms = readN(attr);
  if (ms !== null) return new Date(ms).toISOString();
  return readS(attr);
}

/** The record an item holds, or null when it holds no ledger fields (only a lease, or nothing). */
export function recordFromItem(
  certificateId: string,
  item: Record<string, unknown> | undefined,
): LedgerRecord | null {
  if (item === undefined) return null;
  const caCertificateId = readS(item.caCertificateId);
  if (caCertificateId === null) return null;
  return {
    ...emptyLedgerRecord(certificateId, caCertificateId),
    serial: readS(item.serial),
    thingName: readS(item.thingName),
    policies: readL(item.policies)
      .map(readS)
      .filter((p): p is string => p !== null),
    outcome: readS(item.outcome) ?? 'failed',
    reasonCode: readS(item.reasonCode),
    step: readS(item.step),
    attempts: readN(item.attempts) ?? 0,
    templateSource: readS(item.templateSource),
    templateHash: readS(item.templateHash),
    crlNumber: readS(item.crlNumber),
    registeredAt: isoOf(item.registeredAt),
    settledAt: isoOf(item.settledAt),
    timeToActiveMs: readN(item.timeToActiveMs),
    certificateStatus: readS(item.certificateStatus),
    source: readS(item.source) === 'full-sweep' ? 'full-sweep' : 'handler',
    lastError: failureFrom(item.lastError),
    revokedBySweep: revocationFrom(item.revokedBySweep),
  };
}

export function sweepStateItem(pk: string, state: SweepState): Item {
  return {
    pk: str(pk),
    caCertificateId: str(state.caCertificateId),
    lastSweptCrlNumber: str(state.lastSweptCrlNumber),
    lastSweptCrlSha256: str(state.lastSweptCrlSha256),
    lastSweptAt: str(state.lastSweptAt),
    sweptObjects: {
      L: state.sweptObjects.map((o) => ({
        M: {
          bucket: str(o.bucket),
          key: str(o.key),
          versionId: orNull(o.versionId),
          etag: orNull(o.etag),
          crlNumber: str(o.crlNumber),
        },
      })),
    },
  };
}

export function sweepStateFrom(item: Record<string, unknown> | undefined): SweepState | null {
  if (item === undefined) return null;
  const caCertificateId = readS(item.caCertificateId);
  const lastSweptCrlNumber = readS(item.lastSweptCrlNumber);
  if (caCertificateId === null || lastSweptCrlNumber === null) return null;
  return {
    caCertificateId,
    lastSweptCrlNumber,
    lastSweptCrlSha256: readS(item.lastSweptCrlSha256) ?? '',
    lastSweptAt: readS(item.lastSweptAt) ?? '',
    sweptObjects: readL(item.sweptObjects).flatMap((attr) => {
      const m = readM(attr);
      const bucket = readS(m?.bucket);
      const key = readS(m?.key);
      const crlNumber = readS(m?.crlNumber);
      if (m === null || bucket === null || key === null || crlNumber === null) return [];
      return [{ bucket, key, versionId: readS(m.versionId), etag: readS(m.etag), crlNumber }];
    }),
  };
}
