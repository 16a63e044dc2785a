// Upload of a CRL to the S3 object the handler's S3CrlStore reads.
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PkiPublishFailedError } from './errors.js';

/**
 * Puts the CRL (DER) at `s3://bucket/key` with the CRL media type.
 * @throws {@link PkiPublishFailedError} when S3 refuses or cannot be reached.
 */
export async function putCrlObject(input: {
  s3: S3Client;
  bucket: string;
  key: string;
  crl: Uint8Array;
}): Promise<{ etag: string | undefined }> {
  try {
    const answer = await input.s3.send(
      new PutObjectCommand({
        Bucket: input.bucket,
        Key: input.key,
        Body: input.crl,
        ContentType: 'application/pkix-crl',
      }),
    );
    return { etag: answer.ETag };
  } catch (error) {
    const name = error instanceof Error && '$metadata' in error ? error.name : undefined;
    throw new PkiPublishFailedError(input.bucket, input.key, name, error);
  }
}
