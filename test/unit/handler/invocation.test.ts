import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationInvalidError } from '../../../lib/config/errors.js';
import { isJitrError } from '../../../lib/errors/jitr-error.js';
import {
  handleInvocation,
  type InvocationRuntime,
  type LambdaContext,
  lambdaError,
} from '../../../lib/lambda/invocation.js';
import { decodeDlqMessage } from '../../../lib/operations/dlq-message.js';
import { createCertificateMemory } from '../../../lib/registration/certificate-memory.js';
import type { RegistrationStateStore } from '../../../lib/registration-state/state-store.js';
import { createObservability, powertoolsMetrics } from '../../../lib/runtime/powertools.js';
import { accessDenied } from '../../helpers/fake-iot-registry.js';
import { ACCOUNT, createWorld, REGION, type World } from '../registration/world.js';
import { getTestEvent } from './events.js';

const context: LambdaContext = {
  functionName: 'jitr-JitrFunction-4D5E6F',
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:jitr-JitrFunction-4D5E6F`,
  memoryLimitInMB: '512',
  awsRequestId: 'c2a6d6a4-2f4e-4b8e-9a51-3f0e5d7c9b11',
  getRemainingTimeInMillis: () => 30_000,
};

afterEach(() => {
  vi.unstubAllEnvs();
});

/** A world whose use case logs and emits metrics through real Powertools, captured from stdout. */
function setUp(): { w: World; runtime: InvocationRuntime; out: () => Record<string, unknown>[] } {
  const w = createWorld();
  const chunks: string[] = [];
  // Powertools writes INFO lines and EMF to stdout, WARN/ERROR to stderr, and with
  // POWERTOOLS_DEV=true goes through the global console instead.
  const capture = (chunk: string | Uint8Array) => {
    chunks.push(`${String(chunk)}\n`);
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((line: unknown) => {
      capture(String(line));
    });
  }
  const { logger, metrics } = createObservability({
    serviceName: 'jitr',
    metricsNamespace: 'JITR',
    logLevel: 'DEBUG',
  });
  const runtime: InvocationRuntime = {
    logger,
    metrics,
    deps: { ...w.deps, logger, metrics: powertoolsMetrics(metrics) },
  };
  const out = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .flatMap((line) => {
        // POWERTOOLS_DEV pretty-prints log lines over several lines; those are skipped.
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  return { w, runtime, out };
}

type Emf = {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
};

function emfBlobs(lines: Record<string, unknown>[]): (Emf & Record<string, unknown>)[] {
  return lines.filter((l): l is Emf & Record<string, unknown> => '_aws' in l);
}

/** `Name{dim=value,…}` for every metric of every EMF blob, in order. */
function metricKeys(lines: Record<string, unknown>[]): string[] {
  return emfBlobs(lines).flatMap((blob) =>
    blob._aws.CloudWatchMetrics.flatMap((d) =>
      d.Metrics.map((m) => {
        const dims = (d.Dimensions[0] ?? []).map((name) => `${name}=${String(blob[name])}`).join(',');
        return `${d.Namespace}/${m.Name}{${dims}}`;
      }),
    ),
  );
}

describe('handleInvocation', () => {
  it('puts certificateId and caCertificateId on every log line of the event, then removes them', async () => {
    // Prepare
    const { w, runtime, out } = setUp();
    const { event } = w.device('CN=dev-101');
    // Act
    const result = await handleInvocation(runtime, event, context);
    runtime.logger.info('after the event');
    // Assess
    expect(result).toEqual(expect.objectContaining({ outcome: 'activated', thingName: 'dev-101' }));
    const logs = out().filter((l) => !('_aws' in l));
    const during = logs.slice(0, -1);
    expect(during.length).toBeGreaterThanOrEqual(2);
    for (const line of during) {
      expect([line.certificateId, line.caCertificateId, line.function_request_id]).toEqual([
        event.certificateId,
        w.caId,
        context.awsRequestId,
      ]);
    }
    expect(logs.at(-1)).not.toHaveProperty('certificateId');
  });

  it('flushes the metrics as EMF in the JITR namespace after every invocation', async () => {
    // Prepare
    const { w, runtime, out } = setUp();
    const { event } = w.device('CN=dev-102');
    // Act
    await handleInvocation(runtime, event, context);
    // Assess
    expect(metricKeys(out())).toEqual([
      'JITR/CertificateActivated{service=jitr}',
      'JITR/TimeToActive{service=jitr}',
      'JITR/IotApiCalls{service=jitr}',
      'JITR/ProvisioningDuration{service=jitr}',
    ]);
    const blob = emfBlobs(out())[0];
    // 8 IoT calls plus the post-attach ListThingPrincipals of THING_PRINCIPAL_POLICY=exclusive.
    expect([blob?.CertificateActivated, blob?.IotApiCalls]).toEqual([1, 9]);
  });

  it('keeps a per-event dimension out of the next event’s metrics', async () => {
    // Prepare
    const { w, runtime, out } = setUp();
    const expired = w.device('CN=dev-103', {
      notBefore: new Date('2020-01-01'),
      notAfter: new Date('2021-01-01'),
    });
    const good = w.device('CN=dev-104');
    // Act
    await handleInvocation(runtime, expired.event, context);
    const first = metricKeys(out()).length;
    await handleInvocation(runtime, good.event, context);
    // Assess
    const keys = metricKeys(out());
    expect(keys.slice(0, first)).toEqual([
      'JITR/CertificateRejected{service=jitr,Reason=CertificateExpired}',
      'JITR/CertificateRejected{service=jitr}',
      'JITR/IotApiCalls{service=jitr}',
    ]);
    expect(keys.slice(first)).toEqual([
      'JITR/CertificateActivated{service=jitr}',
      'JITR/TimeToActive{service=jitr}',
      'JITR/IotApiCalls{service=jitr}',
      'JITR/ProvisioningDuration{service=jitr}',
    ]);
  });

  it('rethrows a configuration error after flushing ProvisioningFailed', async () => {
    // Prepare
    const { w, runtime, out } = setUp();
    w.caStatus.value = 'INACTIVE';
    const { event } = w.device('CN=dev-105');
    // Act
    const error = await handleInvocation(runtime, event, context).catch((e: unknown) => e);
    // Assess
    expect(isJitrError(error) ? error.code : error).toBe('CaNotActive');
    // Named after the code: the minified bundle mangles class names.
    expect((error as Error).name).toBe('CaNotActiveError');
    expect(metricKeys(out())).toEqual([
      'JITR/ProvisioningFailed{service=jitr,ErrorCode=CaNotActive}',
      'JITR/ProvisioningFailed{service=jitr}',
      'JITR/OperatorActionNeeded{service=jitr}',
      'JITR/IotApiCalls{service=jitr}',
    ]);
    const summary = out().find((l) => l.message === 'registration summary');
    expect(summary?.level).toBe('ERROR');
    expect(summary?.error).toEqual(expect.objectContaining({ code: 'CaNotActive', step: 'describe-ca' }));
  });

  it('throws the DLQ wire format, which every DLQ decoder reads back with the code', async () => {
    // Prepare
    const { w, runtime } = setUp();
    w.caStatus.value = 'INACTIVE';
    const { event } = w.device('CN=dev-107');
    const caId = event.caCertificateId;
    // Act
    const error = await handleInvocation(runtime, event, context).catch((e: unknown) => e);
    // Assess: what Lambda's runtime puts in the on-failure destination record.
    const remedy = `Activate the CA (aws iot update-ca-certificate --certificate-id ${caId} --new-status ACTIVE) if it should onboard devices, then replay the DLQ.`;
    const message = `CA certificate ${caId} is INACTIVE, not ACTIVE`;
    expect((error as Error).message).toBe(`[CaNotActive] ${message} \u2014 remedy: ${remedy}`);
    const record = {
      version: '1.0',
      timestamp: '2026-11-22T05:14:23.273Z',
      requestContext: {
        requestId: context.awsRequestId,
        functionArn: `${context.invokedFunctionArn}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: {
        errorType: (error as Error).name,
        errorMessage: (error as Error).message,
        trace: [],
      },
    };
    const decoded = decodeDlqMessage(JSON.stringify(record));
    expect(decoded.kind === 'unknown' ? decoded : decoded.failure).toEqual({
      errorType: 'CaNotActiveError',
      errorMessage: message,
      code: 'CaNotActive',
      remedy,
    });
    // A classic DLQ keeps only the message (first 1 KB), no error type: the code is still there.
    const classic = decodeDlqMessage(JSON.stringify(event), {
      RequestID: { stringValue: context.awsRequestId, dataType: 'String' },
      ErrorCode: { stringValue: '200', dataType: 'Number' },
      ErrorMessage: { stringValue: (error as Error).message.slice(0, 1024), dataType: 'String' },
    });
    expect(classic.kind === 'unknown' ? classic : classic.failure).toEqual({
      errorMessage: message,
      code: 'CaNotActive',
      remedy,
    });
  });

  it('emits metrics under POWERTOOLS_DEV only when POWERTOOLS_METRICS_DISABLED is set to false', async () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const { w, runtime, out } = setUp();
    const { event } = w.device('CN=dev-106');
    // Act
    await handleInvocation(runtime, event, context);
    // Assess
    expect(metricKeys(out())).toContain('JITR/CertificateActivated{service=jitr}');
  });

  it('drains an SQS batch from the DLQ and reports only the records that must stay', async () => {
    // Prepare
    const { w, runtime } = setUp();
    const batch = getTestEvent('sqs-dlq-batch');
    const [destination, classic, ruleError, garbage] = batch.Records;
    if (!destination || !classic || !ruleError || !garbage)
      throw new Error('events/sqs-dlq-batch.json changed');
    const good = w.device('CN=dev-107').event;
    const denied = w.device('CN=dev-108').event;
    const revoked = w.device('CN=dev-109');
    w.crl.revoked.add(revoked.serialHex);
    const record = getTestEvent('dlq-record');
    record.requestPayload = good;
    destination.body = JSON.stringify(record);
    classic.body = JSON.stringify(denied);
    const rule = JSON.parse(ruleError.body) as { base64OriginalPayload: string };
    rule.base64OriginalPayload = Buffer.from(JSON.stringify(revoked.event)).toString('base64');
    ruleError.body = JSON.stringify(rule);
    w.fake.before('createThing', () => {
      w.fake.failOn(
        'createThing',
        accessDenied(
          'createThing',
          `User: arn:aws:sts::${ACCOUNT}:assumed-role/r/s is not authorized to perform: iot:CreateThing on resource: arn:aws:iot:${REGION}:${ACCOUNT}:thing/dev-108`,
        ),
        1,
      );
    });
    // Act
    const response = await handleInvocation(runtime, batch, context);
    // Assess
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: classic.messageId }, { itemIdentifier: garbage.messageId }],
    });
    expect(w.status(good.certificateId)).toBe('ACTIVE');
    expect(w.status(denied.certificateId)).toBe('PENDING_ACTIVATION');
    expect(w.status(revoked.event.certificateId)).toBe('REVOKED');
  });

  it("runs copies of one certificate's event in a batch once, and reports them together", async () => {
    // Prepare: the ingestion queue delivers raw registered events; dev-110 came three times.
    const { w, runtime } = setUp();
    const twice = w.device('CN=dev-110').event;
    const once = w.device('CN=dev-111').event;
    const records = [twice, once, twice, twice].map((event, i) => ({
      messageId: `m-${i}`,
      body: JSON.stringify(event),
      eventSource: 'aws:sqs',
    }));
    // Act
    const response = await handleInvocation(runtime, { Records: records }, context);
    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(w.status(twice.certificateId)).toBe('ACTIVE');
    expect(w.status(once.certificateId)).toBe('ACTIVE');
    expect(w.fake.log.filter((name) => name === 'describeCertificate')).toHaveLength(2);
    expect(w.fake.log.filter((name) => name === 'updateCertificateStatus')).toHaveLength(2);
  });
});

