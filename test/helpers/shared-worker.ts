// Setup of every test file. Files run one after another in the same worker process (vitest.config.ts,
// isolate: false): whatever a file stubs in the process is undone when it ends, so the next
// file starts from the same process a fresh worker would give it.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { IoTClient } from '@aws-sdk/client-iot';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, vi } from 'vitest';

/** Every SDK client class of package.json: `mockClient(Class)` stubs its prototype's `send`. */
const SDK_CLIENTS = [
  CloudFormationClient,
  DynamoDBClient,
  IAMClient,
  IoTClient,
  LambdaClient,
  S3Client,
  SQSClient,
];

afterAll(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  for (const client of SDK_CLIENTS) {
    // aws-sdk-client-mock's stub (sinon) puts `restore` on the replaced method.
    const send = client.prototype.send as { restore?: () => void };
    if (typeof send.restore === 'function') send.restore();
  }
});
