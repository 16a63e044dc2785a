import { describe, expect, it } from 'vitest';
import { LedgerAccessDeniedError, LedgerTableNotFoundError } from '../../../lib/ledger/errors.js';
import { emptyLedgerRecord } from '../../../lib/ledger/record.js';
import { decodeDlqMessage, failureReason } from '../../../lib/operations/dlq-message.js';
import {
  joinRecordedFailure,
  ledgerFailureSource,
  NO_ERROR_RECORDED,
} from '../../../lib/operations/recorded-failures.js';
import { replayDlq } from '../../../lib/operations/replay/engine.js';
import { formatPlan } from '../../../lib/operations/replay/format.js';
import { FakeLedger } from '../../helpers/fake-ledger.js';
import { destinationRecord, FakeClock, FakeQueue, FakeStatuses, registeredEvent } from './fakes.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);
const CA = 'f'.repeat(64);
const INGEST_ARN = 'arn:aws:sqs:us-east-1:123456789012:jitr-ingest';

const REMEDY = 'Add this statement to the role policy: {"Effect":"Allow","Action":"iot:CreateThing"}';

function failedRecord(certificateId: string) {
  return {
    ...emptyLedgerRecord(certificateId, CA),
    attempts: 8,
    lastError: {
      code: 'AccessDenied',
      step: 'thing',
      message: 'CreateThing was denied: the role may not perform iot:CreateThing',
      remedy: REMEDY,
      at: '2026-12-05T06:00:00.000Z',
    },
  };
}

const bare = (certificateId: string) => decodeDlqMessage(JSON.stringify(registeredEvent(certificateId, CA)));

describe('joinRecordedFailure', () => {
  it("explains a bare event with the ledger's last error: code, step, message and remedy", () => {
    // Act
    const joined = joinRecordedFailure(bare(A), {
      kind: 'read',
      records: new Map([[A, failedRecord(A)]]),
    });

    // Assess
    expect(joined).toEqual({
      kind: 'registered-event',
      event: registeredEvent(A, CA),
      failure: {
        code: 'AccessDenied',
        step: 'thing',
        errorMessage: 'CreateThing was denied: the role may not perform iot:CreateThing',
        remedy: REMEDY,
        recordedAt: '2026-12-05T06:00:00.000Z',
      },
    });
    expect(failureReason(joined)).toBe('AccessDenied');
  });

  it('strips a wire-format prefix from the recorded message and keeps the recorded code', () => {
    // Prepare
    const record = failedRecord(A);
    record.lastError.message = '[AccessDenied] CreateThing was denied — remedy: do it';

    // Act
    const joined = joinRecordedFailure(bare(A), { kind: 'read', records: new Map([[A, record]]) });

    // Assess
    expect(joined.kind !== 'unknown' && joined.failure).toMatchObject({
      code: 'AccessDenied',
      errorMessage: 'CreateThing was denied',
      remedy: REMEDY,
    });
  });

  it('says honestly why nothing explains a bare event: no table, unreadable, no record, no error', () => {
    // Prepare
    const settled = { ...emptyLedgerRecord(C, CA), outcome: 'activated', certificateStatus: 'ACTIVE' };
    const read = { kind: 'read' as const, records: new Map([[C, settled]]) };

    // Act
    const reasons = [
      joinRecordedFailure(bare(A), { kind: 'not-configured' }),
      joinRecordedFailure(bare(A), {
        kind: 'unreadable',
        reason: 'LedgerAccessDenied: Access denied',
        remedy: 'Allow dynamodb:BatchGetItem on the table t.',
      }),
      joinRecordedFailure(bare(B), read),
      joinRecordedFailure(bare(C), read),
    ].map((d) => (d.kind === 'unknown' ? null : d.failure));

    // Assess
    expect(reasons).toEqual([
      { unexplained: NO_ERROR_RECORDED.notConfigured },
      {
        unexplained: NO_ERROR_RECORDED.unreadable,
        errorMessage: 'LedgerAccessDenied: Access denied',
        remedy:
          'Allow dynamodb:BatchGetItem on the table t. (the read failed with LedgerAccessDenied: Access denied)',
      },
      { unexplained: NO_ERROR_RECORDED.noRecord },
      {
        unexplained: NO_ERROR_RECORDED.noError,
        errorMessage: 'its outcome is activated (certificate ACTIVE)',
      },
    ]);
  });

  it('leaves a destination record as it is (the direct path explains itself)', () => {
    // Prepare
    const decoded = decodeDlqMessage(
      destinationRecord(A, 'Error', '[MissingParameter] serialNumber is missing'),
    );

    // Act
    const joined = joinRecordedFailure(decoded, {
      kind: 'read',
      records: new Map([[A, failedRecord(A)]]),
    });

    // Assess
    expect(joined).toBe(decoded);
  });
});

