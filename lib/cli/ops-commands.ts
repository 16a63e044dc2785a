import { InvalidArgumentError } from 'commander';
import {
  CRL_KEY_TEMPLATE,
  RECONCILE_MAX,
  RECONCILE_OLDER_THAN,
  RECONCILE_RATE,
} from '../config/variables.js';
import type { CliRuntime } from '../runtime/cli-runtime.js';
import { action } from './output.js';
import type { JitrCommand } from './program.js';

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a positive integer, got ${value}`);
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected a positive number, got ${value}`);
  return n;
}

/** An SQS queue URL; a bare queue name is refused with how to get the URL. */
function queueUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(
      `expected the queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>), got ${value}: find it with aws sqs get-queue-url --queue-name ${value} (or the stack output DeadLetterQueueUrl)`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new InvalidArgumentError(`expected an http(s) queue URL, got ${value}`);
  return value;
}

/** Registers jitr replay, reconcile, doctor. Implementations load lazily. */
export function registerOpsCommands(program: JitrCommand, cli: CliRuntime): void {
  program
    .command('replay')
    .description(
      'Re-drive the events in the JITR dead-letter queue: summary by failure reason, then one synchronous run per certificate; a message is deleted only once its certificate is ACTIVE or definitively rejected.',
    )
    .requiredOption('--queue-url <url>', 'URL of the DLQ', queueUrl)
    .option('--function-name <name>', 'invoke this Lambda function synchronously (RequestResponse)')
    .option(
      '--local',
      'run the registration use case in this process (configured by the same environment variables as the function)',
    )
    .option('--max <n>', 'read at most this many messages', positiveInteger, 1000)
    .option(
      '--rate <perSecond>',
      'certificates replayed per second (IoT DescribeCertificate quota: 10 TPS, shared)',
      positiveNumber,
      3,
    )
    .option('--dry-run', 'print the summary by failure reason and stop')
    .option('--certificate-id <id...>', 'replay only these certificates (others stay in the queue)')
    .option(
      '--visibility-timeout <seconds>',
      'how long read messages stay hidden while the run holds them',
      positiveInteger,
      900,
    )
    .option(
      '--table <name>',
      'the registration-state table, where the handler recorded why queue-path events (bare in the DLQ) failed (default: REGISTRATION_STATE_TABLE)',
    )
    .option('--region <region>', "AWS region (default: the SDK's)")
    .option('--json', 'print the report as JSON')
    .example(
      'npx jitr replay --queue-url "$DLQ_URL" --function-name jitr --dry-run',
      'npx jitr replay --queue-url "$DLQ_URL" --function-name jitr',
    )
    .action(
      action(async (options) => {
        const { runReplay } = await import('./ops-replay.js');
        await runReplay(options, cli);
      }),
    );

  program
    .command('reconcile')
    .description(
      "Find the CA's certificates still PENDING_ACTIVATION after a threshold and run each through the registration pipeline (in process, or by invoking the function).",
    )
    .requiredOption('--ca <caCertificateId>', 'the CA certificate id')
    .option(
      '--older-than <duration>',
      'only certificates pending longer than this (90s, 10m, 2h)',
      RECONCILE_OLDER_THAN.default,
    )
    .option('--max <n>', 'at most this many certificates', positiveInteger, Number(RECONCILE_MAX.default))
    .option(
      '--rate <perSecond>',
      'certificates per second (IoT DescribeCertificate quota: 10 TPS, shared)',
      positiveNumber,
      Number(RECONCILE_RATE.default),
    )
    .option('--dry-run', 'list the stuck certificates and stop')
    .option(
      '--function-name <name>',
      'invoke this Lambda function instead of running the pipeline in process',
    )
    .option('--region <region>', "AWS region (default: the SDK's)")
    .option('--json', 'print the report as JSON')
    .example('npx jitr reconcile --ca "$CA_ID" --older-than 10m --dry-run')
    .action(
      action(async (options) => {
        const { runReconcile } = await import('./ops-reconcile.js');
        await runReconcile(options, cli);
      }),
    );

  program
    .command('doctor')
    .description(
      'Check a deployed JITR setup (CA, topic rule, CRL, template and what it references, role permissions, DLQ) and print a checklist with the exact remedy for each failure.',
    )
    .option('--ca <caCertificateId>', 'the CA to check (default: the one the rule listens to)')
    .option('--stack <name>', 'find function, rule, DLQ and bucket from this CloudFormation stack')
    .option('--function-name <name>', 'the JITR function (its role and environment are read)')
    .option('--rule <name>', 'the IoT topic rule')
    .option('--queue-url <url>', 'the DLQ (its URL)', queueUrl)
    .option('--crl-bucket <bucket>', 'the CRL bucket')
    .option('--crl-key-template <template>', `the CRL key template (default ${CRL_KEY_TEMPLATE.default})`)
    .option('--crl-max-staleness <seconds>', 'grace after nextUpdate', positiveInteger)
    .option(
      '--template <source>',
      'the template source: bundled:default, file:path, s3://bucket/key or iot:name',
    )
    .option('--role <arn>', "the function's role ARN")
    .option(
      '--table <name>',
      "the registration-state table, why queue-path events in the DLQ failed (default: the function's REGISTRATION_STATE_TABLE, or the stack's)",
    )
    .option('--region <region>', "AWS region (default: the SDK's)")
    .option('--json', 'print the results as JSON')
    .example(
      'npx jitr doctor --stack jitr --ca "$CA_ID"',
      'npx jitr doctor --ca "$CA_ID" --function-name jitr --rule jitr_registered --queue-url "$DLQ_URL" --crl-bucket jitr-crls',
    )
    .action(
      action(async (options) => {
        const { runDoctor } = await import('./ops-doctor.js');
        await runDoctor(options, cli);
      }),
    );
}
