// PEM → DER for certificates and CRLs, in linear time on any input.

/** Why PEM decoding failed; callers turn it into their own typed error. */
export class PemError extends Error {
  override name = 'PemError';
}

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const DASHES = '-----';
const LABEL_RE = /^[A-Z0-9 ]{1,64}$/;
const NOT_BASE64 = /[^A-Za-z0-9+/=\s]/;
const NOT_PADDING = /[^=\s]/;
const NON_SPACE_RUNS = /\S+/g;

/**
 * Strict base64 (RFC 4648 alphabet, `=` padding only at the end, a multiple of 4 characters)
 * with whitespace anywhere. Checked with native scans and decoded by Node, which skips the
 * whitespace itself, so a 52 MB PEM CRL is never copied into a compacted string first.
 */
function decodeBase64(body: string): Buffer {
  const bad = (): never => {
    throw new PemError('the PEM body is not valid base64');
  };
  if (NOT_BASE64.test(body)) bad();
  const firstPad = body.indexOf('=');
  const padding =
    firstPad === -1 ? 0 : body.length - firstPad - body.slice(firstPad).replace(/=/g, '').length;
  if (firstPad !== -1 && (padding > 2 || NOT_PADDING.test(body.slice(firstPad)))) bad();
  const significant = body.length - body.replace(NON_SPACE_RUNS, '').length;
  if (significant === 0 || significant % 4 !== 0) bad();
  return Buffer.from(body, 'base64');
}

/** The label of the encapsulation boundary whose `-----BEGIN `/`-----END ` starts at `at`, and where the line ends. */
function boundary(text: string, at: number, marker: string): { label: string; end: number } {
  const labelStart = at + marker.length;
  // A label is at most 64 characters: never scan further, so a boundary costs O(1).
  const close = text.indexOf(DASHES, labelStart);
  if (close === -1 || close - labelStart > 64) throw new PemError('malformed PEM boundary line');
  const label = text.slice(labelStart, close);
  if (!LABEL_RE.test(label)) throw new PemError('malformed PEM boundary label');
  return { label, end: close + DASHES.length };
}

/**
 * Decodes PEM text to DER. Takes the **first** block whose label is one of `labels` (so for a
 * chain file — leaf first, by convention — the leaf); blocks with other labels are skipped.
 * Text without any `-----BEGIN` line is read as bare base64. CRLF and extra whitespace are fine.
 *
 * Linear in the input: the text is scanned once from left to right with `indexOf` (a lazy
 * regular expression over `BEGIN` lines without an `END` took seconds on a few hundred KB),
 * every boundary label is at most 64 characters, and the body of a block is the text up to
 * the next `-----`, so nothing is read twice.
 */
export function pemToDer(text: string, labels: readonly string[]): Buffer {
  let at = text.indexOf(BEGIN);
  if (at === -1) {
    if (text.trim().length === 0) throw new PemError('the input is empty');
    try {
      return decodeBase64(text);
    } catch {
      // Neither DER (which starts with a SEQUENCE byte), nor PEM, nor bare base64.
      throw new PemError(
        `the input is neither DER, nor PEM (no ${BEGIN}${labels[0] ?? ''}----- line), nor base64`,
      );
    }
  }
  while (at !== -1) {
    const begin = boundary(text, at, BEGIN);
    const next = text.indexOf(DASHES, begin.end);
    if (next === -1 || !text.startsWith(END, next)) {
      throw new PemError(`PEM block BEGIN ${begin.label} has no END line`);
    }
    const end = boundary(text, next, END);
    if (labels.includes(begin.label)) {
      if (begin.label !== end.label)
        throw new PemError(`PEM block BEGIN ${begin.label} ends with END ${end.label}`);
      const body = text.slice(begin.end, next);
      // RFC 7468 allows explanatory headers ("Proc-Type: …") only in legacy PEM; reject them.
      if (body.includes(':')) throw new PemError('PEM headers are not supported');
      return decodeBase64(body);
    }
    at = text.indexOf(BEGIN, end.end);
  }
  throw new PemError(`no PEM block labelled ${labels.join(' or ')}`);
}

/**
 * DER as is when `input` is bytes that start like DER (a SEQUENCE), else the PEM/base64 text
 * decoded. Input longer than `maxBytes` is refused before anything reads it.
 */
export function toDer(input: string | Uint8Array, labels: readonly string[], maxBytes: number): Uint8Array {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new PemError('the input is neither text nor bytes');
  }
  if (input.length > maxBytes) {
    throw new PemError(`the input has ${input.length} bytes; at most ${maxBytes} are accepted`);
  }
  if (typeof input !== 'string') {
    if (input.length > 0 && input[0] === 0x30) return input;
    return pemToDer(Buffer.from(input.buffer, input.byteOffset, input.length).toString('latin1'), labels);
  }
  return pemToDer(input, labels);
}
