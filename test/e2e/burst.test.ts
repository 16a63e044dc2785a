// A small burst under AWS's default IoT quotas (the burst benchmark's harness, at test size):
// every device ends ACTIVE through the throttling, nothing reaches the DLQ, and the run cannot
// beat the tightest quota.
import { beforeAll, describe, expect, it } from 'vitest';
import { runBurst } from '../bench/burst/measure.js';
import { ensureHandlerBundle } from '../helpers/e2e-bundle.js';

describe('a burst of 30 devices under the default quotas, 3 containers', () => {
  let bundle: string;

  beforeAll(async () => {
    bundle = await ensureHandlerBundle();
  });

  it('activates every device on the stack-default queue path, leaves the DLQ empty and is bound by the 10 TPS quotas', async () => {
    // Act
    const result = await runBurst({ devices: 30, containers: 3, bundle, retryDelays: 'compressed' });

    // Assess
    expect(Object.keys(result).slice(0, 13)).toEqual([
      'devices',
      'active',
      'dlq',
      'wallSeconds',
      'quotaBoundSeconds',
      'ratio',
      'requestsSent',
      'throttledTotal',
      'iotCallsPerActivation',
      'describeCertificatePerDuplicate',
      'timeToActiveMs',
      'ingestionMode',
      'retryDelays',
    ]);
    expect({
      active: result.active,
      statuses: result.statuses,
      dlq: result.dlq,
      failed: result.lambda.failed,
      ingestionMode: result.ingestionMode,
      retryDelays: result.retryDelays,
      quotaBoundSeconds: result.quotaBoundSeconds,
      describeCertificateTps: result.quotas.DescribeCertificate,
      updateCertificateTps: result.quotas.UpdateCertificate,
    }).toEqual({
      active: 30,
      statuses: { ACTIVE: 30 },
      dlq: 0,
      failed: 0,
      ingestionMode: 'queue',
      retryDelays: 'compressed',
      quotaBoundSeconds: 3,
      describeCertificateTps: 10,
      updateCertificateTps: 10,
    });
    expect(result.answered.UpdateCertificate).toBe(30);
    expect(result.answered.DescribeCertificate).toBe(30);
    expect(result.requestsSent).toBe(
      Object.values(result.answered).reduce((a, b) => a + b, 0) + result.throttledTotal,
    );
    // The event source never runs more batches than MaximumConcurrency (template.yaml: 5),
    // and 3 containers (the account's concurrency) cap it further.
    expect(result.eventSource?.maxConcurrentBatches).toBeLessThanOrEqual(3);
    // A bucket starts with one second of tokens: 30 calls at 10 TPS need at least 2 s.
    expect(result.wallSeconds).toBeGreaterThanOrEqual(2);
    expect(result.timeToActiveMs.p50).toBeLessThanOrEqual(result.timeToActiveMs.p99);
  }, 60_000);

  it('--duplicates: a pending device reconnects (1 CONNECT/s per client ID) and AWS publishes its event again; the copies cost no DescribeCertificate', async () => {
    // Act: firmware backoff from 1 s; AWS refuses a sooner reconnect of the same client ID.
    const result = await runBurst({
      devices: 20,
      containers: 3,
      bundle,
      retryDelays: 'compressed',
      duplicates: 2,
      backoff: { initialMs: 1000, maxMs: 2000 },
    });
    const published = result.duplicates.published;

    // Assess
    expect([result.active, result.dlq, result.duplicates.perDevice]).toEqual([20, 0, 2]);
    // Every republication came ≥ 1 s after its registration (its own CONNECT second), so it
    // claims first and stops at the claim: not one DescribeCertificate beyond one per device.
    expect(published).toBeGreaterThan(0);
    expect(published).toBeLessThanOrEqual(40);
    expect([result.answered.DescribeCertificate, result.describeCertificatePerDuplicate]).toEqual([20, 0]);
  }, 60_000);

  it('--ingestion direct: asynchronous invokes, throttled beyond the account concurrency, adaptive retries', async () => {
    // Act
    const result = await runBurst({
      devices: 20,
      containers: 3,
      bundle,
      retryDelays: 'compressed',
      ingestion: 'direct',
    });

    // Assess
    expect([result.ingestionMode, result.active, result.dlq, result.eventSource]).toEqual([
      'direct',
      20,
      0,
      undefined,
    ]);
    expect(result.lambda.throttles).toBeGreaterThan(0);
    expect(result.lambda.containersStarted).toBe(3);
  }, 60_000);

  it('--via mqtt: devices connect over MQTT/TLS with backoff; each refused retry while pending publishes the event again', async () => {
    // Act
    const result = await runBurst({
      devices: 8,
      containers: 2,
      bundle,
      via: 'mqtt',
      retryDelays: 'compressed',
      backoff: { initialMs: 100, maxMs: 400 },
    });

    // Assess
    const mqtt = result.mqtt;
    expect([result.via, result.active, result.dlq, mqtt?.connected]).toEqual(['mqtt', 8, 0, 8]);
    // Every device: at least one refused attempt (JITR) and one connected attempt; every refused
    // attempt of a pending certificate published one registered event.
    expect(mqtt?.attempts).toBeGreaterThanOrEqual(16);
    expect(mqtt?.registeredEventsPublished).toBe((mqtt?.attempts ?? 0) - 8);
    const t = mqtt?.timeToConnectMs;
    expect(t !== undefined && 0 < t.p50 && t.p50 <= t.p90 && t.p90 <= t.p99 && t.p99 <= t.max).toBe(true);
  }, 90_000);
});
