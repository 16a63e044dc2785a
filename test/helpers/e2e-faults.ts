// One-shot faults on top of the sandbox's fault injection: make exactly the Nth call of an
// IoT operation fail once, with the sandbox's own AccessDenied answer (AWS's exact text). The
// SDK does not retry AccessDenied, so the handler's invocation fails at that step and Lambda's
// async retry runs the whole flow again: a crash between two steps, then a retry.
import type { Faults } from '../../infra/sandbox/faults.js';

export interface OneShotFault {
  /** Whether the failure has been injected. */
  fired(): boolean;
  /** Puts the sandbox's own decision function back. */
  restore(): void;
}

/**
 * Fails the `n`th call (1-based, counted from now) of `action` (`iot:CreateThing`) once.
 *
 * @example
 * const fault = failNthCallOnce(sandbox.faults, 'iot:AttachPolicy', 1);
 */
export function failNthCallOnce(faults: Faults, action: string, n: number): OneShotFault {
  const original = faults.decide;
  let seen = 0;
  let fired = false;
  faults.decide = function (this: Faults, service, operation, resource) {
    if (!fired && `${service}:${operation}` === action) {
      seen += 1;
      if (seen === n) {
        fired = true;
        // Deny for exactly this call: the sandbox writes AWS's AccessDenied and counts it.
        faults.deny(action);
        try {
          return original.call(this, service, operation, resource);
        } finally {
          faults.allow(action);
        }
      }
    }
    return original.call(this, service, operation, resource);
  };
  return {
    fired: () => fired,
    restore: () => {
      faults.decide = original;
    },
  };
}
