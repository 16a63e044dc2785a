/**
 * The DynamoDB adapter of the ledger ports, on the registration-state table: the only module of
 * the ledger that imports @aws-sdk/client-dynamodb. Reads are batched (BatchGetItem, 100 keys)
 * and retry `UnprocessedKeys` with backoff; every SDK failure leaves as a ledger error with a code.
 */
import {
  type AttributeValue,
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { ledgerError } from './errors.js';
import {
  type Attr,
  failureAttr,
  ledgerAttributes,
  num,
  recordFromItem,
  revocationAttr,
  str,
  sweepStateFrom,
  sweepStateItem,
} from './item.js';
import type { SweepLedger } from './ports.js';
import {
  certificateKey,
  type LedgerFailure,
  type LedgerRecord,
  type SweepLeaseAcquisition,
  type SweepLeaseRelease,
  type SweepRevocation,
  type SweepState,
  serialKey,
  sweepKey,
  sweepLeaseKey,
} from './record.js';

const BATCH = 100;
const UNPROCESSED_RETRIES = 8;
/** A lease item outlives its lease by this long before DynamoDB's TTL removes it. */
const LEASE_TTL_GRACE_SECONDS = 3600;

const isConditionFailure = (error: unknown): error is ConditionalCheckFailedException =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof Error && error.name === 'ConditionalCheckFailedException');

function leaseHolder(item: Record<string, AttributeValue> | undefined): {
  owner: string;
  leaseUntil: number;
} {
  const owner = item?.owner?.S ?? '';
  const leaseUntil = Number(item?.leaseUntil?.N ?? '0');
  return { owner, leaseUntil: Number.isFinite(leaseUntil) ? leaseUntil : 0 };
}

export interface DynamoDbLedgerOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Waits between retries of unprocessed keys (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
}

export class DynamoDbLedger implements SweepLedger {
  readonly #client: DynamoDBClient;
  readonly #table: string;
  readonly #sleep: (ms: number) => Promise<void>;
  /** Items requested by reads so far (the sweep bench reports reads per revoked serial). */
  itemsRead = 0;

