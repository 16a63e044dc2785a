/**
 * The SDK adapter of {@link RegistrationStateStore} over one DynamoDB table (partition key
 * `pk`, string; TTL attribute `expiresAt`, epoch seconds). Item of a certificate:
 * `pk = cert#<certificateId>`, `state` claimed|settled, `leaseUntil` (epoch ms), `owner`,
 * `expiresAt` only while claimed; `outcome`, `code`, `settledAt` (epoch ms), `registeredAt`
 * (epoch ms), `caCertificateId` once settled.
 */
import {
  type AttributeValue,
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CLAIM_TTL_GRACE_SECONDS,
  type ClaimRequest,
  type ClaimResult,
  certificateKey,
  type RegistrationStateStore,
  type SettledState,
  type SettleRequest,
} from './state-store.js';

/** BatchGetItem reads at most 100 keys per call. */
const BATCH_GET_KEYS = 100;

type Item = Record<string, AttributeValue>;

function text(item: Item | undefined, name: string): string | null {
  const value = item?.[name];
  return value !== undefined && 'S' in value && typeof value.S === 'string' ? value.S : null;
}

function number(item: Item | undefined, name: string): number | null {
  const value = item?.[name];
  if (value === undefined || !('N' in value) || typeof value.N !== 'string') return null;
  const parsed = Number(value.N);
  return Number.isFinite(parsed) ? parsed : null;
}

/** What a claim that lost its condition found in the item. */
export function claimResultFromItem(item: Item | undefined, now: number): ClaimResult | null {
  if (text(item, 'state') === 'settled') {
    return {
      kind: 'settled',
      outcome: text(item, 'outcome') ?? 'unknown',
      code: text(item, 'code'),
      settledAt: number(item, 'settledAt'),
    };
  }
  const leaseUntil = number(item, 'leaseUntil');
  if (text(item, 'state') === 'claimed' && leaseUntil !== null && leaseUntil >= now) {
    return { kind: 'leased', owner: text(item, 'owner') ?? '', leaseUntil };
  }
  // Gone or expired between the write and the read: the caller claims again.
  return null;
}

export class DynamoDbStateStore implements RegistrationStateStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    // Twice at most: the item may expire or vanish between the failed write and the read.
    const first = await this.tryClaim(request);
    if (first !== null) return first;
    return (await this.tryClaim(request)) ?? { kind: 'leased', owner: '', leaseUntil: request.now };
  }

  private async tryClaim(request: ClaimRequest): Promise<ClaimResult | null> {
    const leaseUntil = request.now + request.leaseMs;
    const values: Item = {
      ':claimed': { S: 'claimed' },
      ':now': { N: String(request.now) },
      ':owner': { S: request.owner },
      ':lease': { N: String(leaseUntil) },
      ':expires': { N: String(Math.ceil(leaseUntil / 1000) + CLAIM_TTL_GRACE_SECONDS) },
    };
    // Free, or an expired lease, or our own lease (a retry of this delivery). A settled item
    // of an older registration of the same certificate (deleted, registered again) is free too.
    let condition =
      'attribute_not_exists(pk) OR (#state = :claimed AND (leaseUntil < :now OR #owner = :owner))';
    if (request.registeredAt !== null) {
      condition += ' OR (#state = :settled AND registeredAt < :registeredAt)';
      values[':settled'] = { S: 'settled' };
      values[':registeredAt'] = { N: String(request.registeredAt) };
    }
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: certificateKey(request.certificateId) } },
          UpdateExpression:
            'SET #state = :claimed, #owner = :owner, leaseUntil = :lease, expiresAt = :expires REMOVE outcome, code, settledAt',
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'claimed', leaseUntil };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const item = error.Item ?? (await this.read(request.certificateId));
      return claimResultFromItem(item, request.now);
    }
  }

  async settle(request: SettleRequest): Promise<void> {
    const values: Item = {
      ':settled': { S: 'settled' },
      ':outcome': { S: request.outcome },
      ':at': { N: String(request.now) },
      ':ca': { S: request.caCertificateId },
      ':code': request.code === null ? { NULL: true } : { S: request.code },
    };
    let update =
      'SET #state = :settled, outcome = :outcome, code = :code, settledAt = :at, caCertificateId = :ca';
    if (request.registeredAt !== null) {
      update += ', registeredAt = :registeredAt';
      values[':registeredAt'] = { N: String(request.registeredAt) };
    }
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: certificateKey(request.certificateId) } },
        UpdateExpression: `${update} REMOVE expiresAt, leaseUntil, #owner`,
        ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
        ExpressionAttributeValues: values,
      }),
    );
  }

  async release(certificateId: string, owner: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: certificateKey(certificateId) } },
          UpdateExpression: 'SET leaseUntil = :zero',
          ConditionExpression: '#state = :claimed AND #owner = :owner',
          ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':zero': { N: '0' },
            ':claimed': { S: 'claimed' },
            ':owner': { S: owner },
          },
        }),
      );
    } catch (error) {
      // Someone else's lease or a settled item by now: nothing of ours to release.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async readSettled(certificateIds: readonly string[]): Promise<Map<string, SettledState>> {
    const found = new Map<string, SettledState>();
    const byKey = new Map(certificateIds.map((id) => [certificateKey(id), id]));
    const unique = [...byKey.keys()];
    for (let i = 0; i < unique.length; i += BATCH_GET_KEYS) {
      const keys = unique.slice(i, i + BATCH_GET_KEYS).map((pk) => ({ pk: { S: pk } }));
      const answer = await this.client.send(
        new BatchGetItemCommand({
          RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } },
        }),
      );
      // Unprocessed keys are simply not known here: their records claim one by one.
      for (const item of answer.Responses?.[this.tableName] ?? []) {
        const id = byKey.get(text(item, 'pk') ?? '');
        const settled = claimResultFromItem(item, 0);
        if (id === undefined || settled?.kind !== 'settled') continue;
        found.set(id, {
          outcome: settled.outcome,
          code: settled.code,
          settledAt: settled.settledAt,
          registeredAt: number(item, 'registeredAt'),
        });
      }
    }
    return found;
  }

  private async read(certificateId: string): Promise<Item | undefined> {
    const answer = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: certificateKey(certificateId) } },
        ConsistentRead: true,
      }),
    );
    return answer.Item;
  }
}
