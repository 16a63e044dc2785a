// `jitr doctor` end to end: a correct setup in the sandbox (CA, CRL, S3 template with its thing
// type and groups, deployed function, topic rule with an error action, empty DLQ) passes on the
// stack's default queue path (rule → IngestionQueue → event source mapping) and on the direct
// path (rule → function); then
// each misconfiguration is introduced alone, caught with its remedy, and undone. IAM policy
// simulation has no sandbox: it is faked at command level.

import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateDynamicThingGroupCommand,
  CreateTopicRuleCommand,
  type IoTClient,
  UpdateCACertificateCommand,
} from '@aws-sdk/client-iot';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TEMPLATE_OPTIONS, demoTemplate } from '../../../infra/demo/template.js';
import { createTemplateResources, uploadTemplate } from '../../../infra/local-aws/aws-setup.js';
import { deployJitr, INGESTION_QUEUE } from '../../../infra/local-aws/deployment.js';
import {
  addCa,
  type LocalAws,
  type LocalCa,
  localLedger,
  startLocalAws,
} from '../../../infra/local-aws/local-aws.js';
import type { DoctorTarget } from '../../../lib/operations/doctor/ports.js';
import { resolveTarget } from '../../../lib/operations/doctor/resolve-target.js';
import { doctor, doctorExitCode } from '../../../lib/operations/doctor/run-doctor.js';
import { sdkDoctorPorts } from '../../../lib/operations/doctor/sdk-doctor-ports.js';
import { sdkTargetReaders } from '../../../lib/operations/doctor/sdk-target-readers.js';
import { ledgerFailureSource } from '../../../lib/operations/recorded-failures.js';
import { issueDeviceCertificate } from '../../../lib/pki/index.js';
import { SdkIotRegistry } from '../../../lib/provisioning/sdk-iot-registry.js';
import { ensureHandlerBundle } from '../../helpers/e2e-bundle.js';

const RULE = 'jitr_registered';
let aws: LocalAws;
let ca: LocalCa;
let iam: IAMClient;
let lambda: LambdaClient;
let target: DoctorTarget;
let functionArn: string;
/** The queue the stack's rule writes to on the queue path (IngestionQueue). */
let ingestUrl: string;
/** The UUID the sandbox's ListEventSourceMappings reports for the function's mapping. */
let mappingUuid: string | undefined;
let table: ReturnType<typeof localLedger>;
/** Actions the fake IAM simulation denies. */
const denied = new Set<string>();

/** The ports `jitr doctor` builds; with the registration-state table unless told otherwise. */
function ports(options: { table?: boolean } = {}) {
  return sdkDoctorPorts({
    iot: aws.iot,
    registry: new SdkIotRegistry(aws.iot),
    s3: aws.s3,
    sqs: aws.sqs,
    iam,
    lambda,
    ...(options.table === false ? {} : { recorded: ledgerFailureSource(table.ledger) }),
  });
}

/** Empties the DLQ (a test that filled it cleans up after itself). */
async function drainDlq(): Promise<void> {
  for (;;) {
    const got = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: aws.queueUrl, MaxNumberOfMessages: 10 }),
    );
    if ((got.Messages ?? []).length === 0) return;
    for (const m of got.Messages ?? []) {
      await aws.sqs.send(
        new DeleteMessageCommand({ QueueUrl: aws.queueUrl, ReceiptHandle: m.ReceiptHandle }),
      );
    }
  }
}

/** The ✗ lines of a run that must find at least one (so its exit code must be 1). */
async function failing(overrides: Partial<DoctorTarget> = {}): Promise<{ title: string; remedy?: string }[]> {
  const results = await doctor({ ...target, ...overrides }, ports(), new Date());
  expect(doctorExitCode(results)).toBe(1);
  return results
    .filter((r) => !r.ok)
    .map((r) => (r.remedy === undefined ? { title: r.title } : { title: r.title, remedy: r.remedy }));
}

async function createRule(
  iot: IoTClient,
  name: string,
  options: { sql: string; fn?: string; queueUrl?: string; disabled?: boolean; errorAction?: boolean },
) {
  await iot.send(
    new CreateTopicRuleCommand({
      ruleName: name,
      topicRulePayload: {
        sql: options.sql,
        awsIotSqlVersion: '2016-03-23',
        ruleDisabled: options.disabled ?? false,
        // The queue path's SQS action (the stack default), or the direct path's Lambda action.
        actions: [
          options.queueUrl === undefined
            ? { lambda: { functionArn: options.fn } }
            : {
                sqs: {
                  queueUrl: options.queueUrl,
                  roleArn: 'arn:aws:iam::123456789012:role/jitr-rule-queue',
                },
              },
        ],
        ...(options.errorAction === false
          ? {}
          : {
              errorAction: {
                sqs: { queueUrl: aws.queueUrl, roleArn: 'arn:aws:iam::123456789012:role/jitr-rule' },
              },
            }),
      },
    }),
  );
}

