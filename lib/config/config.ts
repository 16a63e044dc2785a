/**
 * The handler's configuration: read once at cold start from the environment into a typed,
 * frozen object. Library code receives this object and never reads `process.env` itself.
 *
 * Every variable is listed in {@link CONFIG_VARIABLES} (name, default, meaning); the README's
 * configuration table and `template.yaml`'s `Environment.Variables` follow that list.
 */
import { THING_PRINCIPAL_POLICIES, type ThingPrincipalPolicy } from '../provisioning/thing-ownership.js';
import { ConfigurationInvalidError } from '../registration/errors.js';
import { parseTemplateSourceRef, type TemplateSourceRef } from '../template-source/source-ref.js';

export type CrlMode = 'required' | 'optional';
export type RejectedCertificateStatus = 'INACTIVE' | 'PENDING_ACTIVATION';
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL' | 'SILENT';

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
  readonly observability: {
    readonly serviceName: string;
    readonly metricsNamespace: string;
    readonly logLevel: LogLevel;
  };
  readonly aws: {
    readonly region: string | null;
    /** Custom S3 endpoint (sandbox, MinIO): the S3 client then needs path-style addressing. */
    readonly s3Endpoint: string | null;
    readonly iotEndpoint: string | null;
  };
}

export interface ConfigVariable {
  name: string;
  default: string;
  meaning: string;
}

/** Every variable the handler reads, in README order. */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  {
    name: 'CRL_BUCKET',
    default: '(none)',
    meaning: 'S3 bucket holding one CRL per CA. Required when CRL_MODE=required.',
  },
  {
    name: 'CRL_KEY_TEMPLATE',
    default: 'crl/{caCertificateId}.crl',
    meaning:
      "Object key of a CA's CRL; `{caCertificateId}` is replaced by the CA id (only placeholder allowed).",
  },
  {
    name: 'CRL_MODE',
    default: 'required',
    meaning:
      '`required`: a missing, unreadable, invalid or stale CRL is a transient failure (retried, then DLQ; nothing activated). `optional`: a missing CRL (or no CRL_BUCKET) is allowed with a warning and the CrlMissing metric; an invalid or stale one still fails.',
  },
  {
    name: 'CRL_REFRESH_SECONDS',
    default: '300',
    meaning: 'How often a warm container re-checks a cached CRL (conditional GET).',
  },
  {
    name: 'CRL_MAX_STALENESS',
    default: '3600',
    meaning: 'Seconds a CRL may still be used after its nextUpdate (grace); beyond it the CRL is stale.',
  },
  {
    name: 'CERT_CLOCK_SKEW_SECONDS',
    default: '300',
    meaning: "Tolerance applied to notBefore/notAfter when checking a device certificate's validity.",
  },
  {
    name: 'TEMPLATE_SOURCE',
    default: 'bundled:default',
    meaning:
      'Provisioning template: `bundled:default` (infra/templates/default.json, built into the function), `file:<path>` (a JSON file on disk, relative to the function root), `s3://bucket/key`, or `iot:<provisioning template name>`.',
  },
  {
    name: 'TEMPLATE_SOURCE_BY_CA',
    default: '{}',
    meaning:
      'JSON object mapping a CA certificate id (64 hex) to a template source in the TEMPLATE_SOURCE syntax, e.g. `{"<caId>":"s3://b/plant-7.json"}`. CAs not listed use TEMPLATE_SOURCE.',
  },
  {
    name: 'TEMPLATE_REFRESH_SECONDS',
    default: '300',
    meaning: 'How long a loaded S3 or IoT template is cached in a warm container.',
  },
  {
    name: 'REJECTED_CERTIFICATE_STATUS',
    default: 'INACTIVE',
    meaning:
      'Status given to a rejected certificate (expired, not yet valid, wrong issuer, bad signature, unsafe subject value): `INACTIVE` or `PENDING_ACTIVATION` (leave it). Revoked certificates always become REVOKED.',
  },
  {
    name: 'THING_PRINCIPAL_POLICY',
    default: 'exclusive',
    meaning:
      "`exclusive`: a certificate is never attached to an existing thing that another certificate (or any other principal) is attached to; the registration fails with ThingOwnedByAnotherCertificate before touching the thing (a certificate whose CN repeats another device's thing name gets nothing). A thing without principals (pre-created) is used. `shared`: JITP's behaviour, several certificates may share a thing (e.g. rotation without detaching the old certificate).",
  },
  {
    name: 'POWERTOOLS_SERVICE_NAME',
    default: 'jitr',
    meaning: 'Logger `service` key and metrics `service` dimension.',
  },
  {
    name: 'POWERTOOLS_METRICS_NAMESPACE',
    default: 'JITR',
    meaning: 'CloudWatch namespace of the EMF metrics.',
  },
  { name: 'POWERTOOLS_LOG_LEVEL', default: 'INFO', meaning: 'DEBUG, INFO, WARN, ERROR, CRITICAL or SILENT.' },
  {
    name: 'AWS_ENDPOINT_URL_IOT',
    default: '(AWS)',
    meaning: 'Custom IoT control-plane endpoint (local sandbox); read natively by the SDK.',
  },
  {
    name: 'AWS_ENDPOINT_URL_S3',
    default: '(AWS)',
    meaning:
      'Custom S3 endpoint (read natively by the SDK); when set, the S3 client uses path-style addressing.',
  },
];

const LOG_LEVELS: readonly LogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'];
const CA_ID = /^[0-9a-f]{64}$/;

