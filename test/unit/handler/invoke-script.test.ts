import { describe, expect, it } from 'vitest';
import { functionEnvironment, loadSamTemplate } from '../../../scripts/invoke.js';
import { getTestEvent } from './events.js';

describe('functionEnvironment (npm run invoke)', () => {
  it('starts from the template values and parameter defaults', () => {
    // Act
    const { variables, ignored } = functionEnvironment(loadSamTemplate(), 'JitrFunction');
    // Assess
    expect(ignored).toEqual([]);
    expect(variables).toEqual({
      CRL_BUCKET: '',
      CRL_KEY_TEMPLATE: 'crl/{caCertificateId}.crl',
      CRL_MODE: 'required',
      CRL_REFRESH_SECONDS: '300',
      FIRST_PUBLICATION_WINDOW_MS: '250',
      // An Fn::If the script cannot evaluate is empty: the variable's default applies (0: no pacing).
      IOT_API_BUDGET_CONCURRENCY: '',
      IOT_API_QUOTAS: '{}',
      CRL_MAX_STALENESS: '3600',
      CERT_CLOCK_SKEW_SECONDS: '300',
      TEMPLATE_SOURCE: 'bundled:default',
      TEMPLATE_SOURCE_BY_CA: '{}',
      TEMPLATE_REFRESH_SECONDS: '300',
      REGISTRATION_STATE_TABLE: '',
      REJECTED_CERTIFICATE_STATUS: 'INACTIVE',
      THING_PRINCIPAL_POLICY: 'exclusive',
      POWERTOOLS_SERVICE_NAME: 'jitr',
      POWERTOOLS_METRICS_NAMESPACE: 'JITR',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      AWS_ENDPOINT_URL_IOT: '',
      AWS_ENDPOINT_URL_S3: '',
    });
  });

  it('applies Parameters, then the logical-ID object, and ignores undeclared keys like sam local', () => {
    // Prepare
    const envVars = getTestEvent('sandbox-env');
    envVars.Parameters.POWERTOOLS_DEV = 'true';
    envVars.JitrFunction.POWERTOOLS_LOG_LEVEL = 'WARN';
    // Act
    const { variables, ignored } = functionEnvironment(loadSamTemplate(), 'JitrFunction', envVars);
    // Assess
    expect(ignored).toEqual(['Parameters.POWERTOOLS_DEV']);
    expect(variables).toEqual(
      expect.objectContaining({
        CRL_BUCKET: 'jitr-crls',
        POWERTOOLS_LOG_LEVEL: 'WARN',
        AWS_ENDPOINT_URL_IOT: 'http://127.0.0.1:4566',
        AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4568',
      }),
    );
    expect(variables).not.toHaveProperty('POWERTOOLS_DEV');
  });

  it('refuses a logical ID that is not a function', () => {
    expect(() => functionEnvironment(loadSamTemplate(), 'DeadLetterQueue')).toThrow(
      'template.yaml has no AWS::Serverless::Function DeadLetterQueue',
    );
  });
});
