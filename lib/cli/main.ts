// The `jitr` command-line tool. Each area registers its own subcommands from its own
// module, and loads its implementation lazily so that `jitr crl inspect` does not pay
// for the AWS SDK it never uses. The only place the CLI reads the process environment: the
// runtime built here (lib/runtime/cli-runtime.ts) is what command modules receive.
import { Command } from 'commander';
import { createCliRuntime } from '../runtime/cli-runtime.js';
import { registerCrlCommands } from './crl-commands.js';
import { registerDeviceCommands } from './device-commands.js';
import { registerOpsCommands } from './ops-commands.js';
import { registerPkiCommands } from './pki-commands.js';
import { registerSandboxCommands } from './sandbox-commands.js';
import { registerStatusCommands } from './status-commands.js';
import { registerTemplateCommands } from './template-commands.js';

const cli = createCliRuntime(process.env);
const program = new Command('jitr')
  .description('Just-in-time registration for AWS IoT Core: templates, PKI, CRLs and operations.')
  .showHelpAfterError()
  .enablePositionalOptions();

registerTemplateCommands(program);
registerPkiCommands(program, cli);
registerCrlCommands(program, cli);
registerOpsCommands(program, cli);
registerStatusCommands(program, cli);
registerSandboxCommands(program);
registerDeviceCommands(program);

await program.parseAsync(process.argv);
