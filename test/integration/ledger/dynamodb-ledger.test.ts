// The ledger's DynamoDB adapter against a real DynamoDB engine (dynalite, in memory, random
// loopback port) through the real SDK, on the same table and items as the ingestion path.
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbSandbox, startDynamoDb } from '../../../infra/sandbox/dynamodb.js';
import { SANDBOX_CREDENTIALS } from '../../../infra/sandbox/index.js';
import { DynamoDbLedger } from '../../../lib/ledger/dynamodb-ledger.js';
import type { SweepState } from '../../../lib/ledger/record.js';
import { DynamoDbStateStore } from '../../../lib/registration-state/dynamodb-state-store.js';
import { activatedRecord } from '../../helpers/fake-ledger.js';

const TABLE = 'ledger-test';
const CA = 'c'.repeat(64);
const id = (n: number) => n.toString(16).padStart(64, '0');

describe('DynamoDbLedger', () => {
  let db: DynamoDbSandbox;
  let client: DynamoDBClient;
  let ledger: DynamoDbLedger;

  beforeAll(async () => {
    db = await startDynamoDb({ port: 0, region: 'us-east-1', credentials: SANDBOX_CREDENTIALS });
    await db.createStateTable(TABLE);
    client = new DynamoDBClient({
      endpoint: db.endpoint,
      region: 'us-east-1',
      credentials: SANDBOX_CREDENTIALS,
    });
    ledger = new DynamoDbLedger({ client, tableName: TABLE, sleep: async () => undefined });
  });

  afterAll(async () => {
    client?.destroy();
    await db?.stop();
  });

  it('writes a settled record and reads it back by certificate id and by (CA, serial)', async () => {
    const record = activatedRecord(id(1), CA, '0091f0');
    await ledger.recordOutcome(record);
    expect(await ledger.get(id(1))).toEqual({ ...record, attempts: 1 });
    expect(await ledger.certificatesBySerial(CA, ['91f0', '77'])).toEqual(new Map([['91f0', id(1)]]));
  });

  it('shares the item with the ingestion lease: its settle and the ledger fields coexist, times in epoch ms', async () => {
    const store = new DynamoDbStateStore(client, TABLE);
    await store.claim({
      certificateId: id(2),
      owner: 'req-1',
      now: 1_000,
      leaseMs: 10_000,
      registeredAt: 500,
    });
    await ledger.recordOutcome(activatedRecord(id(2), CA, '02'));
    await store.settle({
      certificateId: id(2),
      caCertificateId: CA,
      outcome: 'activated',
      code: null,
      now: 2_000,
      registeredAt: 500,
    });
    const item = (
      await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `cert#${id(2)}` } } }))
    ).Item;
    expect(item?.state).toEqual({ S: 'settled' });
    expect(item?.registeredAt).toEqual({ N: '500' });
    expect(item?.thingName).toEqual({ S: `thing-${id(2).slice(0, 8)}` });
    expect((await ledger.get(id(2)))?.registeredAt).toBe(new Date(500).toISOString());
  });

  it('reads many records in batches of 100 and leaves unknown ids out', async () => {
    const ids = Array.from({ length: 230 }, (_, i) => id(1000 + i));
    for (const certificateId of ids.slice(0, 120))
      await ledger.recordOutcome(activatedRecord(certificateId, CA, certificateId.slice(-6)));
    const before = ledger.itemsRead;
    const found = await ledger.getMany(ids);
    expect(found.size).toBe(120);
    expect(ledger.itemsRead - before).toBe(230);
  });

  it('records a failure without overwriting a settled outcome, and a sweep revocation', async () => {
    await ledger.recordOutcome(activatedRecord(id(3), CA, '03'));
    await ledger.recordFailure(id(3), CA, {
      code: 'AwsThrottled',
      step: 'activate',
      message: 'rate',
      remedy: 'wait',
      at: '2026-06-01T00:00:00.000Z',
    });
    await ledger.recordRevocation(id(3), {
      crlNumber: '9',
      at: '2026-06-02T00:00:00.000Z',
      status: 'REVOKED',
      reason: 'keyCompromise',
      revocationDate: '2026-06-01T00:00:00.000Z',
    });
    expect(await ledger.get(id(3))).toMatchObject({
      outcome: 'activated',
      attempts: 2,
      certificateStatus: 'REVOKED',
      lastError: { code: 'AwsThrottled', remedy: 'wait' },
      revokedBySweep: { crlNumber: '9', status: 'REVOKED', reason: 'keyCompromise' },
    });
    await ledger.recordFailure(id(4), CA, {
      code: 'CaNotActive',
      step: 'describe-ca',
      message: 'm',
      remedy: null,
      at: 'x',
    });
    expect(await ledger.get(id(4))).toMatchObject({ outcome: 'failed', attempts: 1, serial: null });
  });

  it('saves the sweep bookkeeping only over the state it read', async () => {
    const state: SweepState = {
      caCertificateId: CA,
      lastSweptCrlNumber: '5',
      lastSweptCrlSha256: 'aa',
      lastSweptAt: '2026-06-01T00:00:00.000Z',
      sweptObjects: [{ bucket: 'b', key: 'k', versionId: null, etag: '"e"', crlNumber: '5' }],
    };
    expect(await ledger.saveSweepState(state, null)).toBe(true);
    expect(await ledger.saveSweepState({ ...state, lastSweptCrlNumber: '6' }, null)).toBe(false);
    expect(await ledger.saveSweepState({ ...state, lastSweptCrlNumber: '6' }, '4')).toBe(false);
    expect(await ledger.saveSweepState({ ...state, lastSweptCrlNumber: '6' }, '5')).toBe(true);
    expect(await ledger.sweepState(CA)).toEqual({ ...state, lastSweptCrlNumber: '6' });
    expect(await ledger.sweepState('d'.repeat(64))).toBeNull();
  });

  it('names a missing table with its code and remedy', async () => {
    const missing = new DynamoDbLedger({ client, tableName: 'no-such-table' });
    await expect(missing.get(id(1))).rejects.toMatchObject({ code: 'LedgerTableNotFound' });
  });
});
