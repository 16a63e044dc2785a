// Upload of a CRL to the S3 object the handler's S3CrlStore reads.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PkiPublishFailedError } from './errors.js';

/**
 * An S3 client for the operator's environment. The SDK already honours AWS_ENDPOINT_URL_S3 /
 * AWS_ENDPOINT_URL; passing the endpoint explicitly makes the choice visible, and S3-compatible
 * servers (the sandbox, MinIO, LocalStack) need path-style addressing when one is set.
 */
export function s3ClientFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  region?: string,
): S3Client {
  const endpoint = nonEmpty(env.AWS_ENDPOINT_URL_S3) ?? nonEmpty(env.AWS_ENDPOINT_URL);
  const chosenRegion = region ?? nonEmpty(env.AWS_REGION);
  return new S3Client({
    ...(chosenRegion === undefined ? {} : { region: chosenRegion }),
    ...(endpoint === undefined ? {} : { endpoint, forcePathStyle: true }),
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

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
