/**
 * The S3 side of template loading: a one-method port and its SDK adapter. S3 errors are
 * translated here into the registration area's template-source errors.
 */

import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { TemplateSourceUnavailableError, TemplateSourceUnreadableError } from './errors.js';

/** Reads a whole object as UTF-8 text. */
export interface ObjectReader {
  getObjectText(bucket: string, key: string): Promise<string>;
}

/** S3 answers that an operator must fix (the object, bucket or permission is wrong). */
const CONFIGURATION_ERRORS = new Set(['NoSuchKey', 'NoSuchBucket', 'AccessDenied', 'NotFound', 'Forbidden']);

function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/**
 * Adapts an `S3Client` to {@link ObjectReader}.
 *
 * @example
 * const reader = s3ObjectReader(new S3Client({}));
 * @throws {@link TemplateSourceUnreadableError} for a missing object/bucket or access denied.
 * @throws {@link TemplateSourceUnavailableError} for throttling, 5xx and network errors.
 */
export function s3ObjectReader(s3: S3Client): ObjectReader {
  return {
    async getObjectText(bucket, key) {
      const source = `s3://${bucket}/${key}`;
      try {
        const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (answer.Body === undefined) throw new TemplateSourceUnreadableError(source, { kind: 'no-body' });
        return await answer.Body.transformToString('utf-8');
      } catch (error) {
        if (error instanceof TemplateSourceUnreadableError) throw error;
        const name = awsErrorName(error);
        const options = { ...(name === undefined ? {} : { awsErrorName: name }), cause: error };
        if (name !== undefined && CONFIGURATION_ERRORS.has(name)) {
          throw new TemplateSourceUnreadableError(
            source,
            name === 'AccessDenied' || name === 'Forbidden'
              ? { kind: 'access-denied', bucket, key, awsErrorName: name }
              : { kind: 'object-missing', awsErrorName: name },
            { cause: error },
          );
        }
        const message = error instanceof Error ? error.message : String(error);
        throw new TemplateSourceUnavailableError(source, message, options);
      }
    },
  };
}
