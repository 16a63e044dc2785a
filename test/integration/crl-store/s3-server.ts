// A real S3-compatible server (s3rver) on loopback, behind a thin HTTP front that records every
// request and can inject faults, so tests can count and inspect what the SDK actually sent.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';

/** The part of s3rver's API the tests use (the package ships no types). */
interface S3rverInstance {
  configureBuckets(): Promise<void>;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
}
type S3rverConstructor = new (options: {
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}) => S3rverInstance;

const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

export interface RecordedRequest {
  method: string;
  path: string;
  ifNoneMatch: string | undefined;
  /** The status the client was answered (0 = connection reset before any answer). */
  status: number;
}

/** A canned answer the front gives instead of s3rver, for the next request(s). */
export type Fault = { kind: 's3-error'; status: number; code: string; message: string } | { kind: 'reset' };

export interface TestS3 {
  endpoint: string;
  bucket: string;
  requests: RecordedRequest[];
  /** Queue faults: each is answered to one request, in order, before s3rver sees it. */
  faults: Fault[];
  /** A client for this server: path-style, static credentials, no retries (deterministic counts). */
  client(): S3Client;
  /** Requests that fetched objects (GET, not PUT/HEAD), optionally for one key. */
  gets(key?: string): RecordedRequest[];
  stop(): Promise<void>;
}

/** Starts s3rver on 127.0.0.1 with one bucket in a fresh temporary directory. */
export async function startTestS3(bucket = 'crl-bucket'): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), 'jitr-s3rver-'));
  const s3rver = new S3rver({ silent: true, directory, configureBuckets: [{ name: bucket }] });
  await s3rver.configureBuckets();
  const handle = s3rver.callback();
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const clients: S3Client[] = [];

  const server = createServer((req, res) => {
    const header = req.headers['if-none-match'];
    const record: RecordedRequest = {
      method: req.method ?? '',
      path: decodeURIComponent((req.url ?? '').split('?')[0] ?? ''),
      ifNoneMatch: typeof header === 'string' ? header : undefined,
      status: 0,
    };
    requests.push(record);
    // Record the status when the head is written (before any byte reaches the client), so a
    // test never sees a request whose answer it already has without its status.
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    res.writeHead = ((...args: unknown[]) => {
      record.status = typeof args[0] === 'number' ? args[0] : res.statusCode;
      return writeHead(...args);
    }) as ServerResponse['writeHead'];
    const fault = faults.shift();
    if (fault === undefined) {
      handle(req, res);
    } else if (fault.kind === 'reset') {
      req.socket.destroy();
    } else {
      res.writeHead(fault.status, { 'content-type': 'application/xml' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code}</Code>` +
          `<Message>${fault.message}</Message><RequestId>TEST</RequestId></Error>`,
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    bucket,
    requests,
    faults,
    client() {
      const client = new S3Client({
        endpoint,
        forcePathStyle: true,
        region: 'us-east-1',
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        maxAttempts: 1,
      });
      clients.push(client);
      return client;
    },
    gets(key) {
      return requests.filter(
        (r) => r.method === 'GET' && (key === undefined || r.path === `/${bucket}/${key}`),
      );
    },
    async stop() {
      for (const client of clients) client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
