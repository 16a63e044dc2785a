import { InvalidArgumentError } from 'commander';
import { CRL_KEY_TEMPLATE, SWEEP_UPDATE_SHARE } from '../config/variables.js';
import type { CliRuntime } from '../runtime/cli-runtime.js';
import { action } from './output.js';
import type { JitrCommand } from './program.js';
import type { SweepCliOptions } from './revocation-sweep.js';

/** Registers `jitr status`. The implementation loads lazily. */
export function registerStatusCommands(program: JitrCommand, cli: CliRuntime): void {
  program
    .command('status')
    .description(
      "Why is this device not online? The certificate's live status, its things, groups and policies, the ledger record (outcome, last error with its remedy, revocation by the sweep) and what to do next. Exit 0 only when the certificate is ACTIVE with a thing and a policy and every read succeeded.",
    )
    .argument('<certificateId>', 'the 64-hex certificate id')
    .option(
      '--table <name>',
      'the ledger table (default: REGISTRATION_STATE_TABLE; none: the ledger is not consulted)',
    )
    .option('--region <region>', "AWS region (default: the SDK's)")
    .option('--json', 'print the report as JSON')
    .example('npx jitr status 1e7a939e70d9e972e46bf532bc23d615668dcad1f56291dad88ebd721a5724a3 --json')
    .action(
      action(async (certificateId: string, options: { region?: string; table?: string; json?: boolean }) => {
        const { runStatus } = await import('./ops-status.js');
        await runStatus(certificateId, options, cli);
      }),
    );
}

function share(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n <= 1))
    throw new InvalidArgumentError(`expected a number above 0 and at most 1, got ${value}`);
  return n;
}

/** Registers `jitr revocation sweep`. The implementation loads lazily. */
export function registerRevocationCommands(program: JitrCommand, cli: CliRuntime): void {
  const revocation = program
    .command('revocation')
    .description('Revocation that reaches devices already ACTIVE');
  revocation
    .command('sweep')
    .description(
      "Verify the CA's CRL exactly as the handler does and set the ACTIVE certificates it newly revokes to REVOKED (INACTIVE for certificateHold), at a share of the UpdateCertificate quota. Exit 0 swept / already swept / dry run, 1 refused, no CRL or incomplete, 130 interrupted.",
    )
    .requiredOption('--ca <caCertificateId>', 'the CA certificate id')
    .option('--dry-run', 'verify, diff and look up; change nothing')
    .option(
      '--full',
      'also walk ListCertificatesByCA + DescribeCertificate for ACTIVE certificates the ledger does not know (resumable: each one is recorded)',
    )
    .option('--bucket <bucket>', 'the CRL bucket (default: CRL_BUCKET)')
    .option(
      '--key-template <template>',
      `the CRL key template (default: CRL_KEY_TEMPLATE, else ${CRL_KEY_TEMPLATE.default})`,
    )
    .option('--table <name>', 'the ledger table (default: REGISTRATION_STATE_TABLE)')
    .option(
      '--share <fraction>',
      `share of the IoT quotas to use (default: SWEEP_UPDATE_SHARE, else ${SWEEP_UPDATE_SHARE.default})`,
      share,
    )
    .option('--region <region>', "AWS region (default: the SDK's)")
    .option('--json', 'print the report as JSON')
    .example('npx jitr revocation sweep --ca <caCertificateId> --dry-run --json')
    .action(
      action(async (options: SweepCliOptions) => {
        const { runRevocationSweep } = await import('./revocation-sweep.js');
        await runRevocationSweep(options, cli);
      }),
    );
}
