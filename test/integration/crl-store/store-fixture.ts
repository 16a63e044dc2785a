// Shared fixture of the S3CrlStore integration tests: one s3rver per test file, one EC CA, a
// controllable clock, and a distinct CA id (so a distinct object and cache entry) per test.
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type CertificateFacts, parseCertificate } from '../../../lib/certificate/index.js';
import { S3CrlStore } from '../../../lib/crl/s3-crl-store.js';
import type { JitrError } from '../../../lib/errors/jitr-error.js';
import { buildCrl, type Ca, createCa, issueDeviceCertificate } from '../../../lib/pki/index.js';
import { startTestS3, type TestS3 } from './s3-server.js';

export const T0 = new Date('2026-05-01T00:00:00Z');
export const HOUR = 3_600_000;
export const REFRESH_SECONDS = 300;

export interface StoreFixture {
  server: TestS3;
  s3: S3Client;
  ca: Ca;
  caFacts: CertificateFacts;
  /** DER INTEGER content of the serial the `revoked` CRLs list (`00ff0102`). */
  deviceSerial: Uint8Array;
  /** What the store's clock returns; tests move it. */
  now: Date;
  /** This test's CA id (64 hex). */
  caId: string;
}

/** Registers the hooks and returns the fixture (its fields are set once the hooks ran). */
export function useStoreFixture(): StoreFixture {
  const f = {} as StoreFixture;
  let caseNumber = 0;
  beforeAll(async () => {
    f.server = await startTestS3();
    f.s3 = f.server.client();
    f.ca = createCa({ keyType: 'ec', subject: 'O=Store Test,CN=Store Test CA', now: T0 });
    f.caFacts = parseCertificate(f.ca.certificateDer);
    f.deviceSerial = issueDeviceCertificate({
      ca: f.ca,
      subject: 'CN=dev-1',
      now: T0,
      serial: '00ff0102',
    }).serialBytes;
  });
  afterAll(async () => {
    await f.server.stop();
  });
  beforeEach(() => {
    f.now = new Date(T0.getTime() + HOUR);
    caseNumber += 1;
    f.caId = caseNumber.toString(16).padStart(64, 'c');
    f.server.requests.length = 0;
  });
  return f;
}

/** A CRL of the fixture's CA: thisUpdate T0, nextUpdate T0 + 24 h unless given. */
export function crl(
  f: StoreFixture,
  options: { crlNumber: number; revoked?: boolean; nextUpdate?: Date },
): Uint8Array {
  return buildCrl({
    ca: f.ca,
    thisUpdate: T0,
    nextUpdate: options.nextUpdate ?? new Date(T0.getTime() + 24 * HOUR),
    crlNumber: options.crlNumber,
    entries: options.revoked ? [{ serial: f.deviceSerial, revocationDate: T0, reason: 'keyCompromise' }] : [],
  });
}

/** Uploads an object and returns its ETag. */
export async function put(f: StoreFixture, key: string, body: Uint8Array): Promise<string> {
  const answer = await f.s3.send(new PutObjectCommand({ Bucket: f.server.bucket, Key: key, Body: body }));
  return answer.ETag ?? '';
}

export function store(
  f: StoreFixture,
  options: { maxStalenessSeconds?: number; keyTemplate?: string; bucket?: string } = {},
): S3CrlStore {
  return new S3CrlStore({
    s3: f.s3,
    bucket: options.bucket ?? f.server.bucket,
    ...(options.keyTemplate === undefined ? {} : { keyTemplate: options.keyTemplate }),
    refreshSeconds: REFRESH_SECONDS,
    maxStalenessSeconds: options.maxStalenessSeconds ?? 0,
    clock: () => f.now,
  });
}

export function advance(f: StoreFixture, ms: number): void {
  f.now = new Date(f.now.getTime() + ms);
}

/** The GET requests for an object (default: this test's CRL) since the last call, as [If-None-Match, status]. */
export function takeGets(f: StoreFixture, key = `crl/${f.caId}.crl`): [string | undefined, number][] {
  const gets = f.server.gets(key).map((r) => [r.ifNoneMatch, r.status] as [string | undefined, number]);
  f.server.requests.length = 0;
  return gets;
}

export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as JitrError).code;
  }
  throw new Error('expected a rejection');
}
