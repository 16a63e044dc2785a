import {
  AddThingToBillingGroupCommand,
  AddThingToThingGroupCommand,
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CertificateStateException,
  CreatePolicyCommand,
  CreateThingCommand,
  DescribeCACertificateCommand,
  DescribeCertificateCommand,
  DescribeProvisioningTemplateCommand,
  DescribeThingCommand,
  InternalFailureException,
  InvalidRequestException,
  IoTClient,
  LimitExceededException,
  ListAttachedPoliciesCommand,
  ListCertificatesByCACommand,
  ListPrincipalThingsCommand,
  ListThingGroupsForThingCommand,
  ListThingPrincipalsCommand,
  MalformedPolicyException,
  ServiceUnavailableException,
  ThrottlingException,
  UpdateCertificateCommand,
  UpdateThingCommand,
  VersionConflictException,
} from '@aws-sdk/client-iot';
import { mockClient } from 'aws-sdk-client-mock';
// Typed aws-sdk-client-mock matchers (the setup file registers them at runtime only).
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { isJitrError } from '../../../lib/errors/jitr-error.js';
import { SdkIotRegistry } from '../../../lib/provisioning/sdk-iot-registry.js';
import { expectRejection } from '../../helpers/expect-jitr-error.js';
import { awsError, notFound } from './sdk-errors.js';

const iotMock = mockClient(IoTClient);
const registry = () => new SdkIotRegistry(new IoTClient({ region: 'eu-west-1' }));
const CERT = 'a'.repeat(64);
const CA = 'b'.repeat(64);
const ROLE = 'arn:aws:sts::123456789012:assumed-role/jitr-role/jitr-fn';

afterEach(() => {
  iotMock.reset();
});

