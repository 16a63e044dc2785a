/**
 * Where a provisioning template comes from, as written in `TEMPLATE_SOURCE` and
 * `TEMPLATE_SOURCE_BY_CA`. Pure parsing; loading lives in the template source.
 */
export type TemplateSourceRef =
  /** A template built into the function bundle (`lib/template-source/templates/<name>.json`). */
  | { kind: 'bundled'; name: string }
  /** A JSON file on the function's file system (relative paths from the working directory). */
  | { kind: 'file'; path: string }
  | { kind: 's3'; bucket: string; key: string }
  /** An AWS IoT provisioning template, read with DescribeProvisioningTemplate. */
  | { kind: 'iot'; templateName: string };

/** The forms a template source is written in, for messages that say what is expected. */
export const TEMPLATE_SOURCE_FORMS = [
  'bundled:<name>',
  'file:<path>',
  's3://bucket/key',
  'iot:<template name>',
] as const;

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IOT_TEMPLATE_NAME = /^[0-9A-Za-z_-]{1,36}$/;
const BUNDLED_NAME = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Parses a template source string; returns null when it matches no form.
 *
 * @example
 * parseTemplateSourceRef('s3://my-bucket/templates/plant-7.json');
 * // → { kind: 's3', bucket: 'my-bucket', key: 'templates/plant-7.json' }
 */
export function parseTemplateSourceRef(text: string): TemplateSourceRef | null {
  if (text.startsWith('s3://')) {
    const rest = text.slice('s3://'.length);
    const slash = rest.indexOf('/');
    if (slash <= 0) return null;
    const bucket = rest.slice(0, slash);
    const key = rest.slice(slash + 1);
    return BUCKET.test(bucket) && key.length > 0 ? { kind: 's3', bucket, key } : null;
  }
  if (text.startsWith('iot:')) {
    const templateName = text.slice('iot:'.length);
    return IOT_TEMPLATE_NAME.test(templateName) ? { kind: 'iot', templateName } : null;
  }
  if (text.startsWith('file:')) {
    const path = text.slice('file:'.length);
    return path.length > 0 ? { kind: 'file', path } : null;
  }
  if (text.startsWith('bundled:')) {
    const name = text.slice('bundled:'.length);
    return BUNDLED_NAME.test(name) ? { kind: 'bundled', name } : null;
  }
  return null;
}

/** The canonical text of a source (for logs and cache keys). */
export function formatTemplateSourceRef(ref: TemplateSourceRef): string {
  switch (ref.kind) {
    case 'bundled':
      return `bundled:${ref.name}`;
    case 'file':
      return `file:${ref.path}`;
    case 's3':
      return `s3://${ref.bucket}/${ref.key}`;
    case 'iot':
      return `iot:${ref.templateName}`;
  }
}
