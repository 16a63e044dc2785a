// `jitr replay` end to end: the built handler bundle deployed in the sandbox, a DLQ holding
// every message shape, a missing permission, then the permission granted and the DLQ replayed
// through Lambda Invoke (the real SDK over HTTP).
import { DescribeCertificateCommand } from '@aws-sdk/client-iot';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCa, type LocalAws, startLocalAws } from '../../../infra/local-aws/local-aws.js';
import { ledgerFailureSource } from '../../../lib/operations/recorded-failures.js';
import { type ReplayOptions, replayDlq, replayExitCode } from '../../../lib/operations/replay/engine.js';
import { LambdaInvoker } from '../../../lib/operations/replay/lambda-invoker.js';
import { registryStatusReader } from '../../../lib/operations/replay/registry-status-reader.js';
import { SqsDlqQueue } from '../../../lib/operations/replay/sqs-dlq-queue.js';
import { systemClock } from '../../../lib/pacing/token-bucket.js';
import { issueDeviceCertificate } from '../../../lib/pki/index.js';
import { SdkIotRegistry } from '../../../lib/provisioning/sdk-iot-registry.js';
import { ensureHandlerBundle } from '../../helpers/e2e-bundle.js';
import { deployForTest } from '../../helpers/e2e-deployment.js';
import { sandboxLedger } from '../../helpers/e2e-jitr.js';

let aws: LocalAws;
let lambda: LambdaClient;
let table: ReturnType<typeof sandboxLedger>;
const ids: string[] = [];

const OPTIONS: ReplayOptions = { max: 100, ratePerSecond: 50, dryRun: false, certificateIds: [] };

function deps() {
  return {
    queue: new SqsDlqQueue({
      sqs: aws.sqs,
      queueUrl: aws.queueUrl,
      visibilityTimeoutSeconds: 30,
      waitTimeSeconds: 0,
    }),
    invoker: new LambdaInvoker(lambda, 'jitr'),
    certificates: registryStatusReader(new SdkIotRegistry(aws.iot)),
    clock: systemClock,
    recorded: ledgerFailureSource(table.ledger),
  };
}

async function queueDepth(): Promise<number> {
  const out = await aws.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: aws.queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages'],
    }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages);
}

async function status(certificateId: string): Promise<string | undefined> {
  const out = await aws.iot.send(new DescribeCertificateCommand({ certificateId }));
  return out.certificateDescription?.status;
}

beforeAll(async () => {
  const bundle = await ensureHandlerBundle();
  aws = await startLocalAws({ faults: { deny: ['iot:CreateThing'] } });
  lambda = new LambdaClient({
    region: aws.sandbox.region,
    credentials: aws.sandbox.credentials,
    endpoint: aws.sandbox.endpoints.lambda,
  });
  table = sandboxLedger(aws);
  const ca = await addCa(aws, { commonName: 'Ops Replay CA' });
  // The direct path: its DLQ holds Lambda's on-failure destination records.
  const deployment = await deployForTest(aws, { bundle, retries: 1, ingestion: 'direct' });
  for (const name of ['replay-1', 'replay-2', 'replay-3']) {
    const device = issueDeviceCertificate({
      ca: ca.ca,
      keyType: 'ec',
      subject: [{ type: 'CN', value: name }],
    });
    const connected = await deployment.connect(device.certificatePem);
    ids.push(connected.certificateId);
  }
  // The three failures reached the DLQ as Lambda on-failure destination records. Add the other
  // shapes for the same certificates: a raw event (as the queue path's redrive leaves it; its
  // error is in the registration-state table), a classic DLQ message, a rule error action.
  const [e1, e2, e3] = aws.sandbox.lambda.published();
  await aws.sqs.send(new SendMessageCommand({ QueueUrl: aws.queueUrl, MessageBody: JSON.stringify(e1) }));
  await aws.sqs.send(
    new SendMessageCommand({
      QueueUrl: aws.queueUrl,
      MessageBody: JSON.stringify(e2),
      MessageAttributes: {
        RequestID: { DataType: 'String', StringValue: 'b1c2' },
        ErrorCode: { DataType: 'Number', StringValue: '200' },
        ErrorMessage: {
          DataType: 'String',
          StringValue: '[AccessDenied] not authorized to perform: iot:CreateThing',
        },
      },
    }),
  );
  await aws.sqs.send(
    new SendMessageCommand({
      QueueUrl: aws.queueUrl,
      MessageBody: JSON.stringify({
        ruleName: 'jitr_registered',
        topic: `$aws/events/certificates/registered/${ca.caCertificateId}`,
        cloudwatchTraceId: 'trace-1',
        clientId: 'iotconsole-1',
        base64OriginalPayload: Buffer.from(JSON.stringify(e3)).toString('base64'),
        failures: [
          {
            failedAction: 'LambdaAction',
            failedResource: 'jitr',
            errorMessage: 'Failed to invoke lambda function.',
          },
        ],
      }),
    }),
  );
  await aws.sqs.send(new SendMessageCommand({ QueueUrl: aws.queueUrl, MessageBody: 'not a JITR message' }));
}, 120_000);

