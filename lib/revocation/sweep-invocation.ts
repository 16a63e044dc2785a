/**
 * One invocation of the sweep function: the CAs the event names (an S3 notification or an
 * EventBridge "Object Created" event for a CRL object; a schedule for configured CAs), swept one
 * after the other. Refusals are reported (and alarmed through `RevocationSweepRefused`), not
 * thrown: retrying a forged or older CRL cannot help. A sweep with certificates it could not
 * revoke throws, so Lambda retries it (finished certificates are skipped). Each CA is swept
 * under its lease: a CA another sweep is busy with is reported `in-progress` (that sweep runs
 * again for the newest CRL when done).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { ConfigurationInvalidError } from '../config/errors.js';
import { SweepIncompleteError, SweepStoppedError } from './errors.js';
import type { SweepDeps, SweepReport } from './sweep.js';
import { sweepCaExclusively, sweepLeaseOwner } from './sweep-lease.js';
import { sweepTargets } from './sweep-targets.js';

/** How long before the function's timeout a sweep stops (the requests in flight finish first). */
const STOP_BEFORE_TIMEOUT_MS = 20_000;

export interface SweepInvocationRuntime {
  bucket: string | null;
  keyTemplate: string;
  settings: { caCertificateIds: readonly string[] };
  logger: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  metrics: { publishStoredMetrics(): void };
  depsFor(bucket: string): SweepDeps;
}

/**
 * @example export const handler = (event: unknown) => handleSweepInvocation(runtime, event);
 * @throws {@link SweepIncompleteError} when a certificate could not be revoked (retried).
 */
export async function handleSweepInvocation(
  runtime: SweepInvocationRuntime,
  event: unknown,
  context?: { getRemainingTimeInMillis(): number },
): Promise<SweepReport[]> {
  // Stop before the function's timeout, so the lease is given up and the retry can take it at
  // once (a killed invocation would hold it until it expires, and a retry could find it held).
  const deadline = new AbortController();
  const remaining = context?.getRemainingTimeInMillis();
  const timer =
    remaining === undefined
      ? undefined
      : setTimeout(() => deadline.abort(), Math.max(0, remaining - STOP_BEFORE_TIMEOUT_MS));
  timer?.unref();
  try {
    const { targets, ignoredKeys } = sweepTargets(event, {
      bucket: runtime.bucket,
      keyTemplate: runtime.keyTemplate,
      configured: runtime.settings.caCertificateIds,
    });
    if (ignoredKeys.length > 0)
      runtime.logger.info('objects that are no CRL of the key template; ignored', { ignoredKeys });
    const reports: SweepReport[] = [];
    const lastRuns: SweepReport[] = [];
    const owner = sweepLeaseOwner('function');
    for (const target of targets) {
      const bucket = target.bucket ?? runtime.bucket;
      if (bucket === null) {
        throw new ConfigurationInvalidError({
          variable: 'CRL_BUCKET',
          requiredBecause: 'a scheduled sweep names no bucket (only S3 events do)',
          expected: 'the bucket holding the CRLs',
        });
      }
      // Under the CA's lease: one sweep per CA at a time (an S3 event and the schedule, the CLI).
      const runs = await sweepCaExclusively(runtime.depsFor(bucket), {
        caCertificateId: target.caCertificateId,
        dryRun: false,
        owner,
        signal: deadline.signal,
      });
      reports.push(...runs);
      const last = runs.at(-1);
      if (last !== undefined) lastRuns.push(last);
    }
    const stopped = lastRuns.find((r) => r.result === 'interrupted');
    if (stopped !== undefined && deadline.signal.aborted)
      throw new SweepStoppedError(stopped.caCertificateId, stopped.revoked, stopped.revokedActive);
    // A run that a rerun finished is not incomplete any more.
    const incomplete = lastRuns.find((r) => r.result === 'incomplete');
    if (incomplete !== undefined) {
      throw new SweepIncompleteError(
        incomplete.caCertificateId,
        incomplete.failures.length,
        incomplete.failures[0]?.code ?? 'UnexpectedError',
      );
    }
    return reports;
  } finally {
    clearTimeout(timer);
    runtime.metrics.publishStoredMetrics();
  }
}
