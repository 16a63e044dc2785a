/**
 * Which CAs a sweep invocation concerns (pure): an S3 event notification or an EventBridge
 * "Object Created" event names the CRL object that changed; a scheduled event names CAs (or
 * none: the configured ones).
 */

const CA_ID = /^[0-9a-f]{64}$/;

/**
 * The CA id a CRL object key belongs to under the key template, or null when the key does not
 * match it (another object in the bucket).
 *
 * @example caIdFromCrlKey('crl/{caCertificateId}.crl', 'crl/ab…cd.crl') // 'ab…cd'
 */
export function caIdFromCrlKey(keyTemplate: string, key: string): string | null {
  const [prefix = '', suffix = ''] = keyTemplate.split('{caCertificateId}');
  if (!key.startsWith(prefix) || !key.endsWith(suffix) || key.length < prefix.length + suffix.length)
    return null;
  const id = key.slice(prefix.length, key.length - suffix.length).toLowerCase();
  return CA_ID.test(id) ? id : null;
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

/**
 * The CA ids to sweep for an invocation, de-duplicated in order: from an S3 notification's
 * records or an EventBridge S3 event (objects in `bucket` whose key matches the template), from
 * `{"caCertificateIds": [...]}`, else `configured`.
 *
 * @example sweepTargets(s3Event, { bucket: 'crls', keyTemplate: 'crl/{caCertificateId}.crl', configured: [] })
 */
export function sweepTargets(
  event: unknown,
  options: { bucket: string; keyTemplate: string; configured: readonly string[] },
): { caIds: string[]; ignoredKeys: string[] } {
  const keys: string[] = [];
  if (isObject(event) && Array.isArray(event.Records)) {
    for (const record of event.Records) {
      if (!isObject(record) || record.eventSource !== 'aws:s3' || !isObject(record.s3)) continue;
      const { bucket, object } = record.s3;
      if (!isObject(bucket) || !isObject(object) || bucket.name !== options.bucket) continue;
      if (typeof object.key === 'string') keys.push(decodeS3EventKey(object.key));
    }
  } else if (isObject(event) && event.source === 'aws.s3' && isObject(event.detail)) {
    const { bucket, object } = event.detail;
    if (
      isObject(bucket) &&
      isObject(object) &&
      bucket.name === options.bucket &&
      typeof object.key === 'string'
    ) {
      keys.push(object.key);
    }
  } else {
    const named = isObject(event) && Array.isArray(event.caCertificateIds) ? event.caCertificateIds : null;
    const ids = (named ?? options.configured).filter((id): id is string => typeof id === 'string');
    return {
      caIds: [...new Set(ids.map((id) => id.trim().toLowerCase()).filter((id) => CA_ID.test(id)))],
      ignoredKeys: [],
    };
  }
  const caIds: string[] = [];
  const ignoredKeys: string[] = [];
  for (const key of keys) {
    // EventBridge does not document whether its key is URL-encoded: accept both spellings.
    const id =
      caIdFromCrlKey(options.keyTemplate, key) ?? caIdFromCrlKey(options.keyTemplate, decodeS3EventKey(key));
    if (id === null) ignoredKeys.push(key);
    else if (!caIds.includes(id)) caIds.push(id);
  }
  return { caIds, ignoredKeys };
}
