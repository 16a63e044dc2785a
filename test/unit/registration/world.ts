/**
 * A faked AWS side for the registration use case, at its ports: the in-memory IoT registry
 * (FakeIotRegistry: certificates, the CA, things, groups, policies), a real CA and device
 * certificates (generated here, never committed), an in-memory CRL store and template source,
 * and recording logger and metrics.
 */
import { createHash } from 'node:crypto';
import type { CertificateFacts } from '../../../lib/certificate/index.js';
import type { Config } from '../../../lib/config/config.js';
import type { CrlStore } from '../../../lib/crl/revocation-check.js';
import type { VerifiedCrl } from '../../../lib/crl/types.js';
import type {
  CountMetric,
  DimensionedMetric,
  DurationMetric,
  RegistrationMetrics,
} from '../../../lib/observability.js';
import {
  type Ca,
  createCa,
  type IssueCertificateOptions,
  issueDeviceCertificate,
} from '../../../lib/pki/index.js';
import { createPolicyCache } from '../../../lib/provisioning/policy-cache.js';
import { createCaCache } from '../../../lib/registration/ca-cache.js';
import type { RegisteredEvent } from '../../../lib/registration/event.js';
import type { RegistrationDeps } from '../../../lib/registration/register-certificate.js';
import type { TemplateSource } from '../../../lib/template-source/template-source.js';
import defaultTemplate from '../../../lib/template-source/templates/default.json' with { type: 'json' };
import { ACCOUNT, FakeIotRegistry, REGION } from '../../helpers/fake-iot-registry.js';

export const NOW = new Date('2026-11-22T05:00:00.000Z');
export { ACCOUNT, REGION };

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  extra: Record<string, unknown>;
}

export class RecordingLogger {
  readonly lines: LogLine[] = [];
  debug(message: string, ...extra: Record<string, unknown>[]) {
    this.lines.push({ level: 'debug', message, extra: Object.assign({}, ...extra) });
  }
  info(message: string, ...extra: Record<string, unknown>[]) {
    this.lines.push({ level: 'info', message, extra: Object.assign({}, ...extra) });
  }
  warn(message: string, ...extra: Record<string, unknown>[]) {
    this.lines.push({ level: 'warn', message, extra: Object.assign({}, ...extra) });
  }
  error(message: string, ...extra: Record<string, unknown>[]) {
    this.lines.push({ level: 'error', message, extra: Object.assign({}, ...extra) });
  }
  /** The one summary line of the last event. */
  summary(): LogLine {
    const lines = this.lines.filter((l) => l.message === 'registration summary');
    const last = lines.at(-1);
    if (last === undefined) throw new Error('no summary line');
    return last;
  }
}

export class RecordingMetrics implements RegistrationMetrics {
  readonly emitted: string[] = [];
  count(name: CountMetric, value = 1) {
    this.emitted.push(`${name}=${value}`);
  }
  countWithReason(name: DimensionedMetric, reason: string) {
    this.emitted.push(`${name}[${reason}]`);
  }
  milliseconds(name: DurationMetric, value: number) {
    this.emitted.push(`${name}:${value >= 0 ? 'ms' : 'negative'}`);
  }
}

/** An in-memory CRL store; `revoked` holds serial hex strings (DER content bytes). */
export class FakeCrlStore implements CrlStore {
  readonly revoked = new Set<string>();
  published = true;
  failure: Error | null = null;
  calls = 0;
  async get(_caCertificateId: string, _ca: CertificateFacts): Promise<VerifiedCrl | null> {
    this.calls += 1;
    if (this.failure !== null) throw this.failure;
    if (!this.published) return null;
    const revoked = this.revoked;
    const entry = (serialHex: string) =>
      revoked.has(serialHex)
        ? { serialHex, revocationDate: new Date('2026-11-01T00:00:00Z'), reason: null }
        : null;
    return {
      issuer: { rfc4514: '', attributes: [] } as unknown as VerifiedCrl['issuer'],
      version: 2,
      crlNumber: '42',
      thisUpdate: new Date('2026-11-21T00:00:00Z'),
      nextUpdate: new Date('2026-11-28T00:00:00Z'),
      entryCount: revoked.size,
      signatureAlgorithm: 'ecdsa-with-SHA256',
      authorityKeyIdentifier: null,
      byteLength: 100,
      distributionPoints: null,
      lookup: (serialBytes) => entry(Buffer.from(serialBytes).toString('hex')),
      lookupHex: (serialHex) => entry(serialHex.toLowerCase()),
      has: (serialBytes) => revoked.has(Buffer.from(serialBytes).toString('hex')),
      serials: () => [...revoked].map((hex) => Uint8Array.from(Buffer.from(hex, 'hex'))).values(),
    };
  }
}

