// What the registration use case needs: its ports, caches, configuration and observability.
// Built once per container by the composition root (lib/runtime/runtime.ts).
import type { Config } from '../config/config.js';
import type { CrlStore } from '../crl/revocation-check.js';
import type { LedgerWriter } from '../ledger/ports.js';
import type { JitrLogger, RegistrationMetrics } from '../observability.js';
import type { IotRegistry } from '../provisioning/iot-registry.js';
import type { PolicyCache } from '../provisioning/policy-cache.js';
import type { RegistrationStateStore } from '../registration-state/state-store.js';
import type { TemplateSource } from '../template-source/template-source.js';
import type { CaCache } from './ca-cache.js';
import type { CertificateMemory } from './certificate-memory.js';

export interface RegistrationDeps {
  iot: IotRegistry;
  /** null only in CRL_MODE=optional without a CRL bucket: no CRL is consulted. */
  crlStore: CrlStore | null;
  templates: TemplateSource;
  caCache: CaCache;
  policyCache: PolicyCache;
  /** `provisioning` may be left out (tests): THING_PRINCIPAL_POLICY then defaults to `exclusive`. */
  config: Pick<Config, 'crl' | 'certificate' | 'rejectedCertificateStatus'> &
    Partial<Pick<Config, 'provisioning' | 'registrationState'>>;
  clock: () => Date;
  logger: JitrLogger;
  metrics: RegistrationMetrics;
  /** Monotonic milliseconds for step timings (default `performance.now`). */
  monotonic?: () => number;
  /** The registration-state table (REGISTRATION_STATE_TABLE); absent or null = not used. */
  state?: RegistrationStateStore | null;
  /** The certificates this container is registering or saw settled; absent = none known. */
  memory?: CertificateMemory;
  /** The provisioning ledger (same table); absent or null = no ledger. */
  ledger?: LedgerWriter | null;
}
