// S3CrlStore against a real S3-compatible server (s3rver) on loopback: every request the SDK
// sends is recorded by the server front, so the counts and conditional headers are exact.
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildCrl, type Ca, createCa, issueDeviceCertificate } from '../../../infra/pki/index.js';
import { type CertificateFacts, parseCertificate } from '../../../lib/certificate/index.js';
import { S3CrlStore } from '../../../lib/crl/s3-crl-store.js';
import type { JitrError } from '../../../lib/errors.js';
import { type RecordedRequest, startTestS3, type TestS3 } from './s3-server.js';

const T0 = new Date('2026-05-01T00:00:00Z');
const HOUR = 3_600_000;
const REFRESH_SECONDS = 300;

let server: TestS3;
let s3: S3Client;
let ca: Ca;
let caFacts: CertificateFacts;
let deviceSerial: Uint8Array;
let now: Date;
let caseNumber = 0;
let caId: string;

function crl(options: { crlNumber: number; revoked?: boolean; nextUpdate?: Date }): Uint8Array {
  return buildCrl({
    ca,
    thisUpdate: T0,
    nextUpdate: options.nextUpdate ?? new Date(T0.getTime() + 24 * HOUR),
    crlNumber: options.crlNumber,
    entries: options.revoked ? [{ serial: deviceSerial, revocationDate: T0, reason: 'keyCompromise' }] : [],
  });
}

async function put(key: string, body: Uint8Array): Promise<string> {
  const answer = await s3.send(new PutObjectCommand({ Bucket: server.bucket, Key: key, Body: body }));
  return answer.ETag ?? '';
}

function store(options: { maxStalenessSeconds?: number; keyTemplate?: string } = {}): S3CrlStore {
  return new S3CrlStore({
    s3,
    bucket: server.bucket,
    ...(options.keyTemplate === undefined ? {} : { keyTemplate: options.keyTemplate }),
    refreshSeconds: REFRESH_SECONDS,
    maxStalenessSeconds: options.maxStalenessSeconds ?? 0,
    clock: () => now,
  });
}

function advance(ms: number): void {
  now = new Date(now.getTime() + ms);
}

/** The GET requests for this case's object since the last call, as [If-None-Match, status]. */
function takeGets(key = `crl/${caId}.crl`): [string | undefined, number][] {
  const gets = server
    .gets(key)
    .map((r: RecordedRequest) => [r.ifNoneMatch, r.status] as [string | undefined, number]);
  server.requests.length = 0;
  return gets;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as JitrError).code;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  server = await startTestS3();
  s3 = server.client();
  ca = createCa({ keyType: 'ec', subject: 'O=Store Test,CN=Store Test CA', now: T0 });
  caFacts = parseCertificate(ca.certificateDer);
  deviceSerial = issueDeviceCertificate({ ca, subject: 'CN=dev-1', now: T0, serial: '00ff0102' }).serialBytes;
});

afterAll(async () => {
  await server.stop();
});

beforeEach(() => {
  now = new Date(T0.getTime() + HOUR);
  caseNumber += 1;
  // A distinct CA id per case keeps each case's object and cache apart.
  caId = caseNumber.toString(16).padStart(64, 'c');
  server.requests.length = 0;
});

