// The on-disk CA directory of the `jitr pki` toolkit:
//   ca.pem           the CA certificate
//   ca.key           its private key (PKCS#8 PEM, mode 0600)
//   pki-state.json   revoked serials and the last CRL number issued
//   crl.der          the last CRL written by `jitr pki crl` (default output)
import { access, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REVOCATION_REASON_CODES, type RevocationReason } from '../crl/reasons.js';
import { PkiCaExistsError, PkiCaNotFoundError, PkiStateInvalidError } from './errors.js';

export const DEFAULT_CA_DIR = './pki';

export interface CaPaths {
  dir: string;
  certificate: string;
  privateKey: string;
  state: string;
  crl: string;
}

/** One revoked certificate as recorded by `jitr pki revoke`. */
export interface RevocationRecord {
  /** Lowercase hex of the serial's DER INTEGER content (the form `serialHex` of a parsed certificate has). */
  serial: string;
  /** ISO 8601. */
  revocationDate: string;
  reason?: RevocationReason;
}

export interface PkiState {
  version: 1;
  /** The CRL number of the last CRL issued; 0 before the first. */
  lastCrlNumber: number;
  revoked: RevocationRecord[];
}

export function caPaths(dir: string): CaPaths {
  return {
    dir,
    certificate: join(dir, 'ca.pem'),
    privateKey: join(dir, 'ca.key'),
    state: join(dir, 'pki-state.json'),
    crl: join(dir, 'crl.der'),
  };
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}

function isExists(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'EEXIST';
}

/**
 * Writes a new CA into `dir` (which must exist). Never overwrites: the key is written first with
 * O_EXCL and mode 0600, so a second create-ca fails before touching anything.
 * @throws {@link PkiCaExistsError} when the directory already holds a CA.
 */
export async function writeCa(
  dir: string,
  ca: { certificatePem: string; privateKeyPem: string },
): Promise<CaPaths> {
  const paths = caPaths(dir);
  // Check both first so that a stray ca.pem does not leave a new orphan ca.key behind; the
  // exclusive creates below still guard against a concurrent create-ca.
  for (const path of [paths.privateKey, paths.certificate]) {
    if (await exists(path)) throw new PkiCaExistsError(path);
  }
  await createExclusive(paths.privateKey, ca.privateKeyPem, 0o600);
  await createExclusive(paths.certificate, ca.certificatePem, 0o644);
  await createExclusive(paths.state, stateJson({ version: 1, lastCrlNumber: 0, revoked: [] }), 0o644);
  return paths;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

async function createExclusive(path: string, content: string, mode: number): Promise<void> {
  try {
    await writeFile(path, content, { flag: 'wx', mode });
  } catch (error) {
    if (isExists(error)) throw new PkiCaExistsError(path);
    throw error;
  }
}

/**
 * Reads the CA certificate and key of a CA directory.
 * @throws {@link PkiCaNotFoundError} when either file is missing.
 */
export async function readCa(dir: string): Promise<{ certificatePem: string; privateKeyPem: string }> {
  const paths = caPaths(dir);
  try {
    const [certificatePem, privateKeyPem] = await Promise.all([
      readFile(paths.certificate, 'utf8'),
      readFile(paths.privateKey, 'utf8'),
    ]);
    return { certificatePem, privateKeyPem };
  } catch (error) {
    if (isNotFound(error)) throw new PkiCaNotFoundError(dir, error);
    throw error;
  }
}

/** Reads the CA certificate alone (publish-crl needs no private key). */
export async function readCaCertificate(dir: string): Promise<string> {
  const paths = caPaths(dir);
  try {
    return await readFile(paths.certificate, 'utf8');
  } catch (error) {
    if (isNotFound(error)) throw new PkiCaNotFoundError(dir, error);
    throw error;
  }
}

/**
 * Reads the revocation state; a CA directory without one (made by hand) starts empty.
 * @throws {@link PkiStateInvalidError} when the file is not the expected JSON.
 */
export async function readState(dir: string): Promise<PkiState> {
  const path = caPaths(dir).state;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isNotFound(error)) return { version: 1, lastCrlNumber: 0, revoked: [] };
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PkiStateInvalidError(path, { kind: 'not-json' }, error);
  }
  return validateState(path, value);
}

/** Replaces the state file atomically (write to a temporary file, then rename). */
export async function writeState(dir: string, state: PkiState): Promise<void> {
  const path = caPaths(dir).state;
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, stateJson(state));
  await rename(temporary, path);
}

function stateJson(state: PkiState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}

function validateState(path: string, value: unknown): PkiState {
  if (typeof value !== 'object' || value === null)
    throw new PkiStateInvalidError(path, { kind: 'not-an-object' });
  const record = value as Record<string, unknown>;
  if (record.version !== 1) throw new PkiStateInvalidError(path, { kind: 'version' });
  const last = record.lastCrlNumber;
  if (typeof last !== 'number' || !Number.isSafeInteger(last) || last < 0) {
    throw new PkiStateInvalidError(path, { kind: 'last-crl-number' });
  }
  if (!Array.isArray(record.revoked)) throw new PkiStateInvalidError(path, { kind: 'revoked-not-a-list' });
  const revoked = record.revoked.map((entry: unknown, index): RevocationRecord => {
    const at = `revoked[${index}]`;
    if (typeof entry !== 'object' || entry === null)
      throw new PkiStateInvalidError(path, { kind: 'not-an-object', at });
    const e = entry as Record<string, unknown>;
    if (typeof e.serial !== 'string' || !/^[0-9a-f]+$/.test(e.serial)) {
      throw new PkiStateInvalidError(path, { kind: 'serial', at });
    }
    if (typeof e.revocationDate !== 'string' || Number.isNaN(Date.parse(e.revocationDate))) {
      throw new PkiStateInvalidError(path, { kind: 'revocation-date', at });
    }
    if (e.reason !== undefined && !(typeof e.reason === 'string' && e.reason in REVOCATION_REASON_CODES)) {
      throw new PkiStateInvalidError(path, { kind: 'reason', at });
    }
    return {
      serial: e.serial,
      revocationDate: e.revocationDate,
      ...(e.reason === undefined ? {} : { reason: e.reason as RevocationReason }),
    };
  });
  return { version: 1, lastCrlNumber: last, revoked };
}
