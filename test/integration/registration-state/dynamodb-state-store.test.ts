// The DynamoDB adapter of the registration-state port against a real DynamoDB engine
// (dynalite, in memory, random loopback port) through the real SDK over HTTP.
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbSandbox, startDynamoDb } from '../../../infra/sandbox/dynamodb.js';
import { SANDBOX_CREDENTIALS } from '../../../infra/sandbox/index.js';
import { DynamoDbStateStore } from '../../../lib/registration-state/dynamodb-state-store.js';
import { withSettledPrefetch } from '../../../lib/registration-state/settled-prefetch.js';

const TABLE = 'state-test';
const id = (n: number) => n.toString(16).padStart(64, '0');
const CA = 'c'.repeat(64);

describe('DynamoDbStateStore', () => {
  let db: DynamoDbSandbox;
  let client: DynamoDBClient;
  let store: DynamoDbStateStore;

  beforeAll(async () => {
    db = await startDynamoDb({ port: 0, region: 'us-east-1', credentials: SANDBOX_CREDENTIALS });
    await db.createStateTable(TABLE);
    await db.createStateTable(TABLE); // idempotent
    client = new DynamoDBClient({
      endpoint: db.endpoint,
      region: 'us-east-1',
      credentials: SANDBOX_CREDENTIALS,
    });
    store = new DynamoDbStateStore(client, TABLE);
  });

  afterAll(async () => {
    client?.destroy();
    await db?.stop();
  });

  const claim = (n: number, owner: string, now: number, registeredAt: number | null = 1000) =>
    store.claim({ certificateId: id(n), owner, now, leaseMs: 10_000, registeredAt });

  it('gives a free certificate to the first delivery and tells the next one it is leased', async () => {
    expect(await claim(1, 'a', 50_000)).toEqual({ kind: 'claimed', leaseUntil: 60_000 });
    expect(await claim(1, 'b', 50_001)).toEqual({ kind: 'leased', owner: 'a', leaseUntil: 60_000 });
  });

  it('lets the same delivery claim again (its own retry) and anyone claim an expired lease', async () => {
    await claim(2, 'a', 10_000);
    expect(await claim(2, 'a', 12_000)).toEqual({ kind: 'claimed', leaseUntil: 22_000 });
    expect(await claim(2, 'b', 22_001)).toEqual({ kind: 'claimed', leaseUntil: 32_001 });
  });

  it('frees a released lease at once, but only the owner can release it', async () => {
    await claim(3, 'a', 10_000);
    await store.release(id(3), 'b');
    expect((await claim(3, 'b', 10_001)).kind).toBe('leased');
    await store.release(id(3), 'a');
    expect(await claim(3, 'b', 10_002)).toEqual({ kind: 'claimed', leaseUntil: 20_002 });
  });

  it('stops every later delivery once settled, and drops the lease and its TTL from the item', async () => {
    await claim(4, 'a', 10_000);
    await store.settle({
      certificateId: id(4),
      caCertificateId: CA,
      outcome: 'activated',
      code: null,
      now: 11_000,
      registeredAt: 1000,
    });
    expect(await claim(4, 'b', 99_000)).toEqual({
      kind: 'settled',
      outcome: 'activated',
      code: null,
      settledAt: 11_000,
    });
    const item = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `cert#${id(4)}` } }, ConsistentRead: true }),
    );
    expect(item.Item).toEqual({
      pk: { S: `cert#${id(4)}` },
      state: { S: 'settled' },
      outcome: { S: 'activated' },
      code: { NULL: true },
      settledAt: { N: '11000' },
      registeredAt: { N: '1000' },
      caCertificateId: { S: CA },
    });
  });

  it('keeps the TTL attribute only while claimed (epoch seconds, an hour after the lease)', async () => {
    await claim(5, 'a', 10_000);
    const item = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `cert#${id(5)}` } }, ConsistentRead: true }),
    );
    expect(item.Item?.expiresAt).toEqual({ N: String(20 + 3600) });
    expect(item.Item?.state).toEqual({ S: 'claimed' });
  });

  it('lets a newer registration of the same certificate (deleted, registered again) claim a settled item', async () => {
    await claim(6, 'a', 10_000, 1000);
    await store.settle({
      certificateId: id(6),
      caCertificateId: CA,
      outcome: 'rejected',
      code: 'CertificateExpired',
      now: 11_000,
      registeredAt: 1000,
    });
    expect((await claim(6, 'b', 12_000, 1000)).kind).toBe('settled');
    expect((await claim(6, 'b', 12_000, null)).kind).toBe('settled');
    expect(await claim(6, 'c', 12_000, 5000)).toEqual({ kind: 'claimed', leaseUntil: 22_000 });
  });

  it('reads the settled items of a batch in one BatchGetItem, and the prefetched view answers their claims without a write', async () => {
    // Prepare: 20 settled (one for an older registration), 21 claimed only, 22 absent.
    for (const [n, registeredAt] of [
      [20, 1000],
      [23, 500],
    ] as const) {
      await claim(n, 'a', 10_000, registeredAt);
      await store.settle({
        certificateId: id(n),
        caCertificateId: CA,
        outcome: 'activated',
        code: null,
        now: 11_000,
        registeredAt,
      });
    }
    await claim(21, 'a', 10_000);
    let sent: string[] = [];
    const counting = new DynamoDBClient({
      endpoint: db.endpoint,
      region: 'us-east-1',
      credentials: SANDBOX_CREDENTIALS,
    });
    counting.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize' },
    );
    const batchStore = new DynamoDbStateStore(counting, TABLE);

    // Act
    const settled = await batchStore.readSettled([id(20), id(21), id(22), id(23)]);
    const readCalls = sent;
    sent = [];
    const view = withSettledPrefetch(batchStore, settled);
    const answers = await Promise.all(
      [20, 23].map((n) =>
        view.claim({ certificateId: id(n), owner: 'b', now: 99_000, leaseMs: 10_000, registeredAt: 1000 }),
      ),
    );

    // Assess
    expect(readCalls).toEqual(['BatchGetItemCommand']);
    expect(Object.fromEntries(settled)).toEqual({
      [id(20)]: { outcome: 'activated', code: null, settledAt: 11_000, registeredAt: 1000 },
      [id(23)]: { outcome: 'activated', code: null, settledAt: 11_000, registeredAt: 500 },
    });
    // 20 stops with no request; 23 was settled for an older registration: this one claims it.
    expect(answers).toEqual([
      { kind: 'settled', outcome: 'activated', code: null, settledAt: 11_000 },
      { kind: 'claimed', leaseUntil: 109_000 },
    ]);
    expect(sent).toEqual(['UpdateItemCommand']);
    counting.destroy();
  });

  it('fails loudly (for the caller to fall back) when the table does not exist', async () => {
    const missing = new DynamoDbStateStore(client, 'no-such-table');
    await expect(
      missing.claim({ certificateId: id(7), owner: 'a', now: 1, leaseMs: 1, registeredAt: null }),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
