/**
 * The JITR "certificate registered" event as the operations tools see it: validated by the
 * handler's own parser (lib/registration/event.ts), so that replay, reconcile and the DLQ
 * event source accept exactly what the handler accepts.
 */
import { isJitrError } from '../errors/jitr-error.js';
import { parseRegisteredEvent, type RegisteredEvent } from '../registration/event.js';

export type { RegisteredEvent } from '../registration/event.js';

export type EventValidation = { ok: true; event: RegisteredEvent } | { ok: false; reason: string };

/**
 * Checks that `value` is a registered-certificate event. Returns a copy holding only the
 * validated fields (ids lowercased, unknown fields dropped), or the reason it is not one.
 *
 * @example
 * const r = validateRegisteredEvent(JSON.parse(body));
 * if (r.ok) replay(r.event); else report(r.reason);
 */
export function validateRegisteredEvent(value: unknown): EventValidation {
  try {
    return { ok: true, event: parseRegisteredEvent(value) };
  } catch (error) {
    if (isJitrError(error)) return { ok: false, reason: error.message };
    throw error;
  }
}
