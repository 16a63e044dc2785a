import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { GetTopicRuleCommand, IoTClient, UnauthorizedException } from '@aws-sdk/client-iot';
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, QueueDoesNotExist, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { sdkDoctorPorts } from '../../../lib/operations/doctor/sdk-doctor-ports.js';
import { sdkTargetReaders } from '../../../lib/operations/doctor/sdk-target-readers.js';

const REGION = { region: 'us-east-1' };

function ports(iot: IoTClient, iam: IAMClient, clients: { sqs?: SQSClient; lambda?: LambdaClient } = {}) {
  const registry = {
    describeCaCertificate: async () => {
      throw new Error('unused');
    },
    describeProvisioningTemplate: async () => {
      throw new Error('unused');
    },
  };
  return sdkDoctorPorts({
    iot,
    iam,
    registry,
    s3: new S3Client(REGION),
    sqs: clients.sqs ?? new SQSClient(REGION),
    lambda: clients.lambda ?? new LambdaClient(REGION),
  });
}

describe('sdkDoctorPorts', () => {
  it('maps a topic rule, and AWS IoT\'s UnauthorizedException to "no such rule"', async () => {
    // Prepare
    const iot = new IoTClient(REGION);
    mockClient(iot)
      .on(GetTopicRuleCommand, { ruleName: 'r' })
      .resolves({
        rule: {
          ruleName: 'r',
          sql: "SELECT * FROM '$aws/events/certificates/registered/+'",
          ruleDisabled: false,
          actions: [
            { lambda: { functionArn: 'arn:aws:lambda:us-east-1:1:function:jitr' } },
            { sqs: { queueUrl: 'q', roleArn: 'x' } },
          ],
          errorAction: { sqs: { queueUrl: 'https://sqs/dlq', roleArn: 'x' } },
        },
      })
      .on(GetTopicRuleCommand, { ruleName: 'gone' })
      .rejects(new UnauthorizedException({ message: 'Rule gone does not exist', $metadata: {} }));
    const p = ports(iot, new IAMClient(REGION));
    // Act / Assess
    expect(await p.getTopicRule('r')).toEqual({
      ruleName: 'r',
      sql: "SELECT * FROM '$aws/events/certificates/registered/+'",
      disabled: false,
      lambdaTargets: ['arn:aws:lambda:us-east-1:1:function:jitr'],
      sqsTargets: ['q'],
      errorAction: 'sqs:https://sqs/dlq',
    });
    expect(await p.getTopicRule('gone')).toBeNull();
  });

  it("lists the function's event source mappings page by page, and reads a queue's ARN (null: no such queue)", async () => {
    // Prepare
    const fn = 'arn:aws:lambda:us-east-1:1:function:jitr';
    const lambda = new LambdaClient(REGION);
    const lambdaMock = mockClient(lambda);
    lambdaMock
      .on(ListEventSourceMappingsCommand, { FunctionName: fn })
      .resolvesOnce({
        EventSourceMappings: [
          {
            UUID: 'u-1',
            EventSourceArn: 'arn:aws:sqs:us-east-1:1:jitr-ingest',
            FunctionArn: fn,
            State: 'Enabled',
            BatchSize: 10,
            FunctionResponseTypes: ['ReportBatchItemFailures'],
            ScalingConfig: { MaximumConcurrency: 5 },
          },
        ],
        NextMarker: 'm2',
      })
      .on(ListEventSourceMappingsCommand, { FunctionName: fn, Marker: 'm2' })
      .resolves({
        EventSourceMappings: [
          {
            UUID: 'u-2',
            EventSourceArn: 'arn:aws:sqs:us-east-1:1:jitr-dlq',
            FunctionArn: fn,
            State: 'Disabled',
          },
        ],
      });
    const sqs = new SQSClient(REGION);
    mockClient(sqs)
      .on(GetQueueAttributesCommand, { QueueUrl: 'https://sqs/1/jitr-ingest', AttributeNames: ['QueueArn'] })
      .resolves({ Attributes: { QueueArn: 'arn:aws:sqs:us-east-1:1:jitr-ingest' } })
      .on(GetQueueAttributesCommand, { QueueUrl: 'https://sqs/1/gone' })
      .rejects(new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} }));
    const p = ports(new IoTClient(REGION), new IAMClient(REGION), { sqs, lambda });
    // Act / Assess
    expect(await p.listEventSourceMappings(fn)).toEqual([
      {
        uuid: 'u-1',
        eventSourceArn: 'arn:aws:sqs:us-east-1:1:jitr-ingest',
        state: 'Enabled',
        reportBatchItemFailures: true,
      },
      {
        uuid: 'u-2',
        eventSourceArn: 'arn:aws:sqs:us-east-1:1:jitr-dlq',
        state: 'Disabled',
        reportBatchItemFailures: false,
      },
    ]);
    expect(lambdaMock.calls()).toHaveLength(2);
    expect(await p.queueArn('https://sqs/1/jitr-ingest')).toBe('arn:aws:sqs:us-east-1:1:jitr-ingest');
    expect(await p.queueArn('https://sqs/1/gone')).toBeNull();
  });

  it('reads per-resource decisions and follows the simulation pages', async () => {
    // Prepare
    const iam = new IAMClient(REGION);
    const mock = mockClient(iam);
    mock
      .on(SimulatePrincipalPolicyCommand)
      .resolvesOnce({
        EvaluationResults: [
          {
            EvalActionName: 'iot:AttachThingPrincipal',
            EvalDecision: 'implicitDeny',
            ResourceSpecificResults: [
              { EvalResourceName: 'arn:thing/*', EvalResourceDecision: 'allowed' },
              { EvalResourceName: 'arn:cert/*', EvalResourceDecision: 'implicitDeny' },
            ],
          },
        ],
        IsTruncated: true,
        Marker: 'm2',
      })
      .resolvesOnce({
        EvaluationResults: [
          { EvalActionName: 'iot:CreateThing', EvalResourceName: 'arn:thing/*', EvalDecision: 'allowed' },
        ],
        IsTruncated: false,
      });
    const p = ports(new IoTClient(REGION), iam);
    // Act
    const results = await p.simulate(
      'arn:aws:iam::1:role/jitr',
      ['iot:AttachThingPrincipal', 'iot:CreateThing'],
      ['arn:thing/*', 'arn:cert/*'],
    );
    // Assess
    expect(results).toEqual([
      { action: 'iot:AttachThingPrincipal', resource: 'arn:thing/*', allowed: true },
      { action: 'iot:AttachThingPrincipal', resource: 'arn:cert/*', allowed: false },
      { action: 'iot:CreateThing', resource: 'arn:thing/*', allowed: true },
    ]);
    expect(mock.commandCalls(SimulatePrincipalPolicyCommand).map((c) => c.args[0].input.Marker)).toEqual([
      undefined,
      'm2',
    ]);
  });
});

