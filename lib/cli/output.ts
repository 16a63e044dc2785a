/**
 * How every `jitr` command talks to its caller (the conventions in the README's "Command-line
 * tool" section):
 *
 * - the result goes to stdout through the runtime's `out` (lib/runtime/result-output.ts):
 *   exactly one JSON document with `--json` (or for commands that only print JSON), else text;
 *   nothing else ever writes to stdout (see {@link reserveStdoutForResults}: library logs and
 *   warnings go to stderr);
 * - an error prints `error <Code>: <message>`, `while: <what it was doing>`, `at:` (when it has a
 *   path) and `remedy:` on stderr, never a stack trace; with `--json`, stdout also gets
 *   `{"error": {code, message, step, remedy, …}}` so it still holds one JSON document;
 * - exit codes: lib/cli/exit-codes.ts.
 */
import { type ResultOutput, resultOutput } from '../runtime/result-output.js';
import { describeCliFailure } from './errors.js';
import { EXIT_CODES, USAGE_ERROR_CODES } from './exit-codes.js';

/**
 * From now on the process's stdout carries only what the returned function writes (the CLI
 * runtime's `out` writes with it): anything else (the handler's Powertools log lines and EMF
 * metrics in `--local` runs, a library's console output) is sent to stderr. Called once, by the
 * CLI entry point, which keeps the returned writer (no module state).
 */
export function reserveStdoutForResults(): (text: string) => void {
  const stdout = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  return (text) => {
    stdout(text);
  };
}

/** The human lines of an error: code and message, what was being done, where, the remedy. */
export function formatError(error: unknown, command: string): string {
  const e = describeCliFailure(error, command);
  const lines = [`error ${e.code}: ${e.message}`];
  const doing =
    e.step.startsWith('jitr') || e.step === command
      ? e.step
      : e.step === 'cli'
        ? command
        : `${command} (step ${e.step})`;
  lines.push(`  while: ${doing}`);
  if (e.path !== undefined && e.path !== '') lines.push(`  at: ${e.path}`);
  if (e.awsErrorName !== undefined) lines.push(`  aws error: ${e.awsErrorName}`);
  lines.push(`  remedy: ${e.remedy}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Reports an error (stderr; with `json`, also `{"error": …}` on stdout) and sets the exit code:
 * 2 for a usage error, 1 otherwise.
 */
export function reportError(error: unknown, command: string, out: ResultOutput, json = false): void {
  const e = describeCliFailure(error, command);
  process.stderr.write(formatError(e, command));
  if (json) out.json({ error: e.toJSON() });
  process.exitCode = USAGE_ERROR_CODES.has(e.code) ? EXIT_CODES.usage : EXIT_CODES.failed;
}

interface CommandLike {
  name(): string;
  parent: CommandLike | null;
  opts(): Record<string, unknown>;
  /** Set on the root command by buildJitrProgram: where results go. */
  resultOutput?: ResultOutput;
}

/** The result output of the program `command` belongs to (its root's; stdout when it has none). */
export function outputOf(command: CommandLike): ResultOutput {
  let root = command;
  while (root.parent !== null) root = root.parent;
  return root.resultOutput ?? resultOutput();
}

/** `jitr template render`: the command's full name, as a user types it. */
export function commandPath(command: CommandLike): string {
  const names: string[] = [];
  for (let c: CommandLike | null = command; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Wraps a command action so that any thrown error is reported (code, what it was doing, remedy)
 * with the exit code of its kind, never as a stack trace.
 */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void> | void,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    // Commander passes the command itself last.
    const command = args[args.length - 1] as CommandLike;
    try {
      await fn(...args);
    } catch (error) {
      reportError(error, commandPath(command), outputOf(command), command.opts().json === true);
    }
  };
}
