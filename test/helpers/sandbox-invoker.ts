/**
 * The replay engine's EventInvoker port over the sandbox's deployed function: one synchronous
 * (RequestResponse) invocation of the built bundle, mapped exactly as the Lambda adapter maps a
 * real Invoke answer. `jitr replay --function-name` does the same against AWS Lambda.
 */
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

/** Creates the invoker. */
export function sandboxFunctionInvoker(fn: SyncInvocable): EventInvoker {
  return {
    async invoke(event): Promise<InvokeResult> {
      const answer = await fn.invoke(event);
      if (!answer.ok) {
        const failure = failureFrom(answer.error.errorType, answer.error.errorMessage);
        return { ok: false, reason: failure === undefined ? 'Unhandled' : failureSummary(failure) };
      }
      const outcome = outcomeOf(answer.value);
      return outcome === undefined ? { ok: true } : { ok: true, outcome };
    },
  };
}
