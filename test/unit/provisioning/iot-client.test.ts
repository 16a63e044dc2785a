import { Readable } from 'node:stream';
import { AttachPolicyCommand } from '@aws-sdk/client-iot';
import { describe, expect, it } from 'vitest';
import { createIotClient } from '../../../lib/provisioning/iot-client.js';

/** A request handler that answers every request with the same AWS IoT error, counting requests. */
function failingHandler(status: number, errorType: string, message: string) {
  const handler = {
    requests: 0,
    async handle() {
      handler.requests += 1;
      return {
        response: {
          statusCode: status,
          reason: 'error',
          headers: { 'content-type': 'application/json', 'x-amzn-errortype': errorType },
          body: Readable.from([Buffer.from(JSON.stringify({ message }))]),
        },
      };
    },
  };
  return handler;
}

function clientWith(handler: ReturnType<typeof failingHandler>, maxAttempts: number) {
  return createIotClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    endpoint: 'http://127.0.0.1:9',
    maxAttempts,
    requestHandler: handler,
  });
}

describe('createIotClient', () => {
  it('does not retry a LimitExceededException that means a hard limit', async () => {
    // Prepare
    const handler = failingHandler(
      410,
      'LimitExceededException',
      'The policy limit for the target has been reached.',
    );
    const client = clientWith(handler, 3);
    // Act
    const result = client.send(
      new AttachPolicyCommand({ policyName: 'p', target: 'arn:aws:iot:eu-west-1:1:cert/x' }),
    );
    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'LimitExceededException',
      $metadata: { httpStatusCode: 410 },
    });
    expect(handler.requests).toBe(1);
  });

  it('still retries ThrottlingException', async () => {
    // Prepare
    const handler = failingHandler(400, 'ThrottlingException', 'Rate exceeded');
    const client = clientWith(handler, 2);
    // Act
    const result = client.send(
      new AttachPolicyCommand({ policyName: 'p', target: 'arn:aws:iot:eu-west-1:1:cert/x' }),
    );
    // Assess
    await expect(result).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(handler.requests).toBe(2);
  });
});
