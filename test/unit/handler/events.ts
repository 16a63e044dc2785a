// Typed access to events/*.json, the samples shared by `sam local invoke -e`, `npm run invoke`
// and the tests. Each call parses the file again, so callers may mutate what they get.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqsRecord } from '../../../lib/lambda/invocation.js';
import type { RegisteredEvent } from '../../../lib/registration/event.js';

export interface DestinationRecord {
  version: string;
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: string;
    approximateInvokeCount: number;
  };
  requestPayload: RegisteredEvent;
  responseContext: { statusCode: number; executedVersion: string; functionError: string };
  responsePayload: { errorType: string; errorMessage: string; trace: string[] };
}

export interface TestEvents {
  registered: RegisteredEvent;
  'already-active': RegisteredEvent;
  malformed: Record<string, unknown>;
  'dlq-record': DestinationRecord;
  'sqs-dlq-batch': { Records: (SqsRecord & { receiptHandle: string; eventSourceARN: string })[] };
  'sandbox-env': { Parameters: Record<string, string>; JitrFunction: Record<string, string> };
  'sandbox-env.docker': { Parameters: Record<string, string>; JitrFunction: Record<string, string> };
}

const EVENTS_DIR = join(import.meta.dirname, '..', '..', '..', 'events');

/** Loads `events/<name>.json` with its type. */
export function getTestEvent<K extends keyof TestEvents>(name: K): TestEvents[K] {
  return JSON.parse(readFileSync(join(EVENTS_DIR, `${name}.json`), 'utf8')) as TestEvents[K];
}
