/**
 * A local AWS account for `jitr sandbox start --jitr`, the demo, the end-to-end tests and the
 * benchmarks: the sandbox
 * on loopback, SDK clients pointed at it, a bucket for CRLs and templates, the DLQ, and CAs
 * registered for auto-registration with their CRLs published.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { IoTClient } from '@aws-sdk/client-iot';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDbLedger } from '../../lib/ledger/dynamodb-ledger.js';
import type { CrlEntryInput } from '../../lib/pki/build-crl.js';
import { type Ca, type CreateCaOptions, createCa } from '../../lib/pki/certificates.js';
import { createS3Client } from '../../lib/runtime/aws-clients.js';
import { createIotSetupClient, createSqsClient } from '../../lib/runtime/operations-clients.js';
import { type FaultOptions, type QuotaOption, type Sandbox, startSandbox } from '../sandbox/index.js';
import { createBucket, createQueue, publishCrl, registerCa } from './aws-setup.js';

export const BUCKET = 'jitr-demo';
export const DLQ_NAME = 'jitr-dlq';
/** The stack's RegistrationStateTable, in the sandbox's DynamoDB (dynalite). */
export const STATE_TABLE = 'jitr-registration-state';

export interface LocalAws {
  sandbox: Sandbox;
  iot: IoTClient;
  s3: S3Client;
  sqs: SQSClient;
  bucket: string;
  queueUrl: string;
  /** The registration-state table (created at start, as the stack creates it). */
  stateTable: string;
  stop(): Promise<void>;
}

export interface LocalAwsOptions {
  quotas?: QuotaOption;
  faults?: FaultOptions;
  /** Start the MQTT-over-TLS endpoint (devices connect for real). */
  mqtt?: boolean;
  /** Fixed base port (see startSandbox); default random free ports. */
  port?: number;
  region?: string;
  account?: string;
  /** The CRL (and template) bucket; default `jitr-demo`. */
  bucket?: string;
  /** The DLQ's name; default `jitr-dlq`. */
  queueName?: string;
}

/** Starts the sandbox and creates the bucket and the DLQ through the SDK. */
export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const sandbox = await startSandbox({
    port: options.port ?? 0,
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.account === undefined ? {} : { account: options.account }),
    ...(options.quotas === undefined ? {} : { quotas: options.quotas }),
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    mqtt: options.mqtt === true,
    stateTables: [STATE_TABLE],
  });
  const common = { region: sandbox.region, credentials: sandbox.credentials };
  const iot = createIotSetupClient({ ...common, endpoint: sandbox.endpoints.iot });
  const s3 = createS3Client({ ...common, endpoint: sandbox.endpoints.s3 });
  const sqs = createSqsClient({ ...common, endpoint: sandbox.endpoints.sqs });
  const stop = async (): Promise<void> => {
    for (const client of [iot, s3, sqs]) client.destroy();
    await sandbox.stop();
  };
  try {
    const bucket = options.bucket ?? BUCKET;
    await createBucket(s3, bucket);
    const queueUrl = await createQueue(sqs, options.queueName ?? DLQ_NAME);
    return { sandbox, iot, s3, sqs, bucket, queueUrl, stateTable: STATE_TABLE, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The ledger in the sandbox's registration-state table, through the real SDK (what `jitr status`
 * and `jitr replay --table` read); `close` it after.
 */
export function localLedger(aws: LocalAws): { ledger: DynamoDbLedger; close(): void } {
  const client = new DynamoDBClient({
    endpoint: aws.sandbox.endpoints.dynamodb,
    region: aws.sandbox.region,
    credentials: aws.sandbox.credentials,
  });
  return {
    ledger: new DynamoDbLedger({ client, tableName: aws.stateTable }),
    close: () => client.destroy(),
  };
}

export type CrlState = 'fresh' | 'stale' | 'none';

export interface LocalCa {
  ca: Ca;
  caCertificateId: string;
  /** Republishes the CRL with these entries (CRL number incremented). */
  publishCrl(entries: CrlEntryInput[], state?: Exclude<CrlState, 'none'>): Promise<void>;
}

/**
 * Creates an EC P-256 CA, registers it (ACTIVE, auto-registration on, no JITP template) and
 * publishes its CRL: `fresh` (valid for a day), `stale` (nextUpdate two days ago, beyond any
 * grace the tests configure) or `none` (no object).
 */
export async function addCa(
  aws: LocalAws,
  options: { commonName: string; crl?: CrlState; keyUsage?: CreateCaOptions['keyUsage'] },
): Promise<LocalCa> {
  const ca = createCa({
    keyType: 'ec',
    ...(options.keyUsage === undefined ? {} : { keyUsage: options.keyUsage }),
    subject: [
      { type: 'C', value: 'JP' },
      { type: 'O', value: 'Example Corp' },
      { type: 'CN', value: options.commonName },
    ],
  });
  const caCertificateId = await registerCa(aws.iot, ca);
  let crlNumber = 0;
  const local: LocalCa = {
    ca,
    caCertificateId,
    async publishCrl(entries, state = 'fresh') {
      crlNumber += 1;
      const at = Date.now();
      const thisUpdate = new Date(state === 'fresh' ? at - 60_000 : at - 9 * 86_400_000);
      const nextUpdate = new Date(state === 'fresh' ? at + 86_400_000 : at - 2 * 86_400_000);
      await publishCrl(aws.s3, aws.bucket, caCertificateId, {
        ca,
        entries,
        crlNumber,
        thisUpdate,
        nextUpdate,
      });
    },
  };
  const state = options.crl ?? 'fresh';
  if (state !== 'none') await local.publishCrl([], state);
  return local;
}
