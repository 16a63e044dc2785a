// PEM → DER for certificates and CRLs.

/** Why PEM decoding failed; callers turn it into their own typed error. */
export class PemError extends Error {
  override name = 'PemError';
}

const BLOCK_RE = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(body: string): Buffer {
  const compact = body.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !BASE64_RE.test(compact)) {
    throw new PemError('the PEM body is not valid base64');
  }
  return Buffer.from(compact, 'base64');
}

/**
 * Decodes PEM text to DER. Takes the **first** block whose label is one of `labels` (so for a
 * chain file — leaf first, by convention — the leaf); blocks with other labels are skipped.
 * Text without any `-----BEGIN` line is read as bare base64. CRLF and extra whitespace are fine.
 */
export function pemToDer(text: string, labels: readonly string[]): Buffer {
  if (!text.includes('-----BEGIN')) return decodeBase64(text);
  for (const m of text.matchAll(BLOCK_RE)) {
    const [, begin, body, end] = m as unknown as [string, string, string, string];
    if (!labels.includes(begin)) continue;
    if (begin !== end) throw new PemError(`PEM block BEGIN ${begin} ends with END ${end}`);
    // RFC 7468 allows explanatory headers ("Proc-Type: …") only in legacy PEM; reject them.
    if (body.includes(':')) throw new PemError('PEM headers are not supported');
    return decodeBase64(body);
  }
  throw new PemError(`no PEM block labelled ${labels.join(' or ')}`);
}

/** DER as is when `input` is bytes that start like DER (a SEQUENCE), else the PEM/base64 text decoded. */
export function toDer(input: string | Uint8Array, labels: readonly string[]): Uint8Array {
  if (typeof input !== 'string') {
    if (input.length > 0 && input[0] === 0x30) return input;
    return pemToDer(Buffer.from(input.buffer, input.byteOffset, input.length).toString('latin1'), labels);
  }
  return pemToDer(input, labels);
}
