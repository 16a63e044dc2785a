/**
 * Reconciliation: finds a CA's certificates still PENDING_ACTIVATION after a threshold and
 * runs each through the same pipeline as the handler. It recovers events that were lost or
 * expired anywhere on the way (rule, async queue, DLQ retention). Primary course:
 * 1. page through ListCertificatesByCA (throttled: its quota is about 10 TPS);
 * 2. keep PENDING_ACTIVATION certificates created before `now - olderThan`, up to `max`;
 * 3. for each, synthesise the registered event AWS IoT would have published and run it
 *    (throttled: the pipeline calls DescribeCertificate, 10 TPS shared with live traffic);
 * 4. count outcomes. An abort stops before the next certificate.
 */

import { accountOfArn } from '../arn/arn.js';
import { type Clock, TokenBucket } from '../pacing/token-bucket.js';
import type { CertificateSummary, IotRegistry } from '../provisioning/iot-registry.js';
import type { RegisteredEvent } from './registered-event.js';
import type { EventInvoker } from './replay/ports.js';

export interface ReconcileOptions {
  caCertificateId: string;
  olderThanMs: number;
  max: number;
  dryRun: boolean;
  ratePerSecond: number;
  signal?: AbortSignal;
  onSelected?: (selected: readonly CertificateSummary[]) => void;
  onProgress?: (done: number, total: number, certificateId: string, outcome: string) => void;
}

export interface ReconcileDeps {
  iot: Pick<IotRegistry, 'listCertificatesByCa'>;
  invoker: EventInvoker;
  clock: Clock;
}

export interface ReconcileReport {
  caCertificateId: string;
  scanned: number;
  /** PENDING_ACTIVATION certificates seen, old enough or not. */
  pending: number;
  /** PENDING_ACTIVATION and older than the threshold, in the pages listed (may exceed `max`). */
  stuck: number;
  /** Whether every page was listed (false when listing stopped because `max` was reached). */
  complete: boolean;
  /** The certificates this run re-drives: the first `max` of the stuck ones. */
  selected: string[];
  /** Count per outcome: the handler's outcome (`activated`, `rejected`, …) or `failed`. */
  outcomes: Record<string, number>;
  failures: { certificateId: string; reason: string }[];
  dryRun: boolean;
  interrupted: boolean;
}

const PAGE_SIZE = 250;

/**
 * Picks the certificates a reconcile run should re-drive: PENDING_ACTIVATION and created at or
 * before `now - olderThanMs`. Pure.
 */
export function selectStuck(
  certificates: readonly CertificateSummary[],
  now: number,
  olderThanMs: number,
): CertificateSummary[] {
  return certificates.filter(
    (c) => c.status === 'PENDING_ACTIVATION' && c.creationDate.getTime() <= now - olderThanMs,
  );
}

/**
 * The registered event AWS IoT would have published for `certificate`: same fields, the
 * registration timestamp from the certificate's creation date, `timestamp` now.
 */
export function synthesiseEvent(
  certificate: CertificateSummary,
  caCertificateId: string,
  now: number,
): RegisteredEvent | null {
  const awsAccountId = accountOfArn(certificate.certificateArn);
  if (awsAccountId === null) return null;
  return {
    certificateId: certificate.certificateId.toLowerCase(),
    caCertificateId: caCertificateId.toLowerCase(),
    timestamp: now,
    certificateStatus: 'PENDING_ACTIVATION',
    awsAccountId,
    certificateRegistrationTimestamp: String(certificate.creationDate.getTime()),
  };
}

async function listStuck(deps: ReconcileDeps, options: ReconcileOptions, now: number) {
  const bucket = new TokenBucket(options.ratePerSecond, deps.clock);
  const selected: CertificateSummary[] = [];
  let scanned = 0;
  let pending = 0;
  let stuck = 0;
  let marker: string | undefined;
  do {
    await bucket.acquire();
    const page = await deps.iot.listCertificatesByCa(options.caCertificateId, {
      pageSize: PAGE_SIZE,
      ...(marker === undefined ? {} : { marker }),
    });
    scanned += page.certificates.length;
    pending += page.certificates.filter((c) => c.status === 'PENDING_ACTIVATION').length;
    for (const c of selectStuck(page.certificates, now, options.olderThanMs)) {
      stuck += 1;
      if (selected.length < options.max) selected.push(c);
    }
    marker = page.nextMarker;
  } while (marker !== undefined && selected.length < options.max && !options.signal?.aborted);
  return { selected, scanned, pending, stuck, complete: marker === undefined };
}

/**
 * Runs one reconciliation of a CA. Listing failures throw (nothing was changed yet); a
 * per-certificate failure is counted and the run goes on.
 *
 * @example
 * const report = await reconcileCa(deps, { caCertificateId, olderThanMs: 600_000, max: 500, dryRun: false, ratePerSecond: 2 });
 */
export async function reconcileCa(deps: ReconcileDeps, options: ReconcileOptions): Promise<ReconcileReport> {
  const now = deps.clock.now();
  const { selected, scanned, pending, stuck, complete } = await listStuck(deps, options, now);
  options.onSelected?.(selected);
  const report: ReconcileReport = {
    caCertificateId: options.caCertificateId,
    scanned,
    pending,
    stuck,
    complete,
    selected: selected.map((c) => c.certificateId),
    outcomes: {},
    failures: [],
    dryRun: options.dryRun,
    interrupted: false,
  };
  if (options.dryRun) return report;
  const bucket = new TokenBucket(options.ratePerSecond, deps.clock);
  const count = (outcome: string) => {
    report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
  };
  let done = 0;
  for (const certificate of selected) {
    if (options.signal?.aborted) {
      report.interrupted = true;
      break;
    }
    const event = synthesiseEvent(certificate, options.caCertificateId, deps.clock.now());
    let outcome: string;
    if (event === null) {
      outcome = 'failed';
      report.failures.push({ certificateId: certificate.certificateId, reason: 'no account id in the ARN' });
    } else {
      await bucket.acquire();
      // Ctrl-C (or the Lambda deadline) during the wait starts nothing new.
      if (options.signal?.aborted) {
        report.interrupted = true;
        break;
      }
      let result: Awaited<ReturnType<EventInvoker['invoke']>>;
      try {
        result = await deps.invoker.invoke(event);
      } catch (error) {
        result = { ok: false, reason: error instanceof Error ? error.message : String(error) };
      }
      outcome = result.ok ? (result.outcome ?? 'succeeded') : 'failed';
      if (!result.ok)
        report.failures.push({ certificateId: certificate.certificateId, reason: result.reason });
    }
    count(outcome);
    done += 1;
    options.onProgress?.(done, selected.length, certificate.certificateId, outcome);
  }
  return report;
}