afterAll(async () => {
  table?.close();
  lambda?.destroy();
  await aws?.stop();
});

describe('jitr replay against the sandbox', () => {
  it('groups a DLQ of mixed shapes by failure reason on a dry run and touches nothing', async () => {
    // Act
    const report = await replayDlq(deps(), { ...OPTIONS, dryRun: true });
    // Assess
    expect(report.received).toBe(7);
    expect(report.groups).toEqual([
      {
        // Destination records, the classic DLQ message and the raw event (explained by the
        // handler's record in the registration-state table): one code, one group.
        reason: 'AccessDenied',
        count: 5,
        // From the handler's thrown message: the DLQ record alone says what to do.
        remedies: [1, 2, 3].map(
          (n) =>
            `Add this statement to the function's role policy: {"Effect":"Allow","Action":"iot:CreateThing","Resource":"arn:aws:iot:us-east-1:123456789012:thing/replay-${n}"}, then replay the DLQ.`,
        ),
        steps: ['thing'],
        fromTable: 1,
      },
      { reason: 'LambdaAction', count: 1, remedies: [] },
      { reason: 'undecodable', count: 1, remedies: [] },
    ]);
    expect(report.unknown.map((u) => u.reason)).toEqual(['body is not JSON']);
    expect(report.certificates).toBe(3);
    expect(await queueDepth()).toBe(7);
  });

  it('leaves every message while the permission is still missing', async () => {
    // Act
    const report = await replayDlq(deps(), OPTIONS);
    // Assess
    expect(report.results.map((r) => [r.outcome, r.reason?.split(' was denied')[0], r.deleted])).toEqual(
      ids.map(() => ['failed', 'AccessDenied: CreateThing', 0]),
    );
    expect(replayExitCode(report)).toBe(1);
    expect(await queueDepth()).toBe(7);
    expect(await Promise.all(ids.map(status))).toEqual(ids.map(() => 'PENDING_ACTIVATION'));
  });

  it('activates every certificate once the permission is granted and keeps only the unknown message', async () => {
    // Prepare
    aws.sandbox.faults.allow('iot:CreateThing');
    // Act
    const report = await replayDlq(deps(), OPTIONS);
    // Assess
    expect(report.results.map((r) => [r.certificateId, r.outcome, r.messages, r.deleted])).toEqual([
      [ids[0], 'activated', 2, 2],
      [ids[1], 'activated', 2, 2],
      [ids[2], 'activated', 2, 2],
    ]);
    expect(await Promise.all(ids.map(status))).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
    expect(await queueDepth()).toBe(1);
    // The undecodable message is reported and left for an operator: exit code 1.
    expect(replayExitCode(report)).toBe(1);
  });
});
