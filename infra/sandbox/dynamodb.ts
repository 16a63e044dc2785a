/**
 * The DynamoDB side: dynalite (a DynamoDB engine on LevelDB, in memory here) on loopback
 * (or the sandbox's `host`, like every other server).
 * Clients reach it with `AWS_ENDPOINT_URL_DYNAMODB`. Tables are ACTIVE at once.
 */
import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { STATE_TABLE_KEY, STATE_TABLE_TTL_ATTRIBUTE } from '../../lib/registration-state/state-store.js';
import { clientHost, closeServer, listenLoopback } from './http.js';
import { instrumentServer, operationOf, type RequestLog } from './request-log.js';

export interface DynamoDbSandbox {
  endpoint: string;
  /** Creates a table shaped like template.yaml's RegistrationStateTable (no error if it exists). */
  createStateTable(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startDynamoDb(options: {
  port: number;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  host?: string;
  /** Delay before each request is answered (the sandbox's latency fault). */
  latencyMs?: () => number;
  /** The sandbox's request log (the latency bench). */
  requestLog?: RequestLog;
}): Promise<DynamoDbSandbox> {
  const host = options.host ?? '127.0.0.1';
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const latencyMs = options.latencyMs;
  if (latencyMs !== undefined || options.requestLog !== undefined) {
    instrumentServer(server, 'dynamodb', {
      latencyMs: latencyMs ?? (() => 0),
      ...(options.requestLog === undefined ? {} : { log: options.requestLog }),
      operationOf,
    });
  }
  const port = await listenLoopback(server, options.port, host);
  const endpoint = `http://${clientHost(host)}:${port}`;
  const client = new DynamoDBClient({ endpoint, region: options.region, credentials: options.credentials });
  return {
    endpoint,
    async createStateTable(name) {
      try {
        await client.send(
          new CreateTableCommand({
            TableName: name,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [{ AttributeName: STATE_TABLE_KEY, AttributeType: 'S' }],
            KeySchema: [{ AttributeName: STATE_TABLE_KEY, KeyType: 'HASH' }],
          }),
        );
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
        return;
      }
      try {
        // dynalite has no TTL (items never expire here); AWS answers this call, so ask.
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: name,
            TimeToLiveSpecification: { AttributeName: STATE_TABLE_TTL_ATTRIBUTE, Enabled: true },
          }),
        );
      } catch {
        // Unsupported by dynalite: expired claims are handled by the lease condition anyway.
      }
    },
    async stop() {
      client.destroy();
      await closeServer(server);
    },
  };
}