describe('handleInvocation: the batch read of the registration-state table', () => {
  /** A store that records its calls; `settled` are the certificates it knows settled. */
  function recordingStore(settled: ReadonlySet<string>): RegistrationStateStore & { calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      async readSettled(ids) {
        calls.push(`readSettled ${ids.length}`);
        return new Map(
          ids
            .filter((id) => settled.has(id))
            .map((id) => [id, { outcome: 'activated', code: null, settledAt: 1, registeredAt: null }]),
        );
      },
      async claim(request) {
        calls.push('claim');
        return settled.has(request.certificateId)
          ? { kind: 'settled', outcome: 'activated', code: null, settledAt: 1 }
          : { kind: 'claimed', leaseUntil: Number.MAX_SAFE_INTEGER };
      },
      async settle() {
        calls.push('settle');
      },
      async release() {
        calls.push('release');
      },
    };
  }
  const sqsBatch = (events: unknown[]) => ({
    Records: events.map((event, i) => ({
      messageId: `m-${i}`,
      body: JSON.stringify(event),
      eventSource: 'aws:sqs',
    })),
  });

  it('reads once for a batch of several certificates; a settled one stops without a claim, and its copies claim first here', async () => {
    // Prepare
    const { w, runtime } = setUp();
    const done = w.device('CN=dev-120').event;
    const fresh = { ...w.device('CN=dev-121').event };
    fresh.timestamp = Number(fresh.certificateRegistrationTimestamp) + 8; // a first publication
    const store = recordingStore(new Set([done.certificateId]));
    runtime.deps = { ...runtime.deps, state: store, memory: createCertificateMemory() };
    // Act
    await handleInvocation(runtime, sqsBatch([done, fresh]), context);
    // Assess: one read; the settled certificate never claimed; the new one claimed and settled.
    expect(store.calls.slice(0, 1)).toEqual(['readSettled 2']);
    expect(store.calls.filter((c) => c === 'claim')).toHaveLength(1);
    expect(runtime.deps.memory?.knows(done.certificateId)).toBe(true);
    expect(w.fake.log.filter((name) => name === 'describeCertificate')).toHaveLength(1);
  });

  it('skips the read for a batch of one certificate: its claim answers the same, one round trip sooner', async () => {
    // Prepare
    const { w, runtime } = setUp();
    const fresh = { ...w.device('CN=dev-122').event };
    fresh.timestamp = Number(fresh.certificateRegistrationTimestamp) + 8;
    const store = recordingStore(new Set());
    runtime.deps = { ...runtime.deps, state: store, memory: createCertificateMemory() };
    // Act
    await handleInvocation(runtime, sqsBatch([fresh, fresh]), context);
    // Assess
    expect(store.calls).toEqual(['claim', 'settle']);
    expect(w.status(fresh.certificateId)).toBe('ACTIVE');
  });
});

