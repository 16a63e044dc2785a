import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../lib/config/duration.js';
import { reconcileCa, selectStuck, synthesiseEvent } from '../../../lib/operations/reconcile.js';
import type { RegisteredEvent } from '../../../lib/operations/registered-event.js';
import type { InvokeResult } from '../../../lib/operations/replay/ports.js';
import type { CertificatePage, CertificateSummary } from '../../../lib/provisioning/iot-registry.js';
import { FakeClock } from './fakes.js';

const CA = 'c'.repeat(64);
const MINUTE = 60_000;

function cert(
  n: number,
  status: CertificateSummary['status'],
  ageMs: number,
  now: number,
): CertificateSummary {
  const certificateId = n.toString(16).padStart(64, '0');
  return {
    certificateId,
    certificateArn: `arn:aws:iot:us-east-1:123456789012:cert/${certificateId}`,
    status,
    creationDate: new Date(now - ageMs),
  };
}

/** An IoT port fake serving `certificates` in pages of `pageSize`. */
function pagedIot(certificates: CertificateSummary[], pageSize: number) {
  const calls: { marker?: string }[] = [];
  return {
    calls,
    async listCertificatesByCa(_ca: string, options: { marker?: string }): Promise<CertificatePage> {
      calls.push({ ...(options.marker === undefined ? {} : { marker: options.marker }) });
      const start = options.marker === undefined ? 0 : Number(options.marker);
      const page = certificates.slice(start, start + pageSize);
      const next = start + pageSize < certificates.length ? String(start + pageSize) : undefined;
      return next === undefined ? { certificates: page } : { certificates: page, nextMarker: next };
    },
  };
}

describe('selectStuck', () => {
  it('keeps only PENDING_ACTIVATION certificates older than the threshold', () => {
    // Prepare
    const now = 1_700_000_000_000;
    const certs = [
      cert(1, 'PENDING_ACTIVATION', 11 * MINUTE, now),
      cert(2, 'PENDING_ACTIVATION', 9 * MINUTE, now),
      cert(3, 'ACTIVE', 60 * MINUTE, now),
      cert(4, 'PENDING_ACTIVATION', 10 * MINUTE, now),
    ];
    // Act
    const selected = selectStuck(certs, now, 10 * MINUTE);
    // Assess
    expect(selected.map((c) => c.certificateId)).toEqual([certs[0]?.certificateId, certs[3]?.certificateId]);
  });
});

describe('synthesiseEvent', () => {
  it('builds the event AWS IoT would have published', () => {
    // Prepare
    const now = 1_700_000_000_000;
    const c = cert(1, 'PENDING_ACTIVATION', MINUTE, now);
    // Act
    const event = synthesiseEvent(c, CA.toUpperCase(), now);
    // Assess
    expect(event).toEqual({
      certificateId: c.certificateId,
      caCertificateId: CA,
      timestamp: now,
      certificateStatus: 'PENDING_ACTIVATION',
      awsAccountId: '123456789012',
      certificateRegistrationTimestamp: String(now - MINUTE),
    });
  });
});

describe('reconcileCa', () => {
  it('pages through the CA, runs every stuck certificate and counts outcomes', async () => {
    // Prepare
    const clock = new FakeClock();
    const now = clock.now();
    const certs = [
      cert(1, 'PENDING_ACTIVATION', 20 * MINUTE, now),
      cert(2, 'ACTIVE', 20 * MINUTE, now),
      cert(3, 'PENDING_ACTIVATION', 20 * MINUTE, now),
      cert(4, 'PENDING_ACTIVATION', 1 * MINUTE, now),
      cert(5, 'PENDING_ACTIVATION', 30 * MINUTE, now),
    ];
    const iot = pagedIot(certs, 2);
    const invoked: RegisteredEvent[] = [];
    const answers: InvokeResult[] = [
      { ok: true, outcome: 'activated' },
      { ok: false, reason: 'ThingGroupNotFound plant-7' },
      { ok: true, outcome: 'activated' },
    ];
    const invoker = {
      invoke: async (event: RegisteredEvent) => {
        invoked.push(event);
        return answers[invoked.length - 1] ?? { ok: true };
      },
    };
    // Act
    const report = await reconcileCa(
      { iot, invoker, clock },
      { caCertificateId: CA, olderThanMs: 10 * MINUTE, max: 100, dryRun: false, ratePerSecond: 1000 },
    );
    // Assess
    expect(iot.calls).toEqual([{}, { marker: '2' }, { marker: '4' }]);
    expect(invoked.map((e) => e.certificateId)).toEqual([
      certs[0]?.certificateId,
      certs[2]?.certificateId,
      certs[4]?.certificateId,
    ]);
    expect(report).toEqual({
      caCertificateId: CA,
      scanned: 5,
      pending: 4,
      stuck: 3,
      complete: true,
      selected: [certs[0]?.certificateId, certs[2]?.certificateId, certs[4]?.certificateId],
      outcomes: { activated: 2, failed: 1 },
      failures: [{ certificateId: certs[2]?.certificateId, reason: 'ThingGroupNotFound plant-7' }],
      dryRun: false,
      interrupted: false,
    });
  });

  it('stops listing at max and runs nothing on a dry run', async () => {
    // Prepare
    const clock = new FakeClock();
    const now = clock.now();
    const certs = [1, 2, 3, 4, 5].map((n) => cert(n, 'PENDING_ACTIVATION', 20 * MINUTE, now));
    const iot = pagedIot(certs, 2);
    let invocations = 0;
    const invoker = {
      invoke: async () => {
        invocations += 1;
        return { ok: true } as const;
      },
    };
    // Act
    const report = await reconcileCa(
      { iot, invoker, clock },
      { caCertificateId: CA, olderThanMs: 10 * MINUTE, max: 3, dryRun: true, ratePerSecond: 1000 },
    );
    // Assess
    expect(iot.calls).toEqual([{}, { marker: '2' }]);
    expect(report.selected).toEqual(certs.slice(0, 3).map((c) => c.certificateId));
    // Four were seen stuck before listing stopped, not the capped three; and more pages remain.
    expect({ stuck: report.stuck, complete: report.complete }).toEqual({ stuck: 4, complete: false });
    expect(invocations).toBe(0);
  });

  it('throttles the pipeline runs', async () => {
    // Prepare
    const clock = new FakeClock();
    const now = clock.now();
    const certs = [1, 2, 3].map((n) => cert(n, 'PENDING_ACTIVATION', 20 * MINUTE, now));
    const invoker = { invoke: async () => ({ ok: true, outcome: 'activated' }) as const };
    // Act
    await reconcileCa(
      { iot: pagedIot(certs, 250), invoker, clock },
      { caCertificateId: CA, olderThanMs: 0, max: 10, dryRun: false, ratePerSecond: 2 },
    );
    // Assess
    expect(clock.sleeps).toEqual([500, 500]);
  });
});

describe('parseDuration', () => {
  it.each([
    ['10m', 600_000],
    ['90s', 90_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['600', 600_000],
    ['ten', null],
    ['-1m', null],
  ])('parses %s', (text, want) => {
    // Act / Assess
    expect(parseDuration(text)).toBe(want);
  });
});
