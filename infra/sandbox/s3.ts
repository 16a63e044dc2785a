import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientHost } from './http.js';
import { instrumentServer, operationOf, type RequestLog } from './request-log.js';

/** The S3 side: a real S3-compatible server (s3rver) on loopback, storing in a temp dir. */
export interface S3Sandbox {
  endpoint: string;
  directory: string;
  /** Creates a bucket (no error if it exists). */
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * s3rver answers a PUT when its MD5 pass has seen the body, while the file write (which
 * truncated the object first) may still be under way; the next GET reports the file's current
 * size, so a CRL read right after it is republished can come back empty or cut. Wait until the
 * file holds every byte before answering, as S3 does (read-after-write).
 */
export function flushBeforeAnswering(store: import('s3rver').default['store']): void {
  const put = store.putObject.bind(store);
  store.putObject = async (object) => {
    const written = await put(object);
    const path = store.getResourcePath(object.bucket, object.key, 'object');
    for (let waited = 0; (await stat(path)).size < written.size; waited += 2) {
      if (waited > 10_000) throw new Error(`s3rver did not finish writing ${object.bucket}/${object.key}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return written;
  };
}

/**
 * Starts s3rver. s3rver checks SigV4 signatures against its fixed key pair, so clients must
 * use the sandbox's credentials (`S3RVER` / `S3RVER`); `forcePathStyle: true` is needed.
 */
export async function startS3(options: {
  port: number;
  buckets: string[];
  host?: string;
  /** Delay before each request is answered (the sandbox's latency fault). */
  latencyMs?: () => number;
  /** The sandbox's request log (the latency bench). */
  requestLog?: RequestLog;
}): Promise<S3Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const directory = await mkdtemp(join(tmpdir(), 'jitr-sandbox-s3-'));
  const { default: S3rver } = await import('s3rver');
  const server = new S3rver({
    port: options.port,
    address: host,
    silent: true,
    directory,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] })),
  });
  flushBeforeAnswering(server.store);
  let port: number;
  try {
    ({ port } = await server.run());
  } catch (error) {
    // A port in use: leave no temp dir behind.
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const httpServer = server.httpServer;
  if (httpServer !== undefined && (options.latencyMs !== undefined || options.requestLog !== undefined)) {
    instrumentServer(httpServer, 's3', {
      latencyMs: options.latencyMs ?? (() => 0),
      ...(options.requestLog === undefined ? {} : { log: options.requestLog }),
      operationOf,
    });
  }
  const endpoint = `http://${clientHost(host)}:${port}`;
  return {
    endpoint,
    directory,
    async createBucket(name: string): Promise<void> {
      // s3rver accepts unsigned requests; an existing bucket answers 409, which is fine here.
      const res = await fetch(`${endpoint}/${encodeURIComponent(name)}`, { method: 'PUT' });
      if (!res.ok && res.status !== 409) throw new Error(`s3rver refused bucket ${name}: HTTP ${res.status}`);
      await res.arrayBuffer();
    },
    async stop(): Promise<void> {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
