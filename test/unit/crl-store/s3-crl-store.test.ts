// Edge cases of S3CrlStore that a real S3 server cannot produce on demand; the SDK is faked at
// command level. The main behaviour is tested against s3rver in test/integration/crl-store.
import { GetObjectCommand, type GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CertificateFacts, parseCertificate } from '../../../lib/certificate/index.js';
import { crlObjectKey, DEFAULT_CRL_KEY_TEMPLATE } from '../../../lib/crl/object-key.js';
import { S3CrlStore } from '../../../lib/crl/s3-crl-store.js';
import type { JitrError } from '../../../lib/errors/jitr-error.js';
import { buildCrl, createCa } from '../../../lib/pki/index.js';
import { expectJitrError } from '../../helpers/expect-jitr-error.js';

const T0 = new Date('2026-06-01T00:00:00Z');
const CA_ID = 'b'.repeat(64);
const s3 = mockClient(S3Client);

let caA: CertificateFacts;
let caB: CertificateFacts;
let crlOfA: Uint8Array;

function body(bytes: Uint8Array): GetObjectCommandOutput['Body'] {
  // Only transformToByteArray is used by the store.
  return { transformToByteArray: async () => bytes } as unknown as GetObjectCommandOutput['Body'];
}

function sdkError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(name), { name, $fault: 'client', $metadata: { httpStatusCode } });
}

function store(): S3CrlStore {
  return new S3CrlStore({
    s3: new S3Client({ region: 'us-east-1' }),
    bucket: 'crls',
    refreshSeconds: 60,
    maxStalenessSeconds: 0,
    clock: () => T0,
  });
}

beforeAll(() => {
  const a = createCa({ keyType: 'ec', subject: 'CN=Same Name CA', now: T0 });
  const b = createCa({ keyType: 'ec', subject: 'CN=Same Name CA', now: T0 });
  caA = parseCertificate(a.certificateDer);
  caB = parseCertificate(b.certificateDer);
  crlOfA = buildCrl({ ca: a, thisUpdate: T0, entries: [] });
});

afterEach(() => {
  s3.reset();
});

describe('crlObjectKey', () => {
  it.each([
    [DEFAULT_CRL_KEY_TEMPLATE, 'crl/ab12.crl'],
    ['{caCertificateId}', 'ab12'],
    ['a/{caCertificateId}/b/{caCertificateId}.der', 'a/ab12/b/ab12.der'],
    ['fixed.crl', 'fixed.crl'],
  ])('expands %s to %s', (template, want) => {
    expect(crlObjectKey(template, 'ab12')).toBe(want);
  });
});

describe('S3CrlStore edge cases', () => {
  it('never revalidates a CRL verified against another CA that claims the same id', async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({ Body: body(crlOfA), ETag: '"e1"' });
    const crls = store();
    await crls.get(CA_ID, caA);

    // Act
    const error = await expectJitrError(crls.get(CA_ID, caB));

    // Assess
    const inputs = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      { Bucket: 'crls', Key: `crl/${CA_ID}.crl` },
      { Bucket: 'crls', Key: `crl/${CA_ID}.crl` },
    ]);
    // Same issuer name, but the CRL's authorityKeyIdentifier is A's key, not B's.
    expect(error.code).toBe('CrlIssuerMismatch');
  });

  it('does not share a concurrent download between two CA certificates that claim the same id', async () => {
    // Prepare
    s3.on(GetObjectCommand).callsFake(async () => ({ Body: body(crlOfA), ETag: '"e1"' }));
    const crls = store();

    // Act
    const [forA, forB] = await Promise.allSettled([crls.get(CA_ID, caA), crls.get(CA_ID, caB)]);

    // Assess
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(2);
    expect(forA.status === 'fulfilled' ? forA.value?.entryCount : 'rejected').toBe(0);
    expect(forB.status === 'rejected' ? (forB.reason as JitrError).code : 'fulfilled').toBe(
      'CrlIssuerMismatch',
    );
  });

  it('treats a 304 without a cached object as S3 being unavailable', async () => {
    // Prepare
    // SDK v3 turns S3's bodiless 304 into an error named `Unknown`.
    s3.on(GetObjectCommand).rejects(sdkError('Unknown', 304));

    // Act
    const error = await expectJitrError(store().get(CA_ID, caA));

    // Assess
    expect([error.code, error.disposition, error.details.httpStatusCode]).toEqual([
      'CrlUnavailable',
      'transient',
      304,
    ]);
  });

  it('maps a body that cannot be read to CrlUnavailable', async () => {
    // Prepare
    const broken = {
      transformToByteArray: async () => {
        throw new Error('socket hang up');
      },
    } as unknown as GetObjectCommandOutput['Body'];
    s3.on(GetObjectCommand).resolves({ Body: broken, ETag: '"e1"' });

    // Act
    const error = await expectJitrError(store().get(CA_ID, caA));

    // Assess
    expect([error.code, error.disposition, error.message]).toEqual([
      'CrlUnavailable',
      'transient',
      `Could not read the CRL s3://crls/crl/${CA_ID}.crl: socket hang up`,
    ]);
  });

  it('maps an SDK throttling error (after its retries) to CrlUnavailable with the AWS name', async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(sdkError('ThrottlingException', 400));

    // Act
    const error = await expectJitrError(store().get(CA_ID, caA));

    // Assess
    expect([error.code, error.awsErrorName, error.details.httpStatusCode]).toEqual([
      'CrlUnavailable',
      'ThrottlingException',
      400,
    ]);
  });

  it('maps a plain 404 without NoSuchKey (HEAD-style answer) to no CRL', async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(sdkError('NotFound', 404));

    // Act
    const result = await store().get(CA_ID, caA);

    // Assess
    expect(result).toBeNull();
  });
});
