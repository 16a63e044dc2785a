// Duplicate and concurrent delivery of the registered event (aws-facts §2.1, §5.1: AWS IoT
// republishes while a certificate is pending; Lambda's async queue may deliver twice).
import { RegisterCertificateCommand } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeviceState } from '../../infra/demo/device-state.js';
import { summariseEmf } from '../../infra/demo/emf.js';
import type { InvocationRecord } from '../../infra/sandbox/index.js';
import {
  DEMO_POLICY_NAME,
  dlqRecords,
  type E2e,
  issueDevice,
  provisionedState,
  startE2e,
} from '../helpers/e2e-jitr.js';

// Both with the registration-state table (the stack's default) and without it (empty
// REGISTRATION_STATE_TABLE): correctness must never depend on the table.
describe.each([
  { table: true, label: 'with the registration-state table' },
  { table: false, label: 'without the registration-state table' },
])('delivery of the registered event ($label)', ({ table }) => {
  let e2e: E2e;

  beforeAll(async () => {
    // The direct path: Lambda's asynchronous delivery (attempts, retries, destinations) is the subject.
    e2e = await startE2e({
      containers: 4,
      ingestion: 'direct',
      env: (): Record<string, string> => (table ? {} : { REGISTRATION_STATE_TABLE: '' }),
    });
  });

  afterAll(async () => {
    await e2e?.stop();
  });

  const eventOf = (certificateId: string) => {
    const event = e2e.aws.sandbox.lambda.published().find((e) => e.certificateId === certificateId);
    if (event === undefined) throw new Error(`no event was published for ${certificateId}`);
    return event;
  };
  const outcomes = (records: InvocationRecord[]) =>
    records.map((r) => ({ status: r.status, attempts: r.attempts.length, sentToDlq: r.sentToDlq }));
  /** The metrics a record's logs emitted, summed by name (the `service`-only totals). */
  const metricSums = (record: InvocationRecord) => {
    const sums: Record<string, number> = {};
    for (const m of summariseEmf(record.logs.flatMap((l) => l.text.split('\n')))) {
      if (Object.keys(m.dimensions).length === 1) sums[m.name] = (sums[m.name] ?? 0) + m.sum;
    }
    return sums;
  };
  const recordsOf = (certificateId: string) =>
    e2e.deployment.fn
      .invocations()
      .filter((r) => (r.event as { certificateId?: string }).certificateId === certificateId);
  const attachments = (certificateId: string) => {
    const view = e2e.aws.sandbox.iot.certificate(certificateId);
    return { policies: view?.policies, things: view?.things };
  };

  it('does nothing but count the duplicate when the first publication comes again after activation', async () => {
    // Prepare: Lambda delivers the first publication once more (a republication is tested below).
    const subject = { commonName: 'dup-after-active', serialNumber: 'SN-D1' };
    const device = issueDevice(e2e.ca, subject);
    await e2e.deployment.connect(device.certificatePem);
    const [original] = recordsOf(device.certificateId);
    const callsBefore = e2e.aws.sandbox.counters().calls;

    // Act
    const requestId = e2e.deployment.fn.invokeAsync(eventOf(device.certificateId));
    const record = await e2e.deployment.fn.settled(requestId);

    // Assess (calls first: reading the state back calls DescribeCertificate too)
    const callsAfter = e2e.aws.sandbox.counters().calls;
    expect(outcomes([record])).toEqual([{ status: 'succeeded', attempts: 1, sentToDlq: false }]);
    expect(await readDeviceState(e2e.aws.iot, device.certificateId)).toEqual(
      provisionedState(device, subject),
    );
    const metrics = metricSums(record);
    expect(metrics.CertificateActivated).toBeUndefined();
    const describes =
      (callsAfter['iot:DescribeCertificate'] ?? 0) - (callsBefore['iot:DescribeCertificate'] ?? 0);
    if (table) {
      // The settled outcome stops it. A first publication may send its DescribeCertificate with
      // the claim (fast path): that one call, counted, and only in a container that did not
      // settle the certificate itself.
      const wasted = metrics.SpeculativeDescribeWasted ?? 0;
      expect([metrics.DuplicateSuppressed, describes]).toEqual([1, wasted]);
      const sameContainer = record.attempts[0]?.container === original?.attempts[0]?.container;
      expect(wasted).toBe(sameContainer ? 0 : 1);
    } else {
      expect([metrics.CertificateAlreadyActive, describes]).toEqual([1, 1]);
    }
    expect(callsAfter['iot:CreateThing']).toBe(callsBefore['iot:CreateThing']);
    expect(callsAfter['iot:UpdateCertificate']).toBe(callsBefore['iot:UpdateCertificate']);
    // Nothing reached the DLQ (checked per test, so it holds when a test runs alone).
    expect(dlqRecords(e2e)).toEqual([]);
  });

  it('converges when the device reconnects while still pending and the event is published twice', async () => {
    // Prepare
    const subject = { commonName: 'dup-reconnect', serialNumber: 'SN-D2' };
    const device = issueDevice(e2e.ca, subject);

    // Act
    const connects = await Promise.all([
      e2e.aws.sandbox.registerDevice(device.certificatePem, { wait: true }),
      e2e.aws.sandbox.registerDevice(device.certificatePem, { wait: true }),
    ]);

    // Assess
    expect(connects.map((c) => c.outcome)).toEqual(['registered', 'republished']);
    const records = e2e.deployment.fn
      .invocations()
      .filter((r) => (r.event as { certificateId?: string }).certificateId === device.certificateId);
    expect(outcomes(records)).toEqual([
      { status: 'succeeded', attempts: 1, sentToDlq: false },
      { status: 'succeeded', attempts: 1, sentToDlq: false },
    ]);
    expect(await readDeviceState(e2e.aws.iot, device.certificateId)).toEqual(
      provisionedState(device, subject),
    );
    expect(attachments(device.certificateId)).toEqual({
      policies: [DEMO_POLICY_NAME],
      things: ['dup-reconnect'],
    });
    // Nothing reached the DLQ (checked per test, so it holds when a test runs alone).
    expect(dlqRecords(e2e)).toEqual([]);
  });

  it('stops a republication after activation with no IoT call (with the table)', async () => {
    // Prepare: the device reconnected 5 s after its registration: AWS publishes again with a new timestamp.
    const subject = { commonName: 'dup-republished', serialNumber: 'SN-D4' };
    const device = issueDevice(e2e.ca, subject);
    await e2e.deployment.connect(device.certificatePem);
    const first = eventOf(device.certificateId);
    const republished = { ...first, timestamp: Number(first.certificateRegistrationTimestamp) + 5000 };
    const callsBefore = e2e.aws.sandbox.counters().calls;

    // Act
    const record = await e2e.deployment.fn.settled(e2e.deployment.fn.invokeAsync(republished));

    // Assess
    const callsAfter = e2e.aws.sandbox.counters().calls;
    expect(outcomes([record])).toEqual([{ status: 'succeeded', attempts: 1, sentToDlq: false }]);
    const iotCalls = (calls: Record<string, number>) =>
      Object.entries(calls)
        .filter(([name]) => name.startsWith('iot:'))
        .reduce((sum, [, n]) => sum + n, 0);
    expect(iotCalls(callsAfter) - iotCalls(callsBefore)).toBe(table ? 0 : 1);
    expect(dlqRecords(e2e)).toEqual([]);
  });

  it('sends one DescribeCertificate for four republications at once in four containers (with the table)', async () => {
    // Prepare: a pending certificate whose first publication was lost; the device reconnected
    // four times (AWS publishes each time, with a new timestamp) and the copies arrive together.
    const subject = { commonName: 'dup-republished-4', serialNumber: 'SN-D5', organization: 'Example-Corp' };
    const device = issueDevice(e2e.ca, subject);
    await e2e.aws.iot.send(
      new RegisterCertificateCommand({
        certificatePem: device.certificatePem,
        caCertificatePem: e2e.ca.ca.certificatePem,
        status: 'PENDING_ACTIVATION',
      }),
    );
    const registeredAt = Date.now() - 10_000;
    const republished = (k: number) => ({
      certificateId: device.certificateId,
      caCertificateId: e2e.ca.caCertificateId,
      timestamp: registeredAt + 1000 * (k + 2),
      certificateStatus: 'PENDING_ACTIVATION',
      awsAccountId: e2e.aws.sandbox.accountId,
      certificateRegistrationTimestamp: String(registeredAt),
    });
    const describesBefore = e2e.aws.sandbox.counters().calls['iot:DescribeCertificate'] ?? 0;

    // Act
    const requestIds = [0, 1, 2, 3].map((k) => e2e.deployment.fn.invokeAsync(republished(k)));
    const records = await Promise.all(requestIds.map((id) => e2e.deployment.fn.settled(id)));

    // Assess (calls first: reading the state back calls DescribeCertificate too)
    const describes = (e2e.aws.sandbox.counters().calls['iot:DescribeCertificate'] ?? 0) - describesBefore;
    expect(new Set(records.flatMap((r) => r.attempts.map((a) => a.container))).size).toBeGreaterThan(1);
    expect(outcomes(records)).toEqual(
      Array.from({ length: 4 }, () => ({ status: 'succeeded', attempts: 1, sentToDlq: false })),
    );
    // One copy claims; the others find its lease (or its settled outcome) and call nothing.
    expect(describes).toBe(table ? 1 : 4);
    expect(await readDeviceState(e2e.aws.iot, device.certificateId)).toEqual(
      provisionedState(device, subject),
    );
    expect(dlqRecords(e2e)).toEqual([]);
  });

  it('converges when four exact copies of the first publication run at once in four containers: each at most one DescribeCertificate, one activation, every write once', async () => {
    // Prepare
    const subject = { commonName: 'dup-concurrent', serialNumber: 'SN-D3', organization: 'Example-Corp' };
    const device = issueDevice(e2e.ca, subject);
    const callsBefore = e2e.aws.sandbox.counters().calls;
    const first = await e2e.aws.sandbox.registerDevice(device.certificatePem);
    const event = eventOf(device.certificateId);

    // Act
    const requestIds = [...first.requestIds, ...[1, 2, 3].map(() => e2e.deployment.fn.invokeAsync(event))];
    const records = await Promise.all(requestIds.map((id) => e2e.deployment.fn.settled(id)));

    // Assess (calls first: reading the state back calls DescribeCertificate too)
    const callsAfter = e2e.aws.sandbox.counters().calls;
    const sent = (api: string) => (callsAfter[`iot:${api}`] ?? 0) - (callsBefore[`iot:${api}`] ?? 0);
    expect(new Set(records.flatMap((r) => r.attempts.map((a) => a.container))).size).toBeGreaterThan(1);
    expect(outcomes(records)).toEqual(
      Array.from({ length: 4 }, () => ({ status: 'succeeded', attempts: 1, sentToDlq: false })),
    );
    expect(await readDeviceState(e2e.aws.iot, device.certificateId)).toEqual(
      provisionedState(device, subject),
    );
    expect(attachments(device.certificateId)).toEqual({
      policies: [DEMO_POLICY_NAME],
      things: ['dup-concurrent'],
    });
    expect(e2e.aws.sandbox.iot.thing('dup-concurrent')?.version).toBe(1);
    const metrics = records.map(metricSums);
    const total = (name: string) => metrics.reduce((sum, m) => sum + (m[name] ?? 0), 0);
    if (table) {
      // One copy claims and provisions (9 IoT calls: exclusive mode, demo template); every other
      // copy stops at the claim: with the fast path it paid its one DescribeCertificate (counted
      // as wasted), with the claim first nothing.
      expect([total('CertificateActivated'), total('DuplicateSuppressed')]).toEqual([1, 3]);
      const losers = metrics.filter((m) => m.DuplicateSuppressed === 1);
      expect(losers.map((m) => m.IotApiCalls)).toEqual(losers.map((m) => m.SpeculativeDescribeWasted ?? 0));
      expect(losers.every((m) => (m.IotApiCalls ?? 0) <= 1)).toBe(true);
      // 9 warm; a winner that landed on a new container (the sandbox picks any idle one, and on a
      // busy machine the warm ones may still be busy) also reads the CA and the policy once
      // (DescribeCACertificate, CreatePolicy → exists → GetPolicy): losers send none of these.
      const cold = ['DescribeCACertificate', 'CreatePolicy', 'GetPolicy'].map(sent);
      expect(cold.every((n) => n <= 1)).toBe(true);
      const coldReads = cold.reduce((a, b) => a + b, 0);
      expect(metrics.filter((m) => m.DuplicateSuppressed === undefined).map((m) => m.IotApiCalls)).toEqual([
        9 + coldReads,
      ]);
      expect(sent('DescribeCertificate')).toBe(1 + total('SpeculativeDescribeWasted'));
      expect([sent('CreateThing'), sent('AttachThingPrincipal'), sent('UpdateCertificate')]).toEqual([
        1, 1, 1,
      ]);
    } else {
      expect(sent('DescribeCertificate')).toBe(4);
      expect(sent('CreateThing')).toBeGreaterThanOrEqual(1);
    }
    // Nothing reached the DLQ (checked per test, so it holds when a test runs alone).
    expect(dlqRecords(e2e)).toEqual([]);
  });
});
