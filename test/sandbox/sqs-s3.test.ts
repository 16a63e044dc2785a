import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../infra/sandbox/index.js';
import { md5OfAttributes } from '../../infra/sandbox/sqs/md5.js';
import { clientsFor, errorOf, shapeOf } from './helpers/clients.js';

describe('sandbox SQS and S3', () => {
  let sandbox: Sandbox;
  let sqs: SQSClient;
  let s3: S3Client;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, buckets: ['crls'] });
    ({ sqs, s3 } = clientsFor(sandbox));
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  it('creates a queue idempotently', async () => {
    // Act
    const created = await sqs.send(new CreateQueueCommand({ QueueName: 'dlq' }));
    const again = await sqs.send(new CreateQueueCommand({ QueueName: 'dlq' }));

    // Assess
    expect(created.QueueUrl).toBe(`${sandbox.endpoints.sqs}/123456789012/dlq`);
    expect(again.QueueUrl).toBe(created.QueueUrl);
  });

  it('answers QueueDoesNotExist (400) for an unknown queue', async () => {
    // Act
    // (`jitr doctor` reads the DLQ's attributes, `jitr replay` receives from it)
    const error = await errorOf(
      sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: `${sandbox.endpoints.sqs}/123456789012/missing`,
          AttributeNames: ['All'],
        }),
      ),
    );

    // Assess
    expect(shapeOf(error)).toEqual({
      name: 'QueueDoesNotExist',
      status: 400,
      message: 'The specified queue does not exist.',
    });
  });

  it('sends with attributes and receives with the MD5s the SDK checks, the receive count and the attributes', async () => {
    // Prepare
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'q-send' }));
    const attributes = {
      ErrorCode: { DataType: 'Number', StringValue: '200' },
      RequestID: { DataType: 'String', StringValue: 'r-1' },
    };

    // Act
    const sent = await sqs.send(
      new SendMessageCommand({ QueueUrl, MessageBody: '{"a":1}', MessageAttributes: attributes }),
    );
    const got = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );

    // Assess
    expect(sent.MD5OfMessageBody).toBe('bb6cb5c68df4652941caf652a366f2d8'); // md5('{"a":1}')
    expect(sent.MD5OfMessageAttributes).toBe(md5OfAttributes(attributes));
    expect(got.Messages).toHaveLength(1);
    expect(got.Messages?.[0]).toMatchObject({
      MessageId: sent.MessageId,
      Body: '{"a":1}',
      Attributes: { ApproximateReceiveCount: '1' },
      MessageAttributes: attributes,
      MD5OfMessageAttributes: md5OfAttributes(attributes),
    });
  });

  it('hides a received message for the visibility timeout, then delivers it again with a higher receive count', async () => {
    // Prepare
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'q-vis' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 30 }));

    // Act
    const hidden = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    const counts = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl,
        ReceiptHandle: first.Messages?.[0]?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const again = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['All'] }),
    );

    // Assess
    expect(hidden.Messages).toBeUndefined();
    expect(counts.Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '1',
    });
    expect(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
  });

  it('deletes a message by receipt handle', async () => {
    // Prepare
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'q-del' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'a' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'b' }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));

    // Act
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: got.Messages?.[0]?.ReceiptHandle }));
    const afterDelete = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );

    // Assess
    expect(afterDelete.Attributes).toEqual({ ApproximateNumberOfMessages: '1' });
    expect(sandbox.sqs.peek('q-del').map((m) => m.body)).toEqual([
      got.Messages?.[0]?.Body === 'a' ? 'b' : 'a',
    ]);
  });

  it('waits up to WaitTimeSeconds for a message that arrives meanwhile', async () => {
    // Prepare
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'q-wait' }));
    setTimeout(() => sandbox.sqs.send(sandbox.sqs.byUrl('q-wait'), 'late'), 100);

    // Act
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2 }));

    // Assess
    expect(got.Messages?.map((m) => m.Body)).toEqual(['late']);
  });

  it('stores objects in S3 and answers a conditional GET on the current ETag with 304', async () => {
    // Prepare
    await s3.send(new PutObjectCommand({ Bucket: 'crls', Key: 'ca/1.crl', Body: new Uint8Array([1, 2, 3]) }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'crls', Key: 'ca/1.crl' }));

    // Act
    const error = await errorOf(
      s3.send(new GetObjectCommand({ Bucket: 'crls', Key: 'ca/1.crl', IfNoneMatch: got.ETag })),
    );

    // Assess
    expect(Array.from(await (got.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())))).toEqual(
      [1, 2, 3],
    );
    expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(304);
  });

  it('works with a client configured only from env() (no forcePathStyle) and answers NoSuchKey (404)', async () => {
    // Prepare
    const env = sandbox.env();
    const client = new S3Client({
      endpoint: env.AWS_ENDPOINT_URL_S3,
      region: env.AWS_REGION,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
      },
    });
    await sandbox.s3.createBucket('templates');
    await client.send(new CreateBucketCommand({ Bucket: 'more' }));

    // Act
    const error = await errorOf(client.send(new GetObjectCommand({ Bucket: 'templates', Key: 'none.json' })));

    // Assess
    expect(shapeOf(error)).toMatchObject({ name: 'NoSuchKey', status: 404 });
  });
});
