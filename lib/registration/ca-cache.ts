/**
 * The CAs seen by a warm container. DescribeCACertificate has a low default quota and a CA
 * changes rarely, so an ACTIVE CA is remembered for `ttlSeconds`; a CA that is not ACTIVE is
 * never cached, so a retry after the operator activates it sees the change at once.
 */
import type { CertificateFacts } from '../certificate/index.js';
import type { CaCertificateDescription } from '../provisioning/iot-registry.js';

export interface CachedCa {
  description: CaCertificateDescription;
  facts: CertificateFacts;
}

export interface CaCache {
  get(caCertificateId: string): CachedCa | undefined;
  set(caCertificateId: string, ca: CachedCa): void;
}

/**
 * Creates an in-memory CA cache with a time-to-live.
 *
 * @example
 * const caCache = createCaCache({ ttlSeconds: 300, clock: () => new Date() });
 */
export function createCaCache(options: { ttlSeconds: number; clock: () => Date }): CaCache {
  const entries = new Map<string, { ca: CachedCa; storedAt: number }>();
  return {
    get(caCertificateId) {
      const entry = entries.get(caCertificateId);
      if (entry === undefined) return undefined;
      if (options.clock().getTime() - entry.storedAt >= options.ttlSeconds * 1000) {
        entries.delete(caCertificateId);
        return undefined;
      }
      return entry.ca;
    },
    set(caCertificateId, ca) {
      entries.set(caCertificateId, { ca, storedAt: options.clock().getTime() });
    },
  };
}
