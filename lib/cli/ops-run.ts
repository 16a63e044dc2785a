/**
 * What `jitr replay` and `jitr reconcile` share when they run certificates: the invoker
 * (dry run, the deployed function, or the handler's use case in process), Ctrl-C handling and
 * the progress bar on stderr.
 */
import { SingleBar } from 'cli-progress';
import { LambdaInvoker } from '../operations/replay/lambda-invoker.js';
import type { EventInvoker } from '../operations/replay/ports.js';
import { useCaseInvoker } from '../operations/replay/use-case-invoker.js';
import type { CliRuntime } from '../runtime/cli-runtime.js';

/** The invoker of a dry run, which lists and never invokes (the engines stop before). */
export const DRY_RUN_INVOKER: EventInvoker = {
  invoke() {
    return Promise.reject(new Error('a dry run does not invoke the function'));
  },
};

/**
 * The invoker for a run: none for a dry run (so it needs neither the function nor the
 * handler's configuration), Lambda `Invoke` with a function name, else the handler's use
 * case in this process, configured by the same environment variables as the function.
 *
 * @throws ConfigurationInvalidError when running in process and the environment does not
 *   configure the handler.
 */
export async function runInvoker(
  options: { dryRun?: boolean; functionName?: string; region?: string },
  cli: CliRuntime,
): Promise<EventInvoker> {
  if (options.dryRun === true) return DRY_RUN_INVOKER;
  if (options.functionName !== undefined) {
    return new LambdaInvoker(await cli.aws(options.region).lambda(), options.functionName);
  }
  return useCaseInvoker((await cli.registration(options.region)).deps);
}

/**
 * Turns the first Ctrl-C into an abort of `signal` (the run finishes the certificate in flight)
 * and a second one into exit 130. Call `dispose()` when the run ends.
 */
export function interruptOnSigint(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nStopping after the certificate in flight (Ctrl-C again to quit at once)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}

/** A progress bar on stderr when it is a terminal, else null. */
export function progressBar(label: string): SingleBar | null {
  return process.stderr.isTTY
    ? new SingleBar({
        stream: process.stderr,
        format: `${label} [{bar}] {value}/{total} | {outcome}`,
        hideCursor: true,
      })
    : null;
}
