/**
 * Configuration of the revocation sweep (the sweep function and `jitr revocation sweep`), read
 * once at cold start. The CRL location and freshness rule are the handler's own variables
 * (config.ts), so the sweep verifies exactly what the handler verifies. Declarations: variables.ts.
 */
import { type Env, readDefaulted } from './declare.js';
import { IOT_UPDATE_CERTIFICATE_TPS, SWEEP_CA_IDS, SWEEP_UPDATE_SHARE } from './variables.js';

export { SWEEP_VARIABLES } from './variables.js';

export interface SweepSettings {
  /** CAs a scheduled sweep without input covers (lowercase ids). */
  readonly caCertificateIds: readonly string[];
  /** The account's UpdateCertificate quota (TPS). */
  readonly updateCertificateTps: number;
  /** The sweep's share of it, in (0, 1]. */
  readonly share: number;
  /** Requests per second the sweep uses for each IoT API it calls. */
  readonly ratePerSecond: number;
}

/**
 * @throws {@link ConfigurationInvalidError} naming the malformed variable.
 * @example const sweep = loadSweepConfig(process.env);
 */
export function loadSweepConfig(env: Env, overrides: { share?: number } = {}): SweepSettings {
  const updateCertificateTps = readDefaulted(env, IOT_UPDATE_CERTIFICATE_TPS);
  const share = overrides.share ?? readDefaulted(env, SWEEP_UPDATE_SHARE);
  return Object.freeze({
    caCertificateIds: Object.freeze(readDefaulted(env, SWEEP_CA_IDS)),
    updateCertificateTps,
    share,
    // Both are validated by their declarations (quota > 0, share in (0, 1]).
    ratePerSecond: updateCertificateTps * share,
  });
}
