// `jitr crl inspect`: verify a CRL file offline with the handler's own code (loadCrl's checks,
// split so that freshness is reported instead of aborting the report).
import { parseCertificate } from '../certificate/index.js';
import { CRL_MAX_STALENESS } from '../config/variables.js';
import { checkCrlFreshness, loadCrlIgnoringFreshness, serialBytesFromHex } from '../crl/index.js';
import { isJitrError } from '../errors/jitr-error.js';
import type { CliRuntime } from '../runtime/cli-runtime.js';
import { CommandLineError, readInputFile } from './errors.js';

const COMMAND = 'jitr crl inspect';

export interface CrlInspectOptions {
  crl: string;
  ca: string;
  serial?: string[];
  now?: string;
  maxStaleness?: string;
}

export interface SerialReport {
  serial: string;
  revoked: boolean;
  revocationDate: string | null;
  reason: string | null;
}

export interface CrlInspectReport {
  crl: string;
  valid: boolean;
  signatureValid: boolean;
  fresh: boolean;
  issuer?: string;
  version?: number;
  crlNumber?: string | null;
  thisUpdate?: string;
  nextUpdate?: string | null;
  entryCount?: number;
  signatureAlgorithm?: string;
  /** A partitioned CRL's distribution points (it covers only devices naming one); null = the whole CA. */
  distributionPoints?: string[] | null;
  maxStalenessSeconds: number;
  serials?: SerialReport[];
  error?: { code: string; message: string; remedy: string };
}

function errorOf(error: unknown): { code: string; message: string; remedy: string } {
  if (isJitrError(error)) return { code: error.code, message: error.message, remedy: error.remedy };
  throw error;
}

/**
 * Seconds from `--max-staleness` (parsed as the handler parses CRL_MAX_STALENESS), else
 * `CRL_MAX_STALENESS` from the environment, else its declared default.
 */
function stalenessSeconds(
  option: string | undefined,
  cli: Pick<CliRuntime, 'crlMaxStalenessSeconds'>,
): number {
  if (option === undefined) return cli.crlMaxStalenessSeconds();
  const value = CRL_MAX_STALENESS.parse(option.trim());
  if (value === undefined) {
    throw new CommandLineError(
      { kind: 'max-staleness', value: option, expected: CRL_MAX_STALENESS.expected },
      COMMAND,
    );
  }
  return value;
}

function serialBytes(text: string): Uint8Array {
  try {
    return serialBytesFromHex(text);
  } catch (error) {
    throw new CommandLineError(
      { kind: 'serial', value: text, reason: error instanceof Error ? error.message : String(error) },
      COMMAND,
    );
  }
}

/**
 * Builds the inspection report. `valid` is false (and the CLI exits 1) when the CRL is
 * malformed, not from this CA, badly signed, carries an unsupported critical extension, or is
 * not fresh at `now`.
 */
export async function inspectCrl(
  options: CrlInspectOptions,
  cli: Pick<CliRuntime, 'crlMaxStalenessSeconds'>,
): Promise<CrlInspectReport> {
  const maxStalenessSeconds = stalenessSeconds(options.maxStaleness, cli);
  const now = options.now === undefined ? new Date() : new Date(options.now);
  if (Number.isNaN(now.getTime()))
    throw new CommandLineError({ kind: 'not-a-date', option: '--now', value: String(options.now) }, COMMAND);
  const queries = (options.serial ?? []).map((s) => ({ text: s, bytes: serialBytes(s) }));
  // The CA may be PEM or DER (parseCertificate takes both from bytes).
  const [crlBytes, caBytes] = await Promise.all([
    readInputFile(options.crl, '--crl', COMMAND),
    readInputFile(options.ca, '--ca', COMMAND),
  ]);
  const ca = parseCertificate(caBytes);
  const base = { crl: options.crl, maxStalenessSeconds };
  let crl: ReturnType<typeof loadCrlIgnoringFreshness>;
  try {
    crl = loadCrlIgnoringFreshness(crlBytes, ca);
  } catch (error) {
    const e = errorOf(error);
    return { ...base, valid: false, signatureValid: false, fresh: false, error: e };
  }
  let freshness: CrlInspectReport['error'];
  try {
    checkCrlFreshness(crl, now, maxStalenessSeconds);
  } catch (error) {
    freshness = errorOf(error);
  }
  return {
    ...base,
    valid: freshness === undefined,
    signatureValid: true,
    fresh: freshness === undefined,
    issuer: crl.issuer.rfc4514,
    version: crl.version,
    crlNumber: crl.crlNumber,
    thisUpdate: crl.thisUpdate.toISOString(),
    nextUpdate: crl.nextUpdate?.toISOString() ?? null,
    entryCount: crl.entryCount,
    signatureAlgorithm: crl.signatureAlgorithm,
    distributionPoints: crl.distributionPoints?.map((point) => point.text) ?? null,
    serials: queries.map((q) => {
      const entry = crl.lookup(q.bytes);
      return {
        serial: q.text,
        revoked: entry !== null,
        revocationDate: entry?.revocationDate.toISOString() ?? null,
        reason: entry?.reason ?? null,
      };
    }),
    ...(freshness === undefined ? {} : { error: freshness }),
  };
}
