/**
 * The reads a registration needs before its checks, started together: DescribeCertificate, the
 * CA (DescribeCACertificate, cached per container), the CA's CRL (S3, cached; downloaded at
 * once, verified once the CA certificate is known) and the CA's template (cached). All need only
 * the event's ids, so none waits for another's answer. They are awaited in the old order
 * (certificate, CA, CRL, template), so the outcome of an event is what it was when they ran one
 * after another: a certificate that is ACTIVE already, or fails a check, ends the same way
 * whatever the CRL or the template read answered. None of them writes anything.
 */

import { parseCertificate } from '../certificate/index.js';
import type { CrlStore } from '../crl/revocation-check.js';
import type { CertificateDescription } from '../provisioning/iot-registry.js';
import type { LoadedTemplate } from '../template-source/template-source.js';
import type { CachedCa } from './ca-cache.js';
import type { RegistrationDeps } from './deps.js';
import { CaNotActiveError } from './errors.js';

export interface CertificateReads {
  certificate: Promise<CertificateDescription>;
  ca: Promise<CachedCa>;
  /** A store answering from the CRL read started here; null when no CRL is consulted. */
  crlStore: CrlStore | null;
  template: Promise<LoadedTemplate>;
  /** Resolves once every read has finished, however: none outlives the event. */
  settled(): Promise<void>;
}

/** A read whose failure surfaces only where it is awaited (never as an unhandled rejection). */
function started<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** A gated read that was never sent (the claim said duplicate): nobody awaits it. */
class NotSent extends Error {}

/**
 * Sends every read at once. `iotAfter` (the fast path, sent together with the claim): the reads
 * that would call AWS IoT besides DescribeCertificate (the CA when not cached, an `iot:`
 * template not fresh) wait until it resolves true, and are never sent when it resolves false —
 * a copy that the claim stops costs one DescribeCertificate and nothing else.
 */
export function startReads(
  ids: { certificateId: string; caCertificateId: string },
  deps: RegistrationDeps,
  options: { iotAfter?: Promise<boolean> } = {},
): CertificateReads {
  const gate = options.iotAfter;
  const afterGate = <T>(read: () => Promise<T>): Promise<T> =>
    gate === undefined
      ? read()
      : gate.then((go) => (go ? read() : Promise.reject(new NotSent('not sent: the claim said duplicate'))));
  const certificate = started(deps.iot.describeCertificate(ids.certificateId));
  const ca = started(
    deps.caCache.get(ids.caCertificateId) === undefined
      ? afterGate(() => describeCa(ids.caCertificateId, deps))
      : describeCa(ids.caCertificateId, deps),
  );
  const store = deps.crlStore;
  // The CRL needs the CA only to verify it: a cold store reads it now, verifies it once the CA is known.
  const crl =
    store === null
      ? null
      : started(
          store.getOnceKnown === undefined
            ? ca.then((known) => store.get(ids.caCertificateId, known.facts))
            : store.getOnceKnown(
                ids.caCertificateId,
                ca.then((known) => known.facts),
              ),
        );
  const template = started(
    (deps.templates.callsIot?.(ids.caCertificateId) ?? true)
      ? afterGate(() => deps.templates.forCa(ids.caCertificateId))
      : deps.templates.forCa(ids.caCertificateId),
  );
  return {
    certificate,
    ca,
    crlStore: crl === null ? null : { get: () => crl },
    template,
    async settled() {
      await Promise.allSettled([certificate, ca, crl, template]);
    },
  };
}

/** The CA from the container's cache, or DescribeCACertificate (must be ACTIVE; cached then). */
async function describeCa(caCertificateId: string, deps: RegistrationDeps): Promise<CachedCa> {
  const cached = deps.caCache.get(caCertificateId);
  if (cached !== undefined) return cached;
  const description = await deps.iot.describeCaCertificate(caCertificateId);
  if (description.status !== 'ACTIVE') throw new CaNotActiveError(caCertificateId, description.status);
  const config = description.registrationConfig;
  if (config !== null && (config.templateBody !== undefined || config.templateName !== undefined)) {
    deps.logger.warn(
      'the CA carries a JITP template in its registration config: AWS IoT runs JITP for its devices and races this handler; remove it (aws iot update-ca-certificate --remove-auto-registration or a registration config without template)',
      { templateName: config.templateName ?? null, hasTemplateBody: config.templateBody !== undefined },
    );
  }
  const ca: CachedCa = { description, facts: parseCertificate(description.certificatePem) };
  deps.caCache.set(caCertificateId, ca);
  return ca;
}
