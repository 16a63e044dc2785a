/**
 * Use case: apply a CA's newly published CRL to certificates that are already ACTIVE.
 *
 * Primary course:
 *  1. DescribeCACertificate; read the CA's current CRL object and verify it exactly as the
 *     handler does (`loadCrl`: issuer, signature, critical extensions, freshness).
 *  2. Decide against the CA's sweep bookkeeping: only a CRL number greater than the last swept
 *     one is swept (`decideSweep`).
 *  3. Diff against an earlier swept CRL (the one before the last, still verified with the CA's
 *     key) to find the serials revoked since; without one, every serial is a candidate.
 *  4. Look the candidates up in the ledger in batches: (CA, serial) → certificate → record.
 *  5. Set each certificate the ledger says is ACTIVE to REVOKED (INACTIVE for certificateHold)
 *     at the sweep's share of the UpdateCertificate quota, then record it in the ledger.
 *  6. Save the bookkeeping (conditionally) only when every certificate was handled; emit
 *     `CertificateRevokedBySweep` per certificate and one summary line.
 *
 * Alternative courses: a CRL that fails verification, has no number or is not newer changes
 * nothing, emits `RevocationSweepRefused` (alarmed) and is reported as `refused`; the very CRL
 * swept last is `already-swept` (S3 delivers events at least once). An interrupted run or one
 * with failed certificates saves nothing: the next run redoes the diff and skips what the
 * ledger already shows as revoked by a sweep.
 */
import { createHash } from 'node:crypto';
import { type CertificateFacts, parseCertificate } from '../certificate/index.js';
import { loadCrl, loadCrlIgnoringFreshness, type VerifiedCrl } from '../crl/index.js';
import { isJitrError } from '../errors/jitr-error.js';
import type { SweepLedger } from '../ledger/ports.js';
import { type CrlObjectVersion, SWEPT_OBJECTS_KEPT, type SweepState } from '../ledger/record.js';
import type { JitrLogger } from '../observability.js';
import type { Clock } from '../pacing/token-bucket.js';
import type { IotRegistry } from '../provisioning/iot-registry.js';
import type { CrlObjectSource } from './crl-objects.js';
import { CrlNotNewerError, CrlNumberMissingError } from './errors.js';
import { newlyRevokedBatches } from './newly-revoked.js';
import { PacedRunner } from './paced.js';
import { revokeOne, type SweepFailure, type SweepMetrics } from './revoke-one.js';
import { decideSweep } from './sweep-decision.js';

export type { SweepMetric, SweepMetrics } from './revoke-one.js';

export interface SweepConfig {
  /** `CRL_MAX_STALENESS`: the handler's freshness rule. */
  maxStalenessSeconds: number;
  /** UpdateCertificate requests per second for this sweep (its share of the quota). */
  updatesPerSecond: number;
}

export interface SweepDeps {
  iot: Pick<IotRegistry, 'describeCaCertificate' | 'updateCertificateStatus'>;
  crls: CrlObjectSource;
  ledger: SweepLedger;
  clock: Clock;
  logger: JitrLogger;
  metrics: SweepMetrics;
  config: SweepConfig;
}

export interface SweepProgress {
  /** Newly revoked serials looked up so far, of `candidates` (null until the diff is done). */
  lookedUp: number;
  toRevoke: number;
  revoked: number;
}

export interface SweepOptions {
  caCertificateId: string;
  /** Verify, diff and look up; change nothing. */
  dryRun: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: SweepProgress) => void;
  /** Called with the CRL once it is verified and newer (or the one swept last): `--full` walks it. */
  onVerified?: (crl: VerifiedCrl) => void;
}

export type SweepResult =
  | 'swept'
  | 'dry-run'
  | 'already-swept'
  | 'no-crl'
  | 'refused'
  | 'incomplete'
  | 'interrupted'
  /** Another sweep of the CA holds its lease (lib/revocation/sweep-lease.ts): nothing changed. */
  | 'in-progress';

