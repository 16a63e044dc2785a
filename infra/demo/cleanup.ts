/**
 * A stack of teardown steps (stop servers, remove the temp dir) that runs exactly once,
 * whether the demo ends normally, throws, or is interrupted with Ctrl-C.
 */

export type Teardown = () => Promise<void> | void;

export interface CleanupStack {
  /** Registers a step; steps run in reverse order of registration. */
  add(label: string, step: Teardown): void;
  /** Runs every registered step once (later calls wait for the first run). Never throws. */
  run(): Promise<string[]>;
}

/**
 * Creates a cleanup stack. A failing step does not stop the others; its message is returned
 * so the caller can report it.
 *
 * @example
 * const cleanup = createCleanupStack();
 * cleanup.add('sandbox', () => sandbox.stop());
 * try { await work(); } finally { await cleanup.run(); }
 */
export function createCleanupStack(): CleanupStack {
  const steps: { label: string; step: Teardown }[] = [];
  let running: Promise<string[]> | null = null;

  async function runAll(): Promise<string[]> {
    const failures: string[] = [];
    for (let entry = steps.pop(); entry !== undefined; entry = steps.pop()) {
      try {
        await entry.step();
      } catch (error) {
        failures.push(`${entry.label}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return failures;
  }

  return {
    add(label, step) {
      steps.push({ label, step });
    },
    run() {
      running ??= runAll();
      return running;
    },
  };
}

/**
 * On SIGINT or SIGTERM: runs the cleanup stack, then exits with 128 + the signal number
 * (130 / 143). A second signal while cleaning up exits at once. Returns a function that
 * removes the handlers.
 */
export function exitOnSignals(
  cleanup: CleanupStack,
  write: (text: string) => void = (text) => process.stderr.write(text),
): () => void {
  let interrupted = false;
  const handler = (signal: NodeJS.Signals): void => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (interrupted) process.exit(code);
    interrupted = true;
    write(`\n${signal}: stopping every server the demo started…\n`);
    void cleanup.run().then((failures) => {
      for (const failure of failures) write(`cleanup failed: ${failure}\n`);
      process.exit(code);
    });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
