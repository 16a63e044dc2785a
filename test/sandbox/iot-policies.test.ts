import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreatePolicyCommand,
  CreateProvisioningTemplateCommand,
  CreateThingCommand,
  CreateTopicRuleCommand,
  DescribeProvisioningTemplateCommand,
  GetPolicyCommand,
  GetRegistrationCodeCommand,
  GetTopicRuleCommand,
  type IoTClient,
  ListAttachedPoliciesCommand,
  ListPrincipalThingsCommand,
  ListThingPrincipalsCommand,
  RegisterCACertificateCommand,
  RegisterCertificateCommand,
} from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../infra/sandbox/index.js';
import { clientsFor, errorOf, shapeOf } from './helpers/clients.js';
import { createTestPki, type TestCa, type TestPki } from './helpers/test-pki.js';

const ARN = 'arn:aws:iot:us-east-1:123456789012';
const DOC = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/\${iot:Connection.Thing.ThingName}` },
  ],
});

describe('sandbox IoT policies, principals, templates and rules', () => {
  let sandbox: Sandbox;
  let iot: IoTClient;
  let pki: TestPki;
  let ca: TestCa;

  const registerDevice = async (cn: string): Promise<{ certificateId: string; certificateArn: string }> => {
    const out = await iot.send(
      new RegisterCertificateCommand({ certificatePem: pki.issue(ca, cn), status: 'PENDING_ACTIVATION' }),
    );
    return { certificateId: out.certificateId ?? '', certificateArn: out.certificateArn ?? '' };
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    iot = clientsFor(sandbox).iot;
    pki = createTestPki();
    ca = pki.createCa('Policy Test CA');
    const code = (await iot.send(new GetRegistrationCodeCommand({}))).registrationCode ?? '';
    await iot.send(
      new RegisterCACertificateCommand({
        caCertificate: ca.certificatePem,
        verificationCertificate: pki.issue(ca, code),
        setAsActive: true,
      }),
    );
  });

  afterAll(async () => {
    await sandbox.stop();
    pki.cleanup();
  });

  it('creates a policy as version 1 and returns it from GetPolicy', async () => {
    // Act
    const created = await iot.send(new CreatePolicyCommand({ policyName: 'p-1', policyDocument: DOC }));
    const got = await iot.send(new GetPolicyCommand({ policyName: 'p-1' }));

    // Assess
    expect(created).toMatchObject({
      policyName: 'p-1',
      policyArn: `${ARN}:policy/p-1`,
      policyDocument: DOC,
      policyVersionId: '1',
    });
    expect(got).toMatchObject({
      policyName: 'p-1',
      policyArn: `${ARN}:policy/p-1`,
      policyDocument: DOC,
      defaultVersionId: '1',
    });
  });

  it('answers ResourceAlreadyExistsException (409) with resourceId and resourceArn for an existing name, even with the same document', async () => {
    // Prepare
    await iot.send(new CreatePolicyCommand({ policyName: 'p-dup', policyDocument: DOC }));

    // Act
    const error = await errorOf(
      iot.send(new CreatePolicyCommand({ policyName: 'p-dup', policyDocument: DOC })),
    );

    // Assess
    expect(shapeOf(error)).toEqual({
      name: 'ResourceAlreadyExistsException',
      status: 409,
      message: 'Policy cannot be created - name already exists (name=p-dup)',
    });
    expect([error.resourceId, error.resourceArn]).toEqual(['p-dup', `${ARN}:policy/p-dup`]);
  });

  it.each([
    ['not JSON', '{"Statement": ', 'Policy document is not valid JSON'],
    ['no statement', '{"Version":"2012-10-17"}', 'Policy document must contain a Statement'],
    [
      'bad effect',
      '{"Statement":[{"Effect":"Maybe","Action":"iot:*","Resource":"*"}]}',
      'Each Statement needs an Effect of Allow or Deny',
    ],
  ])('answers MalformedPolicyException (400) for a document with %s', async (_case, document, message) => {
    // Act
    const error = await errorOf(
      iot.send(new CreatePolicyCommand({ policyName: 'p-bad', policyDocument: document })),
    );

    // Assess
    expect(shapeOf(error)).toEqual({ name: 'MalformedPolicyException', status: 400, message });
    expect(sandbox.iot.policyDocument('p-bad')).toBeUndefined();
  });

  it('answers ResourceNotFoundException (404) for an unknown policy', async () => {
    // Act
    const error = await errorOf(iot.send(new GetPolicyCommand({ policyName: 'nope' })));

    // Assess
    expect(shapeOf(error)).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
      message: 'Policy nope does not exist',
    });
  });

  it('attaches a policy to a certificate once (a repeat is a no-op) and lists it', async () => {
    // Prepare
    await iot.send(new CreatePolicyCommand({ policyName: 'p-att', policyDocument: DOC }));
    const { certificateArn, certificateId } = await registerDevice('att-1');

    // Act
    await iot.send(new AttachPolicyCommand({ policyName: 'p-att', target: certificateArn }));
    await iot.send(new AttachPolicyCommand({ policyName: 'p-att', target: certificateArn }));
    const listed = await iot.send(new ListAttachedPoliciesCommand({ target: certificateArn }));

    // Assess
    expect(listed.policies).toEqual([{ policyName: 'p-att', policyArn: `${ARN}:policy/p-att` }]);
    expect(sandbox.iot.certificate(certificateId)?.policies).toEqual(['p-att']);
  });

  it('answers ResourceNotFoundException (404) when attaching to an unknown certificate', async () => {
    // Act
    const error = await errorOf(
      iot.send(new AttachPolicyCommand({ policyName: 'p-1', target: `${ARN}:cert/${'b'.repeat(64)}` })),
    );

    // Assess
    expect(shapeOf(error)).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
      message: `The certificate ${'b'.repeat(64)} does not exist`,
    });
  });

  it('attaches a certificate to a thing once (a repeat is a no-op) and lists both directions', async () => {
    // Prepare
    await iot.send(new CreateThingCommand({ thingName: 'thing-p' }));
    const { certificateArn } = await registerDevice('att-2');

    // Act
    await iot.send(new AttachThingPrincipalCommand({ thingName: 'thing-p', principal: certificateArn }));
    await iot.send(new AttachThingPrincipalCommand({ thingName: 'thing-p', principal: certificateArn }));
    const principals = await iot.send(new ListThingPrincipalsCommand({ thingName: 'thing-p' }));
    const things = await iot.send(new ListPrincipalThingsCommand({ principal: certificateArn }));

    // Assess
    expect(principals.principals).toEqual([certificateArn]);
    expect(things.things).toEqual(['thing-p']);
  });

  it('refuses to attach an exclusively attached certificate to a second thing', async () => {
    // Prepare
    await iot.send(new CreateThingCommand({ thingName: 'thing-x1' }));
    await iot.send(new CreateThingCommand({ thingName: 'thing-x2' }));
    const { certificateArn } = await registerDevice('att-3');
    await iot.send(
      new AttachThingPrincipalCommand({
        thingName: 'thing-x1',
        principal: certificateArn,
        thingPrincipalType: 'EXCLUSIVE_THING',
      }),
    );

    // Act
    const error = await errorOf(
      iot.send(new AttachThingPrincipalCommand({ thingName: 'thing-x2', principal: certificateArn })),
    );

    // Assess
    expect(shapeOf(error)).toEqual({
      name: 'InvalidRequestException',
      status: 400,
      message: 'The principal is already exclusively attached to thing thing-x1',
    });
  });

  it('answers ResourceNotFoundException (404) when attaching a principal to a missing thing', async () => {
    // Prepare
    const { certificateArn } = await registerDevice('att-4');

    // Act
    const error = await errorOf(
      iot.send(new AttachThingPrincipalCommand({ thingName: 'ghost', principal: certificateArn })),
    );

    // Assess
    expect(shapeOf(error)).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
      message: 'Thing ghost cannot be found.',
    });
  });

  it('stores a provisioning template and describes it', async () => {
    // Prepare
    const body = JSON.stringify({
      Resources: { thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: 'x' } } },
    });

    // Act
    await iot.send(
      new CreateProvisioningTemplateCommand({
        templateName: 'jitp-1',
        templateBody: body,
        provisioningRoleArn: 'arn:aws:iam::123456789012:role/prov',
        type: 'JITP',
        enabled: true,
      }),
    );
    const out = await iot.send(new DescribeProvisioningTemplateCommand({ templateName: 'jitp-1' }));
    const missing = await errorOf(
      iot.send(new DescribeProvisioningTemplateCommand({ templateName: 'nope' })),
    );

    // Assess
    expect(out).toMatchObject({
      templateArn: `${ARN}:provisioningtemplate/jitp-1`,
      templateName: 'jitp-1',
      templateBody: body,
      enabled: true,
      type: 'JITP',
      provisioningRoleArn: 'arn:aws:iam::123456789012:role/prov',
    });
    expect(shapeOf(missing)).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
      message: 'The provisioning template nope does not exist',
    });
  });

  it('stores a topic rule and answers UnauthorizedException (401) for a rule that does not exist', async () => {
    // Prepare
    const sql = "SELECT * FROM '$aws/events/certificates/registered/+'";

    // Act
    await iot.send(
      new CreateTopicRuleCommand({
        ruleName: 'jitr_rule',
        topicRulePayload: {
          sql,
          awsIotSqlVersion: '2016-03-23',
          actions: [{ lambda: { functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:jitr' } }],
          errorAction: { sqs: { queueUrl: 'https://sqs/q', roleArn: 'arn:aws:iam::123456789012:role/r' } },
        },
      }),
    );
    const rule = await iot.send(new GetTopicRuleCommand({ ruleName: 'jitr_rule' }));
    const missing = await errorOf(iot.send(new GetTopicRuleCommand({ ruleName: 'nope' })));

    // Assess
    expect(rule.ruleArn).toBe(`${ARN}:rule/jitr_rule`);
    expect(rule.rule).toMatchObject({
      ruleName: 'jitr_rule',
      sql,
      ruleDisabled: false,
      awsIotSqlVersion: '2016-03-23',
      actions: [{ lambda: { functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:jitr' } }],
      errorAction: { sqs: { queueUrl: 'https://sqs/q', roleArn: 'arn:aws:iam::123456789012:role/r' } },
    });
    expect(shapeOf(missing)).toEqual({
      name: 'UnauthorizedException',
      status: 401,
      message: 'Rule nope does not exist',
    });
  });

  it('answers an unsupported operation with 404 UnknownOperationException, never a success', async () => {
    // Act
    const res = await fetch(`${sandbox.endpoints.iot}/things/thing-p/shadow`, { method: 'DELETE' });

    // Assess
    expect([res.status, res.headers.get('x-amzn-errortype')]).toEqual([404, 'UnknownOperationException']);
    expect(await res.json()).toEqual({ message: 'Unknown operation DELETE /things/thing-p/shadow' });
  });
});
