import type { CliRuntime } from '../runtime/cli-runtime.js';
import { action } from './output.js';
import type { JitrCommand } from './program.js';

/** Registers `jitr status`. The implementation loads lazily. */
export function registerStatusCommands(program: JitrCommand, cli: CliRuntime): void {
  program
    .command('status')
    .description(
      "Why is this device not online? The certificate's live status, its things, groups and policies, the ledger record (outcome, last error with its remedy, revocation by the sweep) and what to do next. Exit 0 only when the certificate is ACTIVE with a thing and a policy and every read succeeded.",
    )
    .argument('<certificateId>', 'the 64-hex certificate id')
    .option('--region <region>', "AWS region (default: the SDK's)")
    .option('--json', 'print the report as JSON')
    .example('npx jitr status 1e7a939e70d9e972e46bf532bc23d615668dcad1f56291dad88ebd721a5724a3 --json')
    .action(
      action(async (certificateId: string, options: { region?: string; json?: boolean }) => {
        const { runStatus } = await import('./ops-status.js');
        await runStatus(certificateId, options, cli);
      }),
    );
}
