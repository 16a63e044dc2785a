/**
 * The provisioning ledger's entry for one registration, and its write. Pure `ledgerEntry`
 * decides what the ledger learns from the trace; `recordInLedger` writes it after the outcome
 * (activation first), awaited — a write left running when the invocation returns can be lost
 * when Lambda freezes the environment — and a failed write never changes the outcome: it is
 * logged and counted (`LedgerWriteFailed`).
 */
import { createHash } from 'node:crypto';
import { isJitrError } from '../errors/jitr-error.js';
import type { LedgerWriter } from '../ledger/ports.js';
import type { LedgerFailure, LedgerRecord } from '../ledger/record.js';
import { emptyLedgerRecord } from '../ledger/record.js';
import type { JitrLogger, RegistrationMetrics } from '../observability.js';
import { canonicalJson } from '../provisioning/canonical-json.js';
import type { RegistrationResult, RegistrationTrace } from './result.js';

export type LedgerEntry =
  | { kind: 'outcome'; record: LedgerRecord }
  | { kind: 'failure'; certificateId: string; caCertificateId: string; failure: LedgerFailure };

/** Lowercase hex SHA-256 of a template's canonical JSON (object or JSON text), or null. */
export function templateHash(template: unknown): string | null {
  if (template === undefined) return null;
  let value = template;
  if (typeof template === 'string') {
    try {
      value = JSON.parse(template);
    } catch {
      return null;
    }
  }
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function failureOf(error: unknown, at: Date): LedgerFailure {
  return isJitrError(error)
    ? {
        code: error.code,
        step: error.step,
        message: error.message,
        remedy: error.remedy,
        at: at.toISOString(),
      }
    : {
        code: 'UnexpectedError',
        step: null,
        message: error instanceof Error ? error.message : String(error),
        remedy: null,
        at: at.toISOString(),
      };
}

function crlNumberOf(trace: RegistrationTrace, error: unknown): string | null {
  if (trace.crl?.checked) return trace.crl.evidence.crlNumber ?? null;
  const fromError = isJitrError(error) ? error.details.crlNumber : undefined;
  return typeof fromError === 'string' ? fromError : null;
}

/**
 * What the ledger learns (pure). Settled outcomes (activated, provisioned inactive, revoked,
 * rejected) write the record; a failure that is retried, or a dropped event about a known
 * certificate, only records the error (it never overwrites a settled outcome); duplicates
 * (`already-active`) and `skipped` write nothing.
 *
 * @example ledgerEntry(trace, { outcome: 'activated', … }, undefined, new Date()) // { kind: 'outcome', record }
 */
export function ledgerEntry(
  trace: RegistrationTrace,
  result: RegistrationResult | null,
  error: unknown,
  now: Date,
): LedgerEntry | null {
  const event = trace.event;
  if (event === null) return null;
  const { certificateId, caCertificateId } = event;
  if (result === null || result.outcome === 'dropped') {
    return { kind: 'failure', certificateId, caCertificateId, failure: failureOf(error, now) };
  }
  if (result.outcome === 'already-active' || result.outcome === 'skipped' || result.outcome === 'duplicate') {
    return null;
  }
  const registeredAtMs =
    event.certificateRegistrationTimestamp === null ? null : Number(event.certificateRegistrationTimestamp);
  const registeredAt =
    registeredAtMs !== null && Number.isFinite(registeredAtMs) ? new Date(registeredAtMs) : null;
  const settledAt = now.toISOString();
  return {
    kind: 'outcome',
    record: {
      ...emptyLedgerRecord(certificateId, caCertificateId),
      serial: trace.serial,
      thingName: trace.thingName,
      policies: [...trace.policies],
      outcome: result.outcome,
      reasonCode: result.code,
      step: error === undefined ? 'activate' : isJitrError(error) ? error.step : null,
      templateSource: trace.templateSource,
      templateHash: templateHash(trace.template),
      crlNumber: crlNumberOf(trace, error),
      registeredAt: registeredAt?.toISOString() ?? null,
      settledAt,
      timeToActiveMs:
        result.outcome === 'activated' && registeredAt !== null
          ? now.getTime() - registeredAt.getTime()
          : null,
      certificateStatus: trace.certificateStatus,
      lastError: error === undefined ? null : failureOf(error, now),
    },
  };
}

/** Writes the entry, if any; never throws (a failure is logged and counted). */
export async function recordInLedger(
  deps: { ledger?: LedgerWriter | null; clock: () => Date; logger: JitrLogger; metrics: RegistrationMetrics },
  trace: RegistrationTrace,
  result: RegistrationResult | null,
  error?: unknown,
): Promise<void> {
  const ledger = deps.ledger;
  if (ledger === undefined || ledger === null) return;
  const entry = ledgerEntry(trace, result, error, deps.clock());
  if (entry === null) return;
  try {
    if (entry.kind === 'outcome') await ledger.recordOutcome(entry.record);
    else await ledger.recordFailure(entry.certificateId, entry.caCertificateId, entry.failure);
  } catch (writeError) {
    deps.metrics.count('LedgerWriteFailed');
    deps.logger.warn('ledger write failed; the outcome stands', {
      ledgerError: isJitrError(writeError)
        ? { code: writeError.code, message: writeError.message, remedy: writeError.remedy }
        : {
            code: 'UnexpectedError',
            message: writeError instanceof Error ? writeError.message : String(writeError),
          },
    });
  }
}
