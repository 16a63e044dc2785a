import { InvalidArgumentError } from 'commander';
import { CRL_MAX_STALENESS } from '../config/variables.js';
import type { CliRuntime } from '../runtime/cli-runtime.js';
import { action } from './output.js';
import type { JitrCommand } from './program.js';

function isoDate(value: string): string {
  if (Number.isNaN(new Date(value).getTime()))
    throw new InvalidArgumentError(`expected a date like 2026-12-01T00:00:00Z, got ${value}`);
  return value;
}

function staleness(value: string): string {
  if (CRL_MAX_STALENESS.parse(value.trim()) === undefined)
    throw new InvalidArgumentError(`expected ${CRL_MAX_STALENESS.expected}, got ${value}`);
  return value;
}

/** Registers jitr crl …: offline CRL inspection. The implementation loads lazily. */
export function registerCrlCommands(program: JitrCommand, cli: CliRuntime): void {
  const crl = program.command('crl').description('CRL tools');
  crl
    .command('inspect')
    .description(
      'verify a CRL file against its CA with the handler’s checks and print JSON; exit 1 if it is invalid or not fresh',
    )
    .requiredOption('--crl <file>', 'CRL file (DER or PEM)')
    .requiredOption('--ca <file>', 'CA certificate (PEM or DER)')
    .option(
      '--serial <hex...>',
      'certificate serials to look up (hex; case, colons and leading zeros ignored)',
    )
    .option('--now <iso>', 'evaluate freshness at this time instead of the current time', isoDate)
    .option(
      '--max-staleness <seconds>',
      `grace past nextUpdate (default: CRL_MAX_STALENESS, else ${CRL_MAX_STALENESS.default})`,
      staleness,
    )
    .option('--json', 'print JSON (the output is always JSON; accepted for uniform scripts)')
    .example('npx jitr crl inspect --crl /tmp/jitr-pki/crl.der --ca /tmp/jitr-pki/ca.pem --serial 00c0ffee')
    .action(
      action(
        async (options: {
          crl: string;
          ca: string;
          serial?: string[];
          now?: string;
          maxStaleness?: string;
        }) => {
          const { inspectCrl } = await import('./crl-inspect.js');
          const report = await inspectCrl(options, cli);
          cli.out.json(report);
          if (!report.valid) process.exitCode = 1;
        },
      ),
    );
}