export interface SweepReport {
  caCertificateId: string;
  result: SweepResult;
  crlNumber: string | null;
  lastSweptCrlNumber: string | null;
  /** CRL number of the CRL the diff was taken against; null: every serial was a candidate. */
  diffBaseCrlNumber: string | null;
  entryCount: number;
  /** Serials revoked since the diff base. */
  newlyRevoked: number;
  /** Of those, certificates the ledger knows. */
  inLedger: number;
  /** Of those, ACTIVE per the ledger and not yet set by a sweep: what this sweep revokes. */
  revokedActive: number;
  /** Status changes this run made (0 in a dry run). */
  revoked: number;
  failures: SweepFailure[];
  /** Why nothing was changed (refused), with its remedy. */
  refusal: { code: string; message: string; remedy: string } | null;
  /** Ledger items read (serial and certificate items). */
  ledgerReads: number;
  durationMs: number;
  dryRun: boolean;
}

/** SHA-256 of the CRL object's bytes, lowercase hex. */
export function crlSha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A report of a sweep that has done nothing yet (`no-crl` until it finds one). */
export function emptySweepReport(caCertificateId: string, dryRun: boolean): SweepReport {
  return {
    caCertificateId,
    result: 'no-crl',
    crlNumber: null,
    lastSweptCrlNumber: null,
    diffBaseCrlNumber: null,
    entryCount: 0,
    newlyRevoked: 0,
    inLedger: 0,
    revokedActive: 0,
    revoked: 0,
    failures: [],
    refusal: null,
    ledgerReads: 0,
    durationMs: 0,
    dryRun,
  };
}

/**
 * Runs one sweep of a CA. Returns a report for every outcome the CRL causes (refusals
 * included); throws only when a dependency fails before anything was changed (the CA cannot
 * be read, S3 or the ledger is unavailable).
 *
 * @example
 * const report = await sweepCa(deps, { caCertificateId, dryRun: false });
 * @throws CaCertificateNotFoundError, CrlAccessDenied/CrlUnavailable-style store errors, ledger errors.
 */
