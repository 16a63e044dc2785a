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

  it('activates every device, leaves the DLQ empty and is bound by a 10 TPS API', async () => {
    // Act
    const result = await runBurst({ devices: 30, containers: 3, bundle });

    // Assess
    expect({
      active: result.active,
      statuses: result.statuses,
      dlq: result.dlq,
      invocationsFailed: result.invocationsFailed,
      describeCertificateTps: result.quotas.DescribeCertificate,
      updateCertificateTps: result.quotas.UpdateCertificate,
    }).toEqual({
      active: 30,
      statuses: { ACTIVE: 30 },
      dlq: 0,
      invocationsFailed: 0,
      describeCertificateTps: 10,
      updateCertificateTps: 10,
    });
    expect(['DescribeCertificate', 'UpdateCertificate']).toContain(result.tightestApi);
    expect(result.answered.UpdateCertificate).toBe(30);
    expect(result.answered.DescribeCertificate).toBeGreaterThanOrEqual(30);
    // A bucket starts with one second of tokens: 30 calls at 10 TPS need at least 2 s.
    expect(result.wallSeconds).toBeGreaterThanOrEqual(2);
    expect(result.timeToActiveMs.p50).toBeLessThanOrEqual(result.timeToActiveMs.p99);
  }, 60_000);

  it('--via mqtt: devices connect over MQTT/TLS with backoff; each refused retry while pending publishes the event again', async () => {
    // Act
    const result = await runBurst({
      devices: 8,
      containers: 2,
      bundle,
      via: 'mqtt',
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