beforeAll(async () => {
  const bundle = await ensureHandlerBundle();
  aws = await startLocalAws();
  ca = await addCa(aws, { commonName: 'Ops Doctor CA' });
  await createTemplateResources(aws.iot, DEMO_TEMPLATE_OPTIONS);
  const source = await uploadTemplate(aws.s3, aws.bucket, 'templates/demo.json', demoTemplate());
  // The stack's default ingestion path (template.yaml): a failed event reaches the DLQ by redrive.
  const deployment = await deployJitr(aws, { bundle, env: { TEMPLATE_SOURCE: source } });
  table = localLedger(aws);
  functionArn = String(deployment.fn.configuration().FunctionArn);
  ingestUrl = aws.sandbox.sqs.byUrl(INGESTION_QUEUE).url;
  mappingUuid = deployment.fn.eventSource?.uuid;
  const topic = `$aws/events/certificates/registered/${ca.caCertificateId}`;
  await createRule(aws.iot, RULE, { sql: `SELECT * FROM '${topic}'`, queueUrl: ingestUrl });
  await createRule(aws.iot, 'rule_direct', { sql: `SELECT * FROM '${topic}'`, fn: functionArn });
  await createRule(aws.iot, 'rule_disabled', {
    sql: `SELECT * FROM '${topic}'`,
    queueUrl: ingestUrl,
    disabled: true,
  });
  await createRule(aws.iot, 'rule_other_ca', {
    sql: `SELECT * FROM '$aws/events/certificates/registered/${'e'.repeat(64)}'`,
    queueUrl: ingestUrl,
  });
  // Writes to the DLQ, which no event source mapping of the function reads.
  await createRule(aws.iot, 'rule_other_queue', { sql: `SELECT * FROM '${topic}'`, queueUrl: aws.queueUrl });
  await createRule(aws.iot, 'rule_missing_queue', {
    sql: `SELECT * FROM '${topic}'`,
    queueUrl: `${ingestUrl.slice(0, ingestUrl.lastIndexOf('/'))}/no-such-queue`,
  });
  await createRule(aws.iot, 'rule_other_fn', {
    sql: `SELECT * FROM '${topic}'`,
    fn: 'arn:aws:lambda:us-east-1:123456789012:function:someone-else',
  });
  await createRule(aws.iot, 'rule_no_error', {
    sql: `SELECT * FROM '${topic}'`,
    queueUrl: ingestUrl,
    errorAction: false,
  });
  iam = new IAMClient({ region: aws.sandbox.region, credentials: aws.sandbox.credentials });
  mockClient(iam)
    .on(SimulatePrincipalPolicyCommand)
    .callsFake((input: { ActionNames?: string[]; ResourceArns?: string[] }) => ({
      EvaluationResults: (input.ActionNames ?? []).map((action) => ({
        EvalActionName: action,
        EvalResourceName: input.ResourceArns?.[0] ?? '*',
        EvalDecision: denied.has(action) ? 'implicitDeny' : 'allowed',
      })),
      IsTruncated: false,
    }));
  lambda = new LambdaClient({
    region: aws.sandbox.region,
    credentials: aws.sandbox.credentials,
    endpoint: aws.sandbox.endpoints.lambda,
  });
  target = await resolveTarget(
    { ca: ca.caCertificateId, functionName: 'jitr', rule: RULE, queueUrl: aws.queueUrl },
    sdkTargetReaders({ cloudformation: new CloudFormationClient({ region: aws.sandbox.region }), lambda }),
  );
}, 120_000);

afterAll(async () => {
  table?.close();
  lambda?.destroy();
  await aws?.stop();
});

