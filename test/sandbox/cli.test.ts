import { describe, expect, it } from 'vitest';
import { runSandboxStart } from '../../lib/cli/sandbox-start.js';

describe('jitr sandbox start', () => {
  it('prints endpoints and environment, serves until aborted, then stops every server', async () => {
    // Prepare
    const controller = new AbortController();
    let output = '';
    let printed: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      printed = resolve;
    });

    // Act
    const running = runSandboxStart(
      { json: true, queue: ['dlq'], deny: ['iot:CreateThing'] },
      controller.signal,
      (text) => {
        output += text;
        printed();
      },
    );
    await ready;
    const info = JSON.parse(output) as {
      endpoints: { iot: string; sqs: string; s3: string };
      env: Record<string, string>;
    };
    const denied = await fetch(`${info.endpoints.iot}/things/t1`, { method: 'POST', body: '{}' });
    controller.abort();
    await running;
    const afterStop = await fetch(`${info.endpoints.iot}/things`).then(
      () => 'answered',
      () => 'refused',
    );

    // Assess
    expect(Object.keys(info.env).sort()).toEqual([
      'AWS_ACCESS_KEY_ID',
      'AWS_DEFAULT_REGION',
      'AWS_ENDPOINT_URL_DYNAMODB',
      'AWS_ENDPOINT_URL_IAM',
      'AWS_ENDPOINT_URL_IOT',
      'AWS_ENDPOINT_URL_LAMBDA',
      'AWS_ENDPOINT_URL_S3',
      'AWS_ENDPOINT_URL_SQS',
      'AWS_REGION',
      'AWS_SECRET_ACCESS_KEY',
    ]);
    expect(info.env.AWS_ENDPOINT_URL_IOT).toBe(info.endpoints.iot);
    expect(info.endpoints.iot).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect([denied.status, denied.headers.get('x-amzn-errortype')]).toEqual([403, 'AccessDeniedException']);
    expect(afterStop).toBe('refused');
  });

  it('prints export lines for the shell in text mode', async () => {
    // Prepare
    const controller = new AbortController();
    controller.abort();
    let output = '';

    // Act
    await runSandboxStart({ bucket: ['crls'] }, controller.signal, (text) => {
      output += text;
    });

    // Assess
    const exports = output.split('\n').filter((line) => line.startsWith('export '));
    expect(exports.map((line) => line.replace(/=.*$/, ''))).toEqual([
      'export AWS_ENDPOINT_URL_IOT',
      'export AWS_ENDPOINT_URL_S3',
      'export AWS_ENDPOINT_URL_SQS',
      'export AWS_ENDPOINT_URL_LAMBDA',
      'export AWS_ENDPOINT_URL_IAM',
      'export AWS_ENDPOINT_URL_DYNAMODB',
      'export AWS_REGION',
      'export AWS_DEFAULT_REGION',
      'export AWS_ACCESS_KEY_ID',
      'export AWS_SECRET_ACCESS_KEY',
    ]);
    expect(output).toContain('buckets: crls');
  });
});
