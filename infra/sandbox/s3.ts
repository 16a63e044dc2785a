import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientHost } from './http.js';

/** The S3 side: a real S3-compatible server (s3rver) on loopback, storing in a temp dir. */
export interface S3Sandbox {
  endpoint: string;
  directory: string;
  /** Creates a bucket (no error if it exists). */
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts s3rver. s3rver checks SigV4 signatures against its fixed key pair, so clients must
 * use the sandbox's credentials (`S3RVER` / `S3RVER`); `forcePathStyle: true` is needed.
 */
export async function startS3(options: {
  port: number;
  buckets: string[];
  host?: string;
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
  let port: number;
  try {
    ({ port } = await server.run());
  } catch (error) {
    // A port in use: leave no temp dir behind.
    await rm(directory, { recursive: true, force: true });
    throw error;
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
