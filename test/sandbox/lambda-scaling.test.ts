// The sandbox's Lambda as AWS runs it at scale: concurrency up to the limit, throttles retried
// as throttles (not function errors), placement on any idle container, the two delay profiles,
// and the SQS event source mapping (batches, maximum concurrency, partial failures, visibility,
// redrive to the DLQ).
import type { IoTClient } from '@aws-sdk/client-iot';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, type SandboxFunction, startSandbox } from '../../infra/sandbox/index.js';
import { lambdaTiming } from '../../infra/sandbox/lambda/timing.js';
import { clientsFor } from './helpers/clients.js';
import { buildTestHandler, registerTestCa } from './helpers/fixture-function.js';
import { createTestPki, type TestCa, type TestPki } from './helpers/test-pki.js';

/** A reproducible random sequence (LCG), so placement and jitter are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The most attempts of `fn` that ran at the same time. */
function maxOverlap(fn: SandboxFunction): number {
  const edges = fn
    .invocations()
    .flatMap((r) =>
      r.attempts.flatMap((a) => [[a.startedAt, 1] as const, [a.startedAt + a.durationMs, -1] as const]),
    )
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, step] of edges) {
    now += step;
    max = Math.max(max, now);
  }
  return max;
}

describe('sandbox Lambda at scale', () => {
  let sandbox: Sandbox;
  let iot: IoTClient;
  let sqs: SQSClient;
  let pki: TestPki;
  let bundle: string;
  let cleanupBundle: () => void;

  /** A CA of its own per test, so that only that test's function receives its events. */
  const freshCa = async (name: string): Promise<{ ca: TestCa; caId: string }> => {
    const ca = pki.createCa(name);
    return { ca, caId: await registerTestCa(iot, pki, ca, true) };
  };

  beforeAll(async () => {
    ({ bundle, cleanup: cleanupBundle } = await buildTestHandler());
    sandbox = await startSandbox({ port: 0, queues: ['dlq'] });
    ({ iot, sqs } = clientsFor(sandbox));
    pki = createTestPki();
  });

  afterAll(async () => {
    await sandbox.stop();
    pki.cleanup();
    cleanupBundle();
  });

  it('scales to the concurrency limit and retries throttled events as throttles, not as function errors', async () => {
    // Prepare
    const { ca, caId } = await freshCa('Throttle CA');
    const fn = sandbox.deployFunction({
      bundle,
      name: 'throttled-fn',
      caCertificateId: caId,
      containers: 2,
      retries: 0,
      dlqQueueUrl: 'dlq',
      env: { SLOW_MS: '120' },
      random: seeded(1),
    });

    // Act
    await Promise.all([1, 2, 3, 4, 5].map((i) => sandbox.registerDevice(pki.issue(ca, `thr-${i}`))));
    await fn.idle();

    // Assess
    const records = fn.invocations();
    expect(records.map((r) => [r.status, r.attempts.length])).toEqual(Array(5).fill(['succeeded', 1]));
    expect(fn.containerCount).toBe(2);
    expect(maxOverlap(fn)).toBe(2);
    // Three of the five found both containers busy at least once; none of that cost an attempt.
    expect(records.filter((r) => r.throttles > 0).length).toBeGreaterThanOrEqual(3);
    expect(sandbox.sqs.peek('dlq')).toEqual([]);
  });

  it('sends a throttled event older than the maximum event age to the on-failure destination (EventAgeExceeded)', async () => {
    // Prepare
    const { ca, caId } = await freshCa('Event Age CA');
    sandbox.sqs.create('age-dlq');
    const fn = sandbox.deployFunction({
      bundle,
      name: 'aging-fn',
      caCertificateId: caId,
      containers: 1,
      dlqQueueUrl: 'age-dlq',
      maximumEventAgeSeconds: 0.1,
      env: { SLOW_MS: '600' },
    });

    // Act
    const [first, second] = await Promise.all([
      sandbox.registerDevice(pki.issue(ca, 'age-1')),
      sandbox.registerDevice(pki.issue(ca, 'age-2')),
    ]);
    await fn.idle();

    // Assess
    const records = fn.invocations();
    expect(records.map((r) => r.status).sort()).toEqual(['failed', 'succeeded']);
    const aged = records.find((r) => r.status === 'failed');
    expect([aged?.condition, aged?.attempts.length, (aged?.throttles ?? 0) > 0]).toEqual([
      'EventAgeExceeded',
      0,
      true,
    ]);
    const dlq = sandbox.sqs.peek('age-dlq').map((m) => JSON.parse(m.body));
    expect(dlq).toHaveLength(1);
    expect(dlq[0].requestContext).toEqual({
      requestId: aged?.requestId,
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:aging-fn:$LATEST',
      condition: 'EventAgeExceeded',
      approximateInvokeCount: 0,
    });
    expect([first.event, second.event]).toContainEqual(dlq[0].requestPayload);
  });

  it('hands an invocation to any idle container, not always the warmest', async () => {
    // Prepare: three containers exist (three events at once), then events arrive one by one.
    const { ca, caId } = await freshCa('Placement CA');
    const fn = sandbox.deployFunction({
      bundle,
      name: 'placement-fn',
      caCertificateId: caId,
      containers: 3,
      env: { SLOW_MS: '150' },
      random: seeded(7),
    });
    await Promise.all([1, 2, 3].map((i) => sandbox.registerDevice(pki.issue(ca, `warm-${i}`))));
    await fn.idle();

    // Act
    for (let i = 0; i < 9; i += 1) await sandbox.registerDevice(pki.issue(ca, `seq-${i}`), { wait: true });

    // Assess
    const sequential = fn.invocations().slice(3);
    expect(fn.containerCount).toBe(3);
    expect(sequential.every((r) => r.attempts[0]?.coldStart === false)).toBe(true);
    const used = new Set(sequential.map((r) => r.attempts[0]?.container));
    expect(used.size).toBeGreaterThanOrEqual(2);
  });

  it('keeps compressed delays by default (1 min / 2 min ÷ 600) and the real ones with retryDelays aws', async () => {
    // Prepare
    const { ca, caId } = await freshCa('Delays CA');
    const fn = sandbox.deployFunction({
      bundle,
      name: 'delays-fn',
      caCertificateId: caId,
      env: { FAIL_TIMES: '2' },
      dlqQueueUrl: 'dlq',
    });

    // Act
    const result = await sandbox.registerDevice(pki.issue(ca, 'delays-1'), { wait: true });

    // Assess
    const record = fn
      .invocations()
      .find((r) => (r.event as { certificateId: string }).certificateId === result.certificateId);
    const starts = record?.attempts.map((a) => a.startedAt) ?? [];
    const ends = record?.attempts.map((a) => a.startedAt + a.durationMs) ?? [];
    expect([fn.timing.profile, record?.status, starts.length]).toEqual(['compressed', 'succeeded', 3]);
    expect((starts[1] ?? 0) - (ends[0] ?? 0)).toBeGreaterThanOrEqual(99);
    expect((starts[2] ?? 0) - (ends[1] ?? 0)).toBeGreaterThanOrEqual(199);
    expect(lambdaTiming('aws').functionErrorDelaysMs).toEqual([60_000, 120_000]);
    expect(lambdaTiming('compressed').functionErrorDelaysMs).toEqual([100, 200]);
    const aws = lambdaTiming('aws');
    const backoffs = [0, 1, 5, 9, 30].map((n) => aws.throttleBackoffMs(n, () => 1));
    expect(backoffs).toEqual([1000, 2000, 32_000, 300_000, 300_000]);
    expect(aws.throttleBackoffMs(0, () => 0)).toBe(500);
  });

  it('moves a message received maxReceiveCount times to the redrive DLQ (SQS over the SDK)', async () => {
    // Prepare
    await sqs.send(new CreateQueueCommand({ QueueName: 'redrive-dlq' }));
    const dlqArn = sandbox.sqs.byUrl('redrive-dlq').arn;
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: 'redrive-src',
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) },
      }),
    );
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"n":1}' }));
    const receive = () =>
      sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          VisibilityTimeout: 0,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );

    // Act
    const first = await receive();
    const second = await receive();
    const third = await receive();

    // Assess
    expect([
      first.Messages?.[0]?.Attributes?.ApproximateReceiveCount,
      second.Messages?.[0]?.Attributes?.ApproximateReceiveCount,
      third.Messages,
    ]).toEqual(['1', '2', undefined]);
    const moved = sandbox.sqs.peek('redrive-dlq');
    expect(moved.map((m) => [m.messageId, m.body])).toEqual([[sent.MessageId, '{"n":1}']]);
    const fromDlq = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: sandbox.sqs.byUrl('redrive-dlq').url,
        VisibilityTimeout: 0,
        MessageSystemAttributeNames: ['DeadLetterQueueSourceArn'],
      }),
    );
    expect(fromDlq.Messages?.map((m) => m.Attributes)).toEqual([
      { DeadLetterQueueSourceArn: sandbox.sqs.byUrl('redrive-src').arn },
    ]);
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'RedrivePolicy'],
      }),
    );
    expect(attributes.Attributes).toEqual({
      ApproximateNumberOfMessages: '0',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }),
    });
  });

  describe('SQS event source mapping', () => {
    /** A source queue with a redrive policy to its own DLQ. */
    const sourceQueue = (name: string, maxReceiveCount: number, visibilitySeconds: number) => {
      const dlq = sandbox.sqs.create(`${name}-dlq`);
      return sandbox.sqs.create(name, {
        VisibilityTimeout: String(visibilitySeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount }),
      });
    };

    it('feeds the rule’s events in batches, at most MaximumConcurrency at once, and deletes what succeeded', async () => {
      // Prepare
      const { ca, caId } = await freshCa('ESM CA');
      sourceQueue('esm-ingest', 3, 180);
      const fn = sandbox.deployFunction({
        bundle,
        name: 'esm-fn',
        caCertificateId: caId,
        containers: 10,
        env: { SLOW_MS: '100' },
        eventSource: {
          queueUrl: 'esm-ingest',
          batchSize: 3,
          maximumConcurrency: 2,
          reportBatchItemFailures: true,
        },
      });

      // Act
      const results = await Promise.all(
        [1, 2, 3, 4, 5, 6, 7, 8].map((i) => sandbox.registerDevice(pki.issue(ca, `esm-${i}`))),
      );
      await fn.idle();

      // Assess
      const batches = fn.invocations();
      expect(batches.every((r) => r.kind === 'sqs' && r.status === 'succeeded')).toBe(true);
      expect(batches.every((r) => (r.event as { Records: unknown[] }).Records.length <= 3)).toBe(true);
      const bodies = batches.flatMap((r) =>
        (r.event as { Records: Array<{ body: string }> }).Records.map((x) => x.body),
      );
      expect(bodies.sort()).toEqual(results.map((r) => JSON.stringify(r.event)).sort());
      expect([fn.eventSource?.stats.maxConcurrentBatches, maxOverlap(fn)]).toEqual([2, 2]);
      expect(results.every((r) => r.requestIds.length === 0 && r.messageIds.length === 1)).toBe(true);
      const firstBatch = batches[0]?.event as { Records: Array<Record<string, unknown>> } | undefined;
      const record = firstBatch?.Records[0];
      expect(record).toEqual({
        messageId: expect.any(String),
        receiptHandle: expect.any(String),
        body: expect.any(String),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: expect.stringMatching(/^\d{13}$/),
          SenderId: expect.any(String),
          ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
        },
        messageAttributes: {},
        md5OfBody: expect.stringMatching(/^[0-9a-f]{32}$/),
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:esm-ingest',
        awsRegion: 'us-east-1',
      });
      expect([sandbox.sqs.peek('esm-ingest'), sandbox.sqs.peek('esm-ingest-dlq')]).toEqual([[], []]);
    });

    it('keeps only the reported batch item failures; after maxReceiveCount receives the record is in the DLQ', async () => {
      // Prepare
      const { ca, caId } = await freshCa('ESM Failure CA');
      sourceQueue('esm-fail', 2, 60);
      const failing = pki.issue(ca, 'esm-fail-1');
      // Registered before the function exists (no target yet): only to learn its id.
      const failingId = (await sandbox.registerDevice(failing)).certificateId;
      const fn = sandbox.deployFunction({
        bundle,
        name: 'esm-fail-fn',
        caCertificateId: caId,
        containers: 4,
        env: { FAIL_TIMES: '9', FAIL_CERTIFICATE: failingId },
        eventSource: {
          queueUrl: 'esm-fail',
          batchSize: 10,
          maximumBatchingWindowSeconds: 30,
          maximumConcurrency: 2,
          reportBatchItemFailures: true,
        },
      });

      // Act
      const [again, ok] = await Promise.all([
        sandbox.registerDevice(failing, { wait: true }),
        sandbox.registerDevice(pki.issue(ca, 'esm-fail-2'), { wait: true }),
      ]);
      await fn.idle();

      // Assess
      const received = fn
        .logs()
        .map((l) => JSON.parse(l.text) as { certificateId?: string; receiveCount?: string })
        .filter((l) => l.receiveCount !== undefined)
        .map((l) => `${l.certificateId === failingId ? 'failing' : 'ok'}:${l.receiveCount}`);
      // The failing record was received twice (maxReceiveCount 2) and then moved; the other
      // record of its batch was deleted after its one success.
      expect(received.sort()).toEqual(['failing:1', 'failing:2', 'ok:1']);
      expect(sandbox.sqs.peek('esm-fail-dlq').map((m) => m.body)).toEqual([JSON.stringify(again.event)]);
      expect([sandbox.sqs.peek('esm-fail'), ok.outcome]).toEqual([[], 'registered']);
    });

    it('fails the whole batch on a malformed batch response (an empty itemIdentifier)', async () => {
      // Prepare
      const { ca, caId } = await freshCa('ESM Malformed CA');
      sourceQueue('esm-malformed', 1, 60);
      const fn = sandbox.deployFunction({
        bundle,
        name: 'esm-malformed-fn',
        caCertificateId: caId,
        containers: 2,
        env: { BATCH_RESPONSE: 'malformed', SLOW_MS: '50' },
        eventSource: {
          queueUrl: 'esm-malformed',
          batchSize: 5,
          maximumBatchingWindowSeconds: 30,
          reportBatchItemFailures: true,
          maximumConcurrency: 2,
        },
      });

      // Act
      await Promise.all(
        [1, 2].map((i) => sandbox.registerDevice(pki.issue(ca, `malformed-${i}`), { wait: true })),
      );
      await fn.idle();

      // Assess: every record came back and, at maxReceiveCount 1, moved to the DLQ.
      expect(sandbox.sqs.peek('esm-malformed-dlq')).toHaveLength(2);
    });

    it('retries a batch Lambda throttled (no container under the limit) without counting a function error', async () => {
      // Prepare
      const { ca, caId } = await freshCa('ESM Throttle CA');
      sourceQueue('esm-throttle', 5, 180);
      const fn = sandbox.deployFunction({
        bundle,
        name: 'esm-throttle-fn',
        caCertificateId: caId,
        containers: 1,
        env: { SLOW_MS: '80' },
        eventSource: {
          queueUrl: 'esm-throttle',
          batchSize: 1,
          maximumConcurrency: 3,
          reportBatchItemFailures: true,
        },
        random: seeded(3),
      });

      // Act
      await Promise.all(
        [1, 2, 3, 4].map((i) => sandbox.registerDevice(pki.issue(ca, `esm-thr-${i}`), { wait: true })),
      );
      await fn.idle();

      // Assess
      const stats = fn.eventSource?.stats;
      expect([stats?.batches, stats?.failedBatches, maxOverlap(fn)]).toEqual([4, 0, 1]);
      expect(stats?.throttles).toBeGreaterThan(0);
      expect([sandbox.sqs.peek('esm-throttle'), sandbox.sqs.peek('esm-throttle-dlq')]).toEqual([[], []]);
    });
  });
});
