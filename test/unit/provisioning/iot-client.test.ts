import { Readable } from 'node:stream';
import { AttachPolicyCommand } from '@aws-sdk/client-iot';
import { describe, expect, it } from 'vitest';
import { isJitrError } from '../../../lib/errors/jitr-error.js';
import type { Clock } from '../../../lib/pacing/token-bucket.js';
import { createApiBudget } from '../../../lib/provisioning/api-budget.js';
import { SdkIotRegistry } from '../../../lib/provisioning/sdk-iot-registry.js';
import { createIotClient } from '../../../lib/runtime/aws-clients.js';

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
  return createIotClient(
    {
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      endpoint: 'http://127.0.0.1:9',
    },
    { maxAttempts, requestHandler: handler },
  );
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

describe('SdkIotRegistry over the wire', () => {
  it('parses an AccessDeniedException the SDK deserialised from a real 403 answer', async () => {
    // Prepare
    const message =
      'User: arn:aws:sts::123456789012:assumed-role/jitr-role/jitr-fn is not authorized to perform: iot:CreateThing on resource: arn:aws:iot:eu-west-1:123456789012:thing/dev-1 because no identity-based policy allows the iot:CreateThing action';
    const handler = failingHandler(403, 'AccessDeniedException', message);
    const iot = new SdkIotRegistry(clientWith(handler, 3));
    // Act
    const error = await iot
      .createThing({ thingName: 'dev-1', thingTypeName: null, attributes: {} })
      .catch((e: unknown) => e);
    // Assess
    expect(handler.requests).toBe(1);
    expect(
      isJitrError(error) && [
        error.code,
        error.awsErrorName,
        error.details.missingPermission,
        error.details.resource,
      ],
    ).toEqual([
      'AccessDenied',
      'AccessDeniedException',
      'iot:CreateThing',
      'arn:aws:iot:eu-west-1:123456789012:thing/dev-1',
    ]);
  });

  it('turns a real 410 hard limit into IotLimitExceeded after a single request', async () => {
    // Prepare
    const handler = failingHandler(
      410,
      'LimitExceededException',
      'The policy limit for the target has been reached.',
    );
    const iot = new SdkIotRegistry(clientWith(handler, 3));
    // Act
    const error = await iot.attachPolicy('p', 'arn:aws:iot:eu-west-1:1:cert/x').catch((e: unknown) => e);
    // Assess
    expect(handler.requests).toBe(1);
    expect(isJitrError(error) && [error.code, error.disposition, error.step]).toEqual([
      'IotLimitExceeded',
      'configuration',
      'attach-policies',
    ]);
  });

  it('turns a real 404 on AddThingToThingGroup into ThingGroupNotFound', async () => {
    // Prepare
    const handler = failingHandler(404, 'ResourceNotFoundException', 'Thing group eu not found');
    const iot = new SdkIotRegistry(clientWith(handler, 3));
    // Act
    const error = await iot.addThingToThingGroup('dev-1', 'eu').catch((e: unknown) => e);
    // Assess
    expect(
      isJitrError(error) && [error.code, error.details.thingGroupName, error.details.httpStatusCode],
    ).toEqual(['ThingGroupNotFound', 'eu', 404]);
  });
});

/** Answers the requests in turn: a throttle, then the certificate (the SDK retries in between). */
function throttleThenCertificate() {
  const certificateId = 'a'.repeat(64);
  const answers = [
    { statusCode: 400, errorType: 'ThrottlingException', body: { message: 'Rate exceeded' } },
    {
      statusCode: 200,
      errorType: undefined,
      body: {
        certificateDescription: {
          certificateId,
          certificateArn: `arn:aws:iot:eu-west-1:123456789012:cert/${certificateId}`,
          caCertificateId: 'b'.repeat(64),
          status: 'PENDING_ACTIVATION',
          certificatePem: '-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n',
        },
      },
    },
  ];
  const handler = {
    requests: 0,
    async handle() {
      const answer = answers[Math.min(handler.requests, answers.length - 1)];
      handler.requests += 1;
      return {
        response: {
          statusCode: answer?.statusCode ?? 500,
          reason: 'answer',
          headers: {
            'content-type': 'application/json',
            ...(answer?.errorType === undefined ? {} : { 'x-amzn-errortype': answer.errorType }),
          },
          body: Readable.from([Buffer.from(JSON.stringify(answer?.body ?? {}))]),
        },
      };
    },
  };
  return { handler, certificateId };
}

describe('SdkIotRegistry.wouldSendAtOnce', () => {
  it('says no for an API the SDK had to retry in the last 10 s (direct path: nothing paced), yes for the others', async () => {
    // Prepare
    let now = 1_000_000;
    const clock: Clock = { now: () => now, sleep: async () => undefined };
    const { handler, certificateId } = throttleThenCertificate();
    const client = createIotClient(
      {
        region: 'eu-west-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
        endpoint: 'http://127.0.0.1:9',
      },
      { maxAttempts: 2, requestHandler: handler },
    );
    const registry = new SdkIotRegistry(client, createApiBudget({ concurrency: 0, clock })).scoped();
    const before = registry.wouldSendAtOnce('DescribeCertificate');

    // Act
    const described = await registry.describeCertificate(certificateId);
    const after = [
      registry.wouldSendAtOnce('DescribeCertificate'),
      registry.wouldSendAtOnce('UpdateCertificate'),
    ];
    now += 10_000;
    const later = registry.wouldSendAtOnce('DescribeCertificate');

    // Assess
    expect([handler.requests, described.status]).toEqual([2, 'PENDING_ACTIVATION']);
    expect([before, ...after, later]).toEqual([true, false, true, true]);
  });

  it('says no after a call that failed throttled, and yes without a budget', async () => {
    // Prepare
    const handler = failingHandler(400, 'ThrottlingException', 'Rate exceeded');
    const budget = createApiBudget({ concurrency: 0 });
    const registry = new SdkIotRegistry(clientWith(handler, 1), budget);
    // Act
    const error = await registry.describeCertificate('a'.repeat(64)).catch((e: unknown) => e);
    // Assess
    expect([isJitrError(error) && error.code, registry.wouldSendAtOnce('DescribeCertificate')]).toEqual([
      'AwsThrottled',
      false,
    ]);
    expect(new SdkIotRegistry(clientWith(handler, 1)).wouldSendAtOnce('DescribeCertificate')).toBe(true);
  });
});

describe('SdkIotRegistry.scoped', () => {
  it('counts each view’s calls from zero, and every view’s calls in the registry it came from', async () => {
    // Prepare: every request fails, but each is still one call sent.
    const handler = failingHandler(404, 'ResourceNotFoundException', 'not found');
    const registry = new SdkIotRegistry(clientWith(handler, 1));
    await registry.describeCertificate('a'.repeat(64)).catch(() => undefined);
    const first = registry.scoped();
    const second = registry.scoped();
    const nested = first.scoped();
    // Act: the views run concurrently, as the events of one SQS batch do.
    await Promise.all(
      [first, first, second, nested].map((view) =>
        view.describeCertificate('b'.repeat(64)).catch(() => undefined),
      ),
    );
    // Assess
    expect([registry.callCount, first.callCount, second.callCount, nested.callCount]).toEqual([5, 3, 1, 1]);
    expect(handler.requests).toBe(5);
  });
});
