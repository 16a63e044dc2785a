/**
 * Every environment variable the project reads: one declaration each (name, default, parser,
 * meaning), in README order. See declare.ts for how to add one.
 */
import { certificateIdFrom } from '../certificate/certificate-id.js';
import { DEFAULT_VALIDITY_SKEW_SECONDS } from '../certificate/verify.js';
import { DEFAULT_CRL_MAX_STALENESS_SECONDS } from '../crl/load-crl.js';
import { CA_ID_PLACEHOLDER, DEFAULT_CRL_KEY_TEMPLATE } from '../crl/object-key.js';
import { THING_PRINCIPAL_POLICIES, type ThingPrincipalPolicy } from '../provisioning/thing-ownership.js';
import {
  parseTemplateSourceRef,
  TEMPLATE_SOURCE_FORMS,
  type TemplateSourceRef,
} from '../template-source/source-ref.js';
import {
  type ConfigVariable,
  integerIn,
  invalidVariable,
  jsonObjectEntries,
  oneOf,
  text,
  variable,
} from './declare.js';
import { parseDuration } from './duration.js';

export type CrlMode = 'required' | 'optional';
export type RejectedCertificateStatus = 'INACTIVE' | 'PENDING_ACTIVATION';
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL' | 'SILENT';

const LOG_LEVELS: readonly LogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'];
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const SOURCE_SYNTAX = `${TEMPLATE_SOURCE_FORMS.slice(0, -1)
  .map((form) => `\`${form}\``)
  .join(', ')} or \`${TEMPLATE_SOURCE_FORMS.at(-1)}\``;

function seconds(min: number, max: number) {
  return { expected: `an integer number of seconds from ${min} to ${max}`, parse: integerIn(min, max) };
}

function templateSource(raw: string): TemplateSourceRef | undefined {
  return parseTemplateSourceRef(raw) ?? undefined;
}

export const CRL_BUCKET = variable({
  name: 'CRL_BUCKET',
  default: null,
  meaning: 'S3 bucket holding one CRL per CA. Required when CRL_MODE=required.',
  expected: 'an S3 bucket name',
  parse: (raw) => (S3_BUCKET.test(raw) ? raw : undefined),
});

export const CRL_KEY_TEMPLATE = variable({
  name: 'CRL_KEY_TEMPLATE',
  default: DEFAULT_CRL_KEY_TEMPLATE,
  meaning:
    "Object key of a CA's CRL; `{caCertificateId}` is replaced by the CA id (only placeholder allowed).",
  expected: 'an S3 key whose only placeholder is {caCertificateId}',
  parse: (raw) => {
    const placeholders = raw.match(/\{[^}]*\}/g) ?? [];
    return placeholders.some((p) => p !== CA_ID_PLACEHOLDER) || raw.startsWith('/') ? undefined : raw;
  },
});

export const CRL_MODE = variable({
  name: 'CRL_MODE',
  default: 'required',
  meaning:
    '`required`: a missing, unreadable, invalid or stale CRL is a transient failure (retried, then DLQ; nothing activated). `optional`: a missing CRL (or no CRL_BUCKET) is allowed with a warning and the CrlMissing metric; an invalid or stale one still fails.',
  expected: 'one of required, optional',
  parse: oneOf<CrlMode>(['required', 'optional']),
});

export const CRL_REFRESH_SECONDS = variable({
  name: 'CRL_REFRESH_SECONDS',
  default: '300',
  meaning: 'How often a warm container re-checks a cached CRL (conditional GET).',
  ...seconds(0, 86_400),
});

export const CRL_MAX_STALENESS = variable({
  name: 'CRL_MAX_STALENESS',
  default: String(DEFAULT_CRL_MAX_STALENESS_SECONDS),
  meaning: 'Seconds a CRL may still be used after its nextUpdate (grace); beyond it the CRL is stale.',
  ...seconds(0, 30 * 86_400),
});

export const CERT_CLOCK_SKEW_SECONDS = variable({
  name: 'CERT_CLOCK_SKEW_SECONDS',
  default: String(DEFAULT_VALIDITY_SKEW_SECONDS),
  meaning: "Tolerance applied to notBefore/notAfter when checking a device certificate's validity.",
  ...seconds(0, 86_400),
});

export const TEMPLATE_SOURCE = variable({
  name: 'TEMPLATE_SOURCE',
  default: 'bundled:default',
  meaning:
    'Provisioning template: `bundled:default` (lib/template-source/templates/default.json, built into the function), `file:<path>` (a JSON file on disk, relative to the function root), `s3://bucket/key`, or `iot:<provisioning template name>`.',
  expected: SOURCE_SYNTAX,
  parse: templateSource,
});

