// The `jitr pki` commands that work on the local CA directory (no AWS SDK here: publish-crl
// lives in pki-publish.ts so that these commands never load it).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCertificate, verifyIssuedBy } from '../certificate/index.js';
import { REVOCATION_REASON_CODES, type RevocationReason } from '../crl/reasons.js';
import { isJitrError } from '../errors/jitr-error.js';
import {
  caPaths,
  DEFAULT_CA_DIR,
  type RevocationRecord,
  readCa,
  readState,
  writeCa,
  writeState,
} from '../pki/ca-store.js';
import { positiveIntegerContent, serialMagnitude } from '../pki/der-writer.js';
import { PkiFileExistsError, PkiInvalidArgumentError, PkiStateInvalidError } from '../pki/errors.js';
import {
  buildCrl,
  type Ca,
  type Curve,
  createCa,
  createVerificationCertificate,
  issueDeviceCertificate,
  type KeyType,
  loadCa,
  nameDer,
  parseSubjectString,
} from '../pki/index.js';

const DAY_MS = 86_400_000;

export interface CreateCaInput {
  dir?: string;
  keyType?: string;
  curve?: string;
  subject?: string;
  days?: string | number;
  now?: Date;
}

/**
 * `jitr pki create-ca`: a new self-signed CA in the CA directory (created if needed).
 * @throws {@link PkiCaExistsError} when the directory already holds a CA.
 */
export async function createCaAction(input: CreateCaInput) {
  const dir = input.dir ?? DEFAULT_CA_DIR;
  const keyType = parseKeyType(input.keyType, 'rsa');
  const curve = parseCurve(input.curve, keyType);
  const subject = input.subject ?? 'O=JITR Example,CN=JITR Example Device CA';
  checkSubject(subject);
  const ca = createCa({
    keyType,
    ...(curve === undefined ? {} : { curve }),
    subject,
    days: parseDays(input.days, 3650, '--days'),
    ...(input.now === undefined ? {} : { now: input.now }),
  });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const paths = await writeCa(dir, ca);
  const facts = parseCertificate(ca.certificateDer);
  return {
    caCertificateId: facts.sha256,
    subject: facts.subject.rfc4514,
    keyAlgorithm: facts.keyAlgorithm,
    notBefore: facts.notBefore.toISOString(),
    notAfter: facts.notAfter.toISOString(),
    certificate: paths.certificate,
    privateKey: paths.privateKey,
  };
}

/** `jitr pki verification-cert`: the certificate `aws iot register-ca-certificate` requires. */
export async function verificationCertAction(input: {
  dir?: string;
  registrationCode: string;
  out?: string;
}) {
  const dir = input.dir ?? DEFAULT_CA_DIR;
  const code = input.registrationCode.trim();
  if (!/^[0-9A-Za-z]+$/.test(code)) {
    throw new PkiInvalidArgumentError({ kind: 'registration-code' });
  }
  const ca = await loadCaFrom(dir);
  // Only the CA's signature matters to AWS; an EC key for the certificate itself is quickest.
  const verification = createVerificationCertificate({ ca, registrationCode: code, keyType: 'ec' });
  const out = input.out ?? join(dir, 'verification.pem');
  await writeFile(out, verification.certificatePem);
  return { verificationCertificate: out, certificate: caPaths(dir).certificate };
}

export interface IssueDeviceInput {
  dir?: string;
  subject: string;
  days?: string | number;
  outDir?: string;
  keyType?: string;
  curve?: string;
  now?: Date;
}

