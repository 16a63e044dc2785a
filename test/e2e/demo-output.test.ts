// The demo's pure output helpers (table, EMF summary, cleanup). They live here, next to the
// demo's end-to-end tests, because infra/demo is not mirrored under test/unit.
import { describe, expect, it } from 'vitest';
import { createCleanupStack } from '../../infra/demo/cleanup.js';
import { diagnoseDlq } from '../../infra/demo/diagnosis.js';
import { summariseEmf } from '../../infra/demo/emf.js';
import { renderTable, wrapCell } from '../../infra/demo/table.js';
import { emptyLedgerRecord } from '../../lib/ledger/record.js';

describe('renderTable', () => {
  it('aligns columns under a header rule and wraps long cells', () => {
    // Prepare
    const rows = [
      { device: 'dev-good', status: 'ACTIVE', reason: '' },
      { device: 'dev-x', status: 'PENDING_ACTIVATION', reason: 'MissingParameter: serialNumber absent' },
    ];

    // Act
    const text = renderTable(
      [
        { header: 'device', value: (r: (typeof rows)[number]) => r.device },
        { header: 'status', value: (r) => r.status },
        { header: 'reason', value: (r) => r.reason, maxWidth: 20 },
      ],
      rows,
    );

    // Assess
    expect(text).toBe(
      [
        'device    status              reason',
        '--------  ------------------  -------------------',
        'dev-good  ACTIVE',
        'dev-x     PENDING_ACTIVATION  MissingParameter:',
        '                              serialNumber absent',
        '',
      ].join('\n'),
    );
  });

  it('right-aligns numeric columns', () => {
    // Act
    const text = renderTable(
      [
        { header: 'metric', value: (r: { n: string; v: number }) => r.n },
        { header: 'value', value: (r) => String(r.v), align: 'right' },
      ],
      [
        { n: 'a', v: 1 },
        { n: 'b', v: 1234 },
      ],
    );

    // Assess
    expect(text).toBe('metric  value\n------  -----\na           1\nb        1234\n');
  });
});

describe('wrapCell', () => {
  it('cuts a word longer than the width and keeps explicit newlines', () => {
    expect(wrapCell('abcdefghij\nxy', 4)).toEqual(['abcd', 'efgh', 'ij', 'xy']);
  });
});

describe('summariseEmf', () => {
  it('sums values per metric and dimension set and ignores other lines', () => {
    // Prepare
    const blob = (name: string, value: number | number[], extra: Record<string, string> = {}) =>
      JSON.stringify({
        _aws: {
          Timestamp: 1,
          CloudWatchMetrics: [
            {
              Namespace: 'JITR',
              Dimensions: [['service', ...Object.keys(extra)]],
              Metrics: [{ Name: name, Unit: name === 'TimeToActive' ? 'Milliseconds' : 'Count' }],
            },
          ],
        },
        service: 'jitr',
        ...extra,
        [name]: value,
      });
    const lines = [
      '{"level":"INFO","message":"not a metric"}',
      'plain text',
      blob('CertificateActivated', 1),
      blob('CertificateActivated', 1),
      blob('TimeToActive', [120, 80]),
      blob('ProvisioningFailed', 1, { ErrorCode: 'AccessDenied' }),
      '{"_aws": broken',
    ];

    // Act
    const metrics = summariseEmf(lines);

    // Assess
    expect(metrics).toEqual([
      {
        namespace: 'JITR',
        name: 'CertificateActivated',
        unit: 'Count',
        dimensions: { service: 'jitr' },
        count: 2,
        sum: 2,
        min: 1,
        max: 1,
      },
      {
        namespace: 'JITR',
        name: 'ProvisioningFailed',
        unit: 'Count',
        dimensions: { service: 'jitr', ErrorCode: 'AccessDenied' },
        count: 1,
        sum: 1,
        min: 1,
        max: 1,
      },
      {
        namespace: 'JITR',
        name: 'TimeToActive',
        unit: 'Milliseconds',
        dimensions: { service: 'jitr' },
        count: 2,
        sum: 200,
        min: 80,
        max: 120,
      },
    ]);
  });
});

describe('createCleanupStack', () => {
  it('runs steps once in reverse order and reports failures without stopping', async () => {
    // Prepare
    const calls: string[] = [];
    const cleanup = createCleanupStack();
    cleanup.add('first', () => {
      calls.push('first');
    });
    cleanup.add('broken', () => {
      throw new Error('port busy');
    });
    cleanup.add('last', async () => {
      calls.push('last');
    });

    // Act
    const [failures, again] = await Promise.all([cleanup.run(), cleanup.run()]);

    // Assess
    expect(calls).toEqual(['last', 'first']);
    expect(failures).toEqual(['broken: port busy']);
    expect(again).toEqual(['broken: port busy']);
  });
});

