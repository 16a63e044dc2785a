// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write Fn::Sub and policy-variable text literally.
import { describe, expect, it } from 'vitest';
import { render } from '../../../lib/template/render.js';
import { expectError, policyTemplate, thingTemplate } from './helpers.js';

const CN = 'AWS::IoT::Certificate::CommonName';
const ARN = 'arn:aws:iot:eu-west-1:123456789012';

/** A policy letting a device connect as itself and subscribe to its own topics, built with Fn::Sub. */
const SUB_DOCUMENT = {
  'Fn::Sub': `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"${ARN}:client/\${${CN}}"},{"Effect":"Allow","Action":"iot:Subscribe","Resource":"${ARN}:topicfilter/devices/\${${CN}}"}]}`,
};
/** The same built with Fn::Join. */
const JOIN_DOCUMENT = {
  'Fn::Join': [
    '',
    [
      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"${ARN}:client/`,
      { Ref: CN },
      `"},{"Effect":"Allow","Action":"iot:Subscribe","Resource":"${ARN}:topicfilter/devices/`,
      { Ref: CN },
      '"}]}',
    ],
  ],
};
/** The same as an object with Fn::Sub leaves (the fleet style). */
const OBJECT_DOCUMENT = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'iot:Connect', Resource: { 'Fn::Sub': `${ARN}:client/\${${CN}}` } },
    {
      Effect: 'Allow',
      Action: 'iot:Subscribe',
      Resource: { 'Fn::Sub': `${ARN}:topicfilter/devices/\${${CN}}` },
    },
  ],
};
const DOCUMENT_PATH = 'Resources.policy.Properties.PolicyDocument';
const DOCUMENTS = [
  ['Fn::Sub text', SUB_DOCUMENT, DOCUMENT_PATH],
  ['Fn::Join text', JOIN_DOCUMENT, DOCUMENT_PATH],
  ['object with Fn::Sub leaves', OBJECT_DOCUMENT, `${DOCUMENT_PATH}.Statement[0].Resource`],
] as const;

const HOSTILE_VALUES: [string, string][] = [
  ['IoT wildcard *', '*'],
  ['IoT wildcard ?', 'lamp?'],
  ['MQTT wildcard +', '+'],
  ['MQTT wildcard #', '#'],
  ['level separator /', 'a/b'],
  ['double quote breaking out of the string', 'x"},{"Effect":"Allow","Action":"iot:*","Resource":"*'],
  ['single quote', "o'brien"],
  ['backslash', 'a\\u0022'],
  ['policy variable', '${iot:ClientId}'],
  ['dollar', '$aws'],
  ['braces', '{x}'],
  ['space', 'lamp 1'],
  ['newline', 'lamp\n1'],
  ['NUL', 'lamp\u00001'],
  ['empty value', ''],
  ['5,000 characters', 'a'.repeat(5000)],
];

describe('render refuses certificate values that could widen a policy', () => {
  for (const [documentName, document, path] of DOCUMENTS) {
    it.each(HOSTILE_VALUES)(`refuses %s in a ${documentName} policy`, (_name, value) => {
      expectError(() => render(policyTemplate(document), { [CN]: value }), {
        code: 'UnsafeCertificateValue',
        disposition: 'rejected',
        path,
      });
    });
  }

  it('refuses CN "*" in arn:…:client/${CN} (issue example)', () => {
    const error = expectError(() => render(policyTemplate(SUB_DOCUMENT), { [CN]: '*' }), {
      code: 'UnsafeCertificateValue',
      disposition: 'rejected',
    });
    expect(error.details).toEqual({ parameter: CN, length: 1 });
  });

  it('refuses a template that lets a certificate value write a JSON key, whatever the value', () => {
    // Prepare
    const document = {
      'Fn::Sub': `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":{"StringEquals":{"\${${CN}}":"a","iot:ClientId":"b"}}}]}`,
    };
    // Act / Assess
    for (const value of ['iot:ClientId', 'lamp-1', 'NotResource']) {
      expectError(() => render(policyTemplate(document), { [CN]: value }), {
        code: 'InvalidTemplate',
        path: 'Resources.policy.Properties.PolicyDocument',
      });
    }
  });

  it('blames the template when a parameter sits outside a JSON string', () => {
    // Prepare
    const document = {
      'Fn::Sub': `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":{"Bool":{"x":\${${CN}}}}}]}`,
    };
    // Act / Assess
    expectError(() => render(policyTemplate(document), { [CN]: 'true' }), {
      code: 'InvalidTemplate',
      disposition: 'configuration',
      path: 'Resources.policy.Properties.PolicyDocument',
    });
  });

  it('blames the template when the whole document comes from a parameter', () => {
    expectError(() => render(policyTemplate({ Ref: CN }), { [CN]: '{}' }), {
      code: 'InvalidTemplate',
      path: 'Resources.policy.Properties.PolicyDocument',
    });
  });
});

