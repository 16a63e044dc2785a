// The scheduled reconcile function (EventBridge schedule, disabled by default): sweeps each
// configured CA for certificates stuck in PENDING_ACTIVATION and runs them through the
// registration use case. Wiring only; logic in lib/operations/reconcile.ts.

import { caIdsFromScheduleInput, loadReconcileConfig } from '../lib/config/reconcile-config.js';
import { type ReconcileReport, reconcileCa } from '../lib/operations/reconcile.js';
import { useCaseInvoker } from '../lib/operations/replay/use-case-invoker.js';
import { systemClock } from '../lib/pacing/token-bucket.js';
import { createRuntimeFromEnv } from '../lib/runtime/runtime.js';

// Built once per container; a configuration error is thrown on every invocation (visible, alarmed).
const config = loadReconcileConfig(process.env);
const runtime = createRuntimeFromEnv(process.env);

/** Stop starting new certificates when less than this much time is left. */
const SAFETY_MS = 15_000;

/** Lambda entry point (`Handler: reconcile.handler`). Returns one report per CA. */
export async function handler(
  event: unknown,
  context: { getRemainingTimeInMillis(): number },
): Promise<ReconcileReport[]> {
  const caIds = caIdsFromScheduleInput(event) ?? config.caCertificateIds;
  const controller = new AbortController();
  const watch = setInterval(() => {
    if (context.getRemainingTimeInMillis() < SAFETY_MS) controller.abort();
  }, 1000);
  const reports: ReconcileReport[] = [];
  try {
    for (const caCertificateId of caIds) {
      if (controller.signal.aborted) break;
      const report = await reconcileCa(
        { iot: runtime.deps.iot, invoker: useCaseInvoker(runtime.deps), clock: systemClock },
        {
          caCertificateId,
          olderThanMs: config.olderThanMs,
          max: config.max,
          ratePerSecond: config.ratePerSecond,
          dryRun: false,
          signal: controller.signal,
        },
      );
      // One line per CA: counts by outcome, and each failure with its reason.
      runtime.logger.info('reconcile finished', { ...report, selected: report.selected.length });
      reports.push(report);
    }
    return reports;
  } finally {
    clearInterval(watch);
    runtime.metrics.publishStoredMetrics();
  }
}
