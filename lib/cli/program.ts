/**
 * The `jitr` program and the conventions every command follows (README, "Command-line tool"):
 * usage errors are `InvalidCommandLine` with exit 2 (an unknown option is reported as unknown
 * even when a required option is missing too), required options say so in the help, every
 * command's help ends with an example, `--version` prints the package version.
 */
import { Command, CommanderError, type ErrorOptions } from 'commander';
import type { ResultOutput } from '../runtime/result-output.js';
import { CommandLineError } from './errors.js';
import { EXIT_CODES } from './exit-codes.js';
import { commandPath, outputOf, reportError } from './output.js';

/** A commander Command that reports usage errors the jitr way (thrown, then printed by main). */
export class JitrCommand extends Command {
  /** Where results go; set on the root command (see `outputOf`). */
  resultOutput?: ResultOutput;

  override createCommand(name?: string): JitrCommand {
    return new JitrCommand(name);
  }

  /** Like commander's, with ` (required)` at the end of the option's help. */
  override requiredOption(flags: string, description?: string, ...rest: unknown[]): this {
    const text = `${description ?? ''} (required)`.trim();
    // biome-ignore lint/suspicious/noExplicitAny: forwards commander's overloads unchanged.
    return (super.requiredOption as any).call(this, flags, text, ...rest);
  }

  /** Adds `Example:` lines to the end of the help. */
  example(...lines: string[]): this {
    return this.addHelpText('after', `\nExample:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
  }

  override error(message: string, errorOptions?: ErrorOptions): never {
    const command = commandPath(this);
    // Commander checks required options before unknown ones; a misspelt option (--tempalte)
    // is the real problem, so name it.
    const unknown =
      errorOptions?.code === 'commander.missingMandatoryOptionValue' ? this.#firstUnknownOption() : undefined;
    const text = unknown === undefined ? message.replace(/^error: /, '') : `unknown option '${unknown}'`;
    throw new CommandLineError({ kind: 'parser', said: text }, command);
  }

  #firstUnknownOption(): string | undefined {
    const known = (flag: string) =>
      this.options.some((o) => o.long === flag || o.short === flag) || flag === '--help' || flag === '-h';
    return this.args.find((arg) => arg.startsWith('-') && arg !== '-' && !known(arg.split('=')[0] ?? arg));
  }
}

/** The root `jitr` command with the shared settings (subcommands are added by each area). */
export function createProgram(version: string): JitrCommand {
  const program = new JitrCommand('jitr');
  program
    .description('Just-in-time registration for AWS IoT Core: templates, PKI, CRLs and operations.')
    .version(version, '-V, --version', 'print the version of jitr')
    .enablePositionalOptions()
    .exitOverride()
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 a check or operation failed, 2 usage error, 130 interrupted.\nEvery command that prints a result takes --json (stdout is then exactly one JSON document).\n',
    );
  return program;
}

/**
 * Parses `argv` and runs the command, turning every failure into a printed error and an exit
 * code (never a stack trace). Resolves with the exit code; the entry point exits with it.
 */
export async function runProgram(program: JitrCommand, argv: readonly string[]): Promise<number> {
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_CODES.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; help shown for a missing subcommand is a usage error.
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    reportError(error, 'jitr', outputOf(program), argv.includes('--json'));
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_CODES.failed;
  }
}
