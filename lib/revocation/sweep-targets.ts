/**
 * Which CAs a sweep invocation concerns (pure): an S3 event notification or an EventBridge
 * "Object Created" event names the CRL object that changed; a scheduled event names CAs (or
 * none: the configured ones).
 */
import { certificateIdFrom } from '../certificate/certificate-id.js';
import { CA_ID_PLACEHOLDER } from '../crl/object-key.js';

/**
 * The CA id a CRL object key belongs to under the key template, or null when the key does not
 * match it (another object in the bucket).
 *
 * @example caIdFromCrlKey('crl/{caCertificateId}.crl', 'crl/ab…cd.crl') // 'ab…cd'
 */
export function caIdFromCrlKey(keyTemplate: string, key: string): string | null {
  const [prefix = '', suffix = ''] = keyTemplate.split(CA_ID_PLACEHOLDER);
  if (!key.startsWith(prefix) || !key.endsWith(suffix) || key.length < prefix.length + suffix.length)
    return null;
  const id = key.slice(prefix.length, key.length - suffix.length);
  return id.trim() === id ? certificateIdFrom(id) : null;
}

/** S3 event notification keys are URL-encoded with `+` for spaces. */
function decodeS3EventKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface SweepTarget {
  /** The bucket the event names; null for a scheduled sweep (the configured bucket). */
  bucket: string | null;
  caCertificateId: string;
}

/**
 * The CAs to sweep for an invocation, de-duplicated in order: from an S3 notification's records
 * or an EventBridge S3 event (objects whose key matches the template, in `bucket` when one is
 * configured), from `{"caCertificateIds": [...]}`, else `configured`.
 *
 * @example sweepTargets(s3Event, { bucket: 'crls', keyTemplate: 'crl/{caCertificateId}.crl', configured: [] })
 */
export function sweepTargets(
  event: unknown,
  options: { bucket: string | null; keyTemplate: string; configured: readonly string[] },
): { targets: SweepTarget[]; ignoredKeys: string[] } {
  const objects: { bucket: string; key: string }[] = [];
  if (isObject(event) && Array.isArray(event.Records)) {
    for (const record of event.Records) {
      if (!isObject(record) || record.eventSource !== 'aws:s3' || !isObject(record.s3)) continue;
      const { bucket, object } = record.s3;
      if (
        isObject(bucket) &&
        isObject(object) &&
        typeof bucket.name === 'string' &&
        typeof object.key === 'string'
      ) {
        objects.push({ bucket: bucket.name, key: decodeS3EventKey(object.key) });
      }
    }
  } else if (isObject(event) && event.source === 'aws.s3' && isObject(event.detail)) {
    const { bucket, object } = event.detail;
    if (
      isObject(bucket) &&
      isObject(object) &&
      typeof bucket.name === 'string' &&
      typeof object.key === 'string'
    ) {
      objects.push({ bucket: bucket.name, key: object.key });
    }
  } else {
    const named = isObject(event) && Array.isArray(event.caCertificateIds) ? event.caCertificateIds : null;
    const ids = (named ?? options.configured).flatMap((id) => {
      const clean = typeof id === 'string' ? certificateIdFrom(id) : null;
      return clean === null ? [] : [clean];
    });
    return {
      targets: [...new Set(ids)].map((caCertificateId) => ({ bucket: null, caCertificateId })),
      ignoredKeys: [],
    };
  }
  const targets: SweepTarget[] = [];
  const ignoredKeys: string[] = [];
  for (const { bucket, key } of objects) {
    // EventBridge does not document whether its key is URL-encoded: accept both spellings.
    const id =
      caIdFromCrlKey(options.keyTemplate, key) ?? caIdFromCrlKey(options.keyTemplate, decodeS3EventKey(key));
    if (id === null || (options.bucket !== null && bucket !== options.bucket))
      ignoredKeys.push(`${bucket}/${key}`);
    else if (!targets.some((t) => t.bucket === bucket && t.caCertificateId === id))
      targets.push({ bucket, caCertificateId: id });
  }
  return { targets, ignoredKeys };
}