describe('sdkTargetReaders', () => {
  it('reads stack outputs and resources, the function configuration, and null for an unknown function', async () => {
    // Prepare
    const cloudformation = new CloudFormationClient(REGION);
    mockClient(cloudformation)
      .on(DescribeStacksCommand)
      .resolves({
        Stacks: [
          {
            StackName: 'jitr',
            CreationTime: new Date(0),
            StackStatus: 'CREATE_COMPLETE',
            Outputs: [{ OutputKey: 'RuleName', OutputValue: 'jitr_rule' }],
          },
        ],
      })
      .on(DescribeStackResourcesCommand)
      .resolves({
        StackResources: [
          {
            LogicalResourceId: 'DeadLetterQueue',
            ResourceType: 'AWS::SQS::Queue',
            PhysicalResourceId: 'https://sqs/dlq',
            Timestamp: new Date(0),
            ResourceStatus: 'CREATE_COMPLETE',
          },
        ],
      });
    const lambda = new LambdaClient(REGION);
    mockClient(lambda)
      .on(GetFunctionConfigurationCommand, { FunctionName: 'jitr' })
      .resolves({
        FunctionArn: 'arn:fn',
        Role: 'arn:role',
        Environment: { Variables: { CRL_MODE: 'optional' } },
      })
      .on(GetFunctionConfigurationCommand, { FunctionName: 'nope' })
      .rejects(new ResourceNotFoundException({ message: 'Function not found', $metadata: {} }));
    const readers = sdkTargetReaders({ cloudformation, lambda });
    // Act / Assess
    expect(await readers.stack('jitr')).toEqual({
      outputs: { RuleName: 'jitr_rule' },
      resources: [{ logicalId: 'DeadLetterQueue', type: 'AWS::SQS::Queue', physicalId: 'https://sqs/dlq' }],
    });
    expect(await readers.functionConfiguration('jitr')).toEqual({
      functionArn: 'arn:fn',
      roleArn: 'arn:role',
      environment: { CRL_MODE: 'optional' },
    });
    expect(await readers.functionConfiguration('nope')).toBeNull();
  });
});
