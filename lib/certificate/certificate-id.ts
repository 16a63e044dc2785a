/**
 * The id AWS IoT gives a certificate (device or CA): the lowercase hex SHA-256 of its DER,
 * 64 characters. Every place that accepts an id from outside (events, variables, options)
 * normalises it here.
 */
export const CERTIFICATE_ID_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The id in canonical form (trimmed, lowercase), or null when `text` is not an id.
 * @example certificateIdFrom(' AB12…(64 hex) ') // 'ab12…'
 */
export function certificateIdFrom(text: string): string | null {
  const id = text.trim().toLowerCase();
  return CERTIFICATE_ID_PATTERN.test(id) ? id : null;
}
