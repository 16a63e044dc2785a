/**
 * The replay engine's EventInvoker port over the sandbox's deployed function: one synchronous
 * (RequestResponse) invocation of the built bundle, mapped exactly as the Lambda adapter maps a
 * real Invoke answer, and tried again while the function is at its concurrency limit (Lambda's
 * 429), as the Lambda adapter does. `jitr replay --function-name` does the same against AWS Lambda.
 */

import { InvokeThrottledError } from '../../infra/sandbox/index.js';
import { failureFrom, failureSummary } from '../../lib/operations/dlq-message.js';
import type { EventInvoker, InvokeResult } from '../../lib/operations/replay/ports.js';

/** What the invoker needs of a sandbox function (SandboxFunction satisfies it). */
export interface SyncInvocable {
  invoke(
    event: unknown,
  ): Promise<
    { ok: true; value: unknown } | { ok: false; error: { errorType: string; errorMessage: string } }
  >;
}

function outcomeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const outcome = (value as Record<string, unknown>).outcome;
  return typeof outcome === 'string' && outcome.length > 0 ? outcome : undefined;
}

/** Tries of one event while the sandbox answers "throttled" (429), 20 ms apart, doubling. */
const THROTTLED_TRIES = 6;

/** A synchronous invoke, tried again with backoff while the function is at its concurrency limit. */
async function invokeWhenFree(
  fn: SyncInvocable,
  event: unknown,
): Promise<Awaited<ReturnType<SyncInvocable['invoke']>>> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await fn.invoke(event);
    } catch (error) {
      if (!(error instanceof InvokeThrottledError) || tries >= THROTTLED_TRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** (tries - 1)));
    }
  }
}

/** Creates the invoker. */
export function sandboxFunctionInvoker(fn: SyncInvocable): EventInvoker {
  return {
    async invoke(event): Promise<InvokeResult> {
      let answer: Awaited<ReturnType<SyncInvocable['invoke']>>;
      try {
        answer = await invokeWhenFree(fn, event);
      } catch (error) {
        if (!(error instanceof InvokeThrottledError)) throw error;
        return { ok: false, reason: `LambdaInvokeThrottled: ${error.name} (${error.reason})` };
      }
      if (!answer.ok) {
        const failure = failureFrom(answer.error.errorType, answer.error.errorMessage);
        return { ok: false, reason: failure === undefined ? 'Unhandled' : failureSummary(failure) };
      }
      const outcome = outcomeOf(answer.value);
      return outcome === undefined ? { ok: true } : { ok: true, outcome };
    },
  };
}