export const TEMPLATE_SOURCE_BY_CA = variable({
  name: 'TEMPLATE_SOURCE_BY_CA',
  default: '{}',
  meaning:
    'JSON object mapping a CA certificate id (64 hex) to a template source in the TEMPLATE_SOURCE syntax, e.g. `{"<caId>":"s3://b/plant-7.json"}`. CAs not listed use TEMPLATE_SOURCE.',
  expected: 'a JSON object {"<64-hex CA certificate id>": "<template source>"}',
  parse: (raw): Record<string, TemplateSourceRef> | undefined => {
    const entries = jsonObjectEntries(raw);
    if (entries === undefined) return undefined;
    const result: Record<string, TemplateSourceRef> = {};
    for (const [key, value] of entries) {
      const caId = certificateIdFrom(key);
      if (caId === null || typeof value !== 'string') return undefined;
      const source = templateSource(value.trim());
      // A bad source names the entry, so the operator finds it in a long map.
      if (source === undefined) {
        throw invalidVariable(`TEMPLATE_SOURCE_BY_CA[${caId}]`, value.trim(), SOURCE_SYNTAX);
      }
      result[caId] = source;
    }
    return result;
  },
});

export const TEMPLATE_REFRESH_SECONDS = variable({
  name: 'TEMPLATE_REFRESH_SECONDS',
  default: '300',
  meaning: 'How long a loaded S3 or IoT template is cached in a warm container.',
  ...seconds(0, 86_400),
});

export const REJECTED_CERTIFICATE_STATUS = variable({
  name: 'REJECTED_CERTIFICATE_STATUS',
  default: 'INACTIVE',
  meaning:
    'Status given to a rejected certificate (expired, not yet valid, wrong issuer, bad signature, unsafe subject value): `INACTIVE` or `PENDING_ACTIVATION` (leave it). Revoked certificates always become REVOKED.',
  expected: 'one of INACTIVE, PENDING_ACTIVATION',
  parse: oneOf<RejectedCertificateStatus>(['INACTIVE', 'PENDING_ACTIVATION'], true),
});

export const THING_PRINCIPAL_POLICY = variable({
  name: 'THING_PRINCIPAL_POLICY',
  default: 'exclusive',
  meaning:
    "`exclusive`: a certificate is never attached to an existing thing that another certificate (or any other principal) is attached to; the registration fails with ThingOwnedByAnotherCertificate before touching the thing (a certificate whose CN repeats another device's thing name gets nothing). A thing without principals (pre-created) is used. `shared`: JITP's behaviour, several certificates may share a thing (e.g. rotation without detaching the old certificate).",
  expected: `one of ${THING_PRINCIPAL_POLICIES.join(', ')}`,
  parse: oneOf<ThingPrincipalPolicy>(THING_PRINCIPAL_POLICIES),
});

export const REGISTRATION_STATE_TABLE = variable({
  name: 'REGISTRATION_STATE_TABLE',
  default: null,
  noDefault: "(none; the stack's table)",
  meaning:
    'DynamoDB table where a delivery claims a certificate (short lease) and records its final outcome, so a duplicate event stops without any IoT call. Empty = off. If DynamoDB fails the handler runs without it (RegistrationStateUnavailable metric).',
  expected: 'a DynamoDB table name (3-255 of a-z A-Z 0-9 _ . -), or empty',
  parse: (raw) => (/^[a-zA-Z0-9_.-]{3,255}$/.test(raw) ? raw : undefined),
});

/** FIRST_PUBLICATION_WINDOW_MS's default: AWS publishes the first event ms after registering the certificate. */
export const DEFAULT_FIRST_PUBLICATION_WINDOW_MS = 250;

export const FIRST_PUBLICATION_WINDOW_MS = variable({
  name: 'FIRST_PUBLICATION_WINDOW_MS',
  default: String(DEFAULT_FIRST_PUBLICATION_WINDOW_MS),
  meaning:
    "An event published at most this long (ms) after its certificateRegistrationTimestamp is the certificate's first publication: its DescribeCertificate goes out with the registration-state claim (one round trip less) when this container's DescribeCertificate budget is free and it is not already handling the certificate. A reconnect's republication comes >= 1 s later (1 CONNECT per second per client ID) and always claims first. 0 = always claim first.",
  expected: 'an integer number of milliseconds from 0 to 1000',
  parse: integerIn(0, 1000),
});

