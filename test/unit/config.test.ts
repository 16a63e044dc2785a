import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig, usesIotTemplateSource } from '../../lib/config/config.js';
import { ConfigurationInvalidError } from '../../lib/config/errors.js';

const CA = 'a'.repeat(64);

function errorOf(fn: () => unknown): ConfigurationInvalidError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigurationInvalidError) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationInvalidError');
}

describe('loadConfig', () => {
  it('applies the documented defaults when only CRL_BUCKET is set', () => {
    // Act
    const config = loadConfig({ CRL_BUCKET: 'my-crls' });
    // Assess
    expect(config).toEqual({
      crl: {
        bucket: 'my-crls',
        keyTemplate: 'crl/{caCertificateId}.crl',
        mode: 'required',
        refreshSeconds: 300,
        maxStalenessSeconds: 3600,
      },
      certificate: { clockSkewSeconds: 300 },
      templates: { defaultSource: { kind: 'bundled', name: 'default' }, byCa: {}, refreshSeconds: 300 },
      rejectedCertificateStatus: 'INACTIVE',
      provisioning: { thingPrincipalPolicy: 'exclusive' },
      iotBudget: { concurrency: 0, quotas: {} },
      registrationState: { tableName: null, firstPublicationWindowMs: 250 },
      observability: { serviceName: 'jitr', metricsNamespace: 'JITR', logLevel: 'INFO' },
      aws: { region: null, s3Endpoint: null, iotEndpoint: null, dynamodbEndpoint: null },
    });
  });

  it('reads, trims and types every variable', () => {
    // Act
    const config = loadConfig({
      CRL_BUCKET: ' my-crls ',
      CRL_KEY_TEMPLATE: 'revocation/{caCertificateId}.der',
      CRL_MODE: 'optional',
      CRL_REFRESH_SECONDS: ' 60',
      CRL_MAX_STALENESS: '0',
      CERT_CLOCK_SKEW_SECONDS: '30',
      TEMPLATE_SOURCE: 'iot:plant-template',
      TEMPLATE_SOURCE_BY_CA: JSON.stringify({ [CA.toUpperCase()]: 's3://tpl-bucket/plant-7.json' }),
      TEMPLATE_REFRESH_SECONDS: '10',
      REJECTED_CERTIFICATE_STATUS: 'pending_activation',
      THING_PRINCIPAL_POLICY: ' shared ',
      REGISTRATION_STATE_TABLE: ' jitr-RegistrationStateTable-1AB2 ',
      IOT_API_BUDGET_CONCURRENCY: '5',
      IOT_API_QUOTAS: '{"DescribeCertificate": 50}',
      POWERTOOLS_SERVICE_NAME: 'jitr-prod',
      POWERTOOLS_METRICS_NAMESPACE: 'Fleet',
      POWERTOOLS_LOG_LEVEL: 'debug',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4569',
      AWS_ENDPOINT_URL_IOT: 'http://127.0.0.1:4570',
    });
    // Assess
    expect(config).toEqual({
      crl: {
        bucket: 'my-crls',
        keyTemplate: 'revocation/{caCertificateId}.der',
        mode: 'optional',
        refreshSeconds: 60,
        maxStalenessSeconds: 0,
      },
      certificate: { clockSkewSeconds: 30 },
      templates: {
        defaultSource: { kind: 'iot', templateName: 'plant-template' },
        byCa: { [CA]: { kind: 's3', bucket: 'tpl-bucket', key: 'plant-7.json' } },
        refreshSeconds: 10,
      },
      rejectedCertificateStatus: 'PENDING_ACTIVATION',
      provisioning: { thingPrincipalPolicy: 'shared' },
      iotBudget: { concurrency: 5, quotas: { DescribeCertificate: 50 } },
      registrationState: { tableName: 'jitr-RegistrationStateTable-1AB2', firstPublicationWindowMs: 250 },
      observability: { serviceName: 'jitr-prod', metricsNamespace: 'Fleet', logLevel: 'DEBUG' },
      aws: {
        region: 'eu-west-1',
        s3Endpoint: 'http://127.0.0.1:4569',
        iotEndpoint: 'http://127.0.0.1:4570',
        dynamodbEndpoint: null,
      },
    });
    expect(usesIotTemplateSource(config)).toBe(true);
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig({ CRL_BUCKET: 'my-crls' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.crl)).toBe(true);
    expect(Object.isFrozen(config.templates.defaultSource)).toBe(true);
  });

  it('allows no CRL bucket in optional mode', () => {
    expect(loadConfig({ CRL_MODE: 'optional' }).crl.bucket).toBe(null);
  });

  it.each([
    [{}, 'CRL_BUCKET'],
    [{ CRL_BUCKET: 'Bad_Bucket' }, 'CRL_BUCKET'],
    [{ CRL_BUCKET: 'b1b', CRL_MODE: 'sometimes' }, 'CRL_MODE'],
    [{ CRL_BUCKET: 'b1b', CRL_REFRESH_SECONDS: '5m' }, 'CRL_REFRESH_SECONDS'],
    [{ CRL_BUCKET: 'b1b', CRL_MAX_STALENESS: '-1' }, 'CRL_MAX_STALENESS'],
    [{ CRL_BUCKET: 'b1b', CERT_CLOCK_SKEW_SECONDS: '1.5' }, 'CERT_CLOCK_SKEW_SECONDS'],
    [{ CRL_BUCKET: 'b1b', CERT_CLOCK_SKEW_SECONDS: '86401' }, 'CERT_CLOCK_SKEW_SECONDS'],
    [{ CRL_BUCKET: 'b1b', CRL_KEY_TEMPLATE: 'crl/{caId}.crl' }, 'CRL_KEY_TEMPLATE'],
    [{ CRL_BUCKET: 'b1b', TEMPLATE_SOURCE: 'https://example.com/t.json' }, 'TEMPLATE_SOURCE'],
    [{ CRL_BUCKET: 'b1b', TEMPLATE_SOURCE: 's3://bucket-only' }, 'TEMPLATE_SOURCE'],
    [{ CRL_BUCKET: 'b1b', TEMPLATE_SOURCE: 'iot:bad name' }, 'TEMPLATE_SOURCE'],
    [{ CRL_BUCKET: 'b1b', TEMPLATE_SOURCE_BY_CA: '{not json' }, 'TEMPLATE_SOURCE_BY_CA'],
    [{ CRL_BUCKET: 'b1b', TEMPLATE_SOURCE_BY_CA: '{"abc":"iot:x"}' }, 'TEMPLATE_SOURCE_BY_CA'],
    [{ CRL_BUCKET: 'b1b', TEMPLATE_SOURCE_BY_CA: `{"${CA}":"ftp:x"}` }, `TEMPLATE_SOURCE_BY_CA[${CA}]`],
    [{ CRL_BUCKET: 'b1b', TEMPLATE_REFRESH_SECONDS: 'soon' }, 'TEMPLATE_REFRESH_SECONDS'],
    [{ CRL_BUCKET: 'b1b', REJECTED_CERTIFICATE_STATUS: 'REVOKED' }, 'REJECTED_CERTIFICATE_STATUS'],
    [{ CRL_BUCKET: 'b1b', POWERTOOLS_LOG_LEVEL: 'LOUD' }, 'POWERTOOLS_LOG_LEVEL'],
    [{ CRL_BUCKET: 'b1b', THING_PRINCIPAL_POLICY: 'open' }, 'THING_PRINCIPAL_POLICY'],
    [{ CRL_BUCKET: 'b1b', THING_PRINCIPAL_POLICY: 'jitp' }, 'THING_PRINCIPAL_POLICY'],
    [{ CRL_BUCKET: 'b1b', REGISTRATION_STATE_TABLE: 'no spaces' }, 'REGISTRATION_STATE_TABLE'],
    [{ CRL_BUCKET: 'b1b', REGISTRATION_STATE_TABLE: 'ab' }, 'REGISTRATION_STATE_TABLE'],
    [{ CRL_BUCKET: 'b1b', IOT_API_BUDGET_CONCURRENCY: '-1' }, 'IOT_API_BUDGET_CONCURRENCY'],
    [{ CRL_BUCKET: 'b1b', IOT_API_QUOTAS: '{"DescribeCertificate": 0}' }, 'IOT_API_QUOTAS'],
    [{ CRL_BUCKET: 'b1b', IOT_API_QUOTAS: '[10]' }, 'IOT_API_QUOTAS'],
  ])('rejects %j naming %s', (env, variable) => {
    // Act
    const error = errorOf(() => loadConfig(env));
    // Assess
    expect(error.code).toBe('ConfigurationInvalid');
    expect(error.disposition).toBe('configuration');
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable.replace(/\[.*$/, ''));
  });

  it('documents every variable it reads, and reads every variable it documents', () => {
    // Prepare: an environment that records every name the loader looks up.
    const read = new Set<string>();
    const env = new Proxy({ CRL_BUCKET: 'my-crls' } as Record<string, string | undefined>, {
      get(target, name) {
        if (typeof name === 'string') read.add(name);
        return Reflect.get(target, name);
      },
    });
    // Act
    loadConfig(env);
    // Assess
    expect([...read].sort()).toEqual(CONFIG_VARIABLES.map((v) => v.name).sort());
    expect(CONFIG_VARIABLES.map((v) => v.name)).toEqual([
      'CRL_BUCKET',
      'CRL_KEY_TEMPLATE',
      'CRL_MODE',
      'CRL_REFRESH_SECONDS',
      'CRL_MAX_STALENESS',
      'CERT_CLOCK_SKEW_SECONDS',
      'TEMPLATE_SOURCE',
      'TEMPLATE_SOURCE_BY_CA',
      'TEMPLATE_REFRESH_SECONDS',
      'REJECTED_CERTIFICATE_STATUS',
      'THING_PRINCIPAL_POLICY',
      'REGISTRATION_STATE_TABLE',
      'FIRST_PUBLICATION_WINDOW_MS',
      'IOT_API_BUDGET_CONCURRENCY',
      'IOT_API_QUOTAS',
      'POWERTOOLS_SERVICE_NAME',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_LOG_LEVEL',
      'AWS_REGION',
      'AWS_DEFAULT_REGION',
      'AWS_ENDPOINT_URL',
      'AWS_ENDPOINT_URL_IOT',
      'AWS_ENDPOINT_URL_S3',
      'AWS_ENDPOINT_URL_DYNAMODB',
    ]);
  });
});
