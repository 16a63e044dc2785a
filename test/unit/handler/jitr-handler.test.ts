// handlers/jitr.ts itself: module-scope wiring, read once per (fresh) module instance.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LambdaContext } from '../../../lib/lambda/invocation.js';

const context: LambdaContext = {
  functionName: 'jitr',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:jitr',
  memoryLimitInMB: '512',
  awsRequestId: 'c2a6d6a4-2f4e-4b8e-9a51-3f0e5d7c9b11',
  getRemainingTimeInMillis: () => 30_000,
};

/** A fresh copy of the handler module, as a new Lambda container would load it. */
async function coldStart(env: Record<string, string>) {
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return import('../../../handlers/jitr.js');
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('handlers/jitr', () => {
  it('fails every invocation with ConfigurationInvalid, named after its code, when the configuration is invalid', async () => {
    // Prepare
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { handler } = await coldStart({ CRL_BUCKET: '', CRL_MODE: 'required' });
    // Act
    const error = await handler({}, context).catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({
      name: 'ConfigurationInvalidError',
      code: 'ConfigurationInvalid',
      variable: 'CRL_BUCKET',
    });
  });

  it('keeps undecodable DLQ records in the queue without calling AWS', async () => {
    // Prepare
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { handler } = await coldStart({
      CRL_BUCKET: 'crls',
      AWS_REGION: 'eu-west-1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    const batch = {
      Records: [
        { messageId: 'm-1', body: 'not JSON', eventSource: 'aws:sqs' },
        { messageId: 'm-2', body: '{"hello":"world"}', eventSource: 'aws:sqs' },
      ],
    };
    // Act
    const response = await handler(batch, context);
    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }] });
  });

  it('drops a malformed event without calling AWS', async () => {
    // Prepare
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { handler } = await coldStart({
      CRL_BUCKET: 'crls',
      AWS_REGION: 'eu-west-1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    // Act
    const result = await handler({ certificateId: 'nope' }, context);
    // Assess
    expect(result).toMatchObject({ outcome: 'dropped', code: 'InvalidEvent' });
  });
});