export const IOT_API_BUDGET_CONCURRENCY = variable({
  name: 'IOT_API_BUDGET_CONCURRENCY',
  default: '0',
  meaning:
    "How many containers share the IoT quotas: each paces every IoT API to quota ÷ this (the queue path sets the event source's maximum concurrency). 0 = no pacing; the SDK's adaptive retry mode adapts to throttling (the direct path, where concurrency is unknown).",
  expected: 'an integer from 0 to 1000',
  parse: integerIn(0, 1000),
});

export const IOT_API_QUOTAS = variable({
  name: 'IOT_API_QUOTAS',
  default: '{}',
  meaning:
    'JSON object of IoT API quotas (requests per second per account and region) overriding the default table, e.g. `{"DescribeCertificate":50}` for an account with a raised quota.',
  expected: 'a JSON object {"<IoT API name>": <positive number>}',
  parse: (raw): Record<string, number> | undefined => {
    const entries = jsonObjectEntries(raw);
    if (entries === undefined) return undefined;
    const out: Record<string, number> = {};
    for (const [api, tps] of entries) {
      if (!/^[A-Za-z]+$/.test(api) || typeof tps !== 'number' || !(tps > 0) || !Number.isFinite(tps))
        return undefined;
      out[api] = tps;
    }
    return out;
  },
});

export const POWERTOOLS_SERVICE_NAME = variable({
  name: 'POWERTOOLS_SERVICE_NAME',
  default: 'jitr',
  meaning: 'Logger `service` key and metrics `service` dimension.',
  expected: 'a service name',
  parse: text,
});

export const POWERTOOLS_METRICS_NAMESPACE = variable({
  name: 'POWERTOOLS_METRICS_NAMESPACE',
  default: 'JITR',
  meaning: 'CloudWatch namespace of the EMF metrics.',
  expected: 'a CloudWatch namespace',
  parse: text,
});

export const POWERTOOLS_LOG_LEVEL = variable({
  name: 'POWERTOOLS_LOG_LEVEL',
  default: 'INFO',
  meaning: 'DEBUG, INFO, WARN, ERROR, CRITICAL or SILENT.',
  expected: `one of ${LOG_LEVELS.join(', ')}`,
  parse: oneOf<LogLevel>(LOG_LEVELS, true),
});

export const AWS_REGION = variable({
  name: 'AWS_REGION',
  default: null,
  noDefault: '(set by Lambda)',
  meaning: 'Region of the SDK clients; set by the Lambda runtime (not declared in template.yaml).',
  expected: 'an AWS region',
  parse: text,
  declaredInTemplate: false,
});

export const AWS_DEFAULT_REGION = variable({
  name: 'AWS_DEFAULT_REGION',
  default: null,
  noDefault: '(set by Lambda)',
  meaning: 'Used when AWS_REGION is unset (the AWS CLI convention); set by the Lambda runtime.',
  expected: 'an AWS region',
  parse: text,
  declaredInTemplate: false,
});

export const AWS_ENDPOINT_URL = variable({
  name: 'AWS_ENDPOINT_URL',
  default: null,
  noDefault: '(AWS)',
  meaning:
    'Custom endpoint for every service without its own AWS_ENDPOINT_URL_<SERVICE> (local runs; not declared in template.yaml).',
  expected: 'a URL',
  parse: text,
  declaredInTemplate: false,
});

export const AWS_ENDPOINT_URL_IOT = variable({
  name: 'AWS_ENDPOINT_URL_IOT',
  default: null,
  noDefault: '(AWS)',
  meaning: 'Custom IoT control-plane endpoint (local sandbox).',
  expected: 'a URL',
  parse: text,
});

export const AWS_ENDPOINT_URL_DYNAMODB = variable({
  name: 'AWS_ENDPOINT_URL_DYNAMODB',
  default: null,
  noDefault: '(AWS)',
  meaning:
    'Custom DynamoDB endpoint for the registration-state table (local sandbox: dynalite; not declared in template.yaml).',
  expected: 'a URL',
  parse: text,
  declaredInTemplate: false,
});

export const AWS_ENDPOINT_URL_S3 = variable({
  name: 'AWS_ENDPOINT_URL_S3',
  default: null,
  noDefault: '(AWS)',
  meaning: 'Custom S3 endpoint; when set (or AWS_ENDPOINT_URL is), the S3 client uses path-style addressing.',
  expected: 'a URL',
  parse: text,
});

