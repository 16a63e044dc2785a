/**
 * The ports the replay engine works through. Each has one adapter talking to AWS
 * (SQS, Lambda or the in-process use case, IoT) and a fake in the unit tests.
 */
import type { DlqMessageAttributes } from '../dlq-message.js';
import type { RegisteredEvent } from '../registered-event.js';

export interface QueueMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: DlqMessageAttributes;
  /** SQS `ApproximateReceiveCount`, when the adapter asked for it. */
  receiveCount?: number;
  /** SQS `DeadLetterQueueSourceArn`: the queue whose redrive moved the message here. */
  redrivenFrom?: string;
}

/** The DLQ. Received messages stay invisible to others for the adapter's visibility timeout. */
export interface DlqQueue {
  /** Up to `maxMessages` (1–10) messages; an empty answer means the queue is drained. */
  receive(maxMessages: number): Promise<QueueMessage[]>;
  delete(message: QueueMessage): Promise<void>;
  /** Makes a message visible again now (best effort: a failure only delays it). */
  release(message: QueueMessage): Promise<void>;
}

/**
 * What one synchronous run of the handler said. `outcome` is the handler's own outcome
 * when it returns one (e.g. `rejected` when REJECTED_CERTIFICATE_STATUS leaves the
 * certificate PENDING_ACTIVATION); a failure carries a grouping reason.
 */
export type InvokeResult = { ok: true; outcome?: string } | { ok: false; reason: string };

/** Runs the registration pipeline for one event: Lambda Invoke, or the use case in process. */
export interface EventInvoker {
  invoke(event: RegisteredEvent): Promise<InvokeResult>;
}

/** Reads a certificate's status (DescribeCertificate); null when the certificate does not exist. */
export interface CertificateStatusReader {
  status(certificateId: string): Promise<string | null>;
}