  constructor(options: DynamoDbLedgerOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async #send<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw ledgerError(error, { operation, tableName: this.#table });
    }
  }

  async get(certificateId: string): Promise<LedgerRecord | null> {
    this.itemsRead += 1;
    const out = await this.#send('GetItem', () =>
      this.#client.send(
        new GetItemCommand({
          TableName: this.#table,
          Key: { pk: str(certificateKey(certificateId)) },
          ConsistentRead: true,
        }),
      ),
    );
    return recordFromItem(certificateId.toLowerCase(), out.Item);
  }

  async getMany(certificateIds: readonly string[]): Promise<Map<string, LedgerRecord>> {
    const ids = [...new Set(certificateIds.map((id) => id.toLowerCase()))];
    const items = await this.#batchGet(ids.map(certificateKey));
    const out = new Map<string, LedgerRecord>();
    for (const id of ids) {
      const record = recordFromItem(id, items.get(certificateKey(id)));
      if (record !== null) out.set(id, record);
    }
    return out;
  }

  async certificatesBySerial(
    caCertificateId: string,
    serials: readonly string[],
  ): Promise<Map<string, string>> {
    const items = await this.#batchGet([...new Set(serials.map((s) => serialKey(caCertificateId, s)))]);
    const out = new Map<string, string>();
    for (const serial of serials) {
      const certificateId = items.get(serialKey(caCertificateId, serial))?.certificateId;
      if (
        typeof certificateId === 'object' &&
        certificateId !== null &&
        'S' in certificateId &&
        typeof certificateId.S === 'string'
      ) {
        out.set(serial, certificateId.S);
      }
    }
    return out;
  }

  /** Items by key, 100 keys per call; unprocessed keys are retried with exponential backoff. */
  async #batchGet(keys: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < keys.length; i += BATCH) {
      let pending = keys.slice(i, i + BATCH).map((pk) => ({ pk: str(pk) }));
      this.itemsRead += pending.length;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > UNPROCESSED_RETRIES) {
          throw ledgerError(new Error(`${pending.length} keys stayed unprocessed`), {
            operation: 'BatchGetItem',
            tableName: this.#table,
          });
        }
        if (attempt > 0) await this.#sleep(Math.min(2_000, 50 * 2 ** attempt));
        const keysNow = pending;
        const out = await this.#send('BatchGetItem', () =>
          this.#client.send(new BatchGetItemCommand({ RequestItems: { [this.#table]: { Keys: keysNow } } })),
        );
        for (const item of out.Responses?.[this.#table] ?? []) {
          const pk = item.pk?.S;
          if (pk !== undefined) found.set(pk, item);
        }
        pending = (out.UnprocessedKeys?.[this.#table]?.Keys ?? []).map((k) => ({ pk: str(k.pk?.S ?? '') }));
      }
    }
    return found;
  }

  async recordOutcome(record: LedgerRecord): Promise<void> {
    const { set, remove } = ledgerAttributes(record);
    const names = [...Object.keys(set), ...remove];
    const setNames = Object.keys(set);
    const writes: Promise<unknown>[] = [
      this.#update(certificateKey(record.certificateId), {
        UpdateExpression: [
          `SET ${setNames.map((n) => `#${n} = :${n}`).join(', ')}`,
          ...(remove.length === 0 ? [] : [`REMOVE ${remove.map((n) => `#${n}`).join(', ')}`]),
          'ADD attempts :one',
        ].join(' '),
        ExpressionAttributeNames: Object.fromEntries(names.map((n) => [`#${n}`, n])),
        ExpressionAttributeValues: {
          ...Object.fromEntries(setNames.map((n) => [`:${n}`, set[n] as Attr])),
          ':one': num(1),
        },
      }),
    ];
    if (record.serial !== null) {
      // UpdateItem (not PutItem) so that the handler's role needs only dynamodb:UpdateItem.
      writes.push(
        this.#update(serialKey(record.caCertificateId, record.serial), {
          UpdateExpression: 'SET certificateId = :id, caCertificateId = :ca, serial = :serial',
          ExpressionAttributeValues: {
            ':id': str(record.certificateId.toLowerCase()),
            ':ca': str(record.caCertificateId.toLowerCase()),
            ':serial': str(record.serial),
          },
        }),
      );
    }
    await Promise.all(writes);
  }

  #update(
    pk: string,
    expression: Pick<
      UpdateItemCommandInput,
      'UpdateExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues' | 'ConditionExpression'
    >,
  ): Promise<unknown> {
    return this.#send('UpdateItem', () =>
      this.#client.send(
        new UpdateItemCommand({ TableName: this.#table, Key: { pk: str(pk) }, ...expression }),
      ),
    );
  }

  async recordFailure(certificateId: string, caCertificateId: string, failure: LedgerFailure): Promise<void> {
    await this.#send('UpdateItem', () =>
      this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: { pk: str(certificateKey(certificateId)) },
          UpdateExpression:
            'SET lastError = :e, caCertificateId = if_not_exists(caCertificateId, :ca), outcome = if_not_exists(outcome, :failed), #source = if_not_exists(#source, :handler) ADD attempts :one',
          ExpressionAttributeNames: { '#source': 'source' },
          ExpressionAttributeValues: {
            ':e': failureAttr(failure),
            ':ca': str(caCertificateId.toLowerCase()),
            ':failed': str('failed'),
            ':handler': str('handler'),
            ':one': num(1),
          },
        }),
      ),
    );
  }

  async #readItem(pk: string): Promise<Record<string, AttributeValue> | undefined> {
    const out = await this.#send('GetItem', () =>
      this.#client.send(
        new GetItemCommand({ TableName: this.#table, Key: { pk: { S: pk } }, ConsistentRead: true }),
      ),
    );
    return out.Item;
  }

  async sweepState(caCertificateId: string): Promise<SweepState | null> {
    const out = await this.#send('GetItem', () =>
      this.#client.send(
        new GetItemCommand({
          TableName: this.#table,
          Key: { pk: str(sweepKey(caCertificateId)) },
          ConsistentRead: true,
        }),
      ),
    );
    return sweepStateFrom(out.Item);
  }

  async saveSweepState(state: SweepState, expected: string | null): Promise<boolean> {
    const { pk, ...attributes } = sweepStateItem(sweepKey(state.caCertificateId), state);
    const names = Object.keys(attributes);
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: { pk: pk as Attr },
          UpdateExpression: `SET ${names.map((n) => `#${n} = :${n}`).join(', ')}`,
          ConditionExpression:
            expected === null ? 'attribute_not_exists(pk)' : '#lastSweptCrlNumber = :expected',
          ExpressionAttributeNames: Object.fromEntries(names.map((n) => [`#${n}`, n])),
          ExpressionAttributeValues: {
            ...Object.fromEntries(names.map((n) => [`:${n}`, attributes[n] as Attr])),
            ...(expected === null ? {} : { ':expected': str(expected) }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw ledgerError(error, { operation: 'UpdateItem', tableName: this.#table });
    }
  }

  async acquireSweepLease(
    caCertificateId: string,
    owner: string,
    now: number,
    until: number,
  ): Promise<SweepLeaseAcquisition> {
    const key = { pk: str(sweepLeaseKey(caCertificateId)) as AttributeValue };
    // Twice at most: the holder may release or expire between our two writes.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#client.send(
          new UpdateItemCommand({
            TableName: this.#table,
            Key: key,
            UpdateExpression:
              'SET #owner = :owner, leaseUntil = :until, expiresAt = :expires, caCertificateId = :ca REMOVE rerun',
            ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now OR #owner = :owner',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: {
              ':owner': { S: owner },
              ':until': { N: String(until) },
              ':expires': { N: String(Math.ceil(until / 1000) + LEASE_TTL_GRACE_SECONDS) },
              ':ca': { S: caCertificateId.toLowerCase() },
              ':now': { N: String(now) },
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { acquired: true };
      } catch (error) {
        if (!isConditionFailure(error))
          throw ledgerError(error, { operation: 'UpdateItem', tableName: this.#table });
        // DynamoDB returns the item with the failure; engines that do not (dynalite) are read.
        const holder = leaseHolder(error.Item ?? (await this.#readItem(sweepLeaseKey(caCertificateId))));
        // Ask the holder to sweep again when it is done: it read its CRL before ours landed.
        try {
          await this.#client.send(
            new UpdateItemCommand({
              TableName: this.#table,
              Key: key,
              UpdateExpression: 'SET rerun = :yes',
              ConditionExpression: '#owner = :holder AND leaseUntil >= :now',
              ExpressionAttributeNames: { '#owner': 'owner' },
              ExpressionAttributeValues: {
                ':yes': { BOOL: true },
                ':holder': { S: holder.owner },
                ':now': { N: String(now) },
              },
            }),
          );
          return { acquired: false, ...holder };
        } catch (markError) {
          if (!isConditionFailure(markError) || attempt >= 1)
            throw ledgerError(markError, { operation: 'UpdateItem', tableName: this.#table });
        }
      }
    }
  }

  async renewSweepLease(caCertificateId: string, owner: string, until: number): Promise<boolean> {
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: { pk: str(sweepLeaseKey(caCertificateId)) as AttributeValue },
          UpdateExpression: 'SET leaseUntil = :until, expiresAt = :expires',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':owner': { S: owner },
            ':until': { N: String(until) },
            ':expires': { N: String(Math.ceil(until / 1000) + LEASE_TTL_GRACE_SECONDS) },
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw ledgerError(error, { operation: 'UpdateItem', tableName: this.#table });
    }
  }

  async releaseSweepLease(caCertificateId: string, owner: string): Promise<SweepLeaseRelease> {
    const key = { pk: str(sweepLeaseKey(caCertificateId)) as AttributeValue };
    const names = { '#owner': 'owner' };
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: key,
          UpdateExpression: 'SET leaseUntil = :zero',
          ConditionExpression: '#owner = :owner AND attribute_not_exists(rerun)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':owner': { S: owner }, ':zero': { N: '0' } },
        }),
      );
      return 'released';
    } catch (error) {
      if (!isConditionFailure(error))
        throw ledgerError(error, { operation: 'UpdateItem', tableName: this.#table });
    }
    // Ours with a rerun request, or not ours any more: clear the request if it is ours.
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: key,
          UpdateExpression: 'REMOVE rerun',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':owner': { S: owner } },
        }),
      );
      return 'rerun';
    } catch (error) {
      if (isConditionFailure(error)) return 'lost';
      throw ledgerError(error, { operation: 'UpdateItem', tableName: this.#table });
    }
  }

  async recordRevocation(certificateId: string, revocation: SweepRevocation): Promise<void> {
    await this.#send('UpdateItem', () =>
      this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: { pk: str(certificateKey(certificateId)) },
          UpdateExpression: 'SET revokedBySweep = :r, certificateStatus = :s',
          ExpressionAttributeValues: { ':r': revocationAttr(revocation), ':s': str(revocation.status) },
        }),
      ),
    );
  }
}
