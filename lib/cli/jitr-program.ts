// The whole `jitr` program: the root command and every area's subcommands. Each area registers
// its own commands and loads its implementation lazily, so `jitr crl inspect` does not pay for
// the AWS SDK it never uses.
import type { CliRuntime } from '../runtime/cli-runtime.js';
import { registerCrlCommands } from './crl-commands.js';
import { registerDeviceCommands } from './device-commands.js';
import { registerOpsCommands } from './ops-commands.js';
import { registerPkiCommands } from './pki-commands.js';
import { createProgram, type JitrCommand } from './program.js';
import { registerSandboxCommands } from './sandbox-commands.js';
import { registerRevocationCommands, registerStatusCommands } from './status-commands.js';
import { registerTemplateCommands } from './template-commands.js';

/** The `jitr` program exactly as the CLI runs it (tests parse with it too). */
export function buildJitrProgram(version: string, cli: CliRuntime): JitrCommand {
  const program = createProgram(version);
  program.resultOutput = cli.out;
  registerTemplateCommands(program, cli);
  registerPkiCommands(program, cli);
  registerCrlCommands(program, cli);
  registerOpsCommands(program, cli);
  registerStatusCommands(program, cli);
  registerRevocationCommands(program, cli);
  registerSandboxCommands(program, cli);
  registerDeviceCommands(program, cli);
  return program;
}
