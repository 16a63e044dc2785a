import { isJitrError } from '../errors.js';

/** Prints a value as pretty JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Reports an error on stderr and sets exit code 1. A JitrError is printed as
 * `code: message`, then its path and remedy; anything else as its message.
 */
export function reportError(error: unknown): void {
  if (isJitrError(error)) {
    const lines = [`error ${error.code}: ${error.message}`];
    if (error.path !== undefined) lines.push(`  at: ${error.path}`);
    if (error.awsErrorName !== undefined) lines.push(`  aws error: ${error.awsErrorName}`);
    lines.push(`  remedy: ${error.remedy}`);
    process.stderr.write(`${lines.join('\n')}\n`);
  } else {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exitCode = 1;
}

/** Wraps a command action so that any thrown error is reported and the exit code is 1. */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void> | void,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      reportError(error);
    }
  };
}
