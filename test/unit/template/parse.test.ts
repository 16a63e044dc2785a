import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../lib/template/parse.js';
import { expectError, fixture } from './helpers.js';

const MINIMAL = {
  Parameters: { Name: { Type: 'String', Default: 'd' } },
  Resources: { thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: { Ref: 'Name' } } } },
};
const PARSED = {
  parameters: [{ name: 'Name', default: 'd' }],
  mappings: {},
  resources: [
    {
      logicalName: 'thing',
      type: 'AWS::IoT::Thing',
      properties: { ThingName: { Ref: 'Name' } },
      overrideSettings: {},
    },
  ],
  uncheckedAttributes: [],
};

describe('parseTemplate', () => {
  it('accepts an object, JSON text, a registration config, a DescribeCACertificate and a DescribeProvisioningTemplate answer', () => {
    // Prepare
    const text = JSON.stringify(MINIMAL);
    const inputs = [
      MINIMAL,
      text,
      { templateBody: text, roleArn: 'arn:aws:iam::123456789012:role/JITPRole' },
      { certificateDescription: {}, registrationConfig: { templateBody: text } },
      { templateName: 'jitr', type: 'JITP', enabled: true, templateBody: text, defaultVersionId: 1 },
      JSON.stringify({ templateBody: text }),
    ];
    // Act / Assess
    for (const input of inputs) expect(parseTemplate(input)).toEqual(PARSED);
  });

  it('parses the AWS JITP registration config with CRLF line breaks', () => {
    // Act
    const parsed = parseTemplate(fixture('jitp-registration-config.json'));
    // Assess
    expect(parsed.parameters.map((p) => p.name)).toEqual([
      'AWS::IoT::Certificate::CommonName',
      'AWS::IoT::Certificate::SerialNumber',
      'AWS::IoT::Certificate::Country',
      'AWS::IoT::Certificate::Id',
    ]);
    expect(parsed.resources.map((r) => [r.logicalName, r.type, r.overrideSettings])).toEqual([
      [
        'thing',
        'AWS::IoT::Thing',
        { AttributePayload: 'MERGE', ThingTypeName: 'REPLACE', ThingGroups: 'DO_NOTHING' },
      ],
      ['certificate', 'AWS::IoT::Certificate', { Status: 'DO_NOTHING' }],
      ['policy', 'AWS::IoT::Policy', {}],
    ]);
  });

  it('normalises the documented upper-case override keys', () => {
    // Prepare
    const template = structuredClone(MINIMAL) as { Resources: { thing: Record<string, unknown> } };
    template.Resources.thing.OverrideSettings = { ATTRIBUTE_PAYLOAD: 'MERGE', THING_GROUPS: 'REPLACE' };
    // Act / Assess
    expect(parseTemplate(template).resources[0]?.overrideSettings).toEqual({
      AttributePayload: 'MERGE',
      ThingGroups: 'REPLACE',
    });
  });

  it('ignores DeviceConfiguration', () => {
    expect(parseTemplate({ ...MINIMAL, DeviceConfiguration: { Foo: { 'Fn::If': [] } } })).toEqual(PARSED);
  });

  it('rejects text that is not JSON', () => {
    expectError(() => parseTemplate('{"Resources": '), { code: 'InvalidTemplate', path: '' });
  });

  it('rejects a wrapper without a templateBody', () => {
    expectError(() => parseTemplate({ templateName: 'x' }), {
      code: 'InvalidTemplate',
      path: 'templateBody',
    });
  });

  it('rejects a template body longer than 10,240 characters', () => {
    // Prepare
    const body = JSON.stringify({ ...MINIMAL, DeviceConfiguration: { pad: 'x'.repeat(10_240) } });
    // Act / Assess
    expectError(() => parseTemplate({ templateBody: body }), {
      code: 'TemplateLimitExceeded',
      path: 'templateBody',
    });
  });

  it('rejects a template without Resources', () => {
    expectError(() => parseTemplate({ Parameters: {} }), { code: 'InvalidTemplate', path: 'Resources' });
  });

  it.each([
    ['Conditions', { Conditions: {} }, 'Conditions'],
    ['Outputs', { Outputs: {} }, 'Outputs'],
    ['an unknown section', { Extra: 1 }, 'Extra'],
  ])('rejects %s as unsupported by AWS IoT templates', (_name, extra, path) => {
    const error = expectError(() => parseTemplate({ ...MINIMAL, ...extra }), {
      code: 'UnsupportedTemplateFeature',
      path,
    });
    expect(error.message).toContain('AWS IoT provisioning templates do not support');
  });

  it.each([
    ['Fn::If', { 'Fn::If': ['c', 'a', 'b'] }, 'Resources.thing.Properties.ThingName["Fn::If"]'],
    ['Fn::GetAtt', { 'Fn::GetAtt': ['policy', 'Arn'] }, 'Resources.thing.Properties.ThingName["Fn::GetAtt"]'],
    ['Fn::Base64', { 'Fn::Base64': 'x' }, 'Resources.thing.Properties.ThingName["Fn::Base64"]'],
    ['Condition', { Condition: 'x' }, 'Resources.thing.Properties.ThingName.Condition'],
  ])('rejects the function %s', (_name, expression, path) => {
    // Prepare
    const template = {
      Resources: { thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: expression } } },
    };
    // Act / Assess
    const error = expectError(() => parseTemplate(template), { code: 'UnsupportedTemplateFeature', path });
    expect(error.message).toContain('AWS IoT provisioning templates do not support');
  });

  it('rejects an unknown resource type', () => {
    expectError(() => parseTemplate({ Resources: { b: { Type: 'AWS::S3::Bucket', Properties: {} } } }), {
      code: 'UnsupportedTemplateFeature',
      path: 'Resources.b.Type',
    });
  });

  it('rejects unknown properties and resource keys', () => {
    expectError(
      () =>
        parseTemplate({
          Resources: { t: { Type: 'AWS::IoT::Thing', Properties: { ThingName: 'a', Tags: [] } } },
        }),
      { code: 'UnsupportedTemplateFeature', path: 'Resources.t.Properties.Tags' },
    );
    expectError(
      () =>
        parseTemplate({
          Resources: { t: { Type: 'AWS::IoT::Thing', Properties: { ThingName: 'a' }, DependsOn: 'x' } },
        }),
      { code: 'UnsupportedTemplateFeature', path: 'Resources.t.DependsOn' },
    );
  });

  it('rejects parameter types other than String and non-string defaults', () => {
    expectError(() => parseTemplate({ Parameters: { N: { Type: 'Number' } }, Resources: {} }), {
      code: 'UnsupportedTemplateFeature',
      path: 'Parameters.N.Type',
    });
    expectError(() => parseTemplate({ Parameters: { N: { Type: 'String', Default: 3 } }, Resources: {} }), {
      code: 'InvalidTemplate',
      path: 'Parameters.N.Default',
    });
  });

  it('rejects intrinsic functions inside Mappings', () => {
    expectError(() => parseTemplate({ Mappings: { M: { k: { v: { Ref: 'x' } } } }, Resources: {} }), {
      code: 'InvalidTemplate',
      path: 'Mappings.M.k.v',
    });
  });

  it('rejects MERGE outside AttributePayload and ThingGroups', () => {
    // Prepare
    const template = structuredClone(MINIMAL) as { Resources: { thing: Record<string, unknown> } };
    template.Resources.thing.OverrideSettings = { ThingTypeName: 'MERGE' };
    // Act / Assess
    expectError(() => parseTemplate(template), {
      code: 'InvalidTemplate',
      path: 'Resources.thing.OverrideSettings.ThingTypeName',
    });
  });

  it('accepts only Status as a certificate override and none on policies', () => {
    const cert = { Type: 'AWS::IoT::Certificate', Properties: { CertificateId: 'x' } };
    expectError(
      () => parseTemplate({ Resources: { c: { ...cert, OverrideSettings: { CertificateId: 'REPLACE' } } } }),
      {
        code: 'UnsupportedTemplateFeature',
        path: 'Resources.c.OverrideSettings.CertificateId',
      },
    );
    expectError(
      () => parseTemplate({ Resources: { c: { ...cert, OverrideSettings: { Status: 'MERGE' } } } }),
      {
        code: 'InvalidTemplate',
        path: 'Resources.c.OverrideSettings.Status',
      },
    );
    const policy = { Type: 'AWS::IoT::Policy', Properties: { PolicyName: 'p' }, OverrideSettings: {} };
    expectError(() => parseTemplate({ Resources: { p: policy } }), {
      code: 'UnsupportedTemplateFeature',
      path: 'Resources.p.OverrideSettings',
    });
  });

  it('requires exactly one of PolicyName and PolicyDocument', () => {
    for (const properties of [{}, { PolicyName: 'p', PolicyDocument: '{}' }]) {
      expectError(
        () => parseTemplate({ Resources: { p: { Type: 'AWS::IoT::Policy', Properties: properties } } }),
        {
          code: 'InvalidTemplate',
          path: 'Resources.p.Properties',
        },
      );
    }
  });

  it('rejects a second thing or certificate', () => {
    const thing = { Type: 'AWS::IoT::Thing', Properties: { ThingName: 'a' } };
    expectError(() => parseTemplate({ Resources: { a: thing, b: thing } }), {
      code: 'UnsupportedTemplateFeature',
      path: 'Resources.b',
    });
  });

  it('rejects a certificate without CertificateId and unsupported certificate properties', () => {
    expectError(
      () => parseTemplate({ Resources: { c: { Type: 'AWS::IoT::Certificate', Properties: {} } } }),
      {
        code: 'InvalidTemplate',
        path: 'Resources.c.Properties.CertificateId',
      },
    );
    expectError(
      () =>
        parseTemplate({
          Resources: { c: { Type: 'AWS::IoT::Certificate', Properties: { CertificatePem: 'x' } } },
        }),
      { code: 'UnsupportedTemplateFeature', path: 'Resources.c.Properties.CertificatePem' },
    );
  });
});
