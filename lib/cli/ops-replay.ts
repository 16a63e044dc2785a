/**
 * `jitr replay`: wires the replay engine to SQS, Lambda (or the in-process use case) and IoT,
 * with a progress bar on stderr, Ctrl-C handling and the summary on stdout.
 */

import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SingleBar } from 'cli-progress';
import { InvalidOperationsOptionError } from '../operations/errors.js';
import { replayDlq, replayExitCode } from '../operations/replay/engine.js';
import { formatPlan, formatReport } from '../operations/replay/format.js';
import { LambdaInvoker } from '../operations/replay/lambda-invoker.js';
import type { EventInvoker } from '../operations/replay/ports.js';
import { registryStatusReader } from '../operations/replay/registry-status-reader.js';
import { SqsDlqQueue } from '../operations/replay/sqs-dlq-queue.js';
import { systemClock } from '../operations/token-bucket.js';
import { createIotClient } from '../provisioning/iot-client.js';
import { SdkIotRegistry } from '../provisioning/sdk-iot-registry.js';

export interface ReplayCliOptions {
  queueUrl: string;
  functionName?: string;
  local?: boolean;
  max: number;
  rate: number;
  dryRun?: boolean;
  certificateId?: string[];
  visibilityTimeout: number;
  region?: string;
  json?: boolean;
}

/** Builds the invoker: Lambda Invoke, or the handler's use case in this process. */
async function buildInvoker(options: ReplayCliOptions, region: { region?: string }): Promise<EventInvoker> {
  if (options.local === true) {
    const { createLocalInvoker } = await import('../operations/replay/local-invoker.js');
    // The use case's JSON log lines and EMF metrics would drown the summary on stdout.
    process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
    return createLocalInvoker({
      POWERTOOLS_LOG_LEVEL: 'WARN',
      ...process.env,
      ...(options.region === undefined ? {} : { AWS_REGION: options.region }),
    });
  }
  if (options.functionName === undefined) {
    throw new InvalidOperationsOptionError(
      '--function-name',
      'missing',
      'the function name or ARN, or use --local',
    );
  }
  return new LambdaInvoker(new LambdaClient(region), options.functionName);
}

/** The invoker of a dry run, which never invokes (the engine stops after the plan). */
const NO_INVOKER: EventInvoker = {
  invoke() {
    return Promise.reject(new Error('a dry run does not invoke the function'));
  },
};

/** Runs `jitr replay` and sets the process exit code (1 if anything failed). */
export async function runReplay(options: ReplayCliOptions): Promise<void> {
  if ((options.local === true) === (options.functionName !== undefined)) {
    throw new InvalidOperationsOptionError(
      '--function-name / --local',
      'exactly one of them is needed',
      '--function-name <name> to invoke the deployed function, or --local to run the pipeline in process',
    );
  }
  const region = options.region === undefined ? {} : { region: options.region };
  // A dry run only reads and groups the queue: it must work without the function's
  // configuration (`--local` would otherwise insist on CRL_BUCKET, TEMPLATE_SOURCE, …).
  const invoker = options.dryRun === true ? NO_INVOKER : await buildInvoker(options, region);
  const deps = {
    queue: new SqsDlqQueue({
      sqs: new SQSClient(region),
      queueUrl: options.queueUrl,
      visibilityTimeoutSeconds: options.visibilityTimeout,
      waitTimeSeconds: 1,
    }),
    invoker,
    certificates: registryStatusReader(new SdkIotRegistry(createIotClient(region))),
    clock: systemClock,
  };
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nStopping after the certificate in flight (Ctrl-C again to quit at once)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const bar = process.stderr.isTTY
    ? new SingleBar({
        stream: process.stderr,
        format: 'replay [{bar}] {value}/{total} certificates | {outcome}',
        hideCursor: true,
      })
    : null;
  try {
    const report = await replayDlq(deps, {
      max: options.max,
      ratePerSecond: options.rate,
      dryRun: options.dryRun === true,
      certificateIds: options.certificateId ?? [],
      signal: controller.signal,
      onPlan: (plan) => {
        if (options.json !== true) process.stdout.write(`${formatPlan(plan)}\n`);
        if (!options.dryRun && plan.certificates > 0) bar?.start(plan.certificates, 0, { outcome: '' });
      },
      onProgress: (done, _total, result) => bar?.update(done, { outcome: result.outcome }),
    });
    bar?.stop();
    if (options.json === true) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else if (!report.dryRun) process.stdout.write(`\n${formatReport(report)}\n`);
    if (replayExitCode(report) === 1) process.exitCode = 1;
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
  }
}
