/**
 * Configuration of the revocation sweep (the sweep function and `jitr revocation sweep`), read
 * once at cold start. The CRL location and freshness rule are the handler's own variables
 * (lib/config/config.ts), so the sweep verifies exactly what the handler verifies.
 */
import { ConfigurationInvalidError } from '../registration/errors.js';
import { sweepUpdateRate } from '../revocation/sweep-decision.js';

export interface SweepSettings {
  /** CAs a scheduled sweep without input covers (lowercase ids). */
  readonly caCertificateIds: readonly string[];
  /** The account's UpdateCertificate quota (TPS). */
  readonly updateCertificateTps: number;
  /** The sweep's share of it, in (0, 1]. */
  readonly share: number;
  /** UpdateCertificate requests per second the sweep uses. */
  readonly updatesPerSecond: number;
}

/** Every variable, for the README and template.yaml. */
export const SWEEP_VARIABLES = [
  { name: 'SWEEP_CA_IDS', default: '(none)', meaning: 'Comma-separated CA ids a scheduled sweep covers.' },
  {
    name: 'SWEEP_UPDATE_SHARE',
    default: '0.5',
    meaning: 'Share of the UpdateCertificate quota the sweep may use (activations use the same quota).',
  },
  {
    name: 'IOT_UPDATE_CERTIFICATE_TPS',
    default: '10',
    meaning: "The account's UpdateCertificate quota in requests per second (raise it with a quota increase).",
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
 * @example const sweep = loadSweepConfig(process.env);
 */
export function loadSweepConfig(env: Readonly<Record<string, string | undefined>>): SweepSettings {
  const ids = (env.SWEEP_CA_IDS ?? '')
    .split(',')
    .map((id) => id.trim().toLowerCase())
    .filter((id) => id.length > 0);
  if (ids.some((id) => !CA_ID.test(id))) {
    throw bad('SWEEP_CA_IDS', 'comma-separated 64-hex CA certificate ids', env.SWEEP_CA_IDS ?? '');
  }
  const shareText = env.SWEEP_UPDATE_SHARE?.trim() || '0.5';
  const share = Number(shareText);
  if (!(share > 0 && share <= 1))
    throw bad('SWEEP_UPDATE_SHARE', 'a number above 0 and at most 1', shareText);
  const tpsText = env.IOT_UPDATE_CERTIFICATE_TPS?.trim() || '10';
  const tps = Number(tpsText);
  if (!(tps > 0 && tps <= 10_000))
    throw bad('IOT_UPDATE_CERTIFICATE_TPS', 'requests per second above 0', tpsText);
  return Object.freeze({
    caCertificateIds: Object.freeze(ids),
    updateCertificateTps: tps,
    share,
    updatesPerSecond: sweepUpdateRate(tps, share),
  });
}
