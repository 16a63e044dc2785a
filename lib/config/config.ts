/**
 * The handler's configuration: read once at cold start from the environment into a typed,
 * frozen object. Library code receives this object and never reads `process.env` itself.
 *
 * Every variable is declared once in variables.ts (name, default, parser, meaning); this loader,
 * the README's configuration table and `template.yaml`'s `Environment.Variables` follow it.
 */
import type { ThingPrincipalPolicy } from '../provisioning/thing-ownership.js';
import type { TemplateSourceRef } from '../template-source/source-ref.js';
import { type Env, readDefaulted, readVariable } from './declare.js';
import { ConfigurationInvalidError } from './errors.js';
import {
  AWS_DEFAULT_REGION,
  AWS_ENDPOINT_URL,
  AWS_ENDPOINT_URL_DYNAMODB,
  AWS_ENDPOINT_URL_IOT,
  AWS_ENDPOINT_URL_S3,
  AWS_REGION,
  CERT_CLOCK_SKEW_SECONDS,
  CRL_BUCKET,
  CRL_KEY_TEMPLATE,
  CRL_MAX_STALENESS,
  CRL_MODE,
  CRL_REFRESH_SECONDS,
  type CrlMode,
  FIRST_PUBLICATION_WINDOW_MS,
  IOT_API_BUDGET_CONCURRENCY,
  IOT_API_QUOTAS,
  type LogLevel,
  POWERTOOLS_LOG_LEVEL,
  POWERTOOLS_METRICS_NAMESPACE,
  POWERTOOLS_SERVICE_NAME,
  REGISTRATION_STATE_TABLE,
  REJECTED_CERTIFICATE_STATUS,
  type RejectedCertificateStatus,
  TEMPLATE_REFRESH_SECONDS,
  TEMPLATE_SOURCE,
  TEMPLATE_SOURCE_BY_CA,
  THING_PRINCIPAL_POLICY,
} from './variables.js';

export type { ConfigVariable } from './declare.js';
export type { CrlMode, LogLevel, RejectedCertificateStatus } from './variables.js';
export { CONFIG_VARIABLES } from './variables.js';

export interface Config {
  readonly crl: {
    /** null only in `optional` mode: then no CRL is consulted at all. */
    readonly bucket: string | null;
    readonly keyTemplate: string;
    readonly mode: CrlMode;
    readonly refreshSeconds: number;
    readonly maxStalenessSeconds: number;
  };
  readonly certificate: { readonly clockSkewSeconds: number };
  readonly templates: {
    readonly defaultSource: TemplateSourceRef;
    /** Keyed by lowercase CA certificate id. */
    readonly byCa: Readonly<Record<string, TemplateSourceRef>>;
    readonly refreshSeconds: number;
  };
  readonly rejectedCertificateStatus: RejectedCertificateStatus;
  readonly provisioning: {
    /** `exclusive`: a thing serves one certificate (fail closed); `shared`: JITP's behaviour. */
    readonly thingPrincipalPolicy: ThingPrincipalPolicy;
  };
  readonly iotBudget: {
    /** Containers sharing the quotas (each paces to quota ÷ this); 0 = no pacing (adaptive retries). */
    readonly concurrency: number;
    /** Overrides of the default quota table (lib/provisioning/iot-quotas.ts). */
    readonly quotas: Readonly<Record<string, number>>;
  };
  readonly registrationState: {
    /** DynamoDB table of claims and settled outcomes (duplicates cost no IoT call); null = off. */
    readonly tableName: string | null;
    /** An event published within this many ms of its registration may claim and describe at once; 0 = never. */
    readonly firstPublicationWindowMs: number;
  };
  readonly observability: {
    readonly serviceName: string;
    readonly metricsNamespace: string;
    readonly logLevel: LogLevel;
  };
  readonly aws: AwsSettings;
}

