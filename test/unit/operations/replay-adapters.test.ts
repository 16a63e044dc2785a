import {
  InvokeCommand,
  LambdaClient,
  ResourceNotFoundException,
  type ThrottleReason,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { LambdaInvoker } from '../../../lib/operations/replay/lambda-invoker.js';
import { SqsDlqQueue } from '../../../lib/operations/replay/sqs-dlq-queue.js';
import { registeredEvent } from './fakes.js';

const lambdaMock = mockClient(LambdaClient);
const sqsMock = mockClient(SQSClient);
const EVENT = registeredEvent('a'.repeat(64));

afterEach(() => {
  lambdaMock.reset();
  sqsMock.reset();
});

function payload(value: unknown) {
  return Buffer.from(JSON.stringify(value)) as unknown as Uint8Array & { transformToString: () => string };
}

describe('LambdaInvoker', () => {
  it('invokes synchronously with the event and passes on the handler outcome', async () => {
    // Prepare
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ outcome: 'rejected' }) });
    const invoker = new LambdaInvoker(new LambdaClient({ region: 'us-east-1' }), 'jitr');
    // Act
    const result = await invoker.invoke(EVENT);
    // Assess
    expect(result).toEqual({ ok: true, outcome: 'rejected' });
    const calls = lambdaMock.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.FunctionName, c.InvocationType])).toEqual([['jitr', 'RequestResponse']]);
    expect(JSON.parse(Buffer.from(calls[0]?.Payload as Uint8Array).toString('utf8'))).toEqual(EVENT);
  });

  it('counts a FunctionError as a failure with its code and message', async () => {
    // Prepare
    lambdaMock.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload({
        errorType: 'ThingGroupNotFoundError',
        errorMessage: '[ThingGroupNotFound] thing group plant-7 does not exist \u2014 remedy: Create it.',
      }),
    });
    const invoker = new LambdaInvoker(new LambdaClient({ region: 'us-east-1' }), 'jitr');
    // Act
    const result = await invoker.invoke(EVENT);
    // Assess
    expect(result).toEqual({ ok: false, reason: 'ThingGroupNotFound: thing group plant-7 does not exist' });
  });

  it('counts an SDK error as a failure naming it', async () => {
    // Prepare
    lambdaMock
      .on(InvokeCommand)
      .rejects(new ResourceNotFoundException({ message: 'Function not found: jitr', $metadata: {} }));
    const invoker = new LambdaInvoker(new LambdaClient({ region: 'us-east-1' }), 'jitr');
    // Act
    const result = await invoker.invoke(EVENT);
    // Assess
    expect(result).toEqual({ ok: false, reason: 'ResourceNotFoundException: Function not found: jitr' });
  });
});

describe('LambdaInvoker at the concurrency limit (429 TooManyRequestsException)', () => {
  const throttled = (Reason: ThrottleReason, retryAfterSeconds?: string) =>
    new TooManyRequestsException({
      message: 'Rate Exceeded.',
      $metadata: { httpStatusCode: 429 },
      Reason,
      Type: 'User',
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });

  it('retries with backoff, honouring Retry-After, and passes the outcome on once Lambda runs it', async () => {
    // Prepare
    lambdaMock
      .on(InvokeCommand)
      .rejectsOnce(throttled('ConcurrentInvocationLimitExceeded'))
      .rejectsOnce(throttled('ConcurrentInvocationLimitExceeded', '3'))
      .resolves({ StatusCode: 200, Payload: payload({ outcome: 'activated' }) });
    const sleeps: number[] = [];
    const invoker = new LambdaInvoker(new LambdaClient({ region: 'us-east-1' }), 'jitr', {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 1,
    });
    // Act
    const result = await invoker.invoke(EVENT);
    // Assess
    expect(result).toEqual({ ok: true, outcome: 'activated' });
    expect(sleeps).toEqual([1000, 3000]);
  });

  it('gives up after its tries with LambdaInvokeThrottled, the reason and the remedy (the message stays queued)', async () => {
    // Prepare
    lambdaMock.on(InvokeCommand).rejects(throttled('ReservedFunctionConcurrentInvocationLimitExceeded'));
    const sleeps: number[] = [];
    const invoker = new LambdaInvoker(new LambdaClient({ region: 'us-east-1' }), 'jitr', {
      throttledTries: 3,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
    });
    // Act
    const result = await invoker.invoke(EVENT);
    // Assess
    expect(result).toEqual({
      ok: false,
      reason:
        "LambdaInvokeThrottled: Lambda throttled the synchronous Invoke of jitr 3 time(s) (ReservedFunctionConcurrentInvocationLimitExceeded) — remedy: The function's reserved concurrency is in use (live registrations come first): run the command again later or with a lower --rate, or raise the reservation. Nothing was deleted from the queue.",
    });
    expect(sleeps).toEqual([500, 1000]);
    expect(lambdaMock.commandCalls(InvokeCommand)).toHaveLength(3);
  });
});

describe('SqsDlqQueue', () => {
  it('receives with the visibility timeout and maps message attributes', async () => {
    // Prepare
    sqsMock.on(ReceiveMessageCommand).resolves({
      Messages: [
        {
          MessageId: 'm1',
          ReceiptHandle: 'rh1',
          Body: '{}',
          MessageAttributes: { ErrorCode: { DataType: 'Number', StringValue: '200' } },
        },
        {
          MessageId: 'm3',
          ReceiptHandle: 'rh3',
          Body: '{}',
          Attributes: {
            ApproximateReceiveCount: '2',
            DeadLetterQueueSourceArn: 'arn:aws:sqs:us-east-1:123456789012:jitr-ingest',
          },
        },
      ],
    });
    const queue = new SqsDlqQueue({
      sqs: new SQSClient({ region: 'us-east-1' }),
      queueUrl: 'https://sqs/q',
      visibilityTimeoutSeconds: 900,
      waitTimeSeconds: 1,
    });
    // Act
    const messages = await queue.receive(10);
    await queue.delete(messages[0] ?? { messageId: '', receiptHandle: '', body: '', attributes: {} });
    await queue.release({ messageId: 'm2', receiptHandle: 'rh2', body: '', attributes: {} });
    // Assess
    expect(messages).toEqual([
      {
        messageId: 'm1',
        receiptHandle: 'rh1',
        body: '{}',
        attributes: { ErrorCode: { dataType: 'Number', stringValue: '200' } },
      },
      {
        messageId: 'm3',
        receiptHandle: 'rh3',
        body: '{}',
        attributes: {},
        receiveCount: 2,
        redrivenFrom: 'arn:aws:sqs:us-east-1:123456789012:jitr-ingest',
      },
    ]);
    expect(sqsMock.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueueUrl: 'https://sqs/q',
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 900,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'DeadLetterQueueSourceArn'],
      },
    ]);
    expect(sqsMock.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: 'https://sqs/q', ReceiptHandle: 'rh1' },
    ]);
    expect(sqsMock.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: 'https://sqs/q', ReceiptHandle: 'rh2', VisibilityTimeout: 0 },
    ]);
  });
});