describe('jitr doctor against the sandbox', () => {
  it('passes a correct setup', async () => {
    // Act
    const results = await doctor(target, ports(), new Date());
    // Assess
    expect(target).toEqual({
      caCertificateId: ca.caCertificateId,
      ruleName: RULE,
      functionArn,
      roleArn: 'arn:aws:iam::123456789012:role/jitr-handler-role',
      queueUrl: aws.queueUrl,
      crl: { bucket: aws.bucket, keyTemplate: 'crl/{caCertificateId}.crl', maxStalenessSeconds: 3600 },
      templateSource: `s3://${aws.bucket}/templates/demo.json`,
      region: 'us-east-1',
      account: '123456789012',
      // From the function's REGISTRATION_STATE_TABLE.
      stateTable: aws.stateTable,
      unread: [],
    });
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.map((r) => r.section)).toEqual(
      expect.arrayContaining(['ca', 'rule', 'crl', 'template', 'role', 'dlq']),
    );
    // The stack's default queue path, read through SQS and Lambda's ListEventSourceMappings.
    expect(mappingUuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(results.filter((r) => r.section === 'rule').map((r) => r.title)).toEqual([
      `topic rule ${RULE} is enabled`,
      `the rule listens to $aws/events/certificates/registered/${ca.caCertificateId}`,
      `the rule writes to queue ${INGESTION_QUEUE}, which feeds function jitr (event source mapping ${mappingUuid})`,
      'the event source mapping is Enabled',
      'the event source mapping reports batch item failures (ReportBatchItemFailures)',
      `the rule has an error action (sqs:${aws.queueUrl})`,
    ]);
    expect(results.find((r) => r.title.startsWith('thing group demo-plant-7'))?.ok).toBe(true);
    expect(doctorExitCode(results)).toBe(0);
  });

  it('passes the direct path: the rule invokes the function', async () => {
    // Act
    const results = await doctor({ ...target, ruleName: 'rule_direct' }, ports(), new Date());
    // Assess
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.filter((r) => r.section === 'rule').map((r) => r.title)).toContain(
      'the rule invokes function jitr (direct ingestion)',
    );
  });

  it.each([
    [{ newStatus: 'INACTIVE' as const }, { newStatus: 'ACTIVE' as const }, 'is ACTIVE (it is INACTIVE)'],
    [
      { newAutoRegistrationStatus: 'DISABLE' as const },
      { newAutoRegistrationStatus: 'ENABLE' as const },
      'auto-registration is ENABLE (it is DISABLE)',
    ],
    [
      {
        registrationConfig: {
          templateBody: '{"Resources":{}}',
          roleArn: 'arn:aws:iam::123456789012:role/jitp',
        },
      },
      { removeAutoRegistration: true },
      'no JITP template is attached to the CA (it would race the handler)',
    ],
  ])('catches a CA misconfiguration (%o)', async (change, undo, title) => {
    // Prepare
    await aws.iot.send(new UpdateCACertificateCommand({ certificateId: ca.caCertificateId, ...change }));
    try {
      // Act
      const failures = await failing();
      // Assess
      expect(failures.map((f) => f.title.replace(`CA ${ca.caCertificateId} `, ''))).toEqual([title]);
    } finally {
      await aws.iot.send(new UpdateCACertificateCommand({ certificateId: ca.caCertificateId, ...undo }));
    }
  });

  it.each([
    ['no_such_rule', 'topic rule no_such_rule exists'],
    ['rule_disabled', 'topic rule rule_disabled is enabled'],
    ['rule_other_ca', 'the rule listens to $aws/events/certificates/registered/'],
    ['rule_other_fn', 'the rule invokes function jitr (it invokes someone-else, and has no SQS action)'],
    ['rule_no_error', 'the rule has an error action'],
    [
      'rule_other_queue',
      "the rule's queue jitr-dlq feeds function jitr (no event source mapping of jitr reads it; jitr reads jitr-ingest)",
    ],
    ['rule_missing_queue', "the rule's queue no-such-queue exists"],
  ])('catches a rule problem (%s)', async (ruleName, title) => {
    // Act
    const failures = await failing({ ruleName });
    // Assess
    expect(failures).toHaveLength(1);
    expect(failures[0]?.title.startsWith(title)).toBe(true);
  });

  it('catches a missing CRL', async () => {
    // Act
    const failures = await failing({
      crl: { bucket: aws.bucket, keyTemplate: 'elsewhere/{caCertificateId}.crl', maxStalenessSeconds: 3600 },
    });
    // Assess
    expect(failures).toEqual([
      {
        title: `CRL s3://${aws.bucket}/elsewhere/${ca.caCertificateId}.crl exists`,
        remedy: `Publish the CA's CRL (DER or PEM): aws s3 cp ca.crl s3://${aws.bucket}/elsewhere/${ca.caCertificateId}.crl`,
      },
    ]);
  });

  it('catches a stale CRL', async () => {
    // Prepare
    await ca.publishCrl([], 'stale');
    try {
      // Act
      const failures = await failing();
      // Assess
      expect(failures.map((f) => f.title.split(' (')[0])).toEqual(['the CRL is fresh']);
    } finally {
      await ca.publishCrl([], 'fresh');
    }
  });

  it('catches an invalid template', async () => {
    // Prepare
    const source = await uploadTemplate(aws.s3, aws.bucket, 'templates/bad.json', {
      Resources: { vm: { Type: 'AWS::EC2::Instance', Properties: {} } },
    });
    // Act
    const failures = await failing({ templateSource: source });
    // Assess
    expect(failures).toHaveLength(2);
    expect(failures[0]?.title.startsWith(`template ${source} is valid (`)).toBe(true);
    // What the role needs depends on the template: that check could not run, and says so.
    expect(failures[1]?.title).toBe(
      "the function role's permissions: not checked (the template could not be loaded, so what it needs is unknown)",
    );
  });

  it('catches a missing thing type, a missing group and a dynamic group', async () => {
    // Prepare
    await aws.iot.send(
      new CreateDynamicThingGroupCommand({
        thingGroupName: 'dyn-group',
        queryString: 'attributes.line:line-a',
      }),
    );
    const source = await uploadTemplate(
      aws.s3,
      aws.bucket,
      'templates/ghosts.json',
      demoTemplate({
        thingTypeName: 'ghost-type',
        thingGroups: ['ghost-group', 'dyn-group'],
        line: 'line-a',
      }),
    );
    // Act
    const failures = await failing({ templateSource: source });
    // Assess
    expect(failures.map((f) => f.title)).toEqual([
      'thing type ghost-type exists',
      'thing group ghost-group exists',
      'thing group dyn-group exists and is static (it is dynamic)',
    ]);
  });

  it('names a permission the role lacks', async () => {
    // Prepare
    denied.add('iot:CreateThing');
    try {
      // Act
      const failures = await failing();
      // Assess
      expect(failures).toHaveLength(1);
      expect(failures[0]?.title).toMatch(
        /^role arn:aws:iam::123456789012:role\/jitr-handler-role allows iot:CreateThing on arn:aws:iot:us-east-1:123456789012:thing\//,
      );
      expect(failures[0]?.remedy).toMatch(
        /^Add to the role's policy: \{"Effect":"Allow","Action":"iot:CreateThing"/,
      );
    } finally {
      denied.clear();
    }
  });

  it('reports DLQ messages grouped by reason', async () => {
    // Prepare
    const event = {
      certificateId: 'a'.repeat(64),
      caCertificateId: ca.caCertificateId,
      timestamp: 1,
      certificateStatus: 'PENDING_ACTIVATION',
      awsAccountId: '123456789012',
      certificateRegistrationTimestamp: '1',
    };
    await aws.sqs.send(
      new SendMessageCommand({
        QueueUrl: aws.queueUrl,
        MessageBody: JSON.stringify(event),
        MessageAttributes: {
          ErrorMessage: {
            DataType: 'String',
            StringValue: '[ThingGroupNotFound] thing group plant-9 does not exist \u2014 remedy: Create it.',
          },
        },
      }),
    );
    try {
      // Act
      const failures = await failing();
      // Assess
      expect(failures).toEqual([
        {
          title: 'the DLQ is empty (it holds 1 message: 1 × ThingGroupNotFound)',
          remedy: `Fix the causes above, then: jitr replay --queue-url ${aws.queueUrl} --function-name jitr --table ${aws.stateTable}`,
        },
      ]);
    } finally {
      await drainDlq();
    }
  });

  it('groups a queue-path failure, redriven to the DLQ as the bare event, by the code the handler recorded', async () => {
    // Prepare: the function's role lacks iot:CreateThing; the event fails on every receive.
    const device = issueDeviceCertificate({
      ca: ca.ca,
      keyType: 'ec',
      subject: [
        { type: 'CN', value: 'doctor-queue-1' },
        { type: 'serialNumber', value: 'SN-Q1' },
      ],
    });
    aws.sandbox.faults.deny('iot:CreateThing');
    try {
      const result = await aws.sandbox.registerDevice(device.certificatePem, { wait: true });
      expect(result.outcome).toBe('registered');
    } finally {
      aws.sandbox.faults.allow('iot:CreateThing');
    }
    try {
      // Act
      const withTable = await failing();
      const withoutTable = (await doctor(target, ports({ table: false }), new Date())).filter((r) => !r.ok);
      // Assess
      expect(withTable.map((f) => f.title)).toEqual([
        'the DLQ is empty (it holds 1 message: 1 × AccessDenied)',
      ]);
      expect(withoutTable.map((f) => f.title)).toEqual([
        'the DLQ is empty (it holds 1 message: 1 × no error recorded: no registration-state table to look in (--table or REGISTRATION_STATE_TABLE))',
      ]);
    } finally {
      await drainDlq();
    }
  });
});
