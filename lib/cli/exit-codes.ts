/**
 * The exit codes of every `jitr` command (and of `npm run invoke`), documented in the README's
 * "Command-line tool" section. Distinct so that scripts can tell "the check failed" from "I
 * called it wrong" from "I stopped it".
 */
export const EXIT_CODES = {
  /** Success: the command did what it says, every check passed. */
  ok: 0,
  /** A check or an operation failed (a ✗ line, a failed certificate, an unreadable file, AWS said no). */
  failed: 1,
  /** Usage error: unknown command or option, missing required option, malformed value. */
  usage: 2,
  /** Interrupted (Ctrl-C) before the command finished. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** Error codes that mean "the command line is wrong" (exit 2) rather than "it failed" (exit 1). */
export const USAGE_ERROR_CODES: ReadonlySet<string> = new Set([
  'InvalidCommandLine',
  'InvalidOperationsOption',
  'PkiInvalidArgument',
]);