describe('S3CrlStore', () => {
  it('downloads and verifies the CRL on first use, then serves it from memory within refreshSeconds', async () => {
    // Prepare
    await put(`crl/${caId}.crl`, crl({ crlNumber: 1, revoked: true }));
    server.requests.length = 0;
    const crls = store();

    // Act
    const first = await crls.get(caId, caFacts);
    const firstGets = takeGets();
    advance((REFRESH_SECONDS - 1) * 1000);
    const second = await crls.get(caId, caFacts);

    // Assess
    expect(firstGets).toEqual([[undefined, 200]]);
    expect(takeGets()).toEqual([]);
    expect(second).toBe(first);
    expect(first?.crlNumber).toBe('1');
    expect(first?.entryCount).toBe(1);
    expect(first?.lookup(deviceSerial)).toEqual({
      serialHex: '00ff0102',
      revocationDate: T0,
      reason: 'keyCompromise',
    });
  });

  it('revalidates with If-None-Match after refreshSeconds and keeps the cache on 304', async () => {
    // Prepare
    const etag = await put(`crl/${caId}.crl`, crl({ crlNumber: 1 }));
    const crls = store();
    const first = await crls.get(caId, caFacts);
    takeGets();

    // Act
    advance(REFRESH_SECONDS * 1000);
    const revalidated = await crls.get(caId, caFacts);
    const conditional = takeGets();
    advance((REFRESH_SECONDS - 1) * 1000);
    const cached = await crls.get(caId, caFacts);

    // Assess
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(conditional).toEqual([[etag, 304]]);
    expect(revalidated).toBe(first);
    // The 304 restarted the refresh interval.
    expect(takeGets()).toEqual([]);
    expect(cached).toBe(first);
  });

  it('verifies a changed object and swaps it in', async () => {
    // Prepare
    const etag1 = await put(`crl/${caId}.crl`, crl({ crlNumber: 1 }));
    const crls = store();
    const first = await crls.get(caId, caFacts);
    await put(`crl/${caId}.crl`, crl({ crlNumber: 2, revoked: true }));
    takeGets();

    // Act
    advance(REFRESH_SECONDS * 1000);
    const second = await crls.get(caId, caFacts);

    // Assess
    expect(takeGets()).toEqual([[etag1, 200]]);
    expect(first?.lookup(deviceSerial)).toBeNull();
    expect(second).not.toBe(first);
    expect(second?.crlNumber).toBe('2');
    expect(second?.lookup(deviceSerial)?.reason).toBe('keyCompromise');
  });

  it('fails closed when the new object is invalid, without re-downloading it until refreshSeconds pass', async () => {
    // Prepare
    await put(`crl/${caId}.crl`, crl({ crlNumber: 1 }));
    const crls = store();
    await crls.get(caId, caFacts);
    // A flipped bit in the signature: the object no longer verifies with the CA's key.
    const tampered = Buffer.from(crl({ crlNumber: 2 }));
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 0x01;
    await put(`crl/${caId}.crl`, tampered);
    takeGets();

    // Act
    advance(REFRESH_SECONDS * 1000);
    const afterSwap = await codeOf(crls.get(caId, caFacts));
    const swapGets = takeGets();
    advance(1000);
    const cachedVerdict = await codeOf(crls.get(caId, caFacts));
    const cachedGets = takeGets();
    advance(REFRESH_SECONDS * 1000);
    const recheck = await codeOf(crls.get(caId, caFacts));
    const recheckGets = takeGets();
    await put(`crl/${caId}.crl`, crl({ crlNumber: 3, revoked: true }));
    advance(REFRESH_SECONDS * 1000);
    const recovered = await crls.get(caId, caFacts);

    // Assess
    expect([afterSwap, cachedVerdict, recheck]).toEqual([
      'CrlSignatureInvalid',
      'CrlSignatureInvalid',
      'CrlSignatureInvalid',
    ]);
    expect(swapGets).toHaveLength(1);
    expect(swapGets[0]?.[1]).toBe(200);
    expect(cachedGets).toEqual([]);
    // An invalid object is fetched unconditionally: its verdict may depend on the time.
    expect(recheckGets).toEqual([[undefined, 200]]);
    expect(recovered?.crlNumber).toBe('3');
  });

  it('returns null for a missing object, remembers that for refreshSeconds, then picks up a new CRL', async () => {
    // Prepare
    const crls = store();

    // Act
    const missing = await crls.get(caId, caFacts);
    const missingGets = takeGets();
    const again = await crls.get(caId, caFacts);
    const againGets = takeGets();
    await put(`crl/${caId}.crl`, crl({ crlNumber: 1 }));
    takeGets();
    advance(REFRESH_SECONDS * 1000);
    const published = await crls.get(caId, caFacts);

    // Assess
    expect(missing).toBeNull();
    expect(missingGets).toEqual([[undefined, 404]]);
    expect(again).toBeNull();
    expect(againGets).toEqual([]);
    expect(takeGets()).toEqual([[undefined, 200]]);
    expect(published?.crlNumber).toBe('1');
  });

  it('shares one download between 20 concurrent gets for one CA', async () => {
    // Prepare
    await put(`crl/${caId}.crl`, crl({ crlNumber: 7 }));
    takeGets();
    const crls = store();

    // Act
    const results = await Promise.all(Array.from({ length: 20 }, () => crls.get(caId, caFacts)));

    // Assess
    expect(takeGets()).toEqual([[undefined, 200]]);
    expect(new Set(results).size).toBe(1);
    expect(results[0]?.crlNumber).toBe('7');
  });

  it('shares one conditional request between 20 concurrent gets after refreshSeconds', async () => {
    // Prepare
    const etag = await put(`crl/${caId}.crl`, crl({ crlNumber: 1 }));
    const crls = store();
    const first = await crls.get(caId, caFacts);
    takeGets();
    advance(REFRESH_SECONDS * 1000);

    // Act
    const results = await Promise.all(Array.from({ length: 20 }, () => crls.get(caId, caFacts)));

    // Assess
    expect(takeGets()).toEqual([[etag, 304]]);
    expect(results.every((r) => r === first)).toBe(true);
  });

  it('re-checks the freshness of the cached CRL on every get and revalidates it once past nextUpdate', async () => {
    // Prepare
    const nextUpdate = new Date(T0.getTime() + 2 * HOUR);
    const etag = await put(`crl/${caId}.crl`, crl({ crlNumber: 1, nextUpdate }));
    const crls = store({ maxStalenessSeconds: 60 });
    const first = await crls.get(caId, caFacts);
    takeGets();

    // Act
    now = new Date(nextUpdate.getTime() + 30_000); // past nextUpdate, inside the 60 s grace
    const inGrace = await crls.get(caId, caFacts);
    const graceGets = takeGets();
    now = new Date(nextUpdate.getTime() + 61_000); // past the grace
    const stale = await codeOf(crls.get(caId, caFacts));
    const staleGets = takeGets();

    // Assess
    expect(inGrace).toBe(first);
    // Past nextUpdate the issuer should have published a newer CRL, so the store asks at once.
    expect(graceGets).toEqual([[etag, 304]]);
    expect(stale).toBe('CrlStale');
    expect(staleGets).toEqual([[etag, 304]]);
  });

  it('reads the key the template names', async () => {
    // Prepare
    await put(`tenants/acme/${caId}/crl.der`, crl({ crlNumber: 4 }));
    takeGets();
    const crls = store({ keyTemplate: 'tenants/acme/{caCertificateId}/crl.der' });

    // Act
    const result = await crls.get(caId, caFacts);

    // Assess
    expect(crls.keyFor(caId)).toBe(`tenants/acme/${caId}/crl.der`);
    expect(takeGets(`tenants/acme/${caId}/crl.der`)).toEqual([[undefined, 200]]);
    expect(result?.crlNumber).toBe('4');
  });
});