/** `jitr pki issue-device`: a device certificate and key signed by the CA (never overwrites). */
export async function issueDeviceAction(input: IssueDeviceInput) {
  const dir = input.dir ?? DEFAULT_CA_DIR;
  checkSubject(input.subject);
  const keyType = parseKeyType(input.keyType, 'ec');
  const curve = parseCurve(input.curve, keyType);
  const ca = await loadCaFrom(dir);
  const device = issueDeviceCertificate({
    ca,
    subject: input.subject,
    keyType,
    ...(curve === undefined ? {} : { curve }),
    days: parseDays(input.days, 365, '--days'),
    ...(input.now === undefined ? {} : { now: input.now }),
  });
  const facts = parseCertificate(device.certificateDer);
  const outDir = input.outDir ?? join(dir, 'devices');
  await mkdir(outDir, { recursive: true });
  const base = join(outDir, fileStem(facts.subject.attributes.CN?.[0], device.certificateId));
  const paths = { certificate: `${base}.pem`, privateKey: `${base}.key`, chain: `${base}.chain.pem` };
  await createFile(paths.privateKey, device.privateKeyPem, 0o600);
  await createFile(paths.certificate, device.certificatePem, 0o644);
  await createFile(paths.chain, device.certificatePem + ca.certificatePem, 0o644);
  return {
    certificateId: device.certificateId,
    serial: facts.serialHex,
    subject: facts.subject.rfc4514,
    notBefore: facts.notBefore.toISOString(),
    notAfter: facts.notAfter.toISOString(),
    ...paths,
  };
}

/**
 * `jitr pki revoke`: records a revocation in the CA directory (idempotent per serial). The
 * serial comes from `--serial`, or from the certificate file `--cert` (which this CA must have
 * issued: a serial only means something under its issuer).
 */
export async function revokeAction(input: {
  dir?: string;
  serial?: string;
  cert?: string;
  reason?: string;
  now?: Date;
}) {
  const dir = input.dir ?? DEFAULT_CA_DIR;
  if ((input.serial === undefined) === (input.cert === undefined)) {
    throw new PkiInvalidArgumentError({ kind: 'serial-or-cert' });
  }
  const given = input.serial === undefined ? undefined : normaliseSerial(input.serial);
  const reason = parseReason(input.reason);
  const ca = await readCa(dir); // a revocation without a CA is a mistake: fail early
  const serial = given ?? (await serialOfIssuedCertificate(input.cert ?? '', ca.certificatePem));
  const state = await readState(dir);
  const existing = state.revoked.find((r) => r.serial === serial);
  if (existing !== undefined) {
    return { ...existing, alreadyRevoked: true, revokedCount: state.revoked.length };
  }
  const record: RevocationRecord = {
    serial,
    revocationDate: wholeSeconds(input.now ?? new Date()).toISOString(),
    ...(reason === undefined ? {} : { reason }),
  };
  await writeState(dir, { ...state, revoked: [...state.revoked, record] });
  return { ...record, alreadyRevoked: false, revokedCount: state.revoked.length + 1 };
}

/** `jitr pki crl`: a signed DER CRL of every recorded revocation, with the next CRL number. */
export async function crlAction(input: {
  dir?: string;
  out?: string;
  nextUpdateDays?: string | number;
  now?: Date;
}) {
  const dir = input.dir ?? DEFAULT_CA_DIR;
  const days = parseDays(input.nextUpdateDays, 7, '--next-update-days');
  const ca = await loadCaFrom(dir);
  const state = await readState(dir);
  const crlNumber = state.lastCrlNumber + 1;
  // Consume the number before writing the CRL: a skipped number is harmless, a reused one is not.
  await writeState(dir, { ...state, lastCrlNumber: crlNumber });
  // CRL times have whole seconds: report exactly what the CRL says.
  const thisUpdate = wholeSeconds(input.now ?? new Date());
  const nextUpdate = new Date(thisUpdate.getTime() + days * DAY_MS);
  const der = buildCrl({
    ca,
    thisUpdate,
    nextUpdate,
    crlNumber,
    entries: state.revoked.map((r) => ({
      serial: r.serial,
      revocationDate: new Date(r.revocationDate),
      ...(r.reason === undefined ? {} : { reason: r.reason }),
    })),
  });
  const out = input.out ?? caPaths(dir).crl;
  await writeFile(out, der);
  return {
    crl: out,
    crlNumber,
    thisUpdate: thisUpdate.toISOString(),
    nextUpdate: nextUpdate.toISOString(),
    entryCount: state.revoked.length,
    bytes: der.length,
  };
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

async function loadCaFrom(dir: string): Promise<Ca> {
  const files = await readCa(dir);
  try {
    return loadCa(files);
  } catch (error) {
    if (isJitrError(error)) throw error;
    throw new PkiStateInvalidError(
      dir,
      { kind: 'ca-files', said: error instanceof Error ? error.message : String(error) },
      error,
    );
  }
}

async function createFile(path: string, content: string, mode: number): Promise<void> {
  try {
    await writeFile(path, content, { flag: 'wx', mode });
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'EEXIST') {
      throw new PkiFileExistsError(path);
    }
    throw error;
  }
}

