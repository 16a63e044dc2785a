/**
 * Configuration of the scheduled reconcile function, read once at cold start (the registration
 * variables of lib/config.ts configure the pipeline it runs).
 */

import { parseDuration } from '../operations/duration.js';
import { ConfigurationInvalidError } from '../registration/errors.js';

export interface ReconcileConfig {
  /** CAs to sweep (lowercase ids); the schedule's input may name others. */
  readonly caCertificateIds: readonly string[];
  readonly olderThanMs: number;
  readonly max: number;
  readonly ratePerSecond: number;
}

/** Every variable, for the README and template.yaml. */
export const RECONCILE_VARIABLES = [
  { name: 'RECONCILE_CA_IDS', default: '(none)', meaning: 'Comma-separated CA certificate ids to sweep.' },
  {
    name: 'RECONCILE_OLDER_THAN',
    default: '10m',
    meaning: 'Only certificates pending longer than this (`90s`, `10m`, `2h`).',
  },
  { name: 'RECONCILE_MAX', default: '500', meaning: 'At most this many certificates per CA per run.' },
  {
    name: 'RECONCILE_RATE',
    default: '2',
    meaning: 'Certificates per second (IoT quotas: DescribeCertificate 10 TPS, shared).',
  },
] as const;

const CA_ID = /^[0-9a-f]{64}$/;

function bad(variable: string, expected: string, value: string): ConfigurationInvalidError {
  return new ConfigurationInvalidError(
    `${variable}=${JSON.stringify(value)} is invalid: expected ${expected}`,
    {
      variable,
      expected,
    },
  );
}

/**
 * @throws {@link ConfigurationInvalidError} naming the malformed variable.
 * @example const config = loadReconcileConfig(process.env);
 */
export function loadReconcileConfig(env: Readonly<Record<string, string | undefined>>): ReconcileConfig {
  const ids = (env.RECONCILE_CA_IDS ?? '')
    .split(',')
    .map((id) => id.trim().toLowerCase())
    .filter((id) => id.length > 0);
  for (const id of ids) {
    if (!CA_ID.test(id))
      throw bad('RECONCILE_CA_IDS', 'comma-separated 64-hex CA certificate ids', env.RECONCILE_CA_IDS ?? '');
  }
  const olderText = env.RECONCILE_OLDER_THAN?.trim() || '10m';
  const olderThanMs = parseDuration(olderText);
  if (olderThanMs === null) throw bad('RECONCILE_OLDER_THAN', 'a duration like 10m, 90s or 2h', olderText);
  const maxText = env.RECONCILE_MAX?.trim() || '500';
  const max = Number(maxText);
  if (!Number.isSafeInteger(max) || max < 1) throw bad('RECONCILE_MAX', 'a positive integer', maxText);
  const rateText = env.RECONCILE_RATE?.trim() || '2';
  const ratePerSecond = Number(rateText);
  if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0 || ratePerSecond > 10) {
    throw bad('RECONCILE_RATE', 'a number of certificates per second above 0 and at most 10', rateText);
  }
  return Object.freeze({ caCertificateIds: Object.freeze(ids), olderThanMs, max, ratePerSecond });
}

/** CA ids named by the schedule's input (`{"caCertificateIds": [...]}`), if any and valid. */
export function caIdsFromScheduleInput(event: unknown): string[] | null {
  if (typeof event !== 'object' || event === null) return null;
  const ids = (event as { caCertificateIds?: unknown }).caCertificateIds;
  if (!Array.isArray(ids)) return null;
  const clean = ids.filter((id): id is string => typeof id === 'string').map((id) => id.trim().toLowerCase());
  return clean.length === ids.length && clean.every((id) => CA_ID.test(id)) ? clean : null;
}
