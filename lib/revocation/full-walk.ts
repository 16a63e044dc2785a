/**
 * `--full`: the certificates the ledger does not know (activated before it existed, or by
 * JITP) are found by walking the CA in AWS IoT.
 *
 * Primary course:
 *  1. ListCertificatesByCA, every page (250 per page, paced), keeping the ACTIVE certificates.
 *  2. Ledger records of those, in batches: a known serial is checked against the CRL at once.
 *  3. DescribeCertificate for each certificate the ledger does not know (paced: the quota,
 *     10 TPS by default, is shared with the handler), its serial checked against the CRL and
 *     the certificate written to the ledger (`source: full-sweep`), so that a later run, or a
 *     rerun after an interruption, skips it: the walk resumes where it stopped.
 *  4. The listed ACTIVE certificates are set REVOKED (INACTIVE on hold) at the update rate and
 *     recorded, as in the CRL sweep.
 */
import { parseCertificate } from '../certificate/index.js';
import type { VerifiedCrl } from '../crl/types.js';
import { isJitrError } from '../errors/jitr-error.js';
import type { SweepLedger } from '../ledger/ports.js';
import { canonicalSerialHex, emptyLedgerRecord, type LedgerRecord } from '../ledger/record.js';
import type { JitrLogger } from '../observability.js';
import { type Clock, TokenBucket } from '../pacing/token-bucket.js';
import type { IotRegistry } from '../provisioning/iot-registry.js';
import { LEDGER_BATCH_SIZE } from './newly-revoked.js';
import { PacedRunner } from './paced.js';
import { revokeOne, type SweepFailure, type SweepMetrics } from './revoke-one.js';

export interface FullWalkDeps {
  iot: Pick<IotRegistry, 'listCertificatesByCa' | 'describeCertificate' | 'updateCertificateStatus'>;
  ledger: SweepLedger;
  clock: Clock;
  logger: JitrLogger;
  metrics: SweepMetrics;
  /** Requests per second for each API: the sweep's share of its quota. */
  rates: { list: number; describe: number; update: number };
}

export interface FullWalkProgress {
  phase: 'list' | 'describe' | 'revoke';
  done: number;
  /** null while the total is not known yet (listing). */
  total: number | null;
  etaSeconds: number | null;
}

export interface FullWalkReport {
  /** Certificates of the CA listed by AWS IoT. */
  scanned: number;
  active: number;
  /** ACTIVE certificates the ledger knew. */
  knownToLedger: number;
  /** ACTIVE certificates described (the ledger did not know them). */
  described: number;
  /** ACTIVE certificates the CRL lists and no sweep set yet. */
  revokedActive: number;
  revoked: number;
  failures: SweepFailure[];
  interrupted: boolean;
}

const PAGE_SIZE = 250;

function failureOf(certificateId: string, error: unknown): SweepFailure {
  return {
    certificateId,
    code: isJitrError(error) ? error.code : 'UnexpectedError',
    message: error instanceof Error ? error.message : String(error),
  };
}

/**
 * Walks every ACTIVE certificate of the CA against a verified CRL.
 * @example const walk = await fullWalk(deps, { caCertificateId, crl, crlNumber: crl.crlNumber, dryRun: false });
 */
export async function fullWalk(
  deps: FullWalkDeps,
  options: {
    caCertificateId: string;
    crl: Pick<VerifiedCrl, 'has' | 'lookupHex' | 'crlNumber'>;
    dryRun: boolean;
    signal?: AbortSignal;
    onProgress?: (progress: FullWalkProgress) => void;
  },
): Promise<FullWalkReport> {
  const { crl, caCertificateId, signal } = options;
  const report: FullWalkReport = {
    scanned: 0,
    active: 0,
    knownToLedger: 0,
    described: 0,
    revokedActive: 0,
    revoked: 0,
    failures: [],
    interrupted: false,
  };
  const progress = (phase: FullWalkProgress['phase'], done: number, total: number | null, rate: number) =>
    options.onProgress?.({
      phase,
      done,
      total,
      etaSeconds: total === null ? null : Math.ceil((total - done) / rate),
    });

  // 1. List.
  const active: string[] = [];
  const lists = new TokenBucket(deps.rates.list, deps.clock);
  let marker: string | undefined;
  do {
    await lists.acquire();
    const page = await deps.iot.listCertificatesByCa(caCertificateId, {
      pageSize: PAGE_SIZE,
      ...(marker === undefined ? {} : { marker }),
    });
    report.scanned += page.certificates.length;
    for (const c of page.certificates) if (c.status === 'ACTIVE') active.push(c.certificateId.toLowerCase());
    marker = page.nextMarker;
    progress('list', report.scanned, null, deps.rates.list);
  } while (marker !== undefined && !signal?.aborted);
  report.active = active.length;

  // 2. What the ledger knows.
  const toRevoke: { certificateId: string; serial: string }[] = [];
  const unknown: string[] = [];
  const consider = (certificateId: string, serial: string | null, record: LedgerRecord | undefined) => {
    if (serial === null || record?.revokedBySweep != null) return;
    if (crl.has(Buffer.from(canonicalSerialHex(serial), 'hex'))) toRevoke.push({ certificateId, serial });
  };
  for (let i = 0; i < active.length && !signal?.aborted; i += LEDGER_BATCH_SIZE) {
    const ids = active.slice(i, i + LEDGER_BATCH_SIZE);
    const records = await deps.ledger.getMany(ids);
    for (const id of ids) {
      const record = records.get(id);
      if (record?.serial == null) unknown.push(id);
      else consider(id, record.serial, record);
    }
  }
  report.knownToLedger = active.length - unknown.length;

  // 3. Describe the unknown ones, and remember them.
  const describes = new PacedRunner(deps.rates.describe, deps.clock);
  for (const certificateId of unknown) {
    if (signal?.aborted) break;
    await describes.start(async () => {
      try {
        const described = await deps.iot.describeCertificate(certificateId);
        const serial = parseCertificate(described.certificatePem).serialHex;
        if (!options.dryRun)
          await deps.ledger.recordOutcome(
            backfillRecord(certificateId, caCertificateId, serial, described.status),
          );
        if (described.status === 'ACTIVE') consider(certificateId, serial, undefined);
      } catch (error) {
        report.failures.push(failureOf(certificateId, error));
      }
      report.described += 1;
      progress('describe', report.described, unknown.length, deps.rates.describe);
    });
  }
  await describes.drain();
  report.revokedActive = toRevoke.length;

  // 4. Revoke.
  if (!options.dryRun) {
    const updates = new PacedRunner(deps.rates.update, deps.clock);
    for (const { certificateId, serial } of toRevoke) {
      if (signal?.aborted) break;
      const entry = crl.lookupHex(serial);
      if (entry === null) continue;
      await updates.start(async () => {
        const failure = await revokeOne(deps, certificateId, entry, crl.crlNumber);
        if (failure === null) report.revoked += 1;
        else report.failures.push(failure);
        progress('revoke', report.revoked, toRevoke.length, deps.rates.update);
      });
    }
    await updates.drain();
  }
  report.interrupted = signal?.aborted === true;
  return report;
}

/** What a full walk writes for a certificate the ledger did not know. */
export function backfillRecord(
  certificateId: string,
  caCertificateId: string,
  serial: string,
  status: string,
): LedgerRecord {
  return {
    ...emptyLedgerRecord(certificateId, caCertificateId),
    serial,
    outcome: 'found-by-full-sweep',
    certificateStatus: status,
    source: 'full-sweep',
  };
}
