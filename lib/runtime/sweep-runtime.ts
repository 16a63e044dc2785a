/**
 * The revocation sweep's part of the composition root: the sweep function (handlers/
 * revocation-sweep.ts, at module scope) and `jitr revocation sweep` build their collaborators
 * here — the IoT registry, the CRL object source, the ledger on the registration-state table,
 * logger and metrics — from the same variables the handler reads, so the sweep verifies CRLs
 * exactly as the handler does.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AwsSettings } from '../config/config.js';
import { type Env, readDefaulted, readVariable } from '../config/declare.js';
import { ConfigurationInvalidError } from '../config/errors.js';
import { loadSweepConfig, type SweepSettings } from '../config/sweep-config.js';
import {
  CRL_BUCKET,
  CRL_KEY_TEMPLATE,
  CRL_MAX_STALENESS,
  POWERTOOLS_LOG_LEVEL,
  POWERTOOLS_METRICS_NAMESPACE,
  POWERTOOLS_SERVICE_NAME,
  REGISTRATION_STATE_TABLE,
} from '../config/variables.js';
import { DynamoDbLedger } from '../ledger/dynamodb-ledger.js';
import { systemClock } from '../pacing/token-bucket.js';
import { SdkIotRegistry } from '../provisioning/sdk-iot-registry.js';
import { S3CrlObjects } from '../revocation/s3-crl-objects.js';
import type { SweepDeps } from '../revocation/sweep.js';
import {
  createDynamoDbClient,
  createIotClient,
  createS3Client,
  dynamodbTarget,
  iotTarget,
  s3Target,
} from './aws-clients.js';
import { createObservability } from './powertools.js';

export interface SweepRuntime {
  settings: SweepSettings;
  /** The configured CRL bucket (null: the S3 event names it). */
  bucket: string | null;
  keyTemplate: string;
  ledger: DynamoDbLedger;
  /** The IoT registry (`--full` lists and describes through it too). */
  iot: SdkIotRegistry;
  logger: Logger;
  metrics: { publishStoredMetrics(): void };
  /** The sweep's collaborators reading CRLs from `bucket`. */
  depsFor(bucket: string): SweepDeps;
  dispose(): void;
}

export interface SweepRuntimeOptions {
  aws: AwsSettings;
  /** Explicit values (CLI options) win over the environment. */
  bucket?: string;
  keyTemplate?: string;
  table?: string;
  share?: number;
  metrics?: 'emf' | 'off';
}

/**
 * @throws {@link ConfigurationInvalidError} when a variable is malformed or no ledger table is set.
 * @example const runtime = createSweepRuntime(process.env, { aws: loadAwsSettings(process.env) });
 */
export function createSweepRuntime(env: Env, options: SweepRuntimeOptions): SweepRuntime {
  const settings = loadSweepConfig(env, options.share === undefined ? {} : { share: options.share });
  const table = options.table ?? readVariable(env, REGISTRATION_STATE_TABLE) ?? null;
  if (table === null) {
    throw new ConfigurationInvalidError({
      variable: 'REGISTRATION_STATE_TABLE',
      requiredBecause: 'the revocation sweep reads the ledger in that table',
      expected: 'the name of the registration-state table (stack output RegistrationStateTableName)',
      option: '--table',
    });
  }
  const bucket = options.bucket ?? readVariable(env, CRL_BUCKET) ?? null;
  const keyTemplate = options.keyTemplate ?? readDefaulted(env, CRL_KEY_TEMPLATE);
  const maxStalenessSeconds = readDefaulted(env, CRL_MAX_STALENESS);
  const { logger, metrics } = createObservability({
    serviceName: readDefaulted(env, POWERTOOLS_SERVICE_NAME),
    metricsNamespace: readDefaulted(env, POWERTOOLS_METRICS_NAMESPACE),
    logLevel: readDefaulted(env, POWERTOOLS_LOG_LEVEL),
  });
  const clients = {
    iot: createIotClient(iotTarget(options.aws)),
    s3: createS3Client(s3Target(options.aws)),
    dynamodb: createDynamoDbClient(dynamodbTarget(options.aws)),
  };
  const ledger = new DynamoDbLedger({ client: clients.dynamodb, tableName: table });
  const iot = new SdkIotRegistry(clients.iot);
  const metricsOff = options.metrics === 'off';
  const sweepMetrics: SweepDeps['metrics'] = {
    count: (name, value = 1) => {
      if (!metricsOff) metrics.addMetric(name, MetricUnit.Count, value);
    },
  };
  return {
    settings,
    bucket,
    keyTemplate,
    ledger,
    iot,
    logger,
    metrics: metricsOff ? { publishStoredMetrics() {} } : metrics,
    depsFor: (crlBucket) => ({
      iot,
      crls: new S3CrlObjects({ s3: clients.s3, bucket: crlBucket, keyTemplate }),
      ledger,
      clock: systemClock,
      logger,
      metrics: sweepMetrics,
      config: { maxStalenessSeconds, updatesPerSecond: settings.ratePerSecond },
    }),
    dispose: () => {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}