describe('S3CrlStore S3 failures', () => {
  it('maps AccessDenied to a configuration error naming s3:GetObject and the object', async () => {
    // Prepare
    server.faults.push({ kind: 's3-error', status: 403, code: 'AccessDenied', message: 'Access Denied' });
    const crls = store();

    // Act
    const error = await crls.get(caId, caFacts).then(
      () => undefined,
      (e: unknown) => e as JitrError,
    );

    // Assess
    expect(error?.toJSON()).toEqual({
      name: 'CrlAccessDeniedError',
      code: 'CrlAccessDenied',
      outcome: 'configuration',
      step: 'crl',
      message: `Access denied reading the CRL s3://${server.bucket}/crl/${caId}.crl`,
      remedy: `Allow s3:GetObject on arn:aws:s3:::${server.bucket}/crl/${caId}.crl for the handler's role (and check that the object exists: without s3:ListBucket S3 reports a missing object as AccessDenied).`,
      awsErrorName: 'AccessDenied',
      details: {
        bucket: server.bucket,
        key: `crl/${caId}.crl`,
        caCertificateId: caId,
        missingPermission: 's3:GetObject',
        resource: `arn:aws:s3:::${server.bucket}/crl/${caId}.crl`,
      },
    });
  });

  it('maps 5xx, throttling and a reset connection to transient CrlUnavailable, and keeps the cache', async () => {
    // Prepare
    const etag = await put(`crl/${caId}.crl`, crl({ crlNumber: 1 }));
    const crls = store();
    const first = await crls.get(caId, caFacts);
    advance(REFRESH_SECONDS * 1000);
    server.faults.push(
      { kind: 's3-error', status: 500, code: 'InternalError', message: 'We encountered an internal error.' },
      { kind: 's3-error', status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
      { kind: 'reset' },
    );
    takeGets();

    // Act
    const errors: JitrError[] = [];
    for (let i = 0; i < 3; i++) {
      await crls.get(caId, caFacts).catch((e: unknown) => errors.push(e as JitrError));
    }
    const afterFaults = await crls.get(caId, caFacts);

    // Assess
    expect(errors.map((e) => [e.code, e.outcome, e.awsErrorName, e.details.httpStatusCode])).toEqual([
      ['CrlUnavailable', 'transient', 'InternalError', 500],
      ['CrlUnavailable', 'transient', 'SlowDown', 503],
      ['CrlUnavailable', 'transient', undefined, undefined],
    ]);
    // Each failed refresh left the cache as it was, so the next get revalidated it.
    expect(takeGets()).toEqual([
      [etag, 500],
      [etag, 503],
      [etag, 0],
      [etag, 304],
    ]);
    expect(afterFaults).toBe(first);
  });

  it('maps a missing bucket to CrlBucketNotFound', async () => {
    // Prepare
    const crls = new S3CrlStore({
      s3,
      bucket: 'no-such-bucket',
      refreshSeconds: REFRESH_SECONDS,
      maxStalenessSeconds: 0,
      clock: () => now,
    });

    // Act / Assess
    expect(await codeOf(crls.get(caId, caFacts))).toBe('CrlBucketNotFound');
  });
});
