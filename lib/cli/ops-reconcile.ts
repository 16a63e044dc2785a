/** `jitr reconcile`: sweeps a CA for certificates stuck in PENDING_ACTIVATION. */
import { parseDuration } from '../config/duration.js';
import { InvalidOperationsOptionError } from '../operations/errors.js';
import { reconcileCa } from '../operations/reconcile.js';
import { textTable } from '../operations/text-table.js';
import { systemClock } from '../pacing/token-bucket.js';
import type { CliRuntime } from '../runtime/cli-runtime.js';
import { certificateIdOption } from './certificate-id-option.js';
import { EXIT_CODES } from './exit-codes.js';
import { interruptOnSigint, progressBar, runInvoker } from './ops-run.js';

export interface ReconcileCliOptions {
  ca: string;
  olderThan: string;
  max: number;
  rate: number;
  dryRun?: boolean;
  functionName?: string;
  region?: string;
  json?: boolean;
}

/** Runs `jitr reconcile` and sets exit code 1 when a certificate failed. */
export async function runReconcile(options: ReconcileCliOptions, cli: CliRuntime): Promise<void> {
  const olderThanMs = parseDuration(options.olderThan);
  if (olderThanMs === null) {
    throw new InvalidOperationsOptionError({
      kind: 'not-a-duration',
      option: '--older-than',
      value: options.olderThan,
    });
  }
  const caCertificateId = certificateIdOption('--ca', options.ca, 'ca');
  // A dry run only lists: it needs neither the function nor the handler's configuration.
  const invoker = await runInvoker(options, cli);
  const interrupt = interruptOnSigint();
  const bar = progressBar('reconcile');
  try {
    const report = await reconcileCa(
      {
        iot: await cli.aws(options.region).iotRegistry(),
        invoker,
        clock: systemClock,
      },
      {
        caCertificateId,
        olderThanMs,
        max: options.max,
        dryRun: options.dryRun === true,
        ratePerSecond: options.rate,
        signal: interrupt.signal,
        onSelected: (selected) => {
          if (options.dryRun !== true && selected.length > 0) bar?.start(selected.length, 0, { outcome: '' });
        },
        onProgress: (done, _total, _id, outcome) => bar?.update(done, { outcome }),
      },
    );
    bar?.stop();
    if (options.json === true) {
      cli.out.line(JSON.stringify(report, null, 2));
    } else {
      const lines = [
        `CA ${report.caCertificateId}: ${report.scanned} certificates scanned${report.complete ? '' : ' (listing stopped at --max)'}, ${report.pending} PENDING_ACTIVATION, ${report.stuck} older than ${options.olderThan}`,
      ];
      if (report.selected.length < report.stuck || !report.complete)
        lines.push(
          `  taking the first ${report.selected.length} (--max ${options.max}); run again for the rest`,
        );
      if (report.selected.length === 0) lines.push('  nothing to reconcile');
      else if (report.dryRun) lines.push(...report.selected.map((id) => `  would reconcile ${id}`));
      else {
        lines.push(
          textTable(
            ['outcome', 'certificates'],
            Object.entries(report.outcomes).map(([o, n]) => [o, String(n)]),
          ),
        );
        if (report.failures.length > 0) {
          lines.push(
            textTable(
              ['failed certificate', 'reason'],
              report.failures.map((f) => [f.certificateId, f.reason]),
            ),
          );
        }
        if (report.interrupted) lines.push('Interrupted: the remaining certificates were not touched.');
      }
      cli.out.line(lines.join('\n'));
    }
    if (report.interrupted) process.exitCode = EXIT_CODES.interrupted;
    else if (report.failures.length > 0) process.exitCode = EXIT_CODES.failed;
  } finally {
    bar?.stop();
    interrupt.dispose();
  }
}
