/**
 * Wires the registration use case for one Lambda container: config → logger, metrics, the
 * IoT registry, the CRL store, the template source and the CA cache. Called once at module
 * scope by handlers/jitr.ts (and by the local invoke script and tests with other clients).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { IoTClient } from '@aws-sdk/client-iot';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config/config.js';
import { S3CrlStore } from '../crl/s3-crl-store.js';
import { createObservability, powertoolsMetrics } from '../observability.js';
import { SdkIotRegistry } from '../provisioning/sdk-iot-registry.js';
import { createCaCache } from '../registration/ca-cache.js';
import type { RegistrationDeps } from '../registration/register-certificate.js';
import { s3ObjectReader } from '../template-source/object-reader.js';
import { createTemplateSource } from '../template-source/template-source.js';

export interface Runtime {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  deps: RegistrationDeps;
}

/** How long an ACTIVE CA is trusted from the warm container's cache. */
const CA_CACHE_SECONDS = 300;

/**
 * Builds every long-lived collaborator of the use case. Makes no network call.
 *
 * @example
 * const runtime = createRuntime(loadConfig(process.env), { iot: createIotClient(), s3: new S3Client({}) });
 */
export function createRuntime(config: Config, clients: { iot: IoTClient; s3: S3Client }): Runtime {
  const { logger, metrics } = createObservability(config.observability);
  const clock = () => new Date();
  const iot = new SdkIotRegistry(clients.iot);
  const crlStore =
    config.crl.bucket === null
      ? null
      : new S3CrlStore({
          s3: clients.s3,
          bucket: config.crl.bucket,
          keyTemplate: config.crl.keyTemplate,
          refreshSeconds: config.crl.refreshSeconds,
          maxStalenessSeconds: config.crl.maxStalenessSeconds,
          clock,
        });
  const templates = createTemplateSource({
    ...config.templates,
    objects: s3ObjectReader(clients.s3),
    iot,
    clock,
    logger,
  });
  const deps: RegistrationDeps = {
    iot,
    crlStore,
    templates,
    caCache: createCaCache({ ttlSeconds: CA_CACHE_SECONDS, clock }),
    config,
    clock,
    logger,
    metrics: powertoolsMetrics(metrics),
  };
  return { config, logger, metrics, deps };
}
