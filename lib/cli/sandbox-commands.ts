import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_ACCOUNT, DEFAULT_REGION } from '../arn/arn.js';
import type { CliRuntime } from '../runtime/cli-runtime.js';
import { CommandLineError } from './errors.js';
import { action } from './output.js';
import type { JitrCommand } from './program.js';

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1 || n > 65529)
    throw new InvalidArgumentError(
      `expected a port number from 1 to 65529 (the sandbox uses N to N+6), got ${value}`,
    );
  return n;
}

function host(value: string): string {
  if (!/^[A-Za-z0-9.:-]+$/.test(value))
    throw new InvalidArgumentError(`expected an IP address or host name, got ${value}`);
  return value;
}

/** Options one form of `sandbox start` would silently ignore: a usage error instead. */
const ONLY_WITHOUT_JITR = ['host', 'bucket', 'queue'];
const ONLY_WITH_JITR = ['crlBucket', 'dlq'];

function refuseIgnoredOptions(command: Command, jitr: boolean): void {
  const given = (jitr ? ONLY_WITHOUT_JITR : ONLY_WITH_JITR).filter(
    (name) => command.getOptionValueSource(name) === 'cli',
  );
  if (given.length === 0) return;
  const flags = given.map((name) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
  throw new CommandLineError(
    { kind: jitr ? 'not-with-jitr' : 'only-with-jitr', options: flags },
    'jitr sandbox start',
  );
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Registers jitr sandbox …: the local AWS side. The implementation loads lazily. */
export function registerSandboxCommands(program: JitrCommand, cli: CliRuntime): void {
  const sandbox = program
    .command('sandbox')
    .description('The local AWS side (IoT control plane, S3, SQS) for trying JITR without an account.');
  sandbox
    .command('start')
    .description(
      'Start the sandbox (on 127.0.0.1 unless --host), print its endpoints and environment, and run until Ctrl-C (exit 0).',
    )
    .option(
      '--port <n>',
      'IoT on N, SQS on N+1, S3 on N+2, Lambda on N+3, IAM on N+4, MQTT (--jitr) on N+5, DynamoDB on N+6 (default: random free ports)',
      port,
    )
    .option(
      '--host <address>',
      'address the HTTP services listen on: 127.0.0.1 (default, loopback only) or e.g. 0.0.0.0 so that a container (sam local invoke) can reach them (not with --jitr)',
      host,
    )
    .option('--region <region>', 'region in ARNs and events', DEFAULT_REGION)
    .option('--account <id>', 'account id in ARNs and events', DEFAULT_ACCOUNT)
    .option('--quotas', "enforce AWS IoT's default API rate quotas (ThrottlingException above them)")
    .option('--bucket <name>', 'create this S3 bucket (repeatable)', collect)
    .option('--queue <name>', 'create this SQS queue (repeatable)', collect)
    .option('--deny <action>', 'deny this IAM action, e.g. iot:CreateThing (repeatable)', collect)
    .option(
      '--jitr',
      'the whole JITR stack: also the CRL bucket, the DLQ, the built handler behind the registered-event rule, and the MQTT/TLS endpoint',
    )
    .option('--crl-bucket <name>', 'with --jitr: the CRL bucket', 'jitr-crls')
    .option('--dlq <name>', 'with --jitr: the dead-letter queue', 'jitr-dlq')
    .option(
      '--ingestion <path>',
      "with --jitr: queue (template.yaml's default: rule → SQS queue → event source mapping) or direct (asynchronous invoke)",
    )
    .option('--json', 'print endpoints and environment as JSON')
    .example('npx jitr sandbox start --bucket jitr-crls --queue jitr-dlq --port 4566')
    .action(
      action(async (options, command: Command) => {
        refuseIgnoredOptions(command, options.jitr === true);
        const { runSandboxStart } = await import('./sandbox-start.js');
        const controller = new AbortController();
        const stop = (): void => controller.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          if (options.jitr === true) {
            const { runSandboxJitr } = await import('./sandbox-jitr.js');
            await runSandboxJitr(options, controller.signal, cli.out.text);
          } else await runSandboxStart(options, controller.signal, cli.out.line);
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      }),
    );
}