describe('handleInvocation IotApiCalls', () => {
  it('counts each record of a concurrent batch on its own (no call leaks into another event)', async () => {
    // Prepare: a warm container (the CA and the policy are cached), then three events at once.
    const { w, runtime, out } = setUp();
    await handleInvocation(runtime, w.device('CN=warm-up').event, context);
    const fresh = w.device('CN=dev-120').event;
    const revoked = w.device('CN=dev-121');
    w.crl.revoked.add(revoked.serialHex);
    const active = w.device('CN=dev-122').event;
    w.fake.certificateStatus.set(active.certificateId, 'ACTIVE');
    const before = out().length;
    w.fake.log.length = 0;
    const records = [fresh, revoked.event, active].map((event, i) => ({
      messageId: `m-${i}`,
      body: JSON.stringify(event),
      eventSource: 'aws:sqs',
    }));
    // Act
    const response = await handleInvocation(runtime, { Records: records }, context);
    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const lines = out().slice(before);
    const calls = Object.fromEntries(
      lines
        .filter((l) => l.message === 'registration summary')
        .map((l) => [`${String(l.thingName ?? l.certificateId)}:${String(l.outcome)}`, l.iotApiCalls]),
    );
    expect(calls).toEqual({
      // DescribeCertificate, DescribeThing, CreateThing, AttachPolicy, AttachThingPrincipal,
      // ListThingPrincipals, UpdateCertificate.
      'dev-120:activated': 7,
      // DescribeCertificate, UpdateCertificate (REVOKED).
      [`${revoked.event.certificateId}:revoked`]: 2,
      // DescribeCertificate.
      [`${active.certificateId}:already-active`]: 1,
    });
    expect(w.fake.log).toHaveLength(10);
    // The metric carries the same per-event values (one per event, in the invocation's EMF blob).
    const emitted = emfBlobs(lines).flatMap((blob) =>
      'IotApiCalls' in blob ? [blob.IotApiCalls].flat() : [],
    );
    expect(emitted.map(Number).sort((a, b) => a - b)).toEqual([1, 2, 7]);
  });
});

describe('lambdaError', () => {
  it('adds the remedy once, however often the same error is thrown (the cold-start config error)', () => {
    // Prepare
    const error = new ConfigurationInvalidError({
      variable: 'CRL_BUCKET',
      requiredBecause: 'CRL_MODE is required',
      expected: 'a bucket name',
    });
    const { remedy } = error;
    // Act
    lambdaError(error);
    const again = lambdaError(error);
    // Assess
    expect((again as Error).message).toBe(
      `[ConfigurationInvalid] CRL_BUCKET is not set but CRL_MODE is required \u2014 remedy: ${remedy}`,
    );
    expect((again as Error).name).toBe('ConfigurationInvalidError');
  });

  it('leaves an error that is not a JitrError as it is', () => {
    // Prepare
    const bug = new TypeError('x is undefined');
    // Act / Assess
    expect(lambdaError(bug)).toBe(bug);
    expect(bug.message).toBe('x is undefined');
  });
});
