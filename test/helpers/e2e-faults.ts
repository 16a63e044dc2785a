// One-shot faults on top of the sandbox's fault injection: the Nth call of an IoT operation
// fails, then the operation answers normally again. Either with the sandbox's own AccessDenied
// (AWS's exact text; the SDK does not retry it) or with a 5xx on that call and on every SDK
// retry of it (sandbox `failNext`). Either way the invocation fails at that step and Lambda's
// async retry runs the whole flow again: a crash between two steps, then a retry.
import type { Faults, InjectedFailure } from '../../infra/sandbox/faults.js';
import { DEFAULT_IOT_MAX_ATTEMPTS } from '../../lib/provisioning/iot-client.js';

export type OneShotFailure = 'AccessDeniedException' | InjectedFailure;

export interface OneShotFault {
  /** Whether the failure has been injected. */
  fired(): boolean;
  /** Puts the sandbox's own decision function back. */
  restore(): void;
}

/**
 * Makes the `n`th call (1-based, counted from now) of `action` (`iot:CreateThing`) fail.
 *
 * @example
 * const fault = failNthCall(sandbox.faults, 'iot:AttachPolicy', 1, 'InternalFailureException');
 */
export function failNthCall(
  faults: Faults,
  action: string,
  n: number,
  failure: OneShotFailure,
): OneShotFault {
  const original = faults.decide;
  let seen = 0;
  let fired = false;
  // The failed call's resource, and how many of the handler's SDK retries of it still fail.
  let target: string | undefined;
  let retriesLeft = 0;
  faults.decide = function (this: Faults, service, operation, resource) {
    const same = `${service}:${operation}` === action;
    if (same && target === resource && retriesLeft > 0) {
      // A retry of the failed call (matched by resource: calls of one operation may run at once).
      retriesLeft -= 1;
      faults.failNext(action, { times: 1, failure: failure as InjectedFailure });
      return original.call(this, service, operation, resource);
    }
    if (fired || !same) return original.call(this, service, operation, resource);
    seen += 1;
    if (seen !== n) return original.call(this, service, operation, resource);
    fired = true;
    if (failure !== 'AccessDeniedException') {
      // This call and each of the handler's SDK retries of it.
      target = resource;
      retriesLeft = DEFAULT_IOT_MAX_ATTEMPTS - 1;
      faults.failNext(action, { times: 1, failure });
      return original.call(this, service, operation, resource);
    }
    // Denied for exactly this call: the sandbox writes AWS's AccessDenied and counts it.
    faults.deny(action);
    try {
      return original.call(this, service, operation, resource);
    } finally {
      faults.allow(action);
    }
  };
  return {
    fired: () => fired,
    restore: () => {
      faults.decide = original;
    },
  };
}
