import { type IoTClient, UpdateCACertificateCommand, UpdateCertificateCommand } from '@aws-sdk/client-iot';
import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListEventSourceMappingsCommand,
} from '@aws-sdk/client-lambda';
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONNECT_THROTTLED_REASON,
  type InvocationRecord,
  type Sandbox,
  type SandboxFunction,
  startSandbox,
} from '../../infra/sandbox/index.js';
import { clientsFor, errorOf, lambdaClientFor, shapeOf } from './helpers/clients.js';
import { buildTestHandler, registerTestCa } from './helpers/fixture-function.js';
import { createTestPki, type TestCa, type TestPki } from './helpers/test-pki.js';

/** The invocation of `fn` for the event about this certificate. */
function recordFor(fn: SandboxFunction, certificateId: string): InvocationRecord | undefined {
  return fn
    .invocations()
    .find((r) => (r.event as { certificateId?: string }).certificateId === certificateId);
}

describe('sandbox rule and Lambda side', () => {
  let sandbox: Sandbox;
  let iot: IoTClient;
  let sqs: SQSClient;
  let pki: TestPki;
  let ca: TestCa;
  let caId: string;
  let bundle: string;
  let cleanupBundle: () => void;

  const registerCa = (c: TestCa, autoRegistration: boolean): Promise<string> =>
    registerTestCa(iot, pki, c, autoRegistration);

  beforeAll(async () => {
    ({ bundle, cleanup: cleanupBundle } = await buildTestHandler());
    sandbox = await startSandbox({ port: 0, queues: ['dlq', 'classic-dlq'] });
    ({ iot, sqs } = clientsFor(sandbox));
    pki = createTestPki();
    ca = pki.createCa('JITR CA');
    caId = await registerCa(ca, true);
  });

  afterAll(async () => {
    await sandbox.stop();
    pki.cleanup();
    cleanupBundle();
  });

  it('registers a first-time device PENDING_ACTIVATION and publishes the registered event to the function', async () => {
    // Prepare
    const fn = sandbox.deployFunction({ bundle, name: 'ok-fn', caCertificateId: caId });
    const pem = pki.issue(ca, 'dev-ok');

    // Act
    const result = await sandbox.registerDevice(pem, { wait: true });

    // Assess
    const cert = sandbox.iot.certificate(result.certificateId);
    expect(result).toEqual({
      outcome: 'registered',
      certificateId: cert?.certificateId,
      caCertificateId: caId,
      reason: undefined,
      requestIds: [expect.any(String)],
      messageIds: [],
      event: {
        certificateId: cert?.certificateId,
        caCertificateId: caId,
        timestamp: expect.any(Number),
        certificateStatus: 'PENDING_ACTIVATION',
        awsAccountId: '123456789012',
        certificateRegistrationTimestamp: String(
          sandbox.iot.store.certificates.get(result.certificateId)?.creationDate,
        ),
      },
    });
    expect(cert?.status).toBe('PENDING_ACTIVATION');
    const [record] = fn.invocations();
    expect(record?.status).toBe('succeeded');
    expect(record?.attempts.map((a) => [a.attempt, a.coldStart, a.outcome])).toEqual([
      [
        1,
        true,
        {
          ok: true,
          value: {
            invocations: 1,
            status: 'PENDING_ACTIVATION',
            stream: 'sandbox/[$LATEST]container-0',
            remainingPositive: true,
          },
        },
      ],
    ]);
    expect(record?.logs.map((l) => JSON.parse(l.text))).toEqual([
      { message: 'invoked', requestId: record?.requestId, certificateId: result.certificateId },
    ]);
  });

  it('publishes the event again for a device still pending (a duplicate), and none once it is ACTIVE', async () => {
    // Prepare
    const fn = sandbox.deployFunction({ bundle, name: 'dup-fn', caCertificateId: caId });
    const pem = pki.issue(ca, 'dev-dup');
    const first = await sandbox.registerDevice(pem);

    // Act
    const second = await sandbox.registerDevice(pem);
    await sandbox.lambda.idle();
    await iot.send(new UpdateCertificateCommand({ certificateId: first.certificateId, newStatus: 'ACTIVE' }));
    const third = await sandbox.registerDevice(pem);

    // Assess
    expect([first.outcome, second.outcome, third.outcome]).toEqual([
      'registered',
      'republished',
      'connected',
    ]);
    expect(second.event?.certificateId).toBe(first.certificateId);
    expect(fn.invocations().map((r) => (r.event as { certificateId: string }).certificateId)).toEqual([
      first.certificateId,
      first.certificateId,
    ]);
    expect(third.requestIds).toEqual([]);
  });

  it('refuses a reconnect of the same client ID within a second (1 CONNECT/s): nothing registered, no event', async () => {
    // Prepare
    const fn = sandbox.deployFunction({ bundle, name: 'quota-fn', caCertificateId: caId });
    const pem = pki.issue(ca, 'dev-quota');
    const first = await sandbox.registerDevice(pem, { clientId: 'dev-quota' });

    // Act: at once, as firmware with a too-short backoff would; another client ID is not limited.
    const again = await sandbox.registerDevice(pem, { clientId: 'dev-quota' });
    const otherClient = await sandbox.registerDevice(pem, { clientId: 'dev-quota-2' });
    await sandbox.lambda.idle();

    // Assess
    expect([first.outcome, again.outcome, again.reason, again.event, again.requestIds]).toEqual([
      'registered',
      'refused',
      CONNECT_THROTTLED_REASON,
      undefined,
      [],
    ]);
    expect(otherClient.outcome).toBe('republished');
    expect(fn.invocations()).toHaveLength(2);
  });

  it('retries a failing invocation twice, then sends the on-failure destination record to the DLQ', async () => {
    // Prepare
    const fn = sandbox.deployFunction({
      bundle,
      name: 'failing-fn',
      caCertificateId: caId,
      env: { FAIL_TIMES: '5' },
      dlqQueueUrl: 'dlq',
      retryDelaysMs: [10, 20],
    });
    const pem = pki.issue(ca, 'dev-fail');

    // Act
    const result = await sandbox.registerDevice(pem, { wait: true });
    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: sandbox.sqs.byUrl('dlq').url, MaxNumberOfMessages: 10 }),
    );

    // Assess
    const record = recordFor(fn, result.certificateId);
    expect(record?.attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(record?.sentToDlq).toBe(true);
    expect(got.Messages).toHaveLength(1);
    const body = JSON.parse(got.Messages?.[0]?.Body ?? '{}');
    expect(body).toEqual({
      version: '1.0',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      requestContext: {
        requestId: record?.requestId,
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:failing-fn:$LATEST',
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: result.event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: {
        errorType: 'ProvisioningTestError',
        errorMessage: `attempt 3 failed for ${result.certificateId}`,
        trace: expect.arrayContaining([
          `ProvisioningTestError: attempt 3 failed for ${result.certificateId}`,
        ]),
      },
    });
  });

  it('succeeds on a retry without touching the DLQ', async () => {
    // Prepare
    const recovering = sandbox.deployFunction({
      bundle,
      name: 'recover-fn',
      caCertificateId: caId,
      env: { FAIL_TIMES: '1' },
      dlqQueueUrl: 'dlq',
      retryDelaysMs: [5, 5],
    });
    const pem = pki.issue(ca, 'dev-recover');

    // Act
    const result = await sandbox.registerDevice(pem, { wait: true });
    await sandbox.lambda.idle();

    // Assess
    const record = recordFor(recovering, result.certificateId);
    expect([record?.status, record?.attempts.length, record?.sentToDlq]).toEqual(['succeeded', 2, false]);
  });

  it('writes the original event with RequestID, ErrorCode and ErrorMessage attributes to a classic dead-letter queue', async () => {
    // Prepare
    const other = pki.createCa('Classic CA');
    const otherId = await registerCa(other, true);
    const fn = sandbox.deployFunction({
      bundle,
      name: 'classic-fn',
      caCertificateId: otherId,
      env: { FAIL_TIMES: '9' },
      retries: 0,
      deadLetterQueueUrl: 'classic-dlq',
    });

    // Act
    const result = await sandbox.registerDevice(pki.issue(other, 'dev-classic'), { wait: true });
    const got = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: sandbox.sqs.byUrl('classic-dlq').url,
        MessageAttributeNames: ['All'],
      }),
    );

    // Assess
    expect(fn.invocations()[0]?.attempts).toHaveLength(1);
    expect(JSON.parse(got.Messages?.[0]?.Body ?? '{}')).toEqual(result.event);
    expect(got.Messages?.[0]?.MessageAttributes).toEqual({
      RequestID: { DataType: 'String', StringValue: result.requestIds[0] },
      ErrorCode: { DataType: 'Number', StringValue: '200' },
      ErrorMessage: { DataType: 'String', StringValue: `attempt 1 failed for ${result.certificateId}` },
    });
  });

  it('runs concurrent events in separate containers, each with its own module state', async () => {
    // Prepare
    const other = pki.createCa('Concurrent CA');
    const otherId = await registerCa(other, true);
    const fn = sandbox.deployFunction({
      bundle,
      name: 'pool-fn',
      caCertificateId: otherId,
      containers: 2,
      env: { SLOW_MS: '150' },
    });

    // Act
    await Promise.all([1, 2, 3, 4].map((i) => sandbox.registerDevice(pki.issue(other, `dev-pool-${i}`))));
    await sandbox.lambda.idle();

    // Assess
    const values = fn.invocations().map((r) => {
      const o = r.attempts[0]?.outcome;
      return o?.ok === true ? (o.value as { invocations: number; stream: string }) : undefined;
    });
    // Which container serves which event depends on timing; what must hold is that each
    // container counts its own invocations (module state per container) and both were used.
    const byStream = new Map<string, number[]>();
    for (const v of values)
      byStream.set(v?.stream ?? '?', [...(byStream.get(v?.stream ?? '?') ?? []), v?.invocations ?? 0]);
    expect(fn.containerCount).toBe(2);
    expect([...byStream.keys()].sort()).toEqual([
      'sandbox/[$LATEST]container-0',
      'sandbox/[$LATEST]container-1',
    ]);
    for (const counts of byStream.values()) expect(counts.sort()).toEqual(counts.map((_, i) => i + 1));
    expect(
      fn
        .invocations()
        .map((r) => r.attempts[0]?.coldStart)
        .filter(Boolean),
    ).toHaveLength(2);
  });

  it('refuses a device whose CA has auto-registration disabled, and one no registered CA issued', async () => {
    // Prepare
    const off = pki.createCa('No Auto CA');
    const offId = await registerCa(off, false);
    const unknown = pki.createCa('Unregistered CA');

    // Act
    const a = await sandbox.registerDevice(pki.issue(off, 'dev-off'));
    const b = await sandbox.registerDevice(pki.issue(unknown, 'dev-unknown'));

    // Assess
    expect([a.outcome, a.reason, a.requestIds]).toEqual([
      'refused',
      `auto-registration is disabled for CA ${offId}`,
      [],
    ]);
    expect([b.outcome, b.reason]).toEqual([
      'refused',
      'no registered CA certificate issued this certificate',
    ]);
    expect([sandbox.iot.certificate(a.certificateId), sandbox.iot.certificate(b.certificateId)]).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('refuses a device of a CA that became INACTIVE', async () => {
    // Prepare
    const other = pki.createCa('Deactivated CA');
    const otherId = await registerCa(other, true);
    await iot.send(new UpdateCACertificateCommand({ certificateId: otherId, newStatus: 'INACTIVE' }));

    // Act
    const result = await sandbox.registerDevice(pki.issue(other, 'dev-inactive-ca'));

    // Assess
    expect([result.outcome, result.reason]).toEqual(['refused', `CA ${otherId} is INACTIVE`]);
  });

  it('answers Lambda Invoke (RequestResponse) and GetFunctionConfiguration over HTTP for a deployed function', async () => {
    // Prepare
    sandbox.deployFunction({
      bundle,
      name: 'http-fn',
      caCertificateId: 'f'.repeat(64),
      env: { FAIL_TIMES: '1' },
    });
    const lambda = lambdaClientFor(sandbox);
    const { certificateId } = await sandbox.registerDevice(pki.issue(ca, 'dev-http'));
    await sandbox.lambda.idle();
    const event = { certificateId, caCertificateId: caId };

    // Act
    const failed = await lambda.send(
      new InvokeCommand({ FunctionName: 'http-fn', Payload: Buffer.from(JSON.stringify(event)) }),
    );
    const ok = await lambda.send(
      new InvokeCommand({
        FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:http-fn',
        Payload: Buffer.from(JSON.stringify(event)),
      }),
    );
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'http-fn' }));
    const missing = await errorOf(lambda.send(new InvokeCommand({ FunctionName: 'nope' })));

    // Assess
    expect([failed.StatusCode, failed.FunctionError, failed.ExecutedVersion]).toEqual([
      200,
      'Unhandled',
      '$LATEST',
    ]);
    expect(JSON.parse(Buffer.from(failed.Payload ?? []).toString())).toMatchObject({
      errorType: 'ProvisioningTestError',
      errorMessage: `attempt 1 failed for ${certificateId}`,
    });
    expect([ok.StatusCode, ok.FunctionError]).toEqual([200, undefined]);
    expect(JSON.parse(Buffer.from(ok.Payload ?? []).toString())).toMatchObject({
      invocations: 2,
      status: 'PENDING_ACTIVATION',
    });
    expect(config).toMatchObject({
      FunctionName: 'http-fn',
      FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:http-fn',
      Role: 'arn:aws:iam::123456789012:role/jitr-handler-role',
      Runtime: 'nodejs22.x',
      Environment: { Variables: { FAIL_TIMES: '1' } },
    });
    expect(shapeOf(missing)).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
      message: 'Function not found: nope',
    });
  });

  it('answers ListEventSourceMappings over HTTP for the SQS mappings it runs, by function and by source', async () => {
    // Prepare
    sandbox.sqs.create('esm-source');
    const source = sandbox.sqs.byUrl('esm-source').arn;
    const fed = sandbox.deployFunction({
      bundle,
      name: 'esm-fn',
      caCertificateId: 'e'.repeat(64),
      eventSource: {
        queueUrl: 'esm-source',
        batchSize: 10,
        maximumBatchingWindowSeconds: 1,
        maximumConcurrency: 5,
        reportBatchItemFailures: true,
      },
    });
    sandbox.deployFunction({ bundle, name: 'esm-none', caCertificateId: 'e'.repeat(64) });
    const lambda = lambdaClientFor(sandbox);
    const fnArn = 'arn:aws:lambda:us-east-1:123456789012:function:esm-fn';

    // Act
    const byName = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'esm-fn' }));
    const byArn = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: fnArn }));
    const bySource = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: source }));
    const none = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'esm-none' }));

    // Assess
    const mapping = {
      UUID: fed.eventSource?.uuid,
      EventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:esm-source',
      FunctionArn: fnArn,
      State: 'Enabled',
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    };
    expect(mapping.UUID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(byName.EventSourceMappings).toEqual([mapping]);
    expect(byArn.EventSourceMappings).toEqual([mapping]);
    expect(bySource.EventSourceMappings).toEqual([mapping]);
    expect(none.EventSourceMappings).toEqual([]);
    lambda.destroy();
  });

  it('refuses a synchronous Invoke at the concurrency limit with 429 TooManyRequestsException, as Lambda does', async () => {
    // Prepare: one environment (the account's concurrency), busy with a slow invoke; then a
    // function with a reserved concurrency of 1.
    const slow = { SLOW_MS: '400' };
    const busy = sandbox.deployFunction({
      bundle,
      name: 'busy-fn',
      caCertificateId: 'f'.repeat(64),
      env: slow,
    });
    const reserved = sandbox.deployFunction({
      bundle,
      name: 'reserved-fn',
      caCertificateId: 'f'.repeat(64),
      containers: 4,
      reservedConcurrency: 1,
      env: slow,
    });
    const lambda = lambdaClientFor(sandbox);
    const { certificateId } = await sandbox.registerDevice(pki.issue(ca, 'dev-429'));
    await sandbox.lambda.idle();
    const invoke = (name: string) =>
      lambda.send(
        new InvokeCommand({
          FunctionName: name,
          Payload: Buffer.from(JSON.stringify({ certificateId, caCertificateId: caId })),
        }),
      );

    // Act
    const running = [invoke('busy-fn'), invoke('reserved-fn')];
    // Until both hold their one environment.
    while (busy.invocations().length === 0 || reserved.invocations().length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const refused = await errorOf(invoke('busy-fn'));
    const refusedReserved = await errorOf(invoke('reserved-fn'));
    const done = await Promise.all(running);

    // Assess
    expect(shapeOf(refused)).toEqual({
      name: 'TooManyRequestsException',
      status: 429,
      message: 'Rate Exceeded.',
    });
    expect([refused.Reason, refused.Type]).toEqual(['ConcurrentInvocationLimitExceeded', 'User']);
    expect([refusedReserved.name, refusedReserved.Reason]).toEqual([
      'TooManyRequestsException',
      'ReservedFunctionConcurrentInvocationLimitExceeded',
    ]);
    // The refused invokes never ran; the running ones finished.
    expect(done.map((d) => [d.StatusCode, d.FunctionError])).toEqual([
      [200, undefined],
      [200, undefined],
    ]);
    expect(reserved.invocations().filter((r) => r.kind === 'sync')).toHaveLength(1);
    expect([reserved.syncThrottles, reserved.containerCount]).toEqual([1, 1]);
  });

  it('drops the record and says why when the on-failure destination queue does not exist', async () => {
    // Prepare
    const other = pki.createCa('Lost DLQ CA');
    const otherId = await registerCa(other, true);
    const fn = sandbox.deployFunction({
      bundle,
      name: 'lost-fn',
      caCertificateId: otherId,
      env: { FAIL_TIMES: '9' },
      retries: 0,
      dlqQueueUrl: 'no-such-queue',
    });

    // Act
    await sandbox.registerDevice(pki.issue(other, 'dev-lost'), { wait: true });

    // Assess
    expect(fn.invocations().map((r) => [r.status, r.sentToDlq, r.deliveryError])).toEqual([
      ['failed', false, 'The specified queue does not exist.'],
    ]);
  });

  it('times an invocation out like Lambda (Sandbox.Timedout), replacing the container', async () => {
    // Prepare
    const other = pki.createCa('Timeout CA');
    const otherId = await registerCa(other, true);
    const fn = sandbox.deployFunction({
      bundle,
      name: 'slow-fn',
      caCertificateId: otherId,
      env: { SLOW_MS: '2000' },
      timeoutMs: 150,
      retries: 1,
      retryDelaysMs: [5],
    });

    // Act
    const result = await sandbox.registerDevice(pki.issue(other, 'dev-slow'), { wait: true });

    // Assess
    const record = recordFor(fn, result.certificateId);
    expect(record?.status).toBe('failed');
    expect(
      record?.attempts.map((a) => [
        a.container,
        a.coldStart,
        a.outcome.ok ? null : a.outcome.error.errorType,
      ]),
    ).toEqual([
      [0, true, 'Sandbox.Timedout'],
      [1, true, 'Sandbox.Timedout'],
    ]);
    const first = record?.attempts[0]?.outcome;
    expect(first?.ok === false ? first.error.errorMessage : '').toMatch(
      new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z ${record?.requestId} Task timed out after 0\\.15 seconds$`),
    );
  });
});
