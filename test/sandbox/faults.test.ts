import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateThingCommand,
  DescribeCertificateCommand,
  DescribeThingCommand,
  GetRegistrationCodeCommand,
  type IoTClient,
} from '@aws-sdk/client-iot';
import { CreateQueueCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../infra/sandbox/index.js';
import { clientsFor, errorOf, shapeOf } from './helpers/clients.js';

describe('sandbox fault injection', () => {
  let sandbox: Sandbox;
  let iot: IoTClient;
  let sqs: SQSClient;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, quotas: true, faults: { seed: 7 } });
    ({ iot, sqs } = clientsFor(sandbox));
  });

  afterEach(() => {
    sandbox.faults.clear();
    sandbox.faults.setQuotas(true);
    sandbox.faults.resetCounters();
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  it('throttles calls above the default quota (DescribeCertificate: 10 TPS) with ThrottlingException, HTTP 400, "Rate exceeded"', async () => {
    // Prepare
    const id = 'c'.repeat(64);

    // Act
    const results = await Promise.allSettled(
      Array.from({ length: 15 }, () => iot.send(new DescribeCertificateCommand({ certificateId: id }))),
    );

    // Assess
    const errors = results.map((r) => (r.status === 'rejected' ? shapeOf(r.reason) : null));
    const throttled = errors.filter((e) => e?.name === 'ThrottlingException');
    // 10 tokens at start; a slow machine may refill a few while the 15 calls arrive.
    expect(throttled.length).toBeGreaterThanOrEqual(3);
    expect(throttled[0]).toEqual({ name: 'ThrottlingException', status: 400, message: 'Rate exceeded' });
    expect(errors.filter((e) => e?.name === 'ResourceNotFoundException').length).toBe(15 - throttled.length);
    expect(sandbox.counters().throttled['iot:DescribeCertificate']).toBe(throttled.length);
    expect(sandbox.counters().calls['iot:DescribeCertificate']).toBe(15);
  });

  it('lets an operation override its quota and leaves operations without a quota unthrottled', async () => {
    // Prepare
    sandbox.faults.setQuotas({ DescribeThing: 2 });

    // Act
    const things = await Promise.allSettled(
      Array.from({ length: 4 }, () => iot.send(new DescribeThingCommand({ thingName: 'none' }))),
    );
    const lists = await Promise.allSettled(
      Array.from({ length: 30 }, () => iot.send(new GetRegistrationCodeCommand({}))),
    );

    // Assess
    expect(
      things.filter((r) => r.status === 'rejected' && r.reason.name === 'ThrottlingException').length,
    ).toBeGreaterThanOrEqual(1);
    expect(lists.every((r) => r.status === 'fulfilled')).toBe(true);
  });

  it("denies a chosen IAM action with AWS's AccessDeniedException (403) text, and allow() grants it back", async () => {
    // Prepare
    sandbox.faults.deny('iot:CreateThing');

    // Act
    const error = await errorOf(iot.send(new CreateThingCommand({ thingName: 'denied-1' })));
    sandbox.faults.allow('iot:CreateThing');
    const created = await iot.send(new CreateThingCommand({ thingName: 'denied-1' }));

    // Assess
    expect(shapeOf(error)).toEqual({
      name: 'AccessDeniedException',
      status: 403,
      message:
        'User: arn:aws:sts::123456789012:assumed-role/jitr-handler-role/jitr-handler is not authorized to perform: iot:CreateThing on resource: arn:aws:iot:us-east-1:123456789012:thing/denied-1 because no identity-based policy allows the iot:CreateThing action',
    });
    expect(created.thingName).toBe('denied-1');
    expect(sandbox.counters().denied).toEqual({ 'iot:CreateThing': 1 });
    expect(sandbox.iot.thing('denied-1')?.thingName).toBe('denied-1');
  });

  it('fails calls at random with InternalFailureException (500) or ServiceUnavailableException (503), reproducibly for a seed', async () => {
    // Prepare
    const run = async (): Promise<string[]> => {
      sandbox.faults.configure({ seed: 42, errorRate: 0.5, errorOperations: ['iot:GetRegistrationCode'] });
      const out: string[] = [];
      for (let i = 0; i < 12; i += 1) {
        try {
          await iot.send(new GetRegistrationCodeCommand({}));
          out.push('ok');
        } catch (error) {
          const e = shapeOf(error as Error & Record<string, unknown>);
          out.push(`${e.name}:${e.status}`);
        }
      }
      return out;
    };

    // Act
    const first = await run();
    const second = await run();

    // Assess
    expect(second).toEqual(first);
    expect(new Set(first)).toEqual(
      new Set(['ok', 'InternalFailureException:500', 'ServiceUnavailableException:503']),
    );
  });

  it('adds fixed latency to every call', async () => {
    // Prepare
    sandbox.faults.setLatency({ fixedMs: 60 });
    const started = performance.now();

    // Act
    await iot.send(new GetRegistrationCodeCommand({}));

    // Assess
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('counts calls per operation', async () => {
    // Act
    await iot.send(new GetRegistrationCodeCommand({}));
    await iot.send(new GetRegistrationCodeCommand({}));
    await errorOf(iot.send(new DescribeThingCommand({ thingName: 'none' })));

    // Assess
    expect(sandbox.counters()).toEqual({
      calls: { 'iot:GetRegistrationCode': 2, 'iot:DescribeThing': 1 },
      throttled: {},
      denied: {},
      failed: {},
    });
  });

  it('injects random errors into IoT only, unless SQS operations are named', async () => {
    // Prepare
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'q-faults' }));
    sandbox.faults.setErrorRate(1);

    // Act
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'a' }));
    const iotError = await errorOf(iot.send(new GetRegistrationCodeCommand({})));
    sandbox.faults.setErrorRate(1, ['sqs:SendMessage']);
    const sqsError = await errorOf(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'b' })));

    // Assess
    expect(sent.MessageId).toEqual(expect.any(String));
    expect(['InternalFailureException', 'ServiceUnavailableException']).toContain(iotError.name);
    expect([
      ['InternalError', 500],
      ['ServiceUnavailable', 503],
    ]).toContainEqual([sqsError.name, shapeOf(sqsError).status]);
  });

  it('fails the next N calls of one action, then answers normally', async () => {
    // Prepare
    sandbox.faults.failNext('iot:GetRegistrationCode', { times: 2, failure: 'ServiceUnavailableException' });

    // Act
    const first = await errorOf(iot.send(new GetRegistrationCodeCommand({})));
    const second = await errorOf(iot.send(new GetRegistrationCodeCommand({})));
    const third = await iot.send(new GetRegistrationCodeCommand({}));

    // Assess
    expect([shapeOf(first), shapeOf(second)]).toEqual([
      {
        name: 'ServiceUnavailableException',
        status: 503,
        message: 'The service is temporarily unavailable.',
      },
      {
        name: 'ServiceUnavailableException',
        status: 503,
        message: 'The service is temporarily unavailable.',
      },
    ]);
    expect(third.registrationCode).toEqual(expect.any(String));
    expect(sandbox.counters().failed).toEqual({ 'iot:GetRegistrationCode': 2 });
  });

  it('answers IAM SimulatePrincipalPolicy from the deny list, per resource when several are given', async () => {
    // Prepare
    sandbox.faults.deny('iot:CreateThing');
    const iam = new IAMClient({
      endpoint: sandbox.endpoints.iam,
      region: sandbox.region,
      credentials: sandbox.credentials,
      maxAttempts: 1,
    });
    const role = 'arn:aws:iam::123456789012:role/jitr-handler-role';
    const thing = 'arn:aws:iot:us-east-1:123456789012:thing/*';
    const cert = 'arn:aws:iot:us-east-1:123456789012:cert/*';

    // Act
    const one = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: role,
        ActionNames: ['iot:CreateThing', 'iot:AttachPolicy'],
        ResourceArns: [thing],
      }),
    );
    const two = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: role,
        ActionNames: ['iot:CreateThing'],
        ResourceArns: [thing, cert],
      }),
    );

    // Assess
    expect(one.EvaluationResults?.map((r) => [r.EvalActionName, r.EvalResourceName, r.EvalDecision])).toEqual(
      [
        ['iot:CreateThing', thing, 'implicitDeny'],
        ['iot:AttachPolicy', thing, 'allowed'],
      ],
    );
    expect(one.IsTruncated).toBe(false);
    expect(
      two.EvaluationResults?.[0]?.ResourceSpecificResults?.map((r) => [
        r.EvalResourceName,
        r.EvalResourceDecision,
      ]),
    ).toEqual([
      [thing, 'implicitDeny'],
      [cert, 'implicitDeny'],
    ]);
  });
});
