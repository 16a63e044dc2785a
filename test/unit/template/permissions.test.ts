// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write Fn::Sub text literally.
import { describe, expect, it } from 'vitest';
import { checkTemplate } from '../../../lib/template/check.js';
import { requiredPermissions } from '../../../lib/template/permissions.js';
import { expectError, fixture } from './helpers.js';

const P = 'arn:aws:iot:eu-west-1:123456789012:';
const BASE = [
  {
    Sid: 'ReadAndActivateCertificate',
    Effect: 'Allow',
    Action: ['iot:DescribeCertificate', 'iot:UpdateCertificate'],
    Resource: [`${P}cert/*`],
  },
  {
    Sid: 'ReadCaCertificate',
    Effect: 'Allow',
    Action: ['iot:DescribeCACertificate'],
    Resource: [`${P}cacert/*`],
  },
];
const OPTIONS = { region: 'eu-west-1', account: '123456789012' };

describe('requiredPermissions', () => {
  it('lists exactly what the JITP example needs, scoped to its names', () => {
    // Act
    const policy = requiredPermissions(fixture('jitp-registration-config.json'), OPTIONS);
    // Assess
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        ...BASE,
        {
          Sid: 'ManageThing',
          Effect: 'Allow',
          Action: ['iot:CreateThing', 'iot:DescribeThing', 'iot:ListThingPrincipals', 'iot:UpdateThing'],
          Resource: [`${P}thing/*`],
        },
        {
          Sid: 'AttachCertificateToThing',
          Effect: 'Allow',
          Action: ['iot:AttachThingPrincipal'],
          Resource: [`${P}thing/*`, `${P}cert/*`],
        },
        {
          Sid: 'ThingGroupMembership',
          Effect: 'Allow',
          Action: ['iot:AddThingToThingGroup', 'iot:ListThingGroupsForThing'],
          Resource: [`${P}thinggroup/v1-lightbulbs`, `${P}thinggroup/*`, `${P}thing/*`],
        },
        {
          Sid: 'ReadPolicies',
          Effect: 'Allow',
          Action: ['iot:GetPolicy'],
          Resource: [`${P}policy/ef169b85014d112cccf6d75b4e16529f7a812785853a3b554c19637b1e9c0149`],
        },
        {
          Sid: 'CreatePolicies',
          Effect: 'Allow',
          Action: ['iot:CreatePolicy'],
          Resource: [`${P}policy/ef169b85014d112cccf6d75b4e16529f7a812785853a3b554c19637b1e9c0149`],
        },
        {
          Sid: 'AttachPoliciesToCertificate',
          Effect: 'Allow',
          Action: ['iot:AttachPolicy'],
          Resource: [`${P}cert/*`],
        },
      ],
    });
  });

  it('uses wildcards for region and account when not given, and prefixes for joined names', () => {
    // Prepare
    const template = {
      Parameters: { Serial: { Type: 'String' } },
      Resources: {
        thing: {
          Type: 'AWS::IoT::Thing',
          Properties: {
            ThingName: { 'Fn::Join': ['', ['lamp-', { Ref: 'Serial' }]] },
            BillingGroup: 'Fleet',
            ThingGroups: ['a'],
          },
          OverrideSettings: { ThingGroups: 'REPLACE' },
        },
        named: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: 'DevicePolicy' } },
      },
    };
    // Act
    const policy = requiredPermissions(template);
    // Assess
    const T = 'arn:aws:iot:*:*:';
    expect(policy.Statement.slice(2)).toEqual([
      {
        Sid: 'ManageThing',
        Effect: 'Allow',
        Action: ['iot:CreateThing', 'iot:DescribeThing', 'iot:ListThingPrincipals', 'iot:UpdateThing'],
        Resource: [`${T}thing/lamp-*`],
      },
      {
        Sid: 'AttachCertificateToThing',
        Effect: 'Allow',
        Action: ['iot:AttachThingPrincipal'],
        Resource: [`${T}thing/lamp-*`, `${T}cert/*`],
      },
      {
        Sid: 'ThingGroupMembership',
        Effect: 'Allow',
        Action: ['iot:AddThingToThingGroup', 'iot:ListThingGroupsForThing', 'iot:RemoveThingFromThingGroup'],
        Resource: [`${T}thinggroup/a`, `${T}thing/lamp-*`],
      },
      {
        Sid: 'BillingGroupMembership',
        Effect: 'Allow',
        Action: ['iot:AddThingToBillingGroup'],
        Resource: [`${T}billinggroup/Fleet`, `${T}thing/lamp-*`],
      },
      {
        Sid: 'ReadPolicies',
        Effect: 'Allow',
        Action: ['iot:GetPolicy'],
        Resource: [`${T}policy/DevicePolicy`],
      },
      {
        Sid: 'AttachPoliciesToCertificate',
        Effect: 'Allow',
        Action: ['iot:AttachPolicy'],
        Resource: [`${T}cert/*`],
      },
    ]);
  });

  it('needs only the certificate actions for a template with only a certificate', () => {
    // Prepare
    const template = {
      Resources: {
        c: {
          Type: 'AWS::IoT::Certificate',
          Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' } },
        },
      },
    };
    // Act / Assess
    expect(requiredPermissions(template, OPTIONS)).toEqual({ Version: '2012-10-17', Statement: BASE });
  });

  it('names any policy for a document built from parameters', () => {
    // Prepare
    const template = {
      Parameters: { CN: { Type: 'String' } },
      Resources: {
        p: {
          Type: 'AWS::IoT::Policy',
          Properties: {
            PolicyDocument: {
              'Fn::Sub':
                '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"client/${CN}"}]}',
            },
          },
        },
      },
    };
    // Act
    const statements = requiredPermissions(template, OPTIONS).Statement;
    // Assess
    expect(statements.find((s) => s.Sid === 'CreatePolicies')?.Resource).toEqual([`${P}policy/*`]);
  });

  it('rejects an invalid template', () => {
    expectError(() => requiredPermissions({ Resources: { x: { Type: 'AWS::S3::Bucket' } } }), {
      code: 'UnsupportedTemplateFeature',
      path: 'Resources.x.Type',
    });
  });
});

