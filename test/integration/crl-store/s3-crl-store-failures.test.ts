// S3CrlStore's mapping of S3 failures, with faults injected by the server front (real HTTP
// answers deserialised by the real SDK).
import { describe, expect, it } from 'vitest';
import type { JitrError } from '../../../lib/errors/jitr-error.js';
import {
  advance,
  codeOf,
  crl,
  put,
  REFRESH_SECONDS,
  store,
  takeGets,
  useStoreFixture,
} from './store-fixture.js';

const f = useStoreFixture();

describe('S3CrlStore S3 failures', () => {
  it('maps AccessDenied to a configuration error naming s3:GetObject and the object', async () => {
    // Prepare
    f.server.faults.push({ kind: 's3-error', status: 403, code: 'AccessDenied', message: 'Access Denied' });
    const crls = store(f);

    // Act
    const error = await crls.get(f.caId, f.caFacts).then(
      () => undefined,
      (e: unknown) => e as JitrError,
    );

    // Assess
    expect(error?.toJSON()).toEqual({
      name: 'CrlAccessDeniedError',
      code: 'CrlAccessDenied',
      disposition: 'configuration',
      step: 'crl',
      message: `Access denied reading the CRL s3://${f.server.bucket}/crl/${f.caId}.crl`,
      remedy: `Allow s3:GetObject on arn:aws:s3:::${f.server.bucket}/crl/${f.caId}.crl for the handler's role (and check that the object exists: without s3:ListBucket S3 reports a missing object as AccessDenied).`,
      awsErrorName: 'AccessDenied',
      missingPermission: 's3:GetObject',
      resource: `arn:aws:s3:::${f.server.bucket}/crl/${f.caId}.crl`,
      details: {
        bucket: f.server.bucket,
        key: `crl/${f.caId}.crl`,
        caCertificateId: f.caId,
        missingPermission: 's3:GetObject',
        resource: `arn:aws:s3:::${f.server.bucket}/crl/${f.caId}.crl`,
      },
    });
  });

  it('maps 5xx, throttling and a reset connection to transient CrlUnavailable, and keeps the cache', async () => {
    // Prepare
    const etag = await put(f, `crl/${f.caId}.crl`, crl(f, { crlNumber: 1 }));
    const crls = store(f);
    const first = await crls.get(f.caId, f.caFacts);
    advance(f, REFRESH_SECONDS * 1000);
    f.server.faults.push(
      { kind: 's3-error', status: 500, code: 'InternalError', message: 'We encountered an internal error.' },
      { kind: 's3-error', status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
      { kind: 'reset' },
    );
    takeGets(f);

    // Act
    const errors: JitrError[] = [];
    for (let i = 0; i < 3; i++) {
      await crls.get(f.caId, f.caFacts).catch((e: unknown) => errors.push(e as JitrError));
    }
    const afterFaults = await crls.get(f.caId, f.caFacts);

    // Assess
    expect(errors.map((e) => [e.code, e.disposition, e.awsErrorName, e.details.httpStatusCode])).toEqual([
      ['CrlUnavailable', 'transient', 'InternalError', 500],
      ['CrlUnavailable', 'transient', 'SlowDown', 503],
      ['CrlUnavailable', 'transient', undefined, undefined],
    ]);
    // Each failed refresh left the cache as it was, so the next get revalidated it.
    expect(takeGets(f)).toEqual([
      [etag, 500],
      [etag, 503],
      [etag, 0],
      [etag, 304],
    ]);
    expect(afterFaults).toBe(first);
  });

  it('maps a missing bucket to CrlBucketNotFound', async () => {
    // Prepare
    const crls = store(f, { bucket: 'no-such-bucket' });

    // Act / Assess
    expect(await codeOf(crls.get(f.caId, f.caFacts))).toBe('CrlBucketNotFound');
  });
});
