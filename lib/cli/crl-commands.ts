import type { Command } from 'commander';
import { CRL_MAX_STALENESS } from '../config/variables.js';
import type { CliRuntime } from '../runtime/cli-runtime.js';
import { action, printJson } from './output.js';

/** Registers jitr crl …: offline CRL inspection (issue 3). The implementation loads lazily. */
export function registerCrlCommands(program: Command, cli: CliRuntime): void {
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
    .option('--now <iso>', 'evaluate freshness at this time instead of the current time')
    .option(
      '--max-staleness <seconds>',
      `grace past nextUpdate (default: CRL_MAX_STALENESS, else ${CRL_MAX_STALENESS.default})`,
    )
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
          printJson(report);
          if (!report.valid) process.exitCode = 1;
        },
      ),
    );
}
