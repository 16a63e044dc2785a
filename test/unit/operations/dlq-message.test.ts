import { describe, expect, it } from 'vitest';
import { decodeDlqMessage, failureReason } from '../../../lib/operations/dlq-message.js';
import { getTestEvent } from '../handler/events.js';

const CERT = 'a'.repeat(64);
const CA = 'b'.repeat(64);
const EVENT = {
  certificateId: CERT,
  caCertificateId: CA,
  timestamp: 1552061705285,
  certificateStatus: 'PENDING_ACTIVATION',
  awsAccountId: '123456789012',
  certificateRegistrationTimestamp: '1552061705277',
} as const;

const ACCESS_DENIED =
  'User: arn:aws:sts::123456789012:assumed-role/jitr-role/jitr is not authorized to perform: ' +
  'iot:CreateThing on resource: arn:aws:iot:us-east-1:123456789012:thing/dev-1 because no ' +
  'identity-based policy allows the iot:CreateThing action';

function destinationRecord(responsePayload: unknown): string {
  return JSON.stringify({
    version: '1.0',
    timestamp: '2019-11-14T18:16:05.568Z',
    requestContext: {
      requestId: 'e4b46cbf-b738-xmpl-8880-a18cdf61200e',
      functionArn: 'arn:aws:lambda:us-east-2:123456789012:function:jitr:$LATEST',
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: EVENT,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload,
  });
}

describe('decodeDlqMessage', () => {
  it('decodes a raw registered event', () => {
    // Act
    const decoded = decodeDlqMessage(JSON.stringify(EVENT));
    // Assess
    expect(decoded).toEqual({ kind: 'registered-event', event: EVENT });
    expect(failureReason(decoded)).toBe('no failure recorded');
  });

  it('accepts a null certificateRegistrationTimestamp', () => {
    // Act
    const decoded = decodeDlqMessage(JSON.stringify({ ...EVENT, certificateRegistrationTimestamp: null }));
    // Assess
    expect(decoded).toEqual({
      kind: 'registered-event',
      event: { ...EVENT, certificateRegistrationTimestamp: null },
    });
  });

  it('drops unknown fields and lowercases ids, as the handler does', () => {
    // Act
    const decoded = decodeDlqMessage(
      JSON.stringify({ ...EVENT, certificateId: CERT.toUpperCase(), topic: 'x' }),
    );
    // Assess
    expect(decoded).toEqual({ kind: 'registered-event', event: EVENT });
  });

  it('maps an error class whose name differs from its code', () => {
    // Act
    const decoded = decodeDlqMessage(
      destinationRecord({
        errorType: 'IotAccessDeniedError',
        errorMessage:
          "CreateThing was denied: the function's role may not perform iot:CreateThing on arn:aws:iot:us-east-1:123456789012:thing/dev-1",
      }),
    );
    // Assess
    expect(failureReason(decoded)).toBe('AccessDenied');
  });

  it('decodes a destination record written before the wire format: the code from the error type', () => {
    // Act
    const decoded = decodeDlqMessage(
      destinationRecord({
        errorType: 'ThingGroupNotFoundError',
        errorMessage: 'thing group plant-7 does not exist',
        trace: [
          'ThingGroupNotFoundError: thing group plant-7 does not exist',
          '    at x (/var/task/a.js:1:1)',
        ],
      }),
    );
    // Assess
    expect(decoded).toEqual({
      kind: 'destination-record',
      event: EVENT,
      failure: {
        errorType: 'ThingGroupNotFoundError',
        errorMessage: 'thing group plant-7 does not exist',
        code: 'ThingGroupNotFound',
      },
    });
    expect(failureReason(decoded)).toBe('ThingGroupNotFound');
  });

  it('groups by the code alone, not by what the English message names', () => {
    // Act: two denials of different actions, one AWS message naming an action in its text.
    const reasons = [
      destinationRecord({
        errorType: 'AccessDeniedError',
        errorMessage: `[AccessDenied] ${ACCESS_DENIED} \u2014 remedy: Allow iot:CreateThing.`,
      }),
      destinationRecord({
        errorType: 'AccessDeniedError',
        errorMessage: '[AccessDenied] AttachPolicy was denied \u2014 remedy: Allow iot:AttachPolicy.',
      }),
    ].map((body) => failureReason(decodeDlqMessage(body)));
    // Assess
    expect(reasons).toEqual(['AccessDenied', 'AccessDenied']);
  });

  it('reads the code from the wire format even when the error type is generic', () => {
    // Act
    const decoded = decodeDlqMessage(
      destinationRecord({
        errorType: 'Error',
        errorMessage:
          '[BillingGroupNotFound] billing group eu-fleet does not exist \u2014 remedy: Create it.',
      }),
    );
    // Assess
    expect(decoded).toEqual({
      kind: 'destination-record',
      event: EVENT,
      failure: {
        errorType: 'Error',
        errorMessage: 'billing group eu-fleet does not exist',
        code: 'BillingGroupNotFound',
        remedy: 'Create it.',
      },
    });
  });

  it('falls back to the condition when a record has no response error', () => {
    // Prepare
    const record = JSON.parse(destinationRecord(null));
    record.requestContext.condition = 'EventAgeExceeded';
    delete record.responseContext.functionError;
    // Act
    const decoded = decodeDlqMessage(JSON.stringify(record));
    // Assess
    expect(decoded).toEqual({
      kind: 'destination-record',
      event: EVENT,
      failure: { errorMessage: 'EventAgeExceeded' },
    });
    expect(failureReason(decoded)).toBe('EventAgeExceeded');
  });

  it('decodes a classic DLQ message from its attributes: the code travels in ErrorMessage', () => {
    // Act
    const decoded = decodeDlqMessage(JSON.stringify(EVENT), {
      RequestID: { stringValue: 'e4b46cbf', dataType: 'String' },
      ErrorCode: { stringValue: '200', dataType: 'Number' },
      ErrorMessage: {
        stringValue: '[ThingTypeNotFound] thing type sensor does not exist \u2014 remedy: Create it.',
        dataType: 'String',
      },
    });
    // Assess
    expect(decoded).toEqual({
      kind: 'dlq-message',
      event: EVENT,
      failure: {
        errorMessage: 'thing type sensor does not exist',
        code: 'ThingTypeNotFound',
        remedy: 'Create it.',
      },
    });
    expect(failureReason(decoded)).toBe('ThingTypeNotFound');
  });

  it('puts a destination record and a classic DLQ message of one cause in one group', () => {
    // Prepare: what the handler throws for one cause, as the two DLQ shapes keep it.
    const thrown = '[ThingGroupNotFound] thing group plant-7 does not exist \u2014 remedy: Create it.';
    const record = destinationRecord({ errorType: 'ThingGroupNotFoundError', errorMessage: thrown });
    // Act
    const reasons = [
      failureReason(decodeDlqMessage(record)),
      failureReason(
        decodeDlqMessage(JSON.stringify(EVENT), {
          RequestID: { stringValue: 'e4b46cbf', dataType: 'String' },
          ErrorCode: { stringValue: '200', dataType: 'Number' },
          ErrorMessage: { stringValue: thrown, dataType: 'String' },
        }),
      ),
    ];
    // Assess
    expect(reasons).toEqual(['ThingGroupNotFound', 'ThingGroupNotFound']);
  });

  it('keeps the HTTP status of a classic DLQ message without an error message', () => {
    // Act
    const decoded = decodeDlqMessage(JSON.stringify(EVENT), {
      ErrorCode: { stringValue: '429', dataType: 'Number' },
    });
    // Assess
    expect(decoded).toEqual({ kind: 'dlq-message', event: EVENT, failure: { errorMessage: 'HTTP 429' } });
  });

  it('decodes an IoT rule error-action message', () => {
    // Prepare
    const body = JSON.stringify({
      ruleName: 'jitr_registered',
      topic: `$aws/events/certificates/registered/${CA}`,
      cloudwatchTraceId: '7e146a2c-95b5-6caf-98b9-50e3969734c7',
      clientId: 'iotconsole-1511213971966-0',
      base64OriginalPayload: Buffer.from(JSON.stringify(EVENT)).toString('base64'),
      failures: [
        {
          failedAction: 'LambdaAction',
          failedResource: 'arn:aws:lambda:us-east-1:123456789012:function:jitr',
          errorMessage:
            'Failed to invoke lambda function. Received Server error from Lambda. The error code is 403',
        },
      ],
    });
    // Act
    const decoded = decodeDlqMessage(body);
    // Assess
    expect(decoded).toEqual({
      kind: 'rule-error-action',
      event: EVENT,
      failure: {
        errorType: 'LambdaAction',
        errorMessage:
          'Failed to invoke lambda function. Received Server error from Lambda. The error code is 403',
      },
    });
    expect(failureReason(decoded)).toBe('LambdaAction');
  });

  it.each([
    ['not JSON', 'hello', 'body is not JSON'],
    ['an array', '[]', 'body is not a JSON object'],
    [
      'a short certificate id',
      JSON.stringify({ ...EVENT, certificateId: 'abc' }),
      'not a registered event: certificateId is not a 64-hex-character certificate id',
    ],
    [
      'a missing registration timestamp',
      JSON.stringify({ ...EVENT, certificateRegistrationTimestamp: undefined }),
      'not a registered event: certificateRegistrationTimestamp is missing',
    ],
    [
      'a string timestamp',
      JSON.stringify({ ...EVENT, timestamp: '1' }),
      'not a registered event: timestamp is not a non-negative integer of milliseconds',
    ],
    [
      'another status',
      JSON.stringify({ ...EVENT, certificateStatus: 'ACTIVE' }),
      'not a registered event: certificateStatus is not PENDING_ACTIVATION',
    ],
    [
      'a bad account',
      JSON.stringify({ ...EVENT, awsAccountId: '12' }),
      'not a registered event: awsAccountId is not a 12-digit account id',
    ],
    [
      'a numeric registration timestamp',
      JSON.stringify({ ...EVENT, certificateRegistrationTimestamp: 5 }),
      'not a registered event: certificateRegistrationTimestamp is not null or a string of milliseconds',
    ],
    [
      'a record with a bad payload',
      JSON.stringify({ requestContext: {}, requestPayload: { a: 1 } }),
      'destination record requestPayload: certificateId is not a 64-hex-character certificate id',
    ],
    [
      'a rule message with bad base64',
      JSON.stringify({ base64OriginalPayload: '!!' }),
      'rule error action: base64OriginalPayload is not base64',
    ],
    [
      'a rule message with non-JSON payload',
      JSON.stringify({ base64OriginalPayload: Buffer.from('x').toString('base64') }),
      'rule error action: original payload is not JSON',
    ],
  ])('reports %s as unknown', (_name, body, reason) => {
    // Act
    const decoded = decodeDlqMessage(body);
    // Assess
    expect(decoded).toEqual({ kind: 'unknown', reason });
    expect(failureReason(decoded)).toBe('undecodable');
  });

  it('reads code and remedy from the sample record in events/dlq-record.json', () => {
    // Prepare: the shape the handler's thrown error leaves in an on-failure destination record.
    const record = getTestEvent('dlq-record');
    // Act
    const decoded = decodeDlqMessage(JSON.stringify(record));
    // Assess
    expect(decoded.kind === 'unknown' ? decoded : decoded.failure).toEqual({
      errorType: 'AccessDeniedError',
      errorMessage:
        "CreateThing was denied: the function's role may not perform iot:CreateThing on arn:aws:iot:eu-west-1:123456789012:thing/dev-001",
      code: 'AccessDenied',
      remedy:
        'Add this statement to the function\'s role policy: {"Effect":"Allow","Action":"iot:CreateThing","Resource":"arn:aws:iot:eu-west-1:123456789012:thing/dev-001"}, then replay the DLQ.',
    });
    expect(failureReason(decoded)).toBe('AccessDenied');
  });
});
