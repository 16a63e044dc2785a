import { describe, expect, it } from 'vitest';
import { runSandboxStart } from '../../lib/cli/sandbox-start.js';

/** Runs `jitr sandbox start` with these options until its JSON is printed; `stop` aborts it. */
async function startJson(
  options: Parameters<typeof runSandboxStart>[0],
): Promise<{ info: unknown; stop: () => Promise<void> }> {
  const controller = new AbortController();
  let output = '';
  let printed: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    printed = resolve;
  });
  const running = runSandboxStart(options, controller.signal, (text) => {
    output += text;
    printed();
  });
  await ready;
  return {
    info: JSON.parse(output),
    stop: async () => {
      controller.abort();
      await running;
    },
  };
}

describe('jitr sandbox start', () => {
  it('prints endpoints and environment, serves until aborted, then stops every server', async () => {
    // Act
    const started = await startJson({ json: true, queue: ['dlq'], deny: ['iot:CreateThing'] });
    const info = started.info as {
      endpoints: { iot: string; sqs: string; s3: string };
      env: Record<string, string>;
    };
    const denied = await fetch(`${info.endpoints.iot}/things/t1`, { method: 'POST', body: '{}' });
    await started.stop();
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

  it('binds every server to --host and prints endpoints on that host', async () => {
    // Prepare: 127.0.0.2 is loopback too on Linux, yet distinct from the default 127.0.0.1.
    const answers = (url: string) =>
      fetch(url).then(
        () => 'answered',
        () => 'refused',
      );

    // Act
    const started = await startJson({ json: true, host: '127.0.0.2' });
    const info = started.info as { host: string; endpoints: Record<string, string> };
    const onHost: Record<string, string> = {};
    const onDefault: Record<string, string> = {};
    for (const [name, url] of Object.entries(info.endpoints)) {
      onHost[name] = await answers(url);
      onDefault[name] = await answers(url.replace('127.0.0.2', '127.0.0.1'));
    }
    await started.stop();

    // Assess
    const names = ['dynamodb', 'iam', 'iot', 'lambda', 's3', 'sqs'];
    expect(info.host).toBe('127.0.0.2');
    expect(Object.keys(info.endpoints).sort()).toEqual(names);
    for (const url of Object.values(info.endpoints)) expect(url).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
    expect(onHost).toEqual(Object.fromEntries(names.map((name) => [name, 'answered'])));
    expect(onDefault).toEqual(Object.fromEntries(names.map((name) => [name, 'refused'])));
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
