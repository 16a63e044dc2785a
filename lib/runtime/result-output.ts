/**
 * Where a command's result goes: stdout, and only it (the CLI's entry point reserves the real
 * stdout for results; everything else that writes there is sent to stderr). Built by the
 * composition root and handed to every command with the CLI runtime.
 */
export interface ResultOutput {
  /** Writes part of a command's result, as it is. */
  text(text: string): void;
  /** Writes a command's result (text or JSON), ending with a newline. */
  line(text: string): void;
  /** Prints a value as pretty JSON. */
  json(value: unknown): void;
}

/**
 * A {@link ResultOutput} writing with `write`. The default writes to `process.stdout` at call
 * time (tests that capture it see the output).
 */
export function resultOutput(
  write: (text: string) => void = (text) => {
    process.stdout.write(text);
  },
): ResultOutput {
  const line = (text: string) => write(text.endsWith('\n') ? text : `${text}\n`);
  return { text: write, line, json: (value) => line(JSON.stringify(value, null, 2)) };
}
