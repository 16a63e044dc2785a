import type { ErrorPayload } from './container.js';

/** The on-failure destination record Lambda sends for an async invocation (aws-facts §5.2). */
export interface DestinationRecord {
  version: '1.0';
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: 'RetriesExhausted' | 'EventAgeExceeded';
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  responseContext: { statusCode: 200; executedVersion: '$LATEST'; functionError: 'Unhandled' };
  responsePayload: ErrorPayload;
}

export function destinationRecord(input: {
  requestId: string;
  functionArn: string;
  attempts: number;
  condition?: 'RetriesExhausted' | 'EventAgeExceeded';
  event: unknown;
  error: ErrorPayload;
  now: Date;
}): DestinationRecord {
  return {
    version: '1.0',
    timestamp: input.now.toISOString(),
    requestContext: {
      requestId: input.requestId,
      functionArn: `${input.functionArn}:$LATEST`,
      condition: input.condition ?? 'RetriesExhausted',
      approximateInvokeCount: input.attempts,
    },
    requestPayload: input.event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: input.error,
  };
}

/** Message attributes of a classic dead-letter queue message (body = the original event). */
export function deadLetterAttributes(
  requestId: string,
  error: ErrorPayload,
): Record<string, { DataType: string; StringValue: string }> {
  return {
    RequestID: { DataType: 'String', StringValue: requestId },
    ErrorCode: { DataType: 'Number', StringValue: '200' },
    ErrorMessage: { DataType: 'String', StringValue: error.errorMessage.slice(0, 1024) },
  };
}