describe('render refuses certificate values that are invalid names', () => {
  it.each([
    ['*', '*'],
    ['space', 'lamp 1'],
    ['slash', 'a/b'],
    ['non-ASCII letter (AWS names are ASCII)', 'Gerät'],
    ['5,000 characters', 'a'.repeat(5000)],
    ['empty', ''],
  ])('refuses %s as a thing name', (_name, value) => {
    expectError(() => render(thingTemplate({ Ref: CN }), { [CN]: value }), {
      code: 'UnsafeCertificateValue',
      disposition: 'rejected',
      path: 'Resources.thing.Properties.ThingName',
    });
  });

  it('refuses an unsafe thing group, billing group and attribute value', () => {
    // Prepare
    const properties = (extra: Record<string, unknown>) => ({
      Parameters: { [CN]: { Type: 'String' } },
      Resources: { thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: 'fixed', ...extra } } },
    });
    // Act / Assess
    expectError(() => render(properties({ ThingGroups: ['a', { Ref: CN }] }), { [CN]: 'g h' }), {
      code: 'UnsafeCertificateValue',
      path: 'Resources.thing.Properties.ThingGroups[1]',
    });
    expectError(() => render(properties({ BillingGroup: { Ref: CN } }), { [CN]: 'b*' }), {
      code: 'UnsafeCertificateValue',
      path: 'Resources.thing.Properties.BillingGroup',
    });
    expectError(() => render(properties({ AttributePayload: { cn: { Ref: CN } } }), { [CN]: 'a"b' }), {
      code: 'UnsafeCertificateValue',
      path: 'Resources.thing.Properties.AttributePayload.cn',
    });
  });

  it('refuses more than 10 groups when a certificate value made them', () => {
    // Prepare
    const template = {
      Parameters: { [CN]: { Type: 'String' } },
      Resources: {
        thing: {
          Type: 'AWS::IoT::Thing',
          Properties: { ThingName: 't', ThingGroups: { 'Fn::Split': ['-', { Ref: CN }] } },
        },
      },
    };
    // Act / Assess
    expect(render(template, { [CN]: 'a-b' }).thing?.thingGroups).toEqual(['a', 'b']);
    expectError(() => render(template, { [CN]: 'a-b-c-d-e-f-g-h-i-j-k' }), {
      code: 'UnsafeCertificateValue',
      path: 'Resources.thing.Properties.ThingGroups',
    });
  });
});

describe('render accepts ordinary certificate values', () => {
  it.each(['lamp-0042', 'Zürich-Gerät_01', '東京.device', 'josé@plant=1:a', 'Ελλάδα', 'x'.repeat(128)])(
    'puts %s into every policy form',
    (value) => {
      for (const [, document] of DOCUMENTS) {
        // Act
        const plan = render(policyTemplate(document), { [CN]: value });
        // Assess
        expect(plan.policies[0]?.policyDocument).toEqual({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/${value}` },
            { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${ARN}:topicfilter/devices/${value}` },
          ],
        });
      }
    },
  );

  it('gives the three policy forms with the same content the same policy name', () => {
    const names = DOCUMENTS.map(
      ([, d]) => render(policyTemplate(d), { [CN]: 'lamp-1' }).policies[0]?.policyName,
    );
    expect(new Set(names).size).toBe(1);
  });

  it('accepts a 128-character ASCII thing name', () => {
    expect(render(thingTemplate({ Ref: CN }), { [CN]: 'a'.repeat(128) }).thing?.thingName).toBe(
      'a'.repeat(128),
    );
  });
});