describe('checkTemplate', () => {
  it('summarises the JITP example with the subject attribute of each parameter', () => {
    expect(checkTemplate(fixture('jitp-registration-config.json'))).toEqual({
      parameters: [
        { name: 'AWS::IoT::Certificate::CommonName', default: null, subjectAttribute: 'CN' },
        { name: 'AWS::IoT::Certificate::SerialNumber', default: null, subjectAttribute: 'serialNumber' },
        { name: 'AWS::IoT::Certificate::Country', default: null, subjectAttribute: 'C' },
        { name: 'AWS::IoT::Certificate::Id', default: null, subjectAttribute: null },
      ],
      resources: [
        { logicalName: 'thing', type: 'AWS::IoT::Thing' },
        { logicalName: 'certificate', type: 'AWS::IoT::Certificate' },
        { logicalName: 'policy', type: 'AWS::IoT::Policy' },
      ],
      valueDependent: [],
      warnings: [],
    });
  });

  it('reports value-dependent checks as information', () => {
    // Prepare
    const template = {
      Parameters: { CN: { Type: 'String' } },
      Resources: {
        t: {
          Type: 'AWS::IoT::Thing',
          Properties: { ThingName: { 'Fn::Select': ['1', { 'Fn::Split': ['.', { Ref: 'CN' }] }] } },
        },
      },
    };
    // Act / Assess
    expect(checkTemplate(template).valueDependent).toEqual([
      {
        code: 'UnsafeCertificateValue',
        path: 'Resources.t.Properties.ThingName["Fn::Select"]',
        message:
          'Fn::Select index 1 is out of bounds (the list has 1 elements): the value of CN decided the lookup',
      },
    ]);
  });

  it('throws template faults found only by rendering, such as a broken policy text', () => {
    // Prepare
    const template = {
      Parameters: { CN: { Type: 'String' } },
      Resources: {
        p: { Type: 'AWS::IoT::Policy', Properties: { PolicyDocument: { 'Fn::Sub': '{"a": ${CN}}' } } },
      },
    };
    // Act / Assess
    expectError(() => checkTemplate(template), {
      code: 'InvalidTemplate',
      path: 'Resources.p.Properties.PolicyDocument',
    });
  });
});

describe('checkTemplate with awkward parameter names', () => {
  it('handles a parameter called __proto__ like any other', () => {
    // Prepare
    const template = JSON.parse(
      '{"Parameters":{"__proto__":{"Type":"String"}},"Resources":{"t":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":{"Ref":"__proto__"}}}}}',
    );
    // Act / Assess
    expect(checkTemplate(template)).toEqual({
      parameters: [{ name: '__proto__', default: null, subjectAttribute: null }],
      resources: [{ logicalName: 't', type: 'AWS::IoT::Thing' }],
      valueDependent: [],
      warnings: [],
    });
  });
});
