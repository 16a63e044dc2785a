import { IoTClient } from '@aws-sdk/client-iot';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Sandbox } from '../../../infra/sandbox/index.js';

/** SDK clients pointed at a sandbox; one attempt so that tests see the first answer. */
export function clientsFor(
  sandbox: Sandbox,
  maxAttempts = 1,
): { iot: IoTClient; s3: S3Client; sqs: SQSClient } {
  const common = { region: sandbox.region, credentials: sandbox.credentials, maxAttempts };
  return {
    iot: new IoTClient({ ...common, endpoint: sandbox.endpoints.iot }),
    s3: new S3Client({ ...common, endpoint: sandbox.endpoints.s3, forcePathStyle: true }),
    sqs: new SQSClient({ ...common, endpoint: sandbox.endpoints.sqs }),
  };
}

/** A Lambda client on the sandbox's Lambda HTTP API (one attempt: a refusal is what a test asserts). */
export function lambdaClientFor(sandbox: Sandbox): LambdaClient {
  return new LambdaClient({
    endpoint: sandbox.endpoints.lambda,
    region: sandbox.region,
    credentials: sandbox.credentials,
    maxAttempts: 1,
  });
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function errorOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** name, HTTP status and message of an SDK error, for whole-value assertions. */
export function shapeOf(error: Error & Record<string, unknown>): {
  name: string;
  status: number | undefined;
  message: string;
} {
  const meta = error.$metadata as { httpStatusCode?: number } | undefined;
  return { name: error.name, status: meta?.httpStatusCode, message: error.message };
}