/** Where the SDK clients go (lib/runtime builds them from this). */
export interface AwsSettings {
  readonly region: string | null;
  /** Custom S3 endpoint (sandbox, MinIO): the S3 client then needs path-style addressing. */
  readonly s3Endpoint: string | null;
  readonly iotEndpoint: string | null;
  readonly dynamodbEndpoint: string | null;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * The SDK settings alone (region, custom endpoints), for entry points that call AWS without
 * running the registration use case (the CLI's operations commands, `jitr pki publish-crl`).
 */
export function loadAwsSettings(env: Env): AwsSettings {
  const anyEndpoint = readVariable(env, AWS_ENDPOINT_URL) ?? null;
  return {
    region: readVariable(env, AWS_REGION) ?? readVariable(env, AWS_DEFAULT_REGION) ?? null,
    s3Endpoint: readVariable(env, AWS_ENDPOINT_URL_S3) ?? anyEndpoint,
    iotEndpoint: readVariable(env, AWS_ENDPOINT_URL_IOT) ?? anyEndpoint,
    dynamodbEndpoint: readVariable(env, AWS_ENDPOINT_URL_DYNAMODB) ?? anyEndpoint,
  };
}

/**
 * Reads and validates the handler configuration. Call once at cold start.
 *
 * @example
 * const config = loadConfig(process.env);
 * @throws {@link ConfigurationInvalidError} naming the variable that is missing or malformed.
 */
export function loadConfig(env: Env): Config {
  const mode = readDefaulted(env, CRL_MODE);
  const bucket = readVariable(env, CRL_BUCKET) ?? null;
  if (bucket === null && mode === 'required') {
    throw new ConfigurationInvalidError({
      variable: CRL_BUCKET.name,
      requiredBecause: 'CRL_MODE is required',
      expected: 'the name of the S3 bucket holding the CRLs (or CRL_MODE=optional)',
    });
  }
  const config: Config = {
    crl: {
      bucket,
      keyTemplate: readDefaulted(env, CRL_KEY_TEMPLATE),
      mode,
      refreshSeconds: readDefaulted(env, CRL_REFRESH_SECONDS),
      maxStalenessSeconds: readDefaulted(env, CRL_MAX_STALENESS),
    },
    certificate: { clockSkewSeconds: readDefaulted(env, CERT_CLOCK_SKEW_SECONDS) },
    templates: {
      defaultSource: readDefaulted(env, TEMPLATE_SOURCE),
      byCa: readDefaulted(env, TEMPLATE_SOURCE_BY_CA),
      refreshSeconds: readDefaulted(env, TEMPLATE_REFRESH_SECONDS),
    },
    rejectedCertificateStatus: readDefaulted(env, REJECTED_CERTIFICATE_STATUS),
    provisioning: { thingPrincipalPolicy: readDefaulted(env, THING_PRINCIPAL_POLICY) },
    iotBudget: {
      concurrency: readDefaulted(env, IOT_API_BUDGET_CONCURRENCY),
      quotas: readDefaulted(env, IOT_API_QUOTAS),
    },
    registrationState: {
      tableName: readVariable(env, REGISTRATION_STATE_TABLE) ?? null,
      firstPublicationWindowMs: readDefaulted(env, FIRST_PUBLICATION_WINDOW_MS),
    },
    observability: {
      serviceName: readDefaulted(env, POWERTOOLS_SERVICE_NAME),
      metricsNamespace: readDefaulted(env, POWERTOOLS_METRICS_NAMESPACE),
      logLevel: readDefaulted(env, POWERTOOLS_LOG_LEVEL),
    },
    aws: loadAwsSettings(env),
  };
  return deepFreeze(config);
}

/** Whether any template source (default or per CA) reads from AWS IoT (needs iot:DescribeProvisioningTemplate). */
export function usesIotTemplateSource(config: Config): boolean {
  return [config.templates.defaultSource, ...Object.values(config.templates.byCa)].some(
    (s) => s.kind === 'iot',
  );
}
