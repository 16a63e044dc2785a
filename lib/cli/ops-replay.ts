/**
 * `jitr replay`: wires the replay engine to SQS, Lambda (or the in-process use case) and IoT,
 * with a progress bar on stderr, Ctrl-C handling and the summary on stdout.
 */

import { InvalidOperationsOptionError } from '../operations/errors.js';
import { ledgerFailureSource } from '../operations/recorded-failures.js';
import { replayDlq, replayExitCode } from '../operations/replay/engine.js';
import { formatPlan, formatReport } from '../operations/replay/format.js';
import { registryStatusReader } from '../operations/replay/registry-status-reader.js';
import { SqsDlqQueue } from '../operations/replay/sqs-dlq-queue.js';
import { systemClock } from '../pacing/token-bucket.js';
import type { CliRuntime } from '../runtime/cli-runtime.js';
import { EXIT_CODES } from './exit-codes.js';
import { interruptOnSigint, progressBar, runInvoker } from './ops-run.js';

export interface ReplayCliOptions {
  queueUrl: string;
  functionName?: string;
  local?: boolean;
  max: number;
  rate: number;
  dryRun?: boolean;
  certificateId?: string[];
  visibilityTimeout: number;
  /** The registration-state table (default REGISTRATION_STATE_TABLE): why bare events failed. */
  table?: string;
  region?: string;
  json?: boolean;
}

/** Runs `jitr replay` and sets the process exit code (1 if anything failed). */
export async function runReplay(options: ReplayCliOptions, cli: CliRuntime): Promise<void> {
  if ((options.local === true) === (options.functionName !== undefined)) {
    throw new InvalidOperationsOptionError({ kind: 'replay-target' });
  }
  const aws = cli.aws(options.region);
  // A dry run only reads and groups the queue: it must work without the function's
  // configuration (`--local` would otherwise insist on CRL_BUCKET, TEMPLATE_SOURCE, …).
  const invoker = await runInvoker(options, cli);
  const deps = {
    queue: new SqsDlqQueue({
      sqs: await aws.sqs(),
      queueUrl: options.queueUrl,
      visibilityTimeoutSeconds: options.visibilityTimeout,
      waitTimeSeconds: 1,
    }),
    invoker,
    certificates: registryStatusReader(await aws.iotRegistry()),
    clock: systemClock,
    // Queue-path DLQ messages are bare events: their error is in the registration-state table.
    recorded: ledgerFailureSource(
      await cli.ledger({
        ...(options.region === undefined ? {} : { region: options.region }),
        ...(options.table === undefined ? {} : { table: options.table }),
      }),
    ),
  };
  const interrupt = interruptOnSigint();
  const bar = progressBar('replay');
  try {
    const report = await replayDlq(deps, {
      max: options.max,
      ratePerSecond: options.rate,
      dryRun: options.dryRun === true,
      certificateIds: options.certificateId ?? [],
      signal: interrupt.signal,
      onPlan: (plan) => {
        if (options.json !== true) cli.out.line(formatPlan(plan));
        if (!options.dryRun && plan.certificates > 0) bar?.start(plan.certificates, 0, { outcome: '' });
      },
      onProgress: (done, _total, result) => bar?.update(done, { outcome: result.outcome }),
    });
    bar?.stop();
    if (options.json === true) cli.out.line(JSON.stringify(report, null, 2));
    else if (!report.dryRun) cli.out.line(`\n${formatReport(report)}`);
    if (report.interrupted) process.exitCode = EXIT_CODES.interrupted;
    else if (replayExitCode(report) === 1) process.exitCode = EXIT_CODES.failed;
  } finally {
    bar?.stop();
    interrupt.dispose();
  }
}
