import { sqsQueueArn } from '../../../lib/arn/arn.js';
import type { MessageAttributeValue } from './md5.js';

export interface StoredMessage {
  messageId: string;
  body: string;
  attributes: Record<string, MessageAttributeValue>;
  sentTimestamp: number;
  receiveCount: number;
  firstReceiveTimestamp: number | undefined;
  /** Epoch ms until which the message is invisible. */
  invisibleUntil: number;
  /** The receipt handle of the latest receive; older handles stop working for visibility changes. */
  receiptHandle: string | undefined;
  /** The source queue's ARN once a redrive moved the message to this (dead-letter) queue. */
  deadLetterQueueSourceArn?: string;
}

export interface Queue {
  name: string;
  url: string;
  arn: string;
  createdTimestamp: number;
  visibilityTimeoutSeconds: number;
  attributes: Record<string, string>;
  messages: StoredMessage[];
}

/** A thrown SQS error: name (short, e.g. QueueDoesNotExist), awsQuery code, status. */
export class SqsError extends Error {
  constructor(
    readonly errorName: string,
    readonly queryCode: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function nonExistentQueue(): SqsError {
  return new SqsError(
    'QueueDoesNotExist',
    'AWS.SimpleQueueService.NonExistentQueue',
    400,
    'The specified queue does not exist.',
  );
}

/** A message left a queue: deleted by a consumer, or moved to the dead-letter queue by redrive. */
export interface MessageGone {
  queue: Queue;
  messageId: string;
  how: 'deleted' | 'dead-lettered';
}

/** A queue's `RedrivePolicy` attribute (JSON), or undefined without one. */
export function redrivePolicy(
  queue: Queue,
): { deadLetterTargetArn: string; maxReceiveCount: number } | undefined {
  const text = queue.attributes.RedrivePolicy;
  if (text === undefined || text === '') return undefined;
  const parsed = JSON.parse(text) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
  const max = Number(parsed.maxReceiveCount);
  if (typeof parsed.deadLetterTargetArn !== 'string' || !Number.isSafeInteger(max) || max < 1) {
    throw new SqsError(
      'InvalidParameterValue',
      'InvalidParameterValue',
      400,
      'Value for parameter RedrivePolicy is invalid: it needs deadLetterTargetArn and a maxReceiveCount of 1 to 1000.',
    );
  }
  return { deadLetterTargetArn: parsed.deadLetterTargetArn, maxReceiveCount: max };
}

/** In-memory standard queues. `baseUrl` is set once the server listens. */
export class QueueStore {
  readonly queues = new Map<string, Queue>();
  baseUrl = '';
  /** Told whenever a message leaves a queue (event source mappings wait on it). */
  readonly onGone = new Set<(gone: MessageGone) => void>();

  constructor(
    readonly region: string,
    readonly accountId: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates a queue (idempotent for the same name), returns it. */
  create(name: string, attributes: Record<string, string> = {}): Queue {
    if (!/^[a-zA-Z0-9_-]{1,80}$/.test(name)) {
      throw new SqsError('InvalidParameterValue', 'InvalidParameterValue', 400, `Invalid queue name ${name}`);
    }
    const existing = this.queues.get(name);
    if (existing !== undefined) return existing;
    if (attributes.RedrivePolicy !== undefined) {
      const policy = redrivePolicy({ attributes } as Queue);
      if (policy !== undefined && this.byArn(policy.deadLetterTargetArn) === undefined) {
        throw new SqsError(
          'InvalidParameterValue',
          'InvalidParameterValue',
          400,
          `Value ${attributes.RedrivePolicy} for parameter RedrivePolicy is invalid. Reason: Dead-letter target does not exist.`,
        );
      }
    }
    const queue: Queue = {
      name,
      url: `${this.baseUrl}/${this.accountId}/${name}`,
      arn: sqsQueueArn(this.region, this.accountId, name),
      createdTimestamp: this.now(),
      visibilityTimeoutSeconds: Number(attributes.VisibilityTimeout ?? 30),
      attributes: { ...attributes },
      messages: [],
    };
    this.queues.set(name, queue);
    return queue;
  }

  /** Finds a queue by URL (any host: only the last path segment matters) or name. */
  byUrl(url: string): Queue {
    const name = url.slice(url.lastIndexOf('/') + 1);
    const queue = this.queues.get(name);
    if (queue === undefined) throw nonExistentQueue();
    return queue;
  }

  byArn(arn: string): Queue | undefined {
    return [...this.queues.values()].find((q) => q.arn === arn);
  }

  send(
    queue: Queue,
    body: string,
    attributes: Record<string, MessageAttributeValue> = {},
    delaySeconds = 0,
  ): StoredMessage {
    const message: StoredMessage = {
      messageId: crypto.randomUUID(),
      body,
      attributes,
      sentTimestamp: this.now(),
      receiveCount: 0,
      firstReceiveTimestamp: undefined,
      invisibleUntil: this.now() + delaySeconds * 1000,
      receiptHandle: undefined,
    };
    queue.messages.push(message);
    return message;
  }

  /**
   * Receives up to `max` visible messages, hiding them for `visibilitySeconds`. With a redrive
   * policy, a message already received `maxReceiveCount` times moves to the dead-letter queue
   * instead (body, attributes, message id and sent time kept), as SQS moves it.
   */
  receive(queue: Queue, max: number, visibilitySeconds: number): StoredMessage[] {
    const now = this.now();
    const out: StoredMessage[] = [];
    const redrive = redrivePolicy(queue);
    const dlq = redrive === undefined ? undefined : this.byArn(redrive.deadLetterTargetArn);
    for (const m of [...queue.messages]) {
      if (out.length >= max) break;
      if (m.invisibleUntil > now) continue;
      if (redrive !== undefined && dlq !== undefined && m.receiveCount >= redrive.maxReceiveCount) {
        queue.messages = queue.messages.filter((x) => x !== m);
        dlq.messages.push({
          ...m,
          receiveCount: 0,
          firstReceiveTimestamp: undefined,
          invisibleUntil: now,
          receiptHandle: undefined,
          deadLetterQueueSourceArn: queue.arn,
        });
        this.gone({ queue, messageId: m.messageId, how: 'dead-lettered' });
        continue;
      }
      m.receiveCount += 1;
      m.firstReceiveTimestamp ??= now;
      m.invisibleUntil = now + visibilitySeconds * 1000;
      m.receiptHandle = Buffer.from(`${m.messageId}:${crypto.randomUUID()}`).toString('base64url');
      out.push(m);
    }
    return out;
  }

  private byHandle(queue: Queue, handle: string): StoredMessage | undefined {
    const id = Buffer.from(handle, 'base64url').toString('utf8').split(':')[0];
    return queue.messages.find((m) => m.messageId === id);
  }

  /** Deletes by receipt handle; an unknown (already deleted) handle is accepted, as SQS does. */
  delete(queue: Queue, handle: string): void {
    if (
      !/^[A-Za-z0-9_-]+$/.test(handle) ||
      Buffer.from(handle, 'base64url').toString('utf8').indexOf(':') < 0
    ) {
      throw new SqsError(
        'ReceiptHandleIsInvalid',
        'ReceiptHandleIsInvalid',
        400,
        `The input receipt handle "${handle}" is not a valid receipt handle.`,
      );
    }
    const m = this.byHandle(queue, handle);
    if (m !== undefined) {
      queue.messages = queue.messages.filter((x) => x !== m);
      this.gone({ queue, messageId: m.messageId, how: 'deleted' });
    }
  }

  private gone(event: MessageGone): void {
    for (const listener of this.onGone) listener(event);
  }

  changeVisibility(queue: Queue, handle: string, seconds: number): void {
    const m = this.byHandle(queue, handle);
    if (m === undefined || m.receiptHandle !== handle || m.invisibleUntil <= this.now()) {
      throw new SqsError(
        'MessageNotInflight',
        'AWS.SimpleQueueService.MessageNotInflight',
        400,
        'Value for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.',
      );
    }
    m.invisibleUntil = this.now() + seconds * 1000;
  }

  /** Queue attributes as GetQueueAttributes reports them. */
  attributesOf(queue: Queue): Record<string, string> {
    const now = this.now();
    const visible = queue.messages.filter((m) => m.invisibleUntil <= now);
    const inFlight = queue.messages.filter((m) => m.invisibleUntil > now && m.receiveCount > 0);
    const delayed = queue.messages.filter((m) => m.invisibleUntil > now && m.receiveCount === 0);
    return {
      ...queue.attributes,
      QueueArn: queue.arn,
      ApproximateNumberOfMessages: String(visible.length),
      ApproximateNumberOfMessagesNotVisible: String(inFlight.length),
      ApproximateNumberOfMessagesDelayed: String(delayed.length),
      CreatedTimestamp: String(Math.floor(queue.createdTimestamp / 1000)),
      LastModifiedTimestamp: String(Math.floor(queue.createdTimestamp / 1000)),
      VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
      MaximumMessageSize: queue.attributes.MaximumMessageSize ?? '262144',
      MessageRetentionPeriod: queue.attributes.MessageRetentionPeriod ?? '345600',
      DelaySeconds: queue.attributes.DelaySeconds ?? '0',
      ReceiveMessageWaitTimeSeconds: queue.attributes.ReceiveMessageWaitTimeSeconds ?? '0',
    };
  }

  /** Everything in a queue, without touching visibility (for assertions and the demo). */
  peek(queueUrlOrName: string): StoredMessage[] {
    return this.byUrl(queueUrlOrName).messages.map((m) => ({ ...m }));
  }
}
