// One sweep per CA at a time: the sweep lease on the registration-state table, through the real
// SDK against a real DynamoDB engine (dynalite, random loopback port), and two sweeps racing on
// it with real time — the UpdateCertificate share must not double.
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbSandbox, startDynamoDb } from '../../../infra/sandbox/dynamodb.js';
import { SANDBOX_CREDENTIALS } from '../../../infra/sandbox/index.js';
import { DynamoDbLedger } from '../../../lib/ledger/dynamodb-ledger.js';
import type { SweepLedger } from '../../../lib/ledger/ports.js';
import { systemClock } from '../../../lib/pacing/token-bucket.js';
import type { SweepDeps } from '../../../lib/revocation/sweep.js';
import { handleSweepInvocation } from '../../../lib/revocation/sweep-invocation.js';
import { sweepCaExclusively } from '../../../lib/revocation/sweep-lease.js';
import { activatedRecord, FakeLedger } from '../../helpers/fake-ledger.js';
import { ecCa } from '../../helpers/pki-fixtures.js';
import { CA_ID, crl, FakeCrlObjects, FakeIot, revoked } from '../../helpers/sweep-fakes.js';

const RATE = 5;
let db: DynamoDbSandbox;
let client: DynamoDBClient;
let tableCount = 0;

beforeAll(async () => {
  db = await startDynamoDb({ port: 0, region: 'us-east-1', credentials: SANDBOX_CREDENTIALS });
  client = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'us-east-1',
    credentials: SANDBOX_CREDENTIALS,
  });
});

afterAll(async () => {
  client?.destroy();
  await db?.stop();
});

/** A fresh table (each test its own). */
async function freshLedger(): Promise<{ ledger: DynamoDbLedger; table: string }> {
  tableCount += 1;
  const table = `lease-test-${tableCount}`;
  await db.createStateTable(table);
  return { ledger: new DynamoDbLedger({ client, tableName: table, sleep: async () => undefined }), table };
}

/** 20 ACTIVE devices (serials 01..14 hex) in `ledger`; the CA's first CRL (empty) swept already. */
async function sweepWorld(ledger: SweepLedger) {
  const ids: string[] = [];
  for (let i = 1; i <= 20; i++) {
    const id = i.toString(16).padStart(2, '0').repeat(32);
    ids.push(id);
    await ledger.recordOutcome(activatedRecord(id, CA_ID, i.toString(16).padStart(2, '0')));
  }
  const iot = new FakeIot(ecCa());
  const crls = new FakeCrlObjects();
  const logs: { level: string; message: string }[] = [];
  const log = (level: string) => (message: string) => logs.push({ level, message });
  const deps: SweepDeps = {
    iot,
    crls,
    ledger,
    // Real time: the sweeps race for real; freshness is checked against CRLs built "now".
    clock: systemClock,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    metrics: { count: () => undefined },
    config: { maxStalenessSeconds: 10 * 365 * 86_400, updatesPerSecond: RATE },
  };
  crls.put(crl([], 1));
  await sweepCaExclusively(deps, { caCertificateId: CA_ID, dryRun: false, owner: 'setup' });
  return { ids, iot, crls, logs, deps };
}

const serial = (i: number) => i.toString(16).padStart(2, '0');

/**
 * Whether the UpdateCertificate calls kept to one sweep's share: the k-th call (in time order)
 * went out no earlier than `start + k / RATE s`. Load only delays calls, so this holds on a busy
 * machine (a count per 1-second window does not: a stalled event loop sends due calls together),
 * and two sweeps sharing the CA at once would send the k-th call about twice as early.
 */
function pacedFrom(start: number, times: readonly number[]): boolean {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted.every((at, k) => at >= start + (k * 1000) / RATE - 1);
}