export const RICH_TEMPLATE = {
  Parameters: {
    'AWS::IoT::Certificate::CommonName': { Type: 'String' },
    'AWS::IoT::Certificate::Organization': { Type: 'String', Default: 'none' },
    'AWS::IoT::Certificate::Id': { Type: 'String' },
  },
  Resources: {
    thing: {
      Type: 'AWS::IoT::Thing',
      Properties: {
        ThingName: { Ref: 'AWS::IoT::Certificate::CommonName' },
        ThingTypeName: 'sensor',
        ThingGroups: ['plant-7', 'fleet'],
        AttributePayload: { org: { Ref: 'AWS::IoT::Certificate::Organization' } },
      },
      OverrideSettings: { AttributePayload: 'MERGE', ThingTypeName: 'REPLACE', ThingGroups: 'MERGE' },
    },
    certificate: {
      Type: 'AWS::IoT::Certificate',
      Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'ACTIVE' },
    },
    policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: 'device-base' } },
  },
};

export interface World {
  ca: Ca;
  caId: string;
  fake: FakeIotRegistry;
  crl: FakeCrlStore;
  logger: RecordingLogger;
  metrics: RecordingMetrics;
  deps: RegistrationDeps;
  /** Per-CA template answered by the fake template source. */
  template: { value: unknown };
  caStatus: { value: 'ACTIVE' | 'INACTIVE' };
  caRegistrationConfig: { value: Record<string, string> | undefined };
  /** Issues a device certificate, registers it PENDING_ACTIVATION and returns its event. */
  device(
    subject: string,
    options?: Partial<IssueCertificateOptions>,
  ): { event: RegisteredEvent; serialHex: string };
  status(certificateId: string): string | undefined;
}

function sha256Hex(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

export function createWorld(
  config: Partial<Pick<Config, 'rejectedCertificateStatus'>> & { crlMode?: 'required' | 'optional' } = {},
): World {
  const ca = createCa({ keyType: 'ec', curve: 'P-256', subject: 'O=Example,CN=Example Device CA', now: NOW });
  const caId = sha256Hex(ca.certificateDer);
  const fake = new FakeIotRegistry();
  fake.thingTypes.add('sensor');
  fake.thingGroups.add('plant-7');
  fake.thingGroups.add('fleet');
  fake.policies.set('device-base', '{"Version":"2012-10-17","Statement":[]}');
  const ca$ = {
    certificateId: caId,
    certificateArn: `arn:aws:iot:${REGION}:${ACCOUNT}:cacert/${caId}`,
    status: 'ACTIVE' as 'ACTIVE' | 'INACTIVE',
    certificatePem: ca.certificatePem,
    autoRegistrationStatus: 'ENABLE' as const,
    registrationConfig: null as Record<string, string> | null,
  };
  fake.caCertificates.set(caId, ca$);
  // The tests change the registered CA through these two boxes.
  const caStatus: World['caStatus'] = {
    get value() {
      return ca$.status;
    },
    set value(status) {
      ca$.status = status;
    },
  };
  const caRegistrationConfig: World['caRegistrationConfig'] = {
    get value() {
      return ca$.registrationConfig ?? undefined;
    },
    set value(config) {
      ca$.registrationConfig = config ?? null;
    },
  };

  const template: World['template'] = { value: defaultTemplate };
  const templates: TemplateSource = {
    async forCa() {
      return { source: 'bundled:default', template: template.value };
    },
  };
  const crl = new FakeCrlStore();
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const clock = () => NOW;
  let tick = 0;
  const deps: RegistrationDeps = {
    iot: fake,
    crlStore: crl,
    templates,
    caCache: createCaCache({ ttlSeconds: 300, clock }),
    // Each world is a new container.
    policyCache: createPolicyCache(),
    config: {
      crl: {
        bucket: 'crls',
        keyTemplate: 'crl/{caCertificateId}.crl',
        mode: config.crlMode ?? 'required',
        refreshSeconds: 300,
        maxStalenessSeconds: 3600,
      },
      certificate: { clockSkewSeconds: 300 },
      rejectedCertificateStatus: config.rejectedCertificateStatus ?? 'INACTIVE',
    },
    clock,
    logger,
    metrics,
    // Deterministic timings: every reading advances 1 ms.
    monotonic: () => tick++,
  };

  return {
    ca,
    caId,
    fake,
    crl,
    logger,
    metrics,
    deps,
    template,
    caStatus,
    caRegistrationConfig,
    device(subject, options = {}) {
      const issued = issueDeviceCertificate({
        ca,
        subject,
        // EC: RSA is not the point here, and RSA-2048 key generation costs ~50 ms per device.
        keyType: 'ec',
        now: new Date(NOW.getTime() - 3_600_000),
        ...options,
      });
      // JITR registered it PENDING_ACTIVATION (the fake's default status).
      fake.certificates.set(issued.certificateId, {
        certificatePem: issued.certificatePem,
        caCertificateId: caId,
      });
      return {
        serialHex: issued.serialBytes.toString('hex'),
        event: {
          certificateId: issued.certificateId,
          caCertificateId: caId,
          timestamp: NOW.getTime() - 1000,
          certificateStatus: 'PENDING_ACTIVATION',
          awsAccountId: ACCOUNT,
          certificateRegistrationTimestamp: String(NOW.getTime() - 2000),
        },
      };
    },
    status(certificateId) {
      const known = fake.certificates.has(certificateId);
      return fake.certificateStatus.get(certificateId) ?? (known ? 'PENDING_ACTIVATION' : undefined);
    },
  };
}
