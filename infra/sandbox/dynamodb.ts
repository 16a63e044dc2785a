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
}): Promise<DynamoDbSandbox> {
  const host = options.host ?? '127.0.0.1';
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const latencyMs = options.latencyMs;
  if (latencyMs !== undefined) {
    // Put the latency in front of dynalite's own request handler.
    const handlers = server.listeners('request') as Array<(...args: unknown[]) => void>;
    server.removeAllListeners('request');
    server.on('request', (...args: unknown[]) => {
      const run = () => {
        for (const handler of handlers) handler.apply(server, args);
      };
      const ms = latencyMs();
      if (ms > 0) setTimeout(run, ms);
      else run();
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
