// In-memory fakes of the operations ports, shared by the operations unit tests.
import type {
  CertificateStatusReader,
  DlqQueue,
  QueueMessage,
} from '../../../lib/operations/replay/ports.js';
import type { Clock } from '../../../lib/pacing/token-bucket.js';

/** A queue that hides received messages until they are released or deleted. */
export class FakeQueue implements DlqQueue {
  readonly messages: QueueMessage[] = [];
  readonly #held = new Set<string>();
  readonly deleted: string[] = [];
  readonly released: string[] = [];

  add(body: string, attributes: QueueMessage['attributes'] = {}): string {
    const messageId = `m${this.messages.length + 1}`;
    this.messages.push({ messageId, receiptHandle: `rh-${messageId}`, body, attributes });
    return messageId;
  }

  async receive(maxMessages: number): Promise<QueueMessage[]> {
    const visible = this.messages.filter((m) => !this.#held.has(m.messageId)).slice(0, maxMessages);
    for (const m of visible) this.#held.add(m.messageId);
    return visible;
  }

  async delete(message: QueueMessage): Promise<void> {
    const index = this.messages.findIndex((m) => m.receiptHandle === message.receiptHandle);
    if (index >= 0) this.messages.splice(index, 1);
    this.deleted.push(message.messageId);
  }

  async release(message: QueueMessage): Promise<void> {
    this.#held.delete(message.messageId);
    this.released.push(message.messageId);
  }

  ids(): string[] {
    return this.messages.map((m) => m.messageId);
  }
}

/** A clock that only moves when slept on. */
export class FakeClock implements Clock {
  current = 1_700_000_000_000;
  readonly sleeps: number[] = [];
  now(): number {
    return this.current;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.current += ms;
  }
}

/** Certificate statuses keyed by id; a missing id reads as "does not exist". */
export class FakeStatuses implements CertificateStatusReader {
  readonly calls: string[] = [];
  constructor(readonly statuses: Map<string, string>) {}
  async status(certificateId: string): Promise<string | null> {
    this.calls.push(certificateId);
    return this.statuses.get(certificateId) ?? null;
  }
}

export function registeredEvent(certificateId: string, caCertificateId = 'c'.repeat(64)) {
  return {
    certificateId,
    caCertificateId,
    timestamp: 1_700_000_000_000,
    certificateStatus: 'PENDING_ACTIVATION' as const,
    awsAccountId: '123456789012',
    certificateRegistrationTimestamp: '1699999999000',
  };
}

/** A Lambda on-failure destination record for `certificateId`. */
export function destinationRecord(certificateId: string, errorType: string, errorMessage: string): string {
  return JSON.stringify({
    version: '1.0',
    timestamp: '2026-11-22T05:00:00.000Z',
    requestContext: {
      requestId: `req-${certificateId.slice(0, 4)}`,
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:jitr:$LATEST',
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: registeredEvent(certificateId),
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType, errorMessage, trace: [] },
  });
}
