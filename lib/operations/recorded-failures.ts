/**
 * Why a bare registered event is in the DLQ. On the queue ingestion path SQS redrive moves the
 * event itself to the DLQ after QueueMaxReceiveCount receives: the message carries no error, but
 * the handler recorded the last one (`lastError` {code, step, message, remedy, at}) on the
 * certificate's item of the registration-state table (the ledger). This module joins the two by
 * certificate id, so `jitr replay`, `jitr doctor` and the demo show the same code, step and
 * remedy as for a direct-path destination record — and say plainly when there was nothing to
 * read ("no error recorded: …"), never that all is well.
 *
 * `joinRecordedFailure` is pure; `ledgerFailureSource` adapts the ledger's batched reader.
 */
import { isJitrError } from '../errors/jitr-error.js';
import type { LedgerReader } from '../ledger/ports.js';
import type { LedgerRecord } from '../ledger/record.js';
import type { DecodedDlqMessage, DlqFailure } from './dlq-message.js';
import { parseFailureText } from './failure-text.js';

/** What reading the table for a set of certificates gave. */
export type RecordedFailures =
  /** No table configured (no `--table`, no REGISTRATION_STATE_TABLE, none on the function). */
  | { kind: 'not-configured' }
  /** The read failed: `reason` is `<code>: <message>`; `remedy` what to do about it. */
  | { kind: 'unreadable'; reason: string; remedy: string }
  /** Records by lowercase certificate id; certificates the table does not know are absent. */
  | { kind: 'read'; records: ReadonlyMap<string, LedgerRecord> };

/** Reads the records of certificates whose DLQ message holds no error (one batched read). */
export interface RecordedFailureSource {
  read(certificateIds: readonly string[]): Promise<RecordedFailures>;
}

/** The grouping keys of bare events nothing explains (stable texts, never codes). */
export const NO_ERROR_RECORDED = {
  notConfigured:
    'no error recorded: no registration-state table to look in (--table or REGISTRATION_STATE_TABLE)',
  unreadable: 'no error recorded: the registration-state table could not be read',
  noRecord: 'no error recorded: the registration-state table has no record of this certificate',
  noError: 'no error recorded: the registration-state table holds no error for this certificate',
} as const;

/** What to do when the table's read failed with an error that names no remedy of its own. */
const UNREADABLE_REMEDY =
  'Check that --table (or REGISTRATION_STATE_TABLE) and --region name the stack output RegistrationStateTableName in its region, then run again.';

/** How an explanation-less message reads when the table said nothing about it. */
function silence(recorded: RecordedFailures, record: LedgerRecord | undefined): DlqFailure {
  switch (recorded.kind) {
    case 'not-configured':
      return { unexplained: NO_ERROR_RECORDED.notConfigured };
    case 'unreadable':
      // The remedy carries the read's error, so the plan's text (which lists remedies) shows it.
      return {
        unexplained: NO_ERROR_RECORDED.unreadable,
        errorMessage: recorded.reason,
        remedy: `${recorded.remedy} (the read failed with ${recorded.reason})`,
      };
    case 'read':
      return record === undefined
        ? { unexplained: NO_ERROR_RECORDED.noRecord }
        : {
            unexplained: NO_ERROR_RECORDED.noError,
            errorMessage: `its outcome is ${record.outcome}${record.certificateStatus === null ? '' : ` (certificate ${record.certificateStatus})`}`,
          };
  }
}

/**
 * The message with its failure explained from the table, when it holds no error of its own (a
 * bare registered event); any other message is returned unchanged (a destination record, a
 * classic DLQ message and a rule error action carry their own).
 *
 * @example
 * joinRecordedFailure(decodeDlqMessage(body), recorded)
 * // → { kind: 'registered-event', event, failure: { code: 'AccessDenied', step: 'thing', remedy: '…', recordedAt: '…' } }
 */
export function joinRecordedFailure(
  decoded: DecodedDlqMessage,
  recorded: RecordedFailures,
): DecodedDlqMessage {
  if (decoded.kind !== 'registered-event' || decoded.failure !== undefined) return decoded;
  const record =
    recorded.kind === 'read' ? recorded.records.get(decoded.event.certificateId.toLowerCase()) : undefined;
  const last = record?.lastError ?? null;
  if (last === null) return { ...decoded, failure: silence(recorded, record) };
  // The ledger keeps the handler's own message; strip a wire-format prefix if one got in.
  const text = parseFailureText(undefined, last.message);
  const failure: DlqFailure = {
    code: last.code,
    errorMessage: text.message ?? last.message,
    recordedAt: last.at,
    ...(last.step === null ? {} : { step: last.step }),
    ...(last.remedy === null ? {} : { remedy: last.remedy }),
  };
  return { ...decoded, failure };
}

/** The certificate ids whose messages need the table: bare events without a failure. */
export function certificatesToExplain(decoded: readonly DecodedDlqMessage[]): string[] {
  const ids = new Set<string>();
  for (const d of decoded) {
    if (d.kind === 'registered-event' && d.failure === undefined)
      ids.add(d.event.certificateId.toLowerCase());
  }
  return [...ids];
}

/**
 * A source over the ledger (null: no table configured). A failed read becomes `unreadable`
 * with its code and remedy, so the listing still shows every message and says what to fix.
 *
 * @example const source = ledgerFailureSource(await cli.ledger({ table: options.table }));
 */
export function ledgerFailureSource(ledger: Pick<LedgerReader, 'getMany'> | null): RecordedFailureSource {
  return {
    async read(certificateIds) {
      if (ledger === null) return { kind: 'not-configured' };
      if (certificateIds.length === 0) return { kind: 'read', records: new Map() };
      try {
        return { kind: 'read', records: await ledger.getMany(certificateIds) };
      } catch (error) {
        if (isJitrError(error))
          return { kind: 'unreadable', reason: `${error.code}: ${error.message}`, remedy: error.remedy };
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        return { kind: 'unreadable', reason, remedy: UNREADABLE_REMEDY };
      }
    },
  };
}