type Env = Readonly<Record<string, string | undefined>>;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function invalid(name: string, value: string, expected: string): ConfigurationInvalidError {
  return new ConfigurationInvalidError(`${name}=${JSON.stringify(value)} is invalid: expected ${expected}`, {
    variable: name,
    expected,
  });
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const expected = `an integer number of seconds from ${min} to ${max}`;
  if (!/^\d+$/.test(raw)) throw invalid(name, raw, expected);
  const value = Number(raw);
  if (value < min || value > max) throw invalid(name, raw, expected);
  return value;
}

function oneOf<T extends string>(
  env: Env,
  name: string,
  allowed: readonly T[],
  fallback: T,
  upper = false,
): T {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const value = upper ? raw.toUpperCase() : raw;
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) throw invalid(name, raw, `one of ${allowed.join(', ')}`);
  return found;
}

function source(name: string, raw: string): TemplateSourceRef {
  const parsed = parseTemplateSourceRef(raw);
  if (parsed === null) {
    throw invalid(name, raw, '`bundled:<name>`, `file:<path>`, `s3://bucket/key` or `iot:<template name>`');
  }
  return parsed;
}

function sourcesByCa(env: Env): Record<string, TemplateSourceRef> {
  const name = 'TEMPLATE_SOURCE_BY_CA';
  const raw = read(env, name);
  if (raw === undefined) return {};
  const expected = 'a JSON object {"<64-hex CA certificate id>": "<template source>"}';
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalid(name, raw, expected);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw invalid(name, raw, expected);
  const result: Record<string, TemplateSourceRef> = {};
  for (const [caId, value] of Object.entries(parsed)) {
    const key = caId.trim().toLowerCase();
    if (!CA_ID.test(key) || typeof value !== 'string') throw invalid(name, raw, expected);
    result[key] = source(`${name}[${key}]`, value.trim());
  }
  return result;
}

function crlKeyTemplate(env: Env): string {
  const name = 'CRL_KEY_TEMPLATE';
  const raw = read(env, name) ?? 'crl/{caCertificateId}.crl';
  const placeholders = raw.match(/\{[^}]*\}/g) ?? [];
  if (placeholders.some((p) => p !== '{caCertificateId}') || raw.startsWith('/')) {
    throw invalid(name, raw, 'an S3 key whose only placeholder is {caCertificateId}');
  }
  return raw;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Reads and validates the handler configuration. Call once at cold start.
 *
 * @example
 * const config = loadConfig(process.env);
 * @throws {@link ConfigurationInvalidError} naming the variable that is missing or malformed.
 */
export function loadConfig(env: Env): Config {
  const mode = oneOf<CrlMode>(env, 'CRL_MODE', ['required', 'optional'], 'required');
  const bucket = read(env, 'CRL_BUCKET') ?? null;
  if (bucket === null && mode === 'required') {
    throw new ConfigurationInvalidError('CRL_BUCKET is not set but CRL_MODE is required', {
      variable: 'CRL_BUCKET',
      expected: 'the name of the S3 bucket holding the CRLs (or CRL_MODE=optional)',
    });
  }
  if (bucket !== null && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw invalid('CRL_BUCKET', bucket, 'an S3 bucket name');
  }
  const config: Config = {
    crl: {
      bucket,
      keyTemplate: crlKeyTemplate(env),
      mode,
      refreshSeconds: integer(env, 'CRL_REFRESH_SECONDS', 300, 0, 86_400),
      maxStalenessSeconds: integer(env, 'CRL_MAX_STALENESS', 3600, 0, 30 * 86_400),
    },
    certificate: { clockSkewSeconds: integer(env, 'CERT_CLOCK_SKEW_SECONDS', 300, 0, 86_400) },
    templates: {
      defaultSource: source('TEMPLATE_SOURCE', read(env, 'TEMPLATE_SOURCE') ?? 'bundled:default'),
      byCa: sourcesByCa(env),
      refreshSeconds: integer(env, 'TEMPLATE_REFRESH_SECONDS', 300, 0, 86_400),
    },
    rejectedCertificateStatus: oneOf<RejectedCertificateStatus>(
      env,
      'REJECTED_CERTIFICATE_STATUS',
      ['INACTIVE', 'PENDING_ACTIVATION'],
      'INACTIVE',
      true,
    ),
    provisioning: {
      thingPrincipalPolicy: oneOf<ThingPrincipalPolicy>(
        env,
        'THING_PRINCIPAL_POLICY',
        THING_PRINCIPAL_POLICIES,
        'exclusive',
      ),
    },
    observability: {
      serviceName: read(env, 'POWERTOOLS_SERVICE_NAME') ?? 'jitr',
      metricsNamespace: read(env, 'POWERTOOLS_METRICS_NAMESPACE') ?? 'JITR',
      logLevel: oneOf<LogLevel>(env, 'POWERTOOLS_LOG_LEVEL', LOG_LEVELS, 'INFO', true),
    },
    aws: {
      region: read(env, 'AWS_REGION') ?? read(env, 'AWS_DEFAULT_REGION') ?? null,
      s3Endpoint: read(env, 'AWS_ENDPOINT_URL_S3') ?? read(env, 'AWS_ENDPOINT_URL') ?? null,
      iotEndpoint: read(env, 'AWS_ENDPOINT_URL_IOT') ?? read(env, 'AWS_ENDPOINT_URL') ?? null,
    },
  };
  return deepFreeze(config);
}

/** Whether any template source (default or per CA) reads from AWS IoT (needs iot:DescribeProvisioningTemplate). */
export function usesIotTemplateSource(config: Config): boolean {
  return [config.templates.defaultSource, ...Object.values(config.templates.byCa)].some(
    (s) => s.kind === 'iot',
  );
}