/** Every variable the registration function reads, in README order. */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  CRL_BUCKET,
  CRL_KEY_TEMPLATE,
  CRL_MODE,
  CRL_REFRESH_SECONDS,
  CRL_MAX_STALENESS,
  CERT_CLOCK_SKEW_SECONDS,
  TEMPLATE_SOURCE,
  TEMPLATE_SOURCE_BY_CA,
  TEMPLATE_REFRESH_SECONDS,
  REJECTED_CERTIFICATE_STATUS,
  THING_PRINCIPAL_POLICY,
  REGISTRATION_STATE_TABLE,
  FIRST_PUBLICATION_WINDOW_MS,
  IOT_API_BUDGET_CONCURRENCY,
  IOT_API_QUOTAS,
  POWERTOOLS_SERVICE_NAME,
  POWERTOOLS_METRICS_NAMESPACE,
  POWERTOOLS_LOG_LEVEL,
  AWS_REGION,
  AWS_DEFAULT_REGION,
  AWS_ENDPOINT_URL,
  AWS_ENDPOINT_URL_IOT,
  AWS_ENDPOINT_URL_S3,
  AWS_ENDPOINT_URL_DYNAMODB,
];

export const RECONCILE_CA_IDS = variable({
  name: 'RECONCILE_CA_IDS',
  default: '',
  noDefault: '(none)',
  meaning: 'Comma-separated CA certificate ids to sweep.',
  expected: 'comma-separated 64-hex CA certificate ids',
  parse: (raw): string[] | undefined => {
    const ids: string[] = [];
    for (const part of raw.split(',')) {
      if (part.trim() === '') continue;
      const id = certificateIdFrom(part);
      if (id === null) return undefined;
      ids.push(id);
    }
    return ids;
  },
});

export const RECONCILE_OLDER_THAN = variable({
  name: 'RECONCILE_OLDER_THAN',
  default: '10m',
  meaning: 'Only certificates pending longer than this (`90s`, `10m`, `2h`).',
  expected: 'a duration like 10m, 90s or 2h',
  parse: (raw) => parseDuration(raw) ?? undefined,
});

export const RECONCILE_MAX = variable({
  name: 'RECONCILE_MAX',
  default: '500',
  meaning: 'At most this many certificates per CA per run.',
  expected: 'a positive integer',
  parse: (raw) => {
    const max = Number(raw);
    return Number.isSafeInteger(max) && max >= 1 ? max : undefined;
  },
});

export const RECONCILE_RATE = variable({
  name: 'RECONCILE_RATE',
  default: '2',
  meaning: 'Certificates per second (IoT quotas: DescribeCertificate 10 TPS, shared).',
  expected: 'a number of certificates per second above 0 and at most 10',
  parse: (raw) => {
    const rate = Number(raw);
    return Number.isFinite(rate) && rate > 0 && rate <= 10 ? rate : undefined;
  },
});

/** The variables only the scheduled reconcile function reads (besides {@link CONFIG_VARIABLES}). */
export const RECONCILE_VARIABLES: readonly ConfigVariable[] = [
  RECONCILE_CA_IDS,
  RECONCILE_OLDER_THAN,
  RECONCILE_MAX,
  RECONCILE_RATE,
];

export const SWEEP_CA_IDS = variable({
  ...RECONCILE_CA_IDS,
  name: 'SWEEP_CA_IDS',
  meaning:
    'Comma-separated CA certificate ids a scheduled revocation sweep covers (S3 events name their CA).',
});

export const SWEEP_UPDATE_SHARE = variable({
  name: 'SWEEP_UPDATE_SHARE',
  default: '0.5',
  meaning:
    'Share of the UpdateCertificate (and, with --full, DescribeCertificate and ListCertificatesByCA) quota a revocation sweep may use; activations use the same quota.',
  expected: 'a number above 0 and at most 1',
  parse: (raw) => {
    const share = Number(raw);
    return share > 0 && share <= 1 ? share : undefined;
  },
});

export const IOT_UPDATE_CERTIFICATE_TPS = variable({
  name: 'IOT_UPDATE_CERTIFICATE_TPS',
  default: '10',
  meaning:
    "The account's UpdateCertificate quota in requests per second (also used for DescribeCertificate and ListCertificatesByCA by --full); raise it after a quota increase.",
  expected: 'a number of requests per second above 0',
  parse: (raw) => {
    const tps = Number(raw);
    return Number.isFinite(tps) && tps > 0 ? tps : undefined;
  },
});

/** The variables only the revocation sweep reads (besides the CRL ones of {@link CONFIG_VARIABLES}). */
export const SWEEP_VARIABLES: readonly ConfigVariable[] = [
  SWEEP_CA_IDS,
  SWEEP_UPDATE_SHARE,
  IOT_UPDATE_CERTIFICATE_TPS,
];
