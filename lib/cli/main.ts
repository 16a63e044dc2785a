// Entry point of the `jitr` command-line tool (bundled into dist/cli/jitr.mjs). The only place
// the CLI reads the process environment: the runtime built here (lib/runtime/cli-runtime.ts) is
// what command modules receive.
import { readFileSync } from 'node:fs';
import { createCliRuntime } from '../runtime/cli-runtime.js';
import { buildJitrProgram } from './jitr-program.js';
import { reserveStdoutForResults } from './output.js';
import { runProgram } from './program.js';

// The SDK warns on Node < 22 about its releases after January 2027; the versions the lock file
// pins support Node 20 (README, "Node.js versions"), so the warning is noise on every command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const stdout = reserveStdoutForResults();

// lib/cli/main.ts and dist/cli/jitr.mjs are both two levels below package.json.
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

process.exitCode = await runProgram(
  buildJitrProgram(version, createCliRuntime(process.env, stdout)),
  process.argv,
);
