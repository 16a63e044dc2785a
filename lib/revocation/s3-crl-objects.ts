/**
 * The S3 adapter of {@link CrlObjectSource}: the CA's CRL object at the handler's key, and
 * earlier versions of it by version id (a versioned bucket, as the stack creates, keeps them;
 * on an unversioned bucket an overwritten CRL is gone and the sweep diffs against nothing).
 */
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { crlObjectKey } from '../crl/object-key.js';
import { errorNameOf, httpStatusOf, mapS3Error } from '../crl/s3-crl-store.js';
import { CrlUnavailableError } from '../crl/store-errors.js';
import type { CrlObjectVersion } from '../ledger/record.js';
import type { CrlObject, CrlObjectSource } from './crl-objects.js';

function isMissing(error: unknown): boolean {
  const name = errorNameOf(error);
  return (
    name === 'NoSuchKey' ||
    name === 'NoSuchVersion' ||
    (httpStatusOf(error) === 404 && name !== 'NoSuchBucket')
  );
}

export class S3CrlObjects implements CrlObjectSource {
  readonly #s3: S3Client;
  readonly #bucket: string;
  readonly #keyTemplate: string;

  constructor(options: { s3: S3Client; bucket: string; keyTemplate: string }) {
    this.#s3 = options.s3;
    this.#bucket = options.bucket;
    this.#keyTemplate = options.keyTemplate;
  }

  /**
   * @throws CrlAccessDenied / CrlBucketNotFound (configuration), CrlUnavailable (transient).
   */
  async current(caCertificateId: string): Promise<CrlObject | null> {
    const key = crlObjectKey(this.#keyTemplate, caCertificateId);
    const out = await this.#get({ bucket: this.#bucket, key, caCertificateId }, null);
    if (out === null) return null;
    return {
      bytes: out.bytes,
      version: { bucket: this.#bucket, key, versionId: out.versionId, etag: out.etag },
    };
  }

  async read(version: CrlObjectVersion): Promise<Uint8Array | null> {
    if (version.versionId === null) return null;
    const out = await this.#get(
      { bucket: version.bucket, key: version.key, caCertificateId: '' },
      version.versionId,
    );
    return out?.bytes ?? null;
  }

  async #get(
    location: { bucket: string; key: string; caCertificateId: string },
    versionId: string | null,
  ): Promise<{ bytes: Uint8Array; versionId: string | null; etag: string | null } | null> {
    let out: GetObjectCommandOutput;
    try {
      out = await this.#s3.send(
        new GetObjectCommand({
          Bucket: location.bucket,
          Key: location.key,
          ...(versionId === null ? {} : { VersionId: versionId }),
        }),
      );
    } catch (error) {
      if (isMissing(error)) return null;
      throw mapS3Error(error, location);
    }
    try {
      if (out.Body === undefined) throw new Error('GetObject returned no body');
      const bytes = await out.Body.transformToByteArray();
      return { bytes, versionId: out.VersionId ?? null, etag: out.ETag ?? null };
    } catch (error) {
      throw new CrlUnavailableError(location, { cause: error });
    }
  }
}