describe('SdkIotRegistry', () => {
  it('maps DescribeCertificate and counts the call', async () => {
    // Prepare
    const created = new Date('2026-11-01T00:00:00Z');
    iotMock.on(DescribeCertificateCommand, { certificateId: CERT }).resolves({
      certificateDescription: {
        certificateId: CERT,
        certificateArn: `arn:aws:iot:eu-west-1:123456789012:cert/${CERT}`,
        caCertificateId: CA,
        status: 'PENDING_ACTIVATION',
        certificatePem: '-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n',
        creationDate: created,
        ownedBy: '123456789012',
      },
    });
    const iot = registry();
    // Act
    const description = await iot.describeCertificate(CERT);
    // Assess
    expect(description).toEqual({
      certificateId: CERT,
      certificateArn: `arn:aws:iot:eu-west-1:123456789012:cert/${CERT}`,
      caCertificateId: CA,
      status: 'PENDING_ACTIVATION',
      certificatePem: '-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n',
      creationDate: created,
    });
    expect(iot.callCount).toBe(1);
  });

  it('maps DescribeCACertificate with and without a registration config', async () => {
    // Prepare
    const base = {
      certificateId: CA,
      certificateArn: `arn:aws:iot:eu-west-1:123456789012:cacert/${CA}`,
      status: 'ACTIVE' as const,
      certificatePem: 'PEM',
      autoRegistrationStatus: 'ENABLE' as const,
    };
    iotMock
      .on(DescribeCACertificateCommand)
      .resolvesOnce({
        certificateDescription: base,
        registrationConfig: { templateName: 'jitp', roleArn: '' },
      })
      .resolvesOnce({ certificateDescription: base, registrationConfig: {} });
    const iot = registry();
    // Act
    const withTemplate = await iot.describeCaCertificate(CA);
    const without = await iot.describeCaCertificate(CA);
    // Assess
    const expected = { ...base, autoRegistrationStatus: 'ENABLE' };
    expect(withTemplate).toEqual({ ...expected, registrationConfig: { templateName: 'jitp' } });
    expect(without).toEqual({ ...expected, registrationConfig: null });
    expect(iotMock).toHaveReceivedCommandWith(DescribeCACertificateCommand, { certificateId: CA });
  });

  it('maps DescribeProvisioningTemplate and ListCertificatesByCA', async () => {
    // Prepare
    const created = new Date('2026-11-02T00:00:00Z');
    iotMock
      .on(DescribeProvisioningTemplateCommand)
      .resolves({ templateName: 't1', templateBody: '{}', type: 'JITP', enabled: true, templateArn: 'arn' });
    iotMock.on(ListCertificatesByCACommand).resolves({
      certificates: [
        { certificateId: CERT, certificateArn: 'arn:c', status: 'PENDING_ACTIVATION', creationDate: created },
      ],
      nextMarker: 'm2',
    });
    const iot = registry();
    // Act
    const template = await iot.describeProvisioningTemplate('t1');
    const page = await iot.listCertificatesByCa(CA, { marker: 'm1', pageSize: 50 });
    // Assess
    expect(template).toEqual({ templateName: 't1', templateBody: '{}', type: 'JITP', enabled: true });
    expect(page).toEqual({
      certificates: [
        { certificateId: CERT, certificateArn: 'arn:c', status: 'PENDING_ACTIVATION', creationDate: created },
      ],
      nextMarker: 'm2',
    });
    expect(iotMock).toHaveReceivedCommandWith(ListCertificatesByCACommand, {
      caCertificateId: CA,
      marker: 'm1',
      pageSize: 50,
    });
  });

  it('returns null for an unknown thing and reads every page of principals', async () => {
    // Prepare
    iotMock.on(DescribeThingCommand).rejects(notFound('Thing dev-1 cannot be found.'));
    iotMock
      .on(ListThingPrincipalsCommand)
      .resolvesOnce({ principals: ['p1'], nextToken: 't2' })
      .resolvesOnce({ principals: ['p2'] });
    const iot = registry();
    // Act
    const thing = await iot.describeThing('dev-1');
    const principals = await iot.listThingPrincipals('dev-1');
    // Assess
    expect(thing).toBeNull();
    expect(principals).toEqual(['p1', 'p2']);
    expect(iot.callCount).toBe(3);
  });

  it("reads every page of a thing's groups, passing the token on", async () => {
    // Prepare
    iotMock
      .on(ListThingGroupsForThingCommand)
      .resolvesOnce({ thingGroups: [{ groupName: 'g1' }, {}], nextToken: 't2' })
      .resolvesOnce({ thingGroups: [{ groupName: 'g2' }] });
    const iot = registry();
    // Act
    const groups = await iot.listThingGroupsForThing('dev-1');
    // Assess
    expect(groups).toEqual(['g1', 'g2']);
    expect(iotMock).toHaveReceivedCommandTimes(ListThingGroupsForThingCommand, 2);
    expect(iotMock).toHaveReceivedNthCommandWith(ListThingGroupsForThingCommand, 2, {
      thingName: 'dev-1',
      maxResults: 250,
      nextToken: 't2',
    });
    expect(iot.callCount).toBe(2);
  });

  it('sends UpdateCertificate with the new status', async () => {
    // Prepare
    iotMock.on(UpdateCertificateCommand).resolves({});
    // Act
    await registry().updateCertificateStatus(CERT, 'REVOKED');
    // Assess
    expect(iotMock).toHaveReceivedCommandExactlyOnceWith(UpdateCertificateCommand, {
      certificateId: CERT,
      newStatus: 'REVOKED',
    });
  });

  it('turns AccessDeniedException into AccessDenied with the missing permission and the statement', async () => {
    // Prepare
    const message = `User: ${ROLE} is not authorized to perform: iot:CreateThing on resource: arn:aws:iot:eu-west-1:123456789012:thing/dev-1 because no identity-based policy allows the iot:CreateThing action`;
    const sdkError = awsError('AccessDeniedException', 403, message);
    iotMock.on(CreateThingCommand).rejects(sdkError);
    // Act
    const error = await expectRejection(() =>
      registry().createThing({ thingName: 'dev-1', thingTypeName: null, attributes: {} }),
    );
    // Assess
    expect(isJitrError(error) && error.cause).toBe(sdkError);
    expect(isJitrError(error) && error.toJSON()).toEqual({
      name: 'AccessDeniedError',
      code: 'AccessDenied',
      disposition: 'configuration',
      step: 'thing',
      message:
        "CreateThing was denied: the function's role may not perform iot:CreateThing on arn:aws:iot:eu-west-1:123456789012:thing/dev-1",
      remedy:
        'Add this statement to the function\'s role policy: {"Effect":"Allow","Action":"iot:CreateThing","Resource":"arn:aws:iot:eu-west-1:123456789012:thing/dev-1"}, then replay the DLQ.',
      awsErrorName: 'AccessDeniedException',
      missingPermission: 'iot:CreateThing',
      resource: 'arn:aws:iot:eu-west-1:123456789012:thing/dev-1',
      statement: {
        Effect: 'Allow',
        Action: 'iot:CreateThing',
        Resource: 'arn:aws:iot:eu-west-1:123456789012:thing/dev-1',
      },
      details: {
        operation: 'CreateThing',
        awsMessage: message,
        httpStatusCode: 403,
        missingPermission: 'iot:CreateThing',
        resource: 'arn:aws:iot:eu-west-1:123456789012:thing/dev-1',
        principal: ROLE,
        denyKind: 'implicit',
        policyType: 'identity-based',
        statement: {
          Effect: 'Allow',
          Action: 'iot:CreateThing',
          Resource: 'arn:aws:iot:eu-west-1:123456789012:thing/dev-1',
        },
      },
    });
  });

  const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
  const mappings = [
    {
      name: 'UnauthorizedException → AccessDenied (fallback permission from the operation)',
      arrange: () =>
        iotMock.on(UpdateCertificateCommand).rejects(awsError('UnauthorizedException', 401, 'Unauthorized')),
      act: (iot: SdkIotRegistry) => iot.updateCertificateStatus(CERT, 'ACTIVE'),
      want: {
        code: 'AccessDenied',
        disposition: 'configuration',
        step: 'update-certificate',
        awsErrorName: 'UnauthorizedException',
      },
      details: { missingPermission: 'iot:UpdateCertificate', resource: '*' },
    },
    {
      name: 'CreateThing 404 → ThingTypeNotFound',
      arrange: () => iotMock.on(CreateThingCommand).rejects(notFound('Thing type sensor not found')),
      act: (iot: SdkIotRegistry) =>
        iot.createThing({ thingName: 'd', thingTypeName: 'sensor', attributes: {} }),
      want: {
        code: 'ThingTypeNotFound',
        disposition: 'configuration',
        step: 'thing',
        awsErrorName: 'ResourceNotFoundException',
      },
      details: { thingName: 'd', thingTypeName: 'sensor' },
    },
    {
      name: 'UpdateThing 404 with a type → ThingTypeNotFound',
      arrange: () => iotMock.on(UpdateThingCommand).rejects(notFound('Thing type sensor not found')),
      act: (iot: SdkIotRegistry) => iot.updateThing({ thingName: 'd', thingTypeName: 'sensor' }),
      want: {
        code: 'ThingTypeNotFound',
        disposition: 'configuration',
        step: 'thing',
        awsErrorName: 'ResourceNotFoundException',
      },
      details: { thingName: 'd', thingTypeName: 'sensor' },
    },
    {
      name: 'AddThingToThingGroup 404 → ThingGroupNotFound',
      arrange: () => iotMock.on(AddThingToThingGroupCommand).rejects(notFound('Thing group g not found')),
      act: (iot: SdkIotRegistry) => iot.addThingToThingGroup('d', 'g'),
      want: {
        code: 'ThingGroupNotFound',
        disposition: 'configuration',
        step: 'thing-groups',
        awsErrorName: 'ResourceNotFoundException',
      },
      details: { thingName: 'd', thingGroupName: 'g' },
    },
    {
      name: 'AddThingToBillingGroup 404 → BillingGroupNotFound',
      arrange: () => iotMock.on(AddThingToBillingGroupCommand).rejects(notFound('Billing group b not found')),
      act: (iot: SdkIotRegistry) => iot.addThingToBillingGroup('d', 'b'),
      want: {
        code: 'BillingGroupNotFound',
        disposition: 'configuration',
        step: 'billing-group',
        awsErrorName: 'ResourceNotFoundException',
      },
      details: { thingName: 'd', billingGroupName: 'b' },
    },
    {
      name: 'AttachPolicy 404 → PolicyNotFound',
      arrange: () => iotMock.on(AttachPolicyCommand).rejects(notFound('Policy p not found')),
      act: (iot: SdkIotRegistry) => iot.attachPolicy('p', 'arn:c'),
      want: {
        code: 'PolicyNotFound',
        disposition: 'configuration',
        step: 'attach-policies',
        awsErrorName: 'ResourceNotFoundException',
      },
      details: { policyName: 'p', target: 'arn:c' },
    },
    {
      name: 'AttachPolicy 404 about the certificate → CertificateNotFound',
      arrange: () =>
        iotMock.on(AttachPolicyCommand).rejects(notFound(`The certificate ${CERT} does not exist`)),
      act: (iot: SdkIotRegistry) => iot.attachPolicy('p', `arn:aws:iot:eu-west-1:123456789012:cert/${CERT}`),
      want: {
        code: 'CertificateNotFound',
        disposition: 'configuration',
        step: 'attach-policies',
        awsErrorName: 'ResourceNotFoundException',
      },
      details: { certificateId: CERT, certificateArn: `arn:aws:iot:eu-west-1:123456789012:cert/${CERT}` },
    },
    {
      name: 'AttachThingPrincipal 404 about the thing → ThingNotFound (transient)',
      arrange: () => iotMock.on(AttachThingPrincipalCommand).rejects(notFound('Thing d cannot be found.')),
      act: (iot: SdkIotRegistry) =>
        iot.attachThingPrincipal('d', `arn:aws:iot:eu-west-1:123456789012:cert/${CERT}`),
      want: {
        code: 'ThingNotFound',
        disposition: 'transient',
        step: 'attach-thing-principal',
        awsErrorName: 'ResourceNotFoundException',
      },
      details: { thingName: 'd' },
    },
    {
      name: 'DescribeCertificate 404 → CertificateNotFound',
      arrange: () => iotMock.on(DescribeCertificateCommand).rejects(notFound('no such certificate')),
      act: (iot: SdkIotRegistry) => iot.describeCertificate(CERT),
      want: {
        code: 'CertificateNotFound',
        disposition: 'configuration',
        step: 'describe-certificate',
        awsErrorName: 'ResourceNotFoundException',
      },
      details: { certificateId: CERT },
    },
    {
      name: 'DescribeCACertificate 404 → CaCertificateNotFound',
      arrange: () => iotMock.on(DescribeCACertificateCommand).rejects(notFound('no such CA')),
      act: (iot: SdkIotRegistry) => iot.describeCaCertificate(CA),
      want: {
        code: 'CaCertificateNotFound',
        disposition: 'configuration',
        step: 'describe-ca-certificate',
        awsErrorName: 'ResourceNotFoundException',
      },
      details: { caCertificateId: CA },
    },
    {
      name: 'DescribeProvisioningTemplate 404 → ProvisioningTemplateNotFound',
      arrange: () => iotMock.on(DescribeProvisioningTemplateCommand).rejects(notFound('no such template')),
      act: (iot: SdkIotRegistry) => iot.describeProvisioningTemplate('t1'),
      want: {
        code: 'ProvisioningTemplateNotFound',
        disposition: 'configuration',
        step: 'describe-provisioning-template',
        awsErrorName: 'ResourceNotFoundException',
      },
      details: { templateName: 't1' },
    },
    {
      name: 'ThrottlingException → AwsThrottled',
      arrange: () =>
        iotMock
          .on(DescribeThingCommand)
          .rejects(new ThrottlingException({ message: 'Rate exceeded', ...meta(400) })),
      act: (iot: SdkIotRegistry) => iot.describeThing('d'),
      want: {
        code: 'AwsThrottled',
        disposition: 'transient',
        step: 'thing',
        awsErrorName: 'ThrottlingException',
      },
      details: {},
    },
    {
      name: 'LimitExceededException about a rate → AwsThrottled',
      arrange: () =>
        iotMock
          .on(AttachPolicyCommand)
          .rejects(new LimitExceededException({ message: 'Request rate exceeded', ...meta(410) })),
      act: (iot: SdkIotRegistry) => iot.attachPolicy('p', 'arn:c'),
      want: {
        code: 'AwsThrottled',
        disposition: 'transient',
        step: 'attach-policies',
        awsErrorName: 'LimitExceededException',
      },
      details: {},
    },
    {
      name: 'LimitExceededException for a hard limit → IotLimitExceeded',
      arrange: () =>
        iotMock.on(AttachPolicyCommand).rejects(
          new LimitExceededException({
            message: 'The policy limit for the target has been reached',
            ...meta(410),
          }),
        ),
      act: (iot: SdkIotRegistry) => iot.attachPolicy('p', 'arn:c'),
      want: {
        code: 'IotLimitExceeded',
        disposition: 'configuration',
        step: 'attach-policies',
        awsErrorName: 'LimitExceededException',
      },
      details: {},
    },
    {
      name: 'ServiceUnavailableException → AwsUnavailable',
      arrange: () =>
        iotMock
          .on(CreatePolicyCommand)
          .rejects(new ServiceUnavailableException({ message: 'down', ...meta(503) })),
      act: (iot: SdkIotRegistry) => iot.createPolicy('p', '{}'),
      want: {
        code: 'AwsUnavailable',
        disposition: 'transient',
        step: 'policies',
        awsErrorName: 'ServiceUnavailableException',
      },
      details: {},
    },
    {
      name: 'InternalFailureException → AwsUnavailable',
      arrange: () =>
        iotMock
          .on(DescribeThingCommand)
          .rejects(new InternalFailureException({ message: 'oops', ...meta(500) })),
      act: (iot: SdkIotRegistry) => iot.describeThing('d'),
      want: {
        code: 'AwsUnavailable',
        disposition: 'transient',
        step: 'thing',
        awsErrorName: 'InternalFailureException',
      },
      details: {},
    },
    {
      name: 'an unmodelled 502 → AwsUnavailable',
      arrange: () =>
        iotMock.on(DescribeThingCommand).rejects(awsError('BadGateway', 502, 'bad gateway', 'server')),
      act: (iot: SdkIotRegistry) => iot.describeThing('d'),
      want: { code: 'AwsUnavailable', disposition: 'transient', step: 'thing', awsErrorName: 'BadGateway' },
      details: {},
    },
    {
      name: 'a network error → AwsUnavailable',
      arrange: () =>
        iotMock
          .on(DescribeThingCommand)
          .rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })),
      act: (iot: SdkIotRegistry) => iot.describeThing('d'),
      want: { code: 'AwsUnavailable', disposition: 'transient', step: 'thing', awsErrorName: undefined },
      details: { errorCode: 'ECONNREFUSED' },
    },
    {
      name: 'InvalidRequestException → IotInvalidRequest',
      arrange: () =>
        iotMock
          .on(CreateThingCommand)
          .rejects(new InvalidRequestException({ message: '1 validation error detected', ...meta(400) })),
      act: (iot: SdkIotRegistry) =>
        iot.createThing({ thingName: 'a b', thingTypeName: null, attributes: {} }),
      want: {
        code: 'IotInvalidRequest',
        disposition: 'configuration',
        step: 'thing',
        awsErrorName: 'InvalidRequestException',
      },
      details: { awsMessage: '1 validation error detected' },
    },
    {
      name: 'MalformedPolicyException → MalformedPolicy',
      arrange: () =>
        iotMock
          .on(CreatePolicyCommand)
          .rejects(new MalformedPolicyException({ message: 'Policy document is malformed', ...meta(400) })),
      act: (iot: SdkIotRegistry) => iot.createPolicy('p', '{}'),
      want: {
        code: 'MalformedPolicy',
        disposition: 'configuration',
        step: 'policies',
        awsErrorName: 'MalformedPolicyException',
      },
      details: {},
    },
    {
      name: 'CertificateStateException → CertificateState',
      arrange: () =>
        iotMock
          .on(UpdateCertificateCommand)
          .rejects(new CertificateStateException({ message: 'Certificate is revoked', ...meta(406) })),
      act: (iot: SdkIotRegistry) => iot.updateCertificateStatus(CERT, 'ACTIVE'),
      want: {
        code: 'CertificateState',
        disposition: 'invalid-input',
        step: 'update-certificate',
        awsErrorName: 'CertificateStateException',
      },
      details: {},
    },
    {
      name: 'VersionConflictException → IotConflict',
      arrange: () =>
        iotMock
          .on(UpdateThingCommand)
          .rejects(new VersionConflictException({ message: 'version', ...meta(409) })),
      act: (iot: SdkIotRegistry) => iot.updateThing({ thingName: 'd', attributes: { a: '1' }, merge: true }),
      want: {
        code: 'IotConflict',
        disposition: 'transient',
        step: 'thing',
        awsErrorName: 'VersionConflictException',
      },
      details: {},
    },
    {
      name: 'anything else → UnexpectedAwsError (transient)',
      arrange: () =>
        iotMock.on(DescribeThingCommand).rejects(awsError('ExpiredTokenException', 400, 'token expired')),
      act: (iot: SdkIotRegistry) => iot.describeThing('d'),
      want: {
        code: 'UnexpectedAwsError',
        disposition: 'transient',
        step: 'thing',
        awsErrorName: 'ExpiredTokenException',
      },
      details: {},
    },
  ];

  it.each(mappings)('translates $name', async ({ arrange, act, want, details }) => {
    // Prepare
    arrange();
    // Act
    const error = await expectRejection(() => act(registry()));
    // Assess
    expect(isJitrError(error)).toBe(true);
    if (!isJitrError(error)) return;
    expect({
      code: error.code,
      disposition: error.disposition,
      step: error.step,
      awsErrorName: error.awsErrorName,
    }).toEqual(want);
    expect(error.details).toMatchObject(details);
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.remedy.length).toBeGreaterThan(10);
  });

  const ids =
    'Check the certificate and CA ids (64 hex characters, as AWS IoT assigns) in the event or on the command line; no template is involved.';
  it.each([
    [
      'DescribeCertificate',
      DescribeCertificateCommand,
      (iot: SdkIotRegistry) => iot.describeCertificate(CERT),
      ids,
    ],
    [
      'DescribeCACertificate',
      DescribeCACertificateCommand,
      (iot: SdkIotRegistry) => iot.describeCaCertificate(CA),
      ids,
    ],
    [
      'UpdateCertificate',
      UpdateCertificateCommand,
      (iot: SdkIotRegistry) => iot.updateCertificateStatus(CERT, 'ACTIVE'),
      ids,
    ],
    [
      'ListPrincipalThings',
      ListPrincipalThingsCommand,
      (iot: SdkIotRegistry) => iot.listPrincipalThings(`arn:aws:iot:eu-west-1:123456789012:cert/${CERT}`),
      ids,
    ],
    [
      'ListAttachedPolicies',
      ListAttachedPoliciesCommand,
      (iot: SdkIotRegistry) => iot.listAttachedPolicies(`arn:aws:iot:eu-west-1:123456789012:cert/${CERT}`),
      ids,
    ],
    [
      'ListCertificatesByCA',
      ListCertificatesByCACommand,
      (iot: SdkIotRegistry) => iot.listCertificatesByCa(CA, {}),
      'Check the CA certificate id (64 hex characters, a CA registered in this account and region, e.g. from aws iot list-ca-certificates); no template is involved.',
    ],
    [
      'DescribeProvisioningTemplate',
      DescribeProvisioningTemplateCommand,
      (iot: SdkIotRegistry) => iot.describeProvisioningTemplate('plant 7'),
      'Check the provisioning template name in TEMPLATE_SOURCE or TEMPLATE_SOURCE_BY_CA (iot:<name>, 1 to 36 characters of [0-9A-Za-z_-]), deploy, then replay the DLQ.',
    ],
    [
      'CreateThing (a template value)',
      CreateThingCommand,
      (iot: SdkIotRegistry) => iot.createThing({ thingName: 'a b', thingTypeName: null, attributes: {} }),
      'Fix the template or the value named in the AWS message, then replay the DLQ.',
    ],
  ] as const)(
    'says what to do about an InvalidRequestException from %s',
    async (_name, command, act, remedy) => {
      // Prepare
      iotMock.on(command as never).rejects(new InvalidRequestException({ message: 'invalid', ...meta(400) }));
      // Act
      const error = await expectRejection(() => act(registry()));
      // Assess
      expect(error).toMatchObject({
        code: 'IotInvalidRequest',
        awsErrorName: 'InvalidRequestException',
        remedy,
      });
    },
  );

  it('says a call without credentials needs credentials, not a Lambda retry (e.g. jitr status reading the CA)', async () => {
    // Prepare: what the SDK's default provider chain throws when it finds nothing.
    const missing = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
      tryNextLink: false,
    });
    iotMock.on(DescribeCACertificateCommand).rejects(missing);
    // Act
    const error = await expectRejection(() => registry().describeCaCertificate(CA));
    // Assess
    expect(error).toMatchObject({
      code: 'AwsCredentialsMissing',
      step: 'describe-ca-certificate',
      message: 'no AWS credentials: Could not load credentials from any providers',
      remedy:
        'Configure credentials (aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY); for the sandbox, export what jitr sandbox start prints.',
      retryable: true,
    });
  });

  it('says a call without a region needs a region (e.g. jitr status in a shell without AWS_REGION)', async () => {
    // Prepare: what the SDK throws when no region is configured anywhere.
    iotMock.on(DescribeCertificateCommand).rejects(new Error('Region is missing'));
    // Act
    const error = await expectRejection(() => registry().describeCertificate(CERT));
    // Assess
    expect(error).toMatchObject({
      code: 'AwsRegionMissing',
      step: 'describe-certificate',
      message: 'no AWS region is configured',
      remedy:
        'Give the region: --region, AWS_REGION (or AWS_DEFAULT_REGION), or region in your AWS profile (aws configure); for the sandbox, export what jitr sandbox start prints.',
    });
  });

  it('reports 409 from CreateThing and CreatePolicy as not created', async () => {
    // Prepare
    const exists = awsError('ResourceAlreadyExistsException', 409, 'exists');
    iotMock.on(CreateThingCommand).rejects(exists);
    iotMock.on(CreatePolicyCommand).rejects(exists);
    const iot = registry();
    // Act
    const thing = await iot.createThing({ thingName: 'd', thingTypeName: null, attributes: {} });
    const policy = await iot.createPolicy('p', '{}');
    // Assess
    expect(thing).toEqual({ created: false });
    expect(policy).toEqual({ created: false });
  });

  it('reports a vanished thing as transient ThingNotFound, and a missing type as ThingTypeNotFound', async () => {
    // Prepare: UpdateThing right after DescribeThing; the 404's message says which is missing.
    iotMock
      .on(UpdateThingCommand)
      .rejectsOnce(notFound('Thing dev-1 cannot be found.'))
      .rejectsOnce(notFound('Thing type sensor not found'));
    const iot = registry();
    // Act
    const vanished = await iot
      .updateThing({ thingName: 'dev-1', thingTypeName: 'sensor' })
      .catch((e: unknown) => e);
    const missingType = await iot
      .updateThing({ thingName: 'dev-1', thingTypeName: 'sensor' })
      .catch((e: unknown) => e);
    // Assess
    expect(isJitrError(vanished) && [vanished.code, vanished.disposition]).toEqual([
      'ThingNotFound',
      'transient',
    ]);
    expect(isJitrError(missingType) && [missingType.code, missingType.disposition]).toEqual([
      'ThingTypeNotFound',
      'configuration',
    ]);
  });
});
