// jitr pki publish-crl against s3rver: the operator's upload lands exactly where the handler's
// S3CrlStore reads, and the endpoint comes from AWS_ENDPOINT_URL_S3 as in a real shell.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseCertificate } from '../../../lib/certificate/index.js';
import { createCaAction, crlAction, issueDeviceAction, revokeAction } from '../../../lib/cli/pki-actions.js';
import { publishCrlAction } from '../../../lib/cli/pki-publish.js';
import { checkRevocation } from '../../../lib/crl/revocation-check.js';
import { S3CrlStore } from '../../../lib/crl/s3-crl-store.js';
import { caPaths } from '../../../lib/pki/ca-store.js';
import { createCliRuntime } from '../../../lib/runtime/cli-runtime.js';
import { expectJitrError } from '../../helpers/expect-jitr-error.js';
import { startTestS3, type TestS3 } from './s3-server.js';

const NOW = new Date('2026-07-01T00:00:00Z');

let server: TestS3;
let root: string;

function env(): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: server.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
  };
}

/** The S3 client `jitr pki publish-crl` gets from the CLI runtime in that environment. */
const s3 = () => createCliRuntime(env()).aws().s3;

beforeAll(async () => {
  server = await startTestS3();
  root = await mkdtemp(join(tmpdir(), 'jitr-publish-'));
  // The SDK's default credential chain reads the process environment.
  for (const [name, value] of Object.entries(env())) vi.stubEnv(name, value);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await server.stop();
  await rm(root, { recursive: true, force: true });
});

describe('jitr pki publish-crl', () => {
  it('uploads the CRL to the key the handler reads, and the handler then rejects the revoked device', async () => {
    // Prepare
    const dir = join(root, 'ca-1');
    const created = await createCaAction({ dir, keyType: 'ec', now: NOW });
    const device = await issueDeviceAction({ dir, subject: 'CN=dev-9', now: NOW });
    await revokeAction({ dir, serial: device.serial, reason: 'cessationOfOperation', now: NOW });
    await crlAction({ dir, now: NOW });

    // Act
    const published = await publishCrlAction({ dir, bucket: server.bucket }, { s3: s3(), now: NOW });

    // Assess
    expect(published).toEqual({
      bucket: server.bucket,
      key: `crl/${created.caCertificateId}.crl`,
      etag: expect.stringMatching(/^"[0-9a-f]{32}"$/),
      caCertificateId: created.caCertificateId,
      crlNumber: '1',
      thisUpdate: NOW.toISOString(),
      nextUpdate: new Date(NOW.getTime() + 7 * 86_400_000).toISOString(),
      entryCount: 1,
    });
    expect(server.requests.filter((r) => r.method === 'PUT').map((r) => [r.path, r.status])).toEqual([
      [`/${server.bucket}/crl/${created.caCertificateId}.crl`, 200],
    ]);

    const ca = parseCertificate(await readFile(caPaths(dir).certificate));
    const cert = parseCertificate(await readFile(device.certificate));
    const store = new S3CrlStore({
      s3: server.client(),
      bucket: server.bucket,
      refreshSeconds: 60,
      maxStalenessSeconds: 0,
      clock: () => NOW,
    });
    const error = await expectJitrError(
      checkRevocation({
        store,
        mode: 'required',
        caCertificateId: created.caCertificateId,
        ca,
        cert,
        now: NOW,
      }),
    );
    expect([error.code, error.details.reason, error.details.crlNumber]).toEqual([
      'CertificateRevoked',
      'cessationOfOperation',
      '1',
    ]);
  });

  it('honours --ca-certificate-id and --key-template', async () => {
    // Prepare
    const dir = join(root, 'ca-2');
    await createCaAction({ dir, keyType: 'ec', now: NOW });
    await crlAction({ dir, now: NOW });
    const id = 'F'.repeat(64);

    // Act
    const published = await publishCrlAction(
      { dir, bucket: server.bucket, caCertificateId: id, keyTemplate: 'revocation/{caCertificateId}.der' },
      { s3: s3(), now: NOW },
    );

    // Assess
    expect([published.key, published.caCertificateId]).toEqual([
      `revocation/${'f'.repeat(64)}.der`,
      'f'.repeat(64),
    ]);
  });

  it('refuses to publish a CRL the handler would reject, before any upload', async () => {
    // Prepare
    const dir = join(root, 'ca-3');
    await createCaAction({ dir, keyType: 'ec', now: NOW });
    await crlAction({ dir, now: NOW, nextUpdateDays: '1' });
    const tampered = await readFile(caPaths(dir).crl);
    const puts = server.requests.filter((r) => r.method === 'PUT').length;

    // Act
    const stale = await expectJitrError(
      publishCrlAction(
        { dir, bucket: server.bucket },
        { s3: s3(), now: new Date(NOW.getTime() + 2 * 86_400_000) },
      ),
    );
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 0x01;
    await writeFile(caPaths(dir).crl, tampered);
    const invalid = await expectJitrError(
      publishCrlAction({ dir, bucket: server.bucket }, { s3: s3(), now: NOW }),
    );
    const badTemplate = await expectJitrError(
      publishCrlAction({ dir, bucket: server.bucket, keyTemplate: 'crl/fixed.crl' }, { s3: s3(), now: NOW }),
    );

    // Assess
    expect([stale.code, invalid.code, badTemplate.code]).toEqual([
      'CrlStale',
      'CrlSignatureInvalid',
      'PkiInvalidArgument',
    ]);
    expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(puts);
  });

  it('reports a missing bucket as PkiPublishFailed with the AWS error name', async () => {
    // Prepare
    const dir = join(root, 'ca-4');
    await createCaAction({ dir, keyType: 'ec', now: NOW });
    await crlAction({ dir, now: NOW });

    // Act
    const error = await expectJitrError(
      publishCrlAction({ dir, bucket: 'no-such-bucket' }, { s3: s3(), now: NOW }),
    );

    // Assess
    expect([error.code, error.awsErrorName]).toEqual(['PkiPublishFailed', 'NoSuchBucket']);
  });
});
