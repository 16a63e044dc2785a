/** The SQS adapter of the replay engine's {@link DlqQueue} port. */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DlqMessageAttributes } from '../dlq-message.js';
import type { DlqQueue, QueueMessage } from './ports.js';

export interface SqsDlqQueueOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** How long received messages stay hidden from other consumers (must cover the whole run). */
  visibilityTimeoutSeconds: number;
  /** Long-polling wait per receive; an empty answer after it ends collection. */
  waitTimeSeconds: number;
}

export class SqsDlqQueue implements DlqQueue {
  readonly #options: SqsDlqQueueOptions;

  constructor(options: SqsDlqQueueOptions) {
    this.#options = options;
  }

  async receive(maxMessages: number): Promise<QueueMessage[]> {
    const { sqs, queueUrl, visibilityTimeoutSeconds, waitTimeSeconds } = this.#options;
    const answer = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: maxMessages,
        VisibilityTimeout: visibilityTimeoutSeconds,
        WaitTimeSeconds: waitTimeSeconds,
        MessageAttributeNames: ['All'],
        // Where a redrive moved it from, and how often it was received (for the listing).
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'DeadLetterQueueSourceArn'],
      }),
    );
    const messages: QueueMessage[] = [];
    for (const m of answer.Messages ?? []) {
      if (m.MessageId === undefined || m.ReceiptHandle === undefined) continue;
      const attributes: DlqMessageAttributes = {};
      for (const [name, value] of Object.entries(m.MessageAttributes ?? {})) {
        attributes[name] = {
          ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
          ...(value.DataType === undefined ? {} : { dataType: value.DataType }),
        };
      }
      const receiveCount = Number(m.Attributes?.ApproximateReceiveCount);
      const source = m.Attributes?.DeadLetterQueueSourceArn;
      messages.push({
        messageId: m.MessageId,
        receiptHandle: m.ReceiptHandle,
        body: m.Body ?? '',
        attributes,
        ...(Number.isSafeInteger(receiveCount) && receiveCount > 0 ? { receiveCount } : {}),
        ...(source === undefined || source === '' ? {} : { redrivenFrom: source }),
      });
    }
    return messages;
  }

  async delete(message: QueueMessage): Promise<void> {
    await this.#options.sqs.send(
      new DeleteMessageCommand({ QueueUrl: this.#options.queueUrl, ReceiptHandle: message.receiptHandle }),
    );
  }

  async release(message: QueueMessage): Promise<void> {
    await this.#options.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.#options.queueUrl,
        ReceiptHandle: message.receiptHandle,
        VisibilityTimeout: 0,
      }),
    );
  }
}
