/**
 * THE composition root: config → logger, metrics, SDK clients, the IoT registry, the CRL store,
 * the template source and the container's caches (CA, policies). Every entry point builds its
 * runtime here: handlers/jitr.ts and handlers/reconcile.ts at module scope (once per container),
 * the CLI once per command (lib/runtime/cli-runtime.ts), tests with their own clients.
 * Nothing else in lib/ holds module-level mutable state.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { IoTClient } from '@aws-sdk/client-iot';
import type { S3Client } from '@aws-sdk/client-s3';
import { type Config, loadConfig } from '../config/config.js';
import type { Env } from '../config/declare.js';
import { S3CrlStore } from '../crl/s3-crl-store.js';
import { DynamoDbLedger } from '../ledger/dynamodb-ledger.js';
import type { RegistrationMetrics } from '../observability.js';
import { createApiBudget } from '../provisioning/api-budget.js';
import { createPolicyCache } from '../provisioning/policy-cache.js';
import { SdkIotRegistry } from '../provisioning/sdk-iot-registry.js';
import { createCaCache } from '../registration/ca-cache.js';
import { createCertificateMemory } from '../registration/certificate-memory.js';
import type { RegistrationDeps } from '../registration/register-certificate.js';
import { DynamoDbStateStore } from '../registration-state/dynamodb-state-store.js';
import { s3ObjectReader } from '../template-source/object-reader.js';
import { createTemplateSource } from '../template-source/template-source.js';
import {
  createDynamoDbClient,
  createIotClient,
  createS3Client,
  dynamodbTarget,
  iotTarget,
  s3Target,
} from './aws-clients.js';
import { createObservability, powertoolsMetrics } from './powertools.js';

export interface Runtime {
  config: Config;
  logger: Logger;
  /** Flushes the stored metrics (EMF on stdout); call in `finally` after each invocation. */
  metrics: { publishStoredMetrics(): void };
  deps: RegistrationDeps;
  /** `dynamodb` only when REGISTRATION_STATE_TABLE is set. */
  clients: { iot: IoTClient; s3: S3Client; dynamodb?: DynamoDBClient };
}

export interface RuntimeOptions {
  /** Clients to use instead of those built from `config.aws` (tests, the demo). */
  clients?: Partial<Runtime['clients']>;
  /** `off`: count nothing and print no EMF (the CLI's in-process runs, whose stdout is a report). */
  metrics?: 'emf' | 'off';
}

/** How long an ACTIVE CA is trusted from the warm container's cache. */
const CA_CACHE_SECONDS = 300;

const NO_METRICS: RegistrationMetrics = { count() {}, countWithReason() {}, milliseconds() {} };

/**
 * Builds every long-lived collaborator of the use case. Makes no network call.
 *
 * @example
 * const runtime = createRuntime(loadConfig(process.env));
 */
export function createRuntime(config: Config, options: RuntimeOptions = {}): Runtime {
  const { logger, metrics } = createObservability(config.observability);
  const clock = () => new Date();
  const clients = {
    iot: options.clients?.iot ?? createIotClient(iotTarget(config.aws)),
    s3: options.clients?.s3 ?? createS3Client(s3Target(config.aws)),
    ...(config.registrationState.tableName === null
      ? {}
      : { dynamodb: options.clients?.dynamodb ?? createDynamoDbClient(dynamodbTarget(config.aws)) }),
  };
  const iot = new SdkIotRegistry(clients.iot, createApiBudget(config.iotBudget));
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
  const metricsOff = options.metrics === 'off';
  const deps: RegistrationDeps = {
    iot,
    crlStore,
    templates,
    caCache: createCaCache({ ttlSeconds: CA_CACHE_SECONDS, clock }),
    policyCache: createPolicyCache(),
    memory: createCertificateMemory(),
    config,
    clock,
    logger,
    metrics: metricsOff ? NO_METRICS : powertoolsMetrics(metrics),
    state:
      config.registrationState.tableName === null || clients.dynamodb === undefined
        ? null
        : new DynamoDbStateStore(clients.dynamodb, config.registrationState.tableName),
    // The provisioning ledger lives in the same table (README "Provisioning ledger").
    ledger:
      config.registrationState.tableName === null || clients.dynamodb === undefined
        ? null
        : new DynamoDbLedger({ client: clients.dynamodb, tableName: config.registrationState.tableName }),
  };
  return {
    config,
    logger,
    metrics: metricsOff ? { publishStoredMetrics() {} } : metrics,
    deps,
    clients,
  };
}

/**
 * {@link createRuntime} over the configuration in `env`, as a function does at cold start.
 * @throws {@link ConfigurationInvalidError} when `env` does not configure the handler.
 */
export function createRuntimeFromEnv(env: Env, options: RuntimeOptions = {}): Runtime {
  return createRuntime(loadConfig(env), options);
}