describe('the sweep lease item (DynamoDB)', () => {
  it('is taken by one owner; a second is refused with the holder and leaves a rerun request; TTL in epoch seconds', async () => {
    const { ledger, table } = await freshLedger();

    const first = await ledger.acquireSweepLease(CA_ID, 'A', 1_000, 61_000);
    const second = await ledger.acquireSweepLease(CA_ID, 'B', 2_000, 62_000);

    expect(first).toEqual({ acquired: true });
    expect(second).toEqual({ acquired: false, owner: 'A', leaseUntil: 61_000 });
    const item = await client.send(
      new GetItemCommand({
        TableName: table,
        Key: { pk: { S: `lease#sweep#${CA_ID}` } },
        ConsistentRead: true,
      }),
    );
    expect(item.Item).toEqual({
      pk: { S: `lease#sweep#${CA_ID}` },
      owner: { S: 'A' },
      leaseUntil: { N: '61000' },
      expiresAt: { N: String(61 + 3600) },
      caCertificateId: { S: CA_ID },
      rerun: { BOOL: true },
    });
    // The holder is told to run again once, then gives it up; then B may take it.
    expect(await ledger.releaseSweepLease(CA_ID, 'A')).toBe('rerun');
    expect(await ledger.releaseSweepLease(CA_ID, 'A')).toBe('released');
    expect(await ledger.acquireSweepLease(CA_ID, 'B', 3_000, 63_000)).toEqual({ acquired: true });
  });

  it('an expired lease is taken over; its old owner can neither renew nor release it', async () => {
    const { ledger } = await freshLedger();
    await ledger.acquireSweepLease(CA_ID, 'A', 1_000, 61_000);
    expect(await ledger.renewSweepLease(CA_ID, 'A', 90_000)).toBe(true);

    const taken = await ledger.acquireSweepLease(CA_ID, 'B', 90_001, 150_001);

    expect(taken).toEqual({ acquired: true });
    expect(await ledger.renewSweepLease(CA_ID, 'A', 160_000)).toBe(false);
    expect(await ledger.releaseSweepLease(CA_ID, 'A')).toBe('lost');
    expect(await ledger.acquireSweepLease(CA_ID, 'C', 100_000, 160_000)).toEqual({
      acquired: false,
      owner: 'B',
      leaseUntil: 150_001,
    });
  });

  it('of 8 owners asking at the same moment, exactly one gets it', async () => {
    const { ledger } = await freshLedger();
    const owners = Array.from({ length: 8 }, (_, i) => `owner-${i}`);

    const answers = await Promise.all(owners.map((o) => ledger.acquireSweepLease(CA_ID, o, 5_000, 65_000)));

    const winners = owners.filter((_, i) => answers[i]?.acquired === true);
    expect(winners).toHaveLength(1);
    for (const answer of answers) {
      if (!answer.acquired)
        expect(answer).toEqual({ acquired: false, owner: winners[0], leaseUntil: 65_000 });
    }
  });
});

