import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
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