export async function sweepCa(deps: SweepDeps, options: SweepOptions): Promise<SweepReport> {
  const startedAt = deps.clock.now();
  const caCertificateId = options.caCertificateId.toLowerCase();
  const report = emptySweepReport(caCertificateId, options.dryRun);
  const finish = (): SweepReport => {
    report.durationMs = deps.clock.now() - startedAt;
    const log = report.result === 'refused' || report.result === 'incomplete' ? 'error' : 'info';
    deps.logger[log]('revocation sweep summary', { ...report, failures: report.failures.slice(0, 20) });
    return report;
  };

  const ca = parseCertificate((await deps.iot.describeCaCertificate(caCertificateId)).certificatePem);
  const [object, state] = await Promise.all([
    deps.crls.current(caCertificateId),
    deps.ledger.sweepState(caCertificateId),
  ]);
  report.lastSweptCrlNumber = state?.lastSweptCrlNumber ?? null;
  if (object === null) return finish();

  let crl: VerifiedCrl;
  try {
    crl = loadCrl(object.bytes, ca, {
      now: new Date(deps.clock.now()),
      maxStalenessSeconds: deps.config.maxStalenessSeconds,
    });
  } catch (error) {
    return refuse(deps, report, error, finish);
  }
  report.crlNumber = crl.crlNumber;
  report.entryCount = crl.entryCount;
  const sha256 = crlSha256(object.bytes);
  const decision = decideSweep({ crlNumber: crl.crlNumber, sha256 }, state);
  if (decision.kind === 'already-swept') {
    report.result = 'already-swept';
    options.onVerified?.(crl);
    return finish();
  }
  if (decision.kind === 'no-crl-number')
    return refuse(deps, report, new CrlNumberMissingError(caCertificateId), finish);
  if (decision.kind === 'not-newer') {
    return refuse(
      deps,
      report,
      new CrlNotNewerError(caCertificateId, decision.crlNumber, decision.lastSweptCrlNumber),
      finish,
    );
  }

  options.onVerified?.(crl);
  const base = await diffBase(deps, state, ca);
  report.diffBaseCrlNumber = base?.crlNumber ?? null;
  const runner = new PacedRunner(deps.config.updatesPerSecond, deps.clock);
  const progress = () =>
    options.onProgress?.({
      lookedUp: report.newlyRevoked,
      toRevoke: report.revokedActive,
      revoked: report.revoked,
    });
  for (const serials of newlyRevokedBatches(crl, base?.crl ?? null)) {
    if (options.signal?.aborted) break;
    report.newlyRevoked += serials.length;
    report.ledgerReads += serials.length;
    const bySerial = await deps.ledger.certificatesBySerial(caCertificateId, serials);
    report.inLedger += bySerial.size;
    report.ledgerReads += bySerial.size;
    const records = bySerial.size === 0 ? new Map() : await deps.ledger.getMany([...bySerial.values()]);
    for (const serial of serials) {
      const certificateId = bySerial.get(serial);
      const record = certificateId === undefined ? undefined : records.get(certificateId);
      if (certificateId === undefined || record === undefined) continue;
      if (record.certificateStatus !== 'ACTIVE' || record.revokedBySweep !== null) continue;
      report.revokedActive += 1;
      if (options.dryRun) continue;
      const entry = crl.lookupHex(serial);
      if (entry === null) continue; // cannot happen: the serial came from this CRL
      if (options.signal?.aborted) break;
      await runner.start(async () => {
        const failure = await revokeOne(deps, certificateId, entry, crl.crlNumber);
        if (failure === null) report.revoked += 1;
        else report.failures.push(failure);
        progress();
      });
    }
    progress();
  }
  await runner.drain();

  if (options.dryRun) report.result = 'dry-run';
  else if (options.signal?.aborted) report.result = 'interrupted';
  else if (report.failures.length > 0) {
    report.result = 'incomplete';
    deps.metrics.count('RevocationSweepFailed');
  } else {
    report.result = 'swept';
    const swept: CrlObjectVersion = { ...object.version, crlNumber: crl.crlNumber ?? '' };
    const next: SweepState = {
      caCertificateId,
      lastSweptCrlNumber: crl.crlNumber ?? '',
      lastSweptCrlSha256: sha256,
      lastSweptAt: new Date(deps.clock.now()).toISOString(),
      sweptObjects: [swept, ...(state?.sweptObjects ?? [])].slice(0, SWEPT_OBJECTS_KEPT),
    };
    // Lost race with a concurrent sweep of a newer CRL: its state wins; our revocations stand.
    if (!(await deps.ledger.saveSweepState(next, state?.lastSweptCrlNumber ?? null))) {
      deps.logger.warn('another sweep saved its state first; keeping it', { caCertificateId });
    }
  }
  return finish();
}

/** The oldest kept swept CRL that still reads and verifies with the CA's key, or null. */
async function diffBase(
  deps: SweepDeps,
  state: SweepState | null,
  ca: CertificateFacts,
): Promise<{ crl: VerifiedCrl; crlNumber: string } | null> {
  const kept = [...(state?.sweptObjects ?? [])].reverse();
  for (const version of kept) {
    const bytes = await deps.crls.read(version);
    if (bytes === null) continue;
    try {
      // Freshness does not matter for a base: it only says what was already revoked.
      const crl = loadCrlIgnoringFreshness(bytes, ca);
      if (crl.crlNumber === version.crlNumber) return { crl, crlNumber: version.crlNumber };
    } catch (error) {
      deps.logger.warn('an earlier swept CRL no longer verifies; not using it as the diff base', {
        crlNumber: version.crlNumber,
        code: isJitrError(error) ? error.code : 'UnexpectedError',
      });
    }
  }
  return null;
}

function refuse(
  deps: SweepDeps,
  report: SweepReport,
  error: unknown,
  finish: () => SweepReport,
): SweepReport {
  if (!isJitrError(error)) throw error;
  report.result = 'refused';
  report.refusal = { code: error.code, message: error.message, remedy: error.remedy };
  deps.metrics.count('RevocationSweepRefused');
  return finish();
}