describe('two sweeps of one CA racing (an S3 event and the schedule, or the CLI and the function)', () => {
  it('revoke each certificate once, at the share of the quota: one sweeps, the other reports in-progress', async () => {
    // Prepare
    const { ledger } = await freshLedger();
    const w = await sweepWorld(ledger);
    w.crls.put(
      crl(
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => revoked(serial(i))),
        2,
      ),
    );

    // Act
    const start = Date.now();
    const [a, b] = await Promise.all([
      sweepCaExclusively(w.deps, { caCertificateId: CA_ID, dryRun: false, owner: 's3-event' }),
      sweepCaExclusively(w.deps, { caCertificateId: CA_ID, dryRun: false, owner: 'schedule' }),
    ]);

    // Assess
    const runs = [a, b].map((reports) => reports.map((r) => r.result));
    expect(runs.sort()).toEqual([['in-progress'], ['swept', 'already-swept']]);
    const busy = [a, b].find((reports) => reports[0]?.result === 'in-progress')?.[0];
    expect(busy?.refusal?.code).toBe('SweepInProgress');
    expect(busy?.revoked).toBe(0);
    expect(w.iot.updates.map(([id]) => id).sort()).toEqual(w.ids.slice(0, 10));
    expect(w.iot.updateTimes).toHaveLength(10);
    expect(pacedFrom(start, w.iot.updateTimes)).toBe(true);
    expect(await ledger.acquireSweepLease(CA_ID, 'after', Date.now(), Date.now() + 1_000)).toEqual({
      acquired: true,
    });
  });

  it('a newer CRL that lands while a sweep runs is swept by that sweep, after the other trigger found it busy', async () => {
    // Prepare
    const { ledger } = await freshLedger();
    const w = await sweepWorld(ledger);
    w.crls.put(
      crl(
        [1, 2, 3, 4, 5].map((i) => revoked(serial(i))),
        2,
      ),
    );
    const start = Date.now();
    const holder = sweepCaExclusively(w.deps, { caCertificateId: CA_ID, dryRun: false, owner: 'schedule' });
    while (w.iot.updates.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));

    // Act: CRL 3 lands and its S3 event's sweep finds the lease held.
    w.crls.put(
      crl(
        [1, 2, 3, 4, 5, 11, 12, 13].map((i) => revoked(serial(i))),
        3,
      ),
    );
    const contender = await sweepCaExclusively(w.deps, {
      caCertificateId: CA_ID,
      dryRun: false,
      owner: 's3-event',
    });
    const held = await holder;

    // Assess
    expect(contender.map((r) => r.result)).toEqual(['in-progress']);
    expect(held.map((r) => [r.result, r.crlNumber, r.revoked])).toEqual([
      ['swept', '2', 5],
      ['swept', '3', 3],
    ]);
    expect(w.iot.updates.map(([id]) => id).sort()).toEqual(
      [1, 2, 3, 4, 5, 11, 12, 13].map((i) => w.ids[i - 1]).sort(),
    );
    expect((await ledger.sweepState(CA_ID))?.lastSweptCrlNumber).toBe('3');
    // The first CRL's five revocations at the sweep's share (the second CRL's sweep paces anew).
    expect(pacedFrom(start, w.iot.updateTimes.slice(0, 5))).toBe(true);
  });

  it('a sweep whose lease was taken over (it stalled past the lease) stops at once', async () => {
    // Prepare: the in-memory ledger, so the test can take the lease away mid-sweep.
    const ledger = new FakeLedger();
    const w = await sweepWorld(ledger);
    w.crls.put(
      crl(
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => revoked(serial(i))),
        2,
      ),
    );
    const running = sweepCaExclusively(w.deps, {
      caCertificateId: CA_ID,
      dryRun: false,
      owner: 'stalled',
      leaseMs: 300,
    });
    while (w.iot.updates.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));

    // Act
    ledger.leases.set(CA_ID, { owner: 'successor', leaseUntil: Date.now() + 60_000, rerun: false });
    const [report] = await running;

    // Assess: renewed every 100 ms, so it stops long before its 10 revocations (2 s at 5/s).
    expect(report?.result).toBe('interrupted');
    expect(w.iot.updates.length).toBeLessThan(6);
    expect(w.logs.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      'sweep lease lost to another sweep; stopping',
    ]);
    expect(ledger.leases.get(CA_ID)?.owner).toBe('successor');
  });

  it('the function stops 20 s before its timeout, gives the lease up and throws SweepStopped for Lambda to retry', async () => {
    // Prepare: 10 revocations at 5/s need 2 s; the invocation has 20.3 s left.
    const ledger = new FakeLedger();
    const w = await sweepWorld(ledger);
    w.crls.put(
      crl(
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => revoked(serial(i))),
        2,
      ),
    );
    const quiet = () => undefined;
    const runtime = {
      bucket: 'crls',
      keyTemplate: 'crl/{caCertificateId}.crl',
      settings: { caCertificateIds: [CA_ID] },
      logger: { info: quiet, warn: quiet, error: quiet, debug: quiet },
      metrics: { publishStoredMetrics: quiet },
      depsFor: () => w.deps,
    };

    // Act
    const outcome = await handleSweepInvocation(runtime, {}, { getRemainingTimeInMillis: () => 20_300 }).then(
      () => null,
      (error: unknown) => error,
    );

    // Assess
    expect(outcome).toMatchObject({ code: 'SweepStopped', disposition: 'transient' });
    expect(w.iot.updates.length).toBeGreaterThan(0);
    expect(w.iot.updates.length).toBeLessThan(10);
    expect(ledger.leases.get(CA_ID)?.leaseUntil).toBe(0);
    expect(ledger.states.get(CA_ID)?.lastSweptCrlNumber).toBe('1');
  });
});