describe('ledgerFailureSource', () => {
  it('reads nothing without a table and turns a failed read into unreadable with its code', async () => {
    // Prepare
    const ledger = new FakeLedger();
    ledger.failing = {
      methods: ['getMany'],
      error: new LedgerAccessDeniedError(
        { operation: 'BatchGetItem', tableName: 't' },
        'AccessDeniedException',
        null,
      ),
    };

    // Act
    const none = await ledgerFailureSource(null).read([A]);
    const failed = await ledgerFailureSource(ledger).read([A]);

    // Assess
    expect(none).toEqual({ kind: 'not-configured' });
    expect(failed).toEqual({
      kind: 'unreadable',
      reason: 'LedgerAccessDenied: Access denied: dynamodb:BatchGetItem on table t',
      remedy:
        "Allow dynamodb:BatchGetItem on the table t (template.yaml grants it to the stack's functions).",
    });
  });

  it('gives a failed read that names no remedy the check of --table and --region', async () => {
    // Prepare
    const ledger = new FakeLedger();
    ledger.failing = { methods: ['getMany'], error: new TypeError('fetch failed') };

    // Act
    const failed = await ledgerFailureSource(ledger).read([A]);

    // Assess
    expect(failed).toEqual({
      kind: 'unreadable',
      reason: 'TypeError: fetch failed',
      remedy:
        'Check that --table (or REGISTRATION_STATE_TABLE) and --region name the stack output RegistrationStateTableName in its region, then run again.',
    });
  });
});

/** A dry-run replay of `queue` explained from `ledger`: the report and the printed plans. */
async function dryRun(queue: FakeQueue, ledger: FakeLedger) {
  const plans: string[] = [];
  const report = await replayDlq(
    {
      queue,
      invoker: { invoke: () => Promise.reject(new Error('a dry run does not invoke')) },
      certificates: new FakeStatuses(new Map()),
      clock: new FakeClock(),
      recorded: ledgerFailureSource(ledger),
    },
    {
      max: 10,
      ratePerSecond: 10,
      dryRun: true,
      certificateIds: [],
      onPlan: (plan) => plans.push(formatPlan(plan)),
    },
  );
  return { report, plans };
}

describe('replayDlq with the registration-state table', () => {
  it('groups queue-path bare events by the recorded code, with step, remedy and the redrive source', async () => {
    // Prepare
    const queue = new FakeQueue();
    queue.add(destinationRecord(A, 'Error', `[AccessDenied] CreateThing was denied — remedy: ${REMEDY}`));
    const redriven = queue.add(JSON.stringify(registeredEvent(B, CA)));
    const unknownToTable = queue.add(JSON.stringify(registeredEvent(C, CA)));
    for (const m of queue.messages) {
      if (m.messageId === redriven || m.messageId === unknownToTable) {
        m.redrivenFrom = INGEST_ARN;
        m.receiveCount = 1;
      }
    }
    const ledger = new FakeLedger();
    ledger.records.set(B, failedRecord(B));

    // Act
    const { report, plans } = await dryRun(queue, ledger);

    // Assess
    expect(report.groups).toEqual([
      {
        reason: 'AccessDenied',
        count: 2,
        remedies: [REMEDY],
        steps: ['thing'],
        fromTable: 1,
        redrivenFrom: ['jitr-ingest'],
      },
      { reason: NO_ERROR_RECORDED.noRecord, count: 1, remedies: [], redrivenFrom: ['jitr-ingest'] },
    ]);
    expect(report.messages[1]).toEqual({
      messageId: redriven,
      certificateId: B,
      shape: 'registered-event',
      reason: 'AccessDenied',
      step: 'thing',
      recordedAt: '2026-12-05T06:00:00.000Z',
      redrivenFrom: INGEST_ARN,
      receiveCount: 1,
    });
    expect(ledger.reads).toEqual([`cert#${B}`, `cert#${C}`]);
    expect(plans[0]?.split('\n')).toEqual([
      '3 messages received from the DLQ',
      '      2 events: AccessDenied',
      '               step: thing',
      `               remedy: ${REMEDY}`,
      '               source: moved here by the redrive of jitr-ingest (the bare event, no error); 1 error as the handler recorded it in the registration-state table',
      `      1 event:  ${NO_ERROR_RECORDED.noRecord}`,
      '               source: moved here by the redrive of jitr-ingest (the bare event, no error)',
      '3 distinct certificate(s) to replay',
    ]);
  });

  it('says in the plan why the table could not be read and what to fix (a --table naming no table)', async () => {
    // Prepare
    const queue = new FakeQueue();
    queue.add(JSON.stringify(registeredEvent(B, CA)));
    const ledger = new FakeLedger();
    ledger.failing = {
      methods: ['getMany'],
      error: new LedgerTableNotFoundError(
        { operation: 'BatchGetItem', tableName: 'nope' },
        'ResourceNotFoundException',
        null,
      ),
    };

    // Act
    const { report, plans } = await dryRun(queue, ledger);

    // Assess
    const remedy =
      'Set REGISTRATION_STATE_TABLE (or --table) to the stack output RegistrationStateTableName, in its region. (the read failed with LedgerTableNotFound: The ledger table nope does not exist)';
    expect(report.groups).toEqual([{ reason: NO_ERROR_RECORDED.unreadable, count: 1, remedies: [remedy] }]);
    expect(plans[0]?.split('\n')).toEqual([
      '1 message received from the DLQ',
      `      1 event:  ${NO_ERROR_RECORDED.unreadable}`,
      `               remedy: ${remedy}`,
      '1 distinct certificate(s) to replay',
    ]);
  });
});
