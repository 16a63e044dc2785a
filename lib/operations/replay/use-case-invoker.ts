/**
 * The in-process adapter of the {@link EventInvoker} port (`jitr replay --local`, `jitr
 * reconcile`, the scheduled reconcile function): the handler's own use case, over a runtime the
 * composition root built (lib/runtime/).
 */
import { type RegistrationDeps, registerCertificate } from '../../registration/register-certificate.js';
import { reasonFromError } from '../failure-text.js';
import type { EventInvoker } from './ports.js';

/**
 * An invoker over the registration use case: a thrown error (configuration or transient) is
 * a failure with its grouping reason; a returned result passes its outcome on.
 */
export function useCaseInvoker(deps: RegistrationDeps): EventInvoker {
  return {
    async invoke(event) {
      try {
        const result = await registerCertificate(event, deps);
        return { ok: true, outcome: result.outcome };
      } catch (error) {
        return { ok: false, reason: reasonFromError(error) };
      }
    },
  };
}
