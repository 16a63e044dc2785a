/**
 * At most one sweep of a CA at a time. Two triggers can fire together — an S3 event and the
 * schedule, the CLI and the function — and each sweep paces itself to the configured share of
 * the UpdateCertificate quota, so two at once would spend twice the share and throttle
 * activations. A sweep therefore runs under the CA's lease (an item of the registration-state
 * table, renewed while it runs; DynamoDB's TTL removes it later).
 *
 * Primary course: take the lease, sweep, give the lease up.
 * Alternative courses:
 *  - the lease is held: the holder is asked to sweep again when done (it read its CRL before
 *    this trigger's CRL may have landed) and this sweep reports `in-progress`, changing nothing;
 *  - a rerun was asked for while sweeping: sweep again (the newest CRL) before giving it up;
 *  - the lease could not be renewed (it expired, e.g. the process stalled, and another sweep
 *    took it): stop at once (`interrupted`); the other sweep carries on.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { SweepLease } from '../ledger/ports.js';
import type { JitrLogger } from '../observability.js';
import type { Clock } from '../pacing/token-bucket.js';
import { SweepInProgressError } from './errors.js';
import { emptySweepReport, type SweepDeps, type SweepOptions, type SweepReport, sweepCa } from './sweep.js';

/** How long a lease lasts without renewal: a stopped holder blocks the CA at most this long. */
export const SWEEP_LEASE_MS = 60_000;
/** Reruns asked for while sweeping are honoured this many times per invocation at most. */
const MAX_RUNS = 5;

/** A lease owner id that says who holds it (`jitr status`-style diagnosis: which process). */
export function sweepLeaseOwner(kind: 'function' | 'cli'): string {
  return `${kind}:${hostname()}:${process.pid}:${randomUUID()}`;
}

export interface LeasedSweepOptions extends SweepOptions {
  owner: string;
  leaseMs?: number;
  /** More work under the same lease after the first run (the CLI's `--full` walk). */
  afterFirstRun?: (report: SweepReport, signal: AbortSignal) => Promise<void>;
}

/**
 * Sweeps the CA under its lease. Returns one report per run: the first, then one per rerun
 * asked for meanwhile; a single `in-progress` report when another sweep holds the lease. A dry
 * run changes nothing and takes no lease.
 *
 * @example const reports = await sweepCaExclusively(deps, { caCertificateId, dryRun: false, owner: sweepLeaseOwner('cli') });
 * @throws what {@link sweepCa} throws, and ledger errors while taking the lease.
 */
export async function sweepCaExclusively(
  deps: SweepDeps & { ledger: SweepLease },
  options: LeasedSweepOptions,
): Promise<SweepReport[]> {
  const { owner, leaseMs = SWEEP_LEASE_MS, afterFirstRun, ...sweepOptions } = options;
  if (options.dryRun) {
    const report = await sweepCa(deps, sweepOptions);
    await afterFirstRun?.(report, options.signal ?? new AbortController().signal);
    return [report];
  }
  const caCertificateId = options.caCertificateId.toLowerCase();
  const now = deps.clock.now();
  const taken = await deps.ledger.acquireSweepLease(caCertificateId, owner, now, now + leaseMs);
  if (!taken.acquired) return [inProgress(deps, caCertificateId, taken.owner, taken.leaseUntil)];

  const lost = new AbortController();
  const signal = options.signal === undefined ? lost.signal : AbortSignal.any([options.signal, lost.signal]);
  const heartbeat = keepLease(deps, caCertificateId, owner, leaseMs, lost);
  const reports: SweepReport[] = [];
  let released = false;
  try {
    for (;;) {
      const report = await sweepCa(deps, { ...sweepOptions, signal });
      reports.push(report);
      if (reports.length === 1 && !signal.aborted) await afterFirstRun?.(report, signal);
      if (signal.aborted || reports.length >= MAX_RUNS) break;
      if ((await deps.ledger.releaseSweepLease(caCertificateId, owner)) !== 'rerun') {
        released = true;
        break;
      }
      deps.logger.info('another trigger arrived while sweeping; sweeping again', { caCertificateId });
    }
  } finally {
    clearInterval(heartbeat);
    // Stopped (interrupted, lease lost, an error) or out of runs: give it up, rerun asked or not.
    if (!released) await giveUp(deps, caCertificateId, owner);
  }
  return reports;
}

function keepLease(
  deps: { ledger: SweepLease; clock: Clock; logger: JitrLogger },
  caCertificateId: string,
  owner: string,
  leaseMs: number,
  lost: AbortController,
): ReturnType<typeof setInterval> {
  const timer = setInterval(() => {
    deps.ledger.renewSweepLease(caCertificateId, owner, deps.clock.now() + leaseMs).then(
      (renewed) => {
        if (renewed || lost.signal.aborted) return;
        deps.logger.error('sweep lease lost to another sweep; stopping', { caCertificateId, owner });
        lost.abort();
      },
      (error: unknown) => {
        // The lease may still be ours: the next renewal says (a lost lease stops the sweep then).
        deps.logger.warn('sweep lease renewal failed; retrying', {
          caCertificateId,
          error: error instanceof Error ? error.message : String(error),
        });
      },
    );
  }, leaseMs / 3);
  timer.unref();
  return timer;
}

async function giveUp(
  deps: { ledger: SweepLease; logger: JitrLogger },
  caCertificateId: string,
  owner: string,
): Promise<void> {
  try {
    if ((await deps.ledger.releaseSweepLease(caCertificateId, owner)) === 'rerun') {
      deps.logger.warn(
        'a rerun was asked for but this sweep stopped; the next trigger sweeps the newest CRL',
        {
          caCertificateId,
        },
      );
      await deps.ledger.releaseSweepLease(caCertificateId, owner);
    }
  } catch (error) {
    // The lease expires by itself; the sweep's own result stands.
    deps.logger.warn('sweep lease release failed; it expires by itself', {
      caCertificateId,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

function inProgress(
  deps: { clock: Clock; logger: JitrLogger },
  caCertificateId: string,
  holder: string,
  leaseUntil: number,
): SweepReport {
  const error = new SweepInProgressError(caCertificateId, holder, new Date(leaseUntil).toISOString());
  const report: SweepReport = {
    ...emptySweepReport(caCertificateId, false),
    result: 'in-progress',
    refusal: { code: error.code, message: error.message, remedy: error.remedy },
  };
  deps.logger.info('revocation sweep summary', { ...report });
  return report;
}
