import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../lib/template/plan.js';
import { canonicalJson, policyNameForDocument } from '../../../lib/template/policy-document.js';
import { render } from '../../../lib/template/render.js';
import { validatePlan } from '../../../lib/template/validate.js';
import { CERT_ID, expectError, policyTemplate, thingTemplate } from './helpers.js';

const CN = 'AWS::IoT::Certificate::CommonName';
const ID = 'AWS::IoT::Certificate::Id';

function thingWith(properties: Record<string, unknown>) {
  return {
    Resources: { thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: 'lamp', ...properties } } },
  };
}

describe('render enforces AWS limits on template text', () => {
  it.each([
    ['ThingName', { ThingName: 'has space' }],
    ['ThingTypeName', { ThingTypeName: 'type.with.dots' }],
    ['BillingGroup', { BillingGroup: 'b@d' }],
    ['ThingGroups[0]', { ThingGroups: ['g/1'] }],
  ])('rejects an invalid literal %s', (property, properties) => {
    expectError(() => render(thingWith(properties), {}), {
      code: 'TemplateLimitExceeded',
      disposition: 'configuration',
      path: `Resources.thing.Properties.${property}`,
    });
  });

  it('allows 3 attributes without a thing type and rejects a fourth', () => {
    // Prepare
    const three = { a: '1', b: '2', c: '3' };
    // Act / Assess
    expect(render(thingWith({ AttributePayload: three }), {}).thing?.attributes).toEqual(three);
    expectError(() => render(thingWith({ AttributePayload: { ...three, d: '4' } }), {}), {
      code: 'TemplateLimitExceeded',
      path: 'Resources.thing.Properties.AttributePayload',
    });
  });

  it('allows 50 attributes with a thing type and rejects 51', () => {
    // Prepare
    const attributes = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`]));
    // Act / Assess
    expect(
      Object.keys(
        render(thingWith({ ThingTypeName: 't', AttributePayload: attributes(50) }), {}).thing?.attributes ??
          {},
      ),
    ).toHaveLength(50);
    expectError(() => render(thingWith({ ThingTypeName: 't', AttributePayload: attributes(51) }), {}), {
      code: 'TemplateLimitExceeded',
      path: 'Resources.thing.Properties.AttributePayload',
    });
  });

  it('rejects an invalid attribute name and a non-object AttributePayload', () => {
    expectError(() => render(thingWith({ AttributePayload: { 'bad key': 'v' } }), {}), {
      code: 'TemplateLimitExceeded',
      path: 'Resources.thing.Properties.AttributePayload["bad key"]',
    });
    expectError(() => render(thingWith({ AttributePayload: ['a'] }), {}), {
      code: 'InvalidTemplate',
      path: 'Resources.thing.Properties.AttributePayload',
    });
  });

  it('keeps an attribute called __proto__ as an ordinary attribute', () => {
    // Prepare
    const template = JSON.parse(
      '{"Resources":{"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":"a","AttributePayload":{"__proto__":"x"}}}}}',
    );
    // Act
    const attributes = render(template, {}).thing?.attributes ?? {};
    // Assess
    expect(Object.keys(attributes)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
  });

  it('rejects 11 literal thing groups', () => {
    expectError(() => render(thingWith({ ThingGroups: Array.from({ length: 11 }, (_, i) => `g${i}`) }), {}), {
      code: 'TemplateLimitExceeded',
      path: 'Resources.thing.Properties.ThingGroups',
    });
  });

  it('checks the certificate id format: a bad value from the certificate is rejected, a bad literal is the template', () => {
    // Prepare
    const cert = (id: unknown) => ({
      Resources: { c: { Type: 'AWS::IoT::Certificate', Properties: { CertificateId: id } } },
    });
    // Act / Assess: the one certificate-id rule (lib/certificate/certificate-id.ts), not AWS's
    // looser API pattern: `0x…` or uppercase ids match no certificate AWS IoT registers.
    expect(render(cert({ Ref: ID }), { [ID]: 'a'.repeat(64) }).certificate?.certificateId).toBe(
      'a'.repeat(64),
    );
    expectError(() => render(cert({ Ref: ID }), { [ID]: `0x${'a'.repeat(62)}` }), {
      code: 'UnsafeCertificateValue',
      path: 'Resources.c.Properties.CertificateId',
    });
    expectError(() => render(cert({ Ref: ID }), { [ID]: 'A'.repeat(64) }), {
      code: 'UnsafeCertificateValue',
      path: 'Resources.c.Properties.CertificateId',
    });
    expectError(() => render(cert({ Ref: ID }), { [ID]: 'g'.repeat(64) }), {
      code: 'UnsafeCertificateValue',
      path: 'Resources.c.Properties.CertificateId',
    });
    expectError(() => render(cert('abc'), {}), {
      code: 'TemplateLimitExceeded',
      path: 'Resources.c.Properties.CertificateId',
    });
  });

  it('defaults Status to ACTIVE, accepts any case and rejects other values', () => {
    // Prepare
    const cert = (status?: string) => ({
      Resources: {
        c: {
          Type: 'AWS::IoT::Certificate',
          Properties: { CertificateId: CERT_ID, ...(status ? { Status: status } : {}) },
        },
      },
    });
    // Act / Assess
    expect(render(cert(), {}).certificate?.status).toBe('ACTIVE');
    expect(render(cert('inactive'), {}).certificate?.status).toBe('INACTIVE');
    expectError(() => render(cert('REVOKED'), {}), {
      code: 'InvalidTemplate',
      path: 'Resources.c.Properties.Status',
    });
  });

  it('rejects a policy document over 2,048 characters without whitespace', () => {
    // Prepare
    const document = (n: number) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: 'x'.repeat(n) }],
      });
    const fixed = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '' }],
    }).length;
    // Act / Assess
    expect(render(policyTemplate(document(2048 - fixed), []), {}).policies).toHaveLength(1);
    expectError(() => render(policyTemplate(document(2049 - fixed), []), {}), {
      code: 'TemplateLimitExceeded',
      path: 'Resources.policy.Properties.PolicyDocument',
    });
  });

  it('rejects an invalid PolicyName and a policy document that is not an object', () => {
    expectError(
      () => render({ Resources: { p: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: 'a b' } } } }, {}),
      {
        code: 'TemplateLimitExceeded',
        path: 'Resources.p.Properties.PolicyName',
      },
    );
    expectError(() => render(policyTemplate('[1]', []), {}), {
      code: 'InvalidTemplate',
      path: 'Resources.policy.Properties.PolicyDocument',
    });
    expectError(() => render(policyTemplate(7, []), {}), {
      code: 'InvalidTemplate',
      path: 'Resources.policy.Properties.PolicyDocument',
    });
  });

  it('references an existing policy by name with a null document', () => {
    const template = {
      Resources: { p: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: 'DevicePolicy' } } },
    };
    expect(render(template, {}).policies).toEqual([
      { logicalName: 'p', policyName: 'DevicePolicy', policyDocument: null },
    ]);
  });

  it('rejects parameter values that are not strings', () => {
    expectError(() => render(thingTemplate({ Ref: CN }), { [CN]: 5 } as unknown as Record<string, string>), {
      code: 'InvalidTemplate',
      path: `parameters["${CN}"]`,
    });
  });
});

describe('validatePlan', () => {
  const valid: Plan = {
    parameters: {},
    thing: {
      logicalName: 't',
      thingName: 'lamp',
      thingTypeName: null,
      thingGroups: ['g'],
      billingGroup: null,
      attributes: { a: 'b' },
      overrideSettings: {},
    },
    certificate: { logicalName: 'c', certificateId: CERT_ID, status: 'ACTIVE', overrideSettings: {} },
    policies: [{ logicalName: 'p', policyName: 'p', policyDocument: { Version: '2012-10-17' } }],
  };

  it('accepts a valid plan', () => {
    expect(() => validatePlan(valid)).not.toThrow();
  });

  it.each([
    ['thing.thingName', (p: Plan) => p.thing && Object.assign(p.thing, { thingName: 'a b' })],
    ['thing.thingGroups[0]', (p: Plan) => p.thing && Object.assign(p.thing, { thingGroups: ['*'] })],
    [
      'thing.attributes',
      (p: Plan) => p.thing && Object.assign(p.thing, { attributes: { a: '1', b: '2', c: '3', d: '4' } }),
    ],
    ['thing.attributes.a', (p: Plan) => p.thing && Object.assign(p.thing, { attributes: { a: '"' } })],
    [
      'certificate.certificateId',
      (p: Plan) => p.certificate && Object.assign(p.certificate, { certificateId: 'x' }),
    ],
    ['policies[0].policyName', (p: Plan) => Object.assign(p.policies[0] ?? {}, { policyName: '' })],
  ])('names the path %s of a violation', (path, mutate) => {
    // Prepare
    const plan = structuredClone(valid);
    mutate(plan);
    // Act / Assess
    expectError(() => validatePlan(plan), { code: 'TemplateLimitExceeded', path });
  });
});

describe('policyNameForDocument', () => {
  it('hashes the canonical JSON: key order and whitespace do not matter', () => {
    // Prepare
    const a = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }],
    };
    const b = JSON.parse(
      '{ "Statement": [ { "Resource": "*", "Action": "iot:Connect", "Effect": "Allow" } ], "Version": "2012-10-17" }',
    );
    // Act / Assess
    expect(canonicalJson(b)).toBe(
      '{"Statement":[{"Action":"iot:Connect","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}',
    );
    expect(policyNameForDocument(a)).toBe(policyNameForDocument(b));
    expect(policyNameForDocument(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(policyNameForDocument({ ...a, Version: '2012-10-18' })).not.toBe(policyNameForDocument(a));
  });
});
