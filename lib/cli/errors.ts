/**
 * Errors of the command-line tools themselves: a command line that cannot be run, and what the
 * operating system or the network answered (a missing file, a port in use, an endpoint that
 * does not answer). `describeFailure` turns anything a command throws into one of these (or
 * keeps a JitrError as it is), so no stack trace ever reaches the user.
 */
import { ConfigurationInvalidError } from '../config/errors.js';
import { type Disposition, JitrError } from '../errors/jitr-error.js';
import { describeFailure, SystemError } from '../errors/system-errors.js';

export { describeFailure, SystemError };

/**
 * {@link describeFailure} for a command-line tool: a configuration error (the handler's own
 * configuration, read by `replay --local`, `reconcile`, `revocation sweep`, …) gets the remedy
 * of a shell (set the variable, run the command again), not the deployed function's.
 */
export function describeCliFailure(error: unknown, command: string): JitrError {
  const e = describeFailure(error, command);
  return e instanceof ConfigurationInvalidError && e.facts.command === undefined ? e.inCommand(command) : e;
}

/** The command line cannot be run: unknown command or option, missing option, malformed value. */
export class CommandLineError extends JitrError {
  readonly code = 'InvalidCommandLine';
  readonly disposition: Disposition = 'invalid-input';
  constructor(problem: string, command: string, remedy?: string) {
    super(problem, {
      step: command,
      remedy: remedy ?? `Run ${command} --help for its options and an example.`,
      details: { command },
    });
  }
}

/**
 * Reads a file named on the command line; a failure names the option it came from
 * (`--template nope.json does not exist`) with the code of its kind (`FileNotFound`, `NotAFile`, …).
 */
export async function readInputFile(file: string, option: string, command: string): Promise<Buffer> {
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(file);
  } catch (error) {
    // EISDIR from a read carries no path; the caller knows it.
    const e = describeFailure(
      typeof error === 'object' && error !== null && !('path' in error)
        ? Object.assign(error, { path: file })
        : error,
      command,
    );
    if (!(e instanceof SystemError) || !('file' in e.problem)) throw e;
    throw new SystemError({ ...e.problem, file, option }, command, error);
  }
}