/** Normalises a serial to the lowercase DER INTEGER content hex (`0091f0…` keeps its 00). */
/** The serial of a certificate file, refused unless the CA's key signed it. */
async function serialOfIssuedCertificate(file: string, caPem: string): Promise<string> {
  const { readInputFile } = await import('./errors.js');
  const bytes = await readInputFile(file, '--cert', 'jitr pki revoke');
  let facts: ReturnType<typeof parseCertificate>;
  try {
    facts = parseCertificate(bytes);
  } catch (error) {
    if (!isJitrError(error)) throw error;
    throw new PkiInvalidArgumentError({ kind: 'not-a-certificate', file, said: error.message });
  }
  try {
    verifyIssuedBy(facts, parseCertificate(caPem));
  } catch (error) {
    if (!isJitrError(error)) throw error;
    throw new PkiInvalidArgumentError({ kind: 'not-issued-by-ca', file, code: error.code });
  }
  return normaliseSerial(facts.serialHex);
}

export function normaliseSerial(serial: string): string {
  try {
    return positiveIntegerContent(serialMagnitude(serial.trim())).toString('hex');
  } catch {
    throw new PkiInvalidArgumentError({ kind: 'serial', value: serial });
  }
}

function parseReason(reason: string | undefined): RevocationReason | undefined {
  if (reason === undefined) return undefined;
  if (reason in REVOCATION_REASON_CODES) return reason as RevocationReason;
  throw new PkiInvalidArgumentError({ kind: 'reason', value: reason });
}

function parseKeyType(value: string | undefined, fallback: KeyType): KeyType {
  if (value === undefined) return fallback;
  if (value === 'rsa' || value === 'ec') return value;
  throw new PkiInvalidArgumentError({ kind: 'key-type', value });
}

function parseCurve(value: string | undefined, keyType: KeyType): Curve | undefined {
  if (value === undefined) return undefined;
  if (keyType !== 'ec') throw new PkiInvalidArgumentError({ kind: 'curve-without-ec' });
  if (value === 'P-256' || value === 'P-384') return value;
  throw new PkiInvalidArgumentError({ kind: 'curve', value });
}

/** The longest validity a `--days` option may ask for (100 years). */
const MAX_DAYS = 36_500;

function parseDays(value: string | number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  const days = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
    throw new PkiInvalidArgumentError({ kind: 'days', option, value, max: MAX_DAYS });
  }
  return days;
}

function checkSubject(subject: string): void {
  try {
    if (parseSubjectString(subject).length === 0) throw new RangeError('empty subject');
    nameDer(subject); // rejects unknown attribute types
  } catch (error) {
    throw new PkiInvalidArgumentError({
      kind: 'subject',
      said: error instanceof Error ? error.message : String(error),
    });
  }
}

/** `<CN>-<first 8 hex of the certificate id>` when the CN is a tame file name, else the certificate id. */
function fileStem(commonName: string | undefined, certificateId: string): string {
  return commonName !== undefined && /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/.test(commonName)
    ? `${commonName}-${certificateId.slice(0, 8)}`
    : certificateId;
}