describe('diagnoseDlq', () => {
  it('takes code, message and remedy from the record alone (the DLQ wire format)', () => {
    // Prepare
    const certificateId = 'c'.repeat(64);
    const record = {
      version: '1.0',
      timestamp: '2026-11-22T05:14:23.273Z',
      requestContext: {
        requestId: 'req-2',
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:jitr:$LATEST',
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: {
        certificateId,
        caCertificateId: 'd'.repeat(64),
        timestamp: 1795324462308,
        certificateStatus: 'PENDING_ACTIVATION',
        awsAccountId: '123456789012',
        certificateRegistrationTimestamp: '1795324462308',
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: {
        errorType: 'Error',
        errorMessage:
          '[ThingGroupNotFound] thing group plant-7 does not exist \u2014 remedy: Create the thing group plant-7, then replay the DLQ.',
        trace: [],
      },
    };

    // Act
    const diagnoses = diagnoseDlq([{ messageId: 'm-1', body: JSON.stringify(record) }]);

    // Assess
    expect(diagnoses).toEqual([
      {
        certificateId,
        condition: 'RetriesExhausted',
        attempts: 3,
        errorType: 'Error',
        code: 'ThingGroupNotFound',
        step: '\u2014',
        source: 'the DLQ message',
        missingPermission: '\u2014',
        remedy: 'Create the thing group plant-7, then replay the DLQ.',
        message: 'thing group plant-7 does not exist',
      },
    ]);
  });

  it('reads a Lambda on-failure destination record and fills the remedy from the log of the same request', () => {
    // Prepare
    const certificateId = 'a'.repeat(64);
    const record = {
      version: '1.0',
      timestamp: '2026-11-22T05:14:23.273Z',
      requestContext: {
        requestId: 'req-1',
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:jitr:$LATEST',
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: {
        certificateId,
        caCertificateId: 'b'.repeat(64),
        timestamp: 1795324462308,
        certificateStatus: 'PENDING_ACTIVATION',
        awsAccountId: '123456789012',
        certificateRegistrationTimestamp: '1795324462308',
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: {
        errorType: 'AccessDeniedError',
        errorMessage:
          '[AccessDenied] CreateThing was denied: the role may not perform iot:CreateThing on arn:aws:iot:us-east-1:123456789012:thing/x1',
        trace: [],
      },
    };
    const log = JSON.stringify({
      level: 'ERROR',
      message: 'registration summary',
      function_request_id: 'req-1',
      certificateId,
      error: {
        code: 'AccessDenied',
        remedy: 'Add this statement to the role policy.',
        missingPermission: 'iot:CreateThing',
      },
    });

    // Act
    const diagnoses = diagnoseDlq(
      [
        { messageId: 'm-1', body: JSON.stringify(record) },
        { messageId: 'm-2', body: 'junk' },
      ],
      ['noise', log],
    );

    // Assess
    expect(diagnoses).toEqual([
      {
        certificateId,
        condition: 'RetriesExhausted',
        attempts: 3,
        errorType: 'AccessDeniedError',
        code: 'AccessDenied',
        step: '\u2014',
        source: 'the DLQ message',
        missingPermission: 'iot:CreateThing',
        remedy: 'Add this statement to the role policy.',
        message:
          'CreateThing was denied: the role may not perform iot:CreateThing on arn:aws:iot:us-east-1:123456789012:thing/x1',
      },
    ]);
  });

  it('explains a bare event the queue redrive moved from the registration-state table, keyed by certificate', () => {
    // Prepare
    const certificateId = 'e'.repeat(64);
    const event = {
      certificateId,
      caCertificateId: 'f'.repeat(64),
      timestamp: 1795324462308,
      certificateStatus: 'PENDING_ACTIVATION',
      awsAccountId: '123456789012',
      certificateRegistrationTimestamp: '1795324462308',
    };
    const log = JSON.stringify({
      level: 'ERROR',
      message: 'registration summary',
      function_request_id: 'batch-7',
      certificateId,
      error: { code: 'AccessDenied', missingPermission: 'iot:CreateThing' },
    });
    const record = {
      ...emptyLedgerRecord(certificateId, 'f'.repeat(64)),
      attempts: 8,
      lastError: {
        code: 'AccessDenied',
        step: 'thing',
        message: 'CreateThing was denied',
        remedy: 'Add this statement to the role policy.',
        at: '2026-12-05T06:00:00.000Z',
      },
    };
    const entry = {
      messageId: 'm-1',
      body: JSON.stringify(event),
      redrivenFrom: 'arn:aws:sqs:us-east-1:123456789012:jitr-ingest',
    };

    // Act
    const explained = diagnoseDlq([entry], [log], {
      kind: 'read',
      records: new Map([[certificateId, record]]),
    });
    const unexplained = diagnoseDlq([entry], [], { kind: 'read', records: new Map() });

    // Assess
    expect(explained).toEqual([
      {
        certificateId,
        condition: 'redrive of jitr-ingest',
        attempts: 8,
        errorType: '\u2014',
        code: 'AccessDenied',
        step: 'thing',
        source: 'the registration-state table',
        missingPermission: 'iot:CreateThing',
        remedy: 'Add this statement to the role policy.',
        message: 'CreateThing was denied',
      },
    ]);
    expect(unexplained[0]?.code).toBe(
      'no error recorded: the registration-state table has no record of this certificate',
    );
  });
});
