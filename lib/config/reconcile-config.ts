/**
 * Configuration of the scheduled reconcile function, read once at cold start (the registration
 * variables of config.ts configure the pipeline it runs). Declarations: variables.ts.
 */
import { certificateIdFrom } from '../certificate/certificate-id.js';
import { type Env, readDefaulted } from './declare.js';
import { RECONCILE_CA_IDS, RECONCILE_MAX, RECONCILE_OLDER_THAN, RECONCILE_RATE } from './variables.js';

export { RECONCILE_VARIABLES } from './variables.js';

export interface ReconcileConfig {
  /** CAs to sweep (lowercase ids); the schedule's input may name others. */
  readonly caCertificateIds: readonly string[];
  readonly olderThanMs: number;
  readonly max: number;
  readonly ratePerSecond: number;
}

/**
 * @throws {@link ConfigurationInvalidError} naming the malformed variable.
 * @example const config = loadReconcileConfig(process.env);
 */
export function loadReconcileConfig(env: Env): ReconcileConfig {
  return Object.freeze({
    caCertificateIds: Object.freeze(readDefaulted(env, RECONCILE_CA_IDS)),
    olderThanMs: readDefaulted(env, RECONCILE_OLDER_THAN),
    max: readDefaulted(env, RECONCILE_MAX),
    ratePerSecond: readDefaulted(env, RECONCILE_RATE),
  });
}

/** CA ids named by the schedule's input (`{"caCertificateIds": [...]}`), if any and valid. */
export function caIdsFromScheduleInput(event: unknown): string[] | null {
  if (typeof event !== 'object' || event === null) return null;
  const ids = (event as { caCertificateIds?: unknown }).caCertificateIds;
  if (!Array.isArray(ids)) return null;
  const clean = ids.map((id) => (typeof id === 'string' ? certificateIdFrom(id) : null));
  return clean.every((id): id is string => id !== null) ? clean : null;
}
