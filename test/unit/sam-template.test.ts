// template.yaml, loaded with CloudFormation's short-form tags, checked for dangling
// references, the build/handler wiring, the rule, and least privilege.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stackIngestion } from '../../infra/local-aws/stack-template.js';
import { CONFIG_VARIABLES, type ConfigVariable } from '../../lib/config/config.js';
import { RECONCILE_VARIABLES } from '../../lib/config/reconcile-config.js';
import { STATE_TABLE_KEY, STATE_TABLE_TTL_ATTRIBUTE } from '../../lib/registration-state/state-store.js';
import { requiredPermissions } from '../../lib/template/permissions.js';
import { loadSamTemplate } from '../../scripts/invoke.js';

const ROOT = join(import.meta.dirname, '..', '..');

type Node = unknown;
type Obj = Record<string, Node>;

interface Template {
  Parameters: Record<string, Obj>;
  Conditions: Record<string, Node>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: Obj; Metadata?: Obj }>;
  Outputs: Record<string, { Value: Node }>;
}

const template = loadSamTemplate() as unknown as Template;

const PSEUDO = new Set([
  'AWS::AccountId',
  'AWS::NoValue',
  'AWS::NotificationARNs',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

function isObj(value: Node): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every problem found while walking the template: dangling Ref, GetAtt, Sub variables, conditions. */
function danglingReferences(): string[] {
  const parameters = new Set(Object.keys(template.Parameters));
  const resources = new Set(Object.keys(template.Resources));
  const conditions = new Set(Object.keys(template.Conditions));
  const problems: string[] = [];
  const known = (name: string, local: Set<string>) =>
    parameters.has(name) || resources.has(name) || PSEUDO.has(name) || local.has(name);
  const walk = (node: Node, where: string, local: Set<string>): void => {
    if (Array.isArray(node)) {
      for (const [i, child] of node.entries()) walk(child, `${where}[${i}]`, local);
      return;
    }
    if (!isObj(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Ref' && typeof value === 'string' && !known(value, new Set()))
        problems.push(`${where}: Ref ${value}`);
      if (key === 'Fn::GetAtt') {
        const [resource] = value as string[];
        if (resource === undefined || !resources.has(resource))
          problems.push(`${where}: GetAtt ${String(resource)}`);
      }
      if (key === 'Fn::If') {
        const [condition] = value as string[];
        if (condition === undefined || !conditions.has(condition))
          problems.push(`${where}: If ${String(condition)}`);
      }
      if (key === 'Fn::Sub') {
        const [text, vars] = typeof value === 'string' ? [value, {}] : (value as [string, Obj]);
        const locals = new Set(Object.keys(vars));
        for (const match of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const name = match[1] ?? '';
          const [head, attribute] = name.split('.');
          const ok = attribute === undefined ? known(name, locals) : resources.has(head ?? '');
          if (!ok) problems.push(`${where}: Sub \${${name}}`);
        }
        walk(vars, `${where}.Fn::Sub`, local);
        continue;
      }
      walk(value, `${where}.${key}`, local);
    }
  };
  walk(template.Conditions, 'Conditions', new Set());
  for (const [name, resource] of Object.entries(template.Resources)) {
    if (resource.Condition !== undefined && !conditions.has(resource.Condition)) {
      problems.push(`${name}: Condition ${resource.Condition}`);
    }
    walk(resource, name, new Set());
  }
  walk(template.Outputs, 'Outputs', new Set());
  return problems;
}

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: Node;
  Condition?: Obj;
}

/** The statements of a role's managed and inline policies, with both branches of every `Fn::If`. */
function statementsOf(roleName: string): Statement[] {
  const role = template.Resources[roleName];
  const inline = (role?.Properties.Policies ?? []) as { PolicyDocument: { Statement: Node[] } }[];
  const managed = ((role?.Properties.ManagedPolicyArns ?? []) as Node[]).map((arn) => {
    const name = isObj(arn) ? String(arn.Ref) : '';
    const policy = template.Resources[name];
    if (policy?.Type !== 'AWS::IAM::ManagedPolicy')
      throw new Error(`${roleName}: ${JSON.stringify(arn)} is not a policy of the stack`);
    return policy.Properties as { PolicyDocument: { Statement: Node[] } };
  });
  return [...managed, ...inline].flatMap((p) =>
    p.PolicyDocument.Statement.flatMap((s) => {
      if (isObj(s) && 'Fn::If' in s) {
        const [, yes, no] = s['Fn::If'] as Node[];
        return [yes, no].filter((b) => !(isObj(b) && b.Ref === 'AWS::NoValue')) as Statement[];
      }
      return [s as Statement];
    }),
  );
}

/** Names of the variables sam local must see declared (the Lambda runtime sets the others). */
const inTemplate = (variables: readonly ConfigVariable[]): string[] =>
  variables.filter((v) => v.declaredInTemplate).map((v) => v.name);

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
/** A CloudFormation `Fn::Sub` text: `{Name}` stands for `${Name}` (keeps template syntax out of JS strings). */
const sub = (text: string): string => text.replace(/\{([\w:.]+)\}/g, (_m, name: string) => `$${'{'}${name}}`);
const fn = template.Resources.JitrFunction;

describe('template.yaml', () => {
  it('resolves every Ref, GetAtt, Sub variable and condition', () => {
    expect(danglingReferences()).toEqual([]);
  });

  it('builds every function with the options of scripts/build.mjs, from an entry point the build knows', async () => {
    // Prepare
    const build = (await import(join(ROOT, 'scripts', 'build.mjs') as string)) as {
      handlerBuildOptions: { format: string; minify: boolean; target: string; mainFields: string[] };
      handlerEntryPoints: () => string[];
    };
    const functions = Object.entries(template.Resources).filter(
      ([, r]) => r.Type === 'AWS::Serverless::Function',
    );
    // Assess
    expect(functions.map(([name]) => name)).toEqual([
      'JitrFunction',
      'ReconcileFunction',
      'RevocationSweepFunction',
    ]);
    for (const [, resource] of functions) {
      const metadata = resource.Metadata as { BuildMethod: string; BuildProperties: Record<string, Node> };
      const props = metadata.BuildProperties;
      const entries = props.EntryPoints as string[];
      expect(metadata.BuildMethod).toBe('esbuild');
      expect({
        Format: props.Format,
        Minify: props.Minify,
        Target: props.Target,
        MainFields: props.MainFields,
      }).toEqual({
        Format: build.handlerBuildOptions.format,
        Minify: build.handlerBuildOptions.minify,
        Target: build.handlerBuildOptions.target,
        MainFields: build.handlerBuildOptions.mainFields.join(','),
      });
      expect(props.OutExtension).toEqual(['.js=.cjs']);
      expect(entries).toHaveLength(1);
      for (const entry of entries) {
        expect(build.handlerEntryPoints()).toContain(join(ROOT, entry));
        const [file, exported] = String(resource.Properties.Handler).split('.');
        expect(file).toBe(basename(entry, '.ts'));
        expect(readFileSync(join(ROOT, entry), 'utf8')).toMatch(
          new RegExp(`export async function ${exported}\\(`),
        );
      }
      expect([
        resource.Properties.Runtime,
        resource.Properties.Architectures,
        resource.Properties.CodeUri,
      ]).toEqual(['nodejs22.x', ['arm64'], '.']);
    }
    expect(fn?.Metadata?.BuildProperties).toEqual(
      expect.objectContaining({ EntryPoints: ['handlers/jitr.ts'] }),
    );
  });

  it('declares every variable the handler reads (sam local only passes declared ones), and the sandbox env files use no other', () => {
    const environment = fn?.Properties.Environment as { Variables: Obj };
    const declared = Object.keys(environment.Variables);
    expect(declared.sort()).toEqual(inTemplate(CONFIG_VARIABLES).sort());
    const reconcile = template.Resources.ReconcileFunction?.Properties.Environment as { Variables: Obj };
    expect(Object.keys(reconcile.Variables).sort()).toEqual(
      inTemplate([...CONFIG_VARIABLES, ...RECONCILE_VARIABLES]).sort(),
    );
    for (const file of ['sandbox-env.json', 'sandbox-env.docker.json']) {
      const env = JSON.parse(readFileSync(join(ROOT, 'events', file), 'utf8')) as Record<string, Obj>;
      expect(Object.keys(env).sort()).toEqual(['JitrFunction', 'Parameters']);
      for (const values of Object.values(env))
        expect(declared).toEqual(expect.arrayContaining(Object.keys(values)));
    }
  });

  it('applies no env-vars file to every sam local invoke: the sandbox one only under --config-env sandbox', () => {
    // Prepare: samconfig.toml's [env.command.parameters] sections and their keys.
    const text = readFileSync(join(ROOT, 'samconfig.toml'), 'utf8');
    const sections = new Map<string, string>();
    let current = '';
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      const header = /^\[([\w.]+)\]$/.exec(line);
      if (header) current = header[1] ?? '';
      else if (line.startsWith('env_vars')) sections.set(current, line);
    }
    // Assess
    expect([...sections]).toEqual([
      ['sandbox.local_invoke.parameters', 'env_vars = "events/sandbox-env.docker.json"'],
    ]);
  });

  it('retains the DLQ and the log group (and the CRL bucket) when the stack is deleted or they are replaced', () => {
    for (const id of ['DeadLetterQueue', 'JitrLogGroup', 'CrlBucket']) {
      const resource = template.Resources[id] as Obj;
      expect([id, resource.DeletionPolicy, resource.UpdateReplacePolicy]).toEqual([id, 'Retain', 'Retain']);
    }
  });

  it('cites nothing a user cannot follow (issue numbers, perf anchors, helper names)', () => {
    const text = readFileSync(join(ROOT, 'template.yaml'), 'utf8');
    expect(text).not.toMatch(/\bissue \d|perf anchors|§[A-Z]|helper "/i);
  });

  it("subscribes the rule to the registered topic, with the ingestion path's action and an error action to the DLQ", () => {
    const payload = template.Resources.RegistrationRule?.Properties.TopicRulePayload as Obj;
    expect(payload.Sql).toEqual({
      'Fn::Sub': sub("SELECT * FROM '$aws/events/certificates/registered/{CaCertificateId}'"),
    });
    expect(payload.AwsIotSqlVersion).toBe('2016-03-23');
    expect(payload.Actions).toEqual([
      {
        'Fn::If': [
          'QueueIngestion',
          {
            Sqs: {
              QueueUrl: { Ref: 'IngestionQueue' },
              RoleArn: { 'Fn::GetAtt': ['RuleQueueActionRole', 'Arn'] },
              UseBase64: false,
            },
          },
          { Lambda: { FunctionArn: { 'Fn::GetAtt': ['JitrFunction', 'Arn'] } } },
        ],
      },
    ]);
    expect(payload.ErrorAction).toEqual({
      Sqs: {
        QueueUrl: { Ref: 'DeadLetterQueue' },
        RoleArn: { 'Fn::GetAtt': ['RuleErrorActionRole', 'Arn'] },
        UseBase64: false,
      },
    });
    expect(template.Parameters.CaCertificateId?.Default).toBe('+');
    expect(template.Resources.RuleInvokePermission?.Condition).toBe('DirectIngestion');
    expect(template.Resources.RuleInvokePermission?.Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': ['JitrFunction', 'Arn'] },
      Principal: 'iot.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': ['RegistrationRule', 'Arn'] },
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  it('buffers registrations in an encrypted standard queue by default: redrive to the DLQ, bounded concurrency, partial-batch failures', () => {
    expect(template.Parameters.IngestionMode).toEqual(
      expect.objectContaining({ Default: 'queue', AllowedValues: ['queue', 'direct'] }),
    );
    expect(template.Conditions.QueueIngestion).toEqual({ 'Fn::Equals': [{ Ref: 'IngestionMode' }, 'queue'] });
    const queue = template.Resources.IngestionQueue;
    expect(queue?.Condition).toBe('QueueIngestion');
    // Standard queue: the IoT rule's SQS action cannot write to FIFO queues.
    expect(queue?.Properties).toEqual({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
      VisibilityTimeout: 180,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] },
        maxReceiveCount: { Ref: 'QueueMaxReceiveCount' },
      },
    });
    expect(Number(queue?.Properties.VisibilityTimeout)).toBeGreaterThanOrEqual(
      6 * Number(fn?.Properties.Timeout),
    );
    const mapping = template.Resources.IngestionEventSource;
    expect(mapping?.Condition).toBe('QueueIngestion');
    expect(mapping?.Properties).toEqual({
      EventSourceArn: { 'Fn::GetAtt': ['IngestionQueue', 'Arn'] },
      FunctionName: { Ref: 'JitrFunction' },
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: { Ref: 'QueueMaximumConcurrency' } },
    });
    // Each container paces every IoT API to quota ÷ the maximum concurrency.
    const environment = fn?.Properties.Environment as { Variables: Obj } | undefined;
    expect(environment?.Variables.IOT_API_BUDGET_CONCURRENCY).toEqual({
      'Fn::If': ['QueueIngestion', { Ref: 'QueueMaximumConcurrency' }, '0'],
    });
    expect(template.Parameters.QueueMaximumConcurrency?.MinValue).toBe(2);
  });

  it('reserves no concurrency under default parameters, for either function', () => {
    // Prepare: a function's ReservedConcurrentExecutions with the parameters at their defaults.
    const reservedByDefault = (name: string): Node => {
      const value = template.Resources[name]?.Properties.ReservedConcurrentExecutions;
      if (!isObj(value) || !('Fn::If' in value)) return value;
      const [condition, whenTrue, whenFalse] = value['Fn::If'] as [string, Node, Node];
      expect(condition).toBe('HasReservedConcurrency');
      return template.Parameters.ReservedConcurrency?.Default === -1 ? whenFalse : whenTrue;
    };
    // Assess
    expect(reservedByDefault('JitrFunction')).toEqual({ Ref: 'AWS::NoValue' });
    expect(reservedByDefault('ReconcileFunction')).toBeUndefined();
    // One reconcile run at a time without a reservation: shorter than its schedule, never retried.
    const reconcile = template.Resources.ReconcileFunction?.Properties;
    expect(Number(reconcile?.Timeout)).toBeLessThan(15 * 60);
    expect(reconcile?.EventInvokeConfig).toEqual({ MaximumRetryAttempts: 0 });
    const events = reconcile?.Events as Record<string, { Properties: Obj }>;
    expect(events.Sweep?.Properties.Schedule).toBe('rate(15 minutes)');
  });

  it('alarms only on what needs a person: the DLQ, configuration errors, a stuck ingestion queue', () => {
    const alarms = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
    const watched = alarms.map(([, r]) => r.Properties.MetricName);
    expect(watched).toEqual(
      expect.arrayContaining([
        'ApproximateAgeOfOldestMessage',
        'ApproximateNumberOfMessagesVisible',
        'OperatorActionNeeded',
      ]),
    );
    // Throttles and 5xx that heal on retry are counted in ProvisioningFailed: no alarm on it.
    expect(watched).not.toContain('ProvisioningFailed');
  });

  it('retries twice and sends failures to an encrypted 14-day DLQ', () => {
    expect(fn?.Properties.EventInvokeConfig).toEqual({
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: { Ref: 'MaximumEventAgeSeconds' },
      DestinationConfig: {
        OnFailure: { Type: 'SQS', Destination: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
      },
    });
    expect(template.Resources.DeadLetterQueue?.Properties).toEqual(
      expect.objectContaining({ MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true }),
    );
  });

  it('creates the CRL bucket encrypted, versioned and private unless an existing one is given', () => {
    const bucket = template.Resources.CrlBucket;
    expect(bucket?.Condition).toBe('CreateCrlBucket');
    expect(bucket?.Properties).toEqual(
      expect.objectContaining({
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
      }),
    );
  });

  it('grants no wildcard action, and Resource "*" only for the one action without a resource type', () => {
    for (const role of [
      'JitrFunctionRole',
      'ReconcileFunctionRole',
      'RuleErrorActionRole',
      'RuleQueueActionRole',
    ]) {
      expect(statementsOf(role).length, role).toBeGreaterThan(0);
      for (const statement of statementsOf(role)) {
        for (const action of list(statement.Action)) expect(action).not.toMatch(/(^\*$|:\*$)/);
        if (list(statement.Resource).includes('*')) {
          // The AWS IoT developer guide lists no resource type for iot:ListCertificatesByCA.
          expect([role, statement.Action]).toEqual(['ReconcileFunctionRole', 'iot:ListCertificatesByCA']);
        }
      }
    }
    const handlerActions = statementsOf('JitrFunctionRole').flatMap((s) => list(s.Action));
    expect(handlerActions).not.toContain('iot:ListCertificatesByCA');
    expect(template.Resources.ReconcileFunction?.Properties.Role).toEqual({
      'Fn::GetAtt': ['ReconcileFunctionRole', 'Arn'],
    });
  });

  it('creates the registration-state table on demand, encrypted, with PITR and TTL, keyed as the adapter expects', () => {
    const table = template.Resources.RegistrationStateTable;
    expect(table?.Type).toBe('AWS::DynamoDB::Table');
    expect(table?.Properties).toEqual({
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: STATE_TABLE_KEY, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: STATE_TABLE_KEY, KeyType: 'HASH' }],
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: STATE_TABLE_TTL_ATTRIBUTE, Enabled: true },
    });
    for (const name of ['JitrFunction', 'ReconcileFunction']) {
      const environment = template.Resources[name]?.Properties.Environment as { Variables: Obj } | undefined;
      expect(environment?.Variables.REGISTRATION_STATE_TABLE, name).toEqual({
        Ref: 'RegistrationStateTable',
      });
    }
    // Least privilege: item reads and writes on this table only.
    for (const role of ['JitrFunctionRole', 'ReconcileFunctionRole']) {
      const dynamodb = statementsOf(role).filter((s) =>
        list(s.Action).some((a) => a.startsWith('dynamodb:')),
      );
      expect(
        dynamodb.map((s) => [list(s.Action).sort(), s.Resource]),
        role,
      ).toEqual([
        [
          ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
          { 'Fn::GetAtt': ['RegistrationStateTable', 'Arn'] },
        ],
      ]);
    }
  });

  it('creates the reconcile schedule disabled unless ReconcileScheduleEnabled is true', () => {
    const events = template.Resources.ReconcileFunction?.Properties.Events as Record<
      string,
      { Type: string; Properties: Obj }
    >;
    expect(events.Sweep?.Type).toBe('Schedule');
    expect(events.Sweep?.Properties.State).toEqual({
      'Fn::If': ['ReconcileScheduleOn', 'ENABLED', 'DISABLED'],
    });
    expect(template.Parameters.ReconcileScheduleEnabled?.Default).toBe('false');
    expect(template.Parameters.DlqEventSourceEnabled?.Default).toBe('false');
    expect(template.Resources.DlqEventSource?.Condition).toBe('DlqEventSourceOn');
  });

  it('scopes every IoT action to the region and account, and grants exactly the actions the handler uses', () => {
    // Prepare
    const iot = statementsOf('JitrFunctionRole').filter((s) =>
      list(s.Action).some((a) => a.startsWith('iot:')),
    );
    const granted = new Set(iot.flatMap((s) => list(s.Action)));
    const maximal = {
      Resources: {
        thing: {
          Type: 'AWS::IoT::Thing',
          Properties: { ThingName: 'a', ThingGroups: ['g'], BillingGroup: 'b', ThingTypeName: 't' },
          OverrideSettings: { ThingGroups: 'REPLACE' },
        },
        policy: {
          Type: 'AWS::IoT::Policy',
          Properties: { PolicyDocument: '{"Version":"2012-10-17","Statement":[]}' },
        },
      },
    };
    const needed = requiredPermissions(maximal).Statement.flatMap((s) => s.Action);
    // Assess
    expect([...granted].sort()).toEqual([...new Set([...needed, 'iot:DescribeProvisioningTemplate'])].sort());
    for (const statement of iot) {
      for (const resource of list(statement.Resource)) {
        const text =
          isObj(resource) && 'Fn::If' in resource ? (resource['Fn::If'] as Node[]).slice(1) : [resource];
        for (const branch of text) {
          expect((branch as Obj)['Fn::Sub']).toMatch(
            /^arn:\$\{AWS::Partition\}:iot:\$\{AWS::Region\}:\$\{AWS::AccountId\}:[a-z]+\//,
          );
        }
      }
    }
    const described = iot.find((s) => list(s.Action).includes('iot:DescribeProvisioningTemplate'));
    expect(described?.Resource).toEqual({
      'Fn::Sub': sub(
        'arn:{AWS::Partition}:iot:{AWS::Region}:{AWS::AccountId}:provisioningtemplate/{IotProvisioningTemplateName}',
      ),
    });
  });

  it('reads CRLs only under the key template prefix and uses only its own queues', () => {
    // Prepare
    const statements = statementsOf('JitrFunctionRole');
    const bySid = (sid: string) => statements.find((s) => s.Sid === sid);
    const prefix = { 'Fn::Select': [0, { 'Fn::Split': ['{caCertificateId}', { Ref: 'CrlKeyTemplate' }] }] };
    const bucket = { 'Fn::If': ['CreateCrlBucket', { Ref: 'CrlBucket' }, { Ref: 'CrlBucketName' }] };
    // Assess
    expect(bySid('ReadCrls')?.Resource).toEqual({
      'Fn::Sub': [sub('arn:{AWS::Partition}:s3:::{Bucket}/{Prefix}*'), { Bucket: bucket, Prefix: prefix }],
    });
    expect(bySid('ListCrls')?.Condition).toEqual({
      StringLike: { 's3:prefix': { 'Fn::Sub': [sub('{Prefix}*'), { Prefix: prefix }] } },
    });
    const s3 = statements.filter((s) => list(s.Action).some((a) => a.startsWith('s3:')));
    expect(s3.flatMap((s) => list(s.Action)).sort()).toEqual([
      's3:GetObject',
      's3:GetObject',
      's3:ListBucket',
    ]);
    const sqs = statements.filter((s) => list(s.Action).some((a) => a.startsWith('sqs:')));
    expect(sqs.length).toBeGreaterThan(0);
    // The DLQ, and the ingestion queue it consumes in queue mode: nothing else.
    for (const statement of sqs) {
      const queue = statement.Sid === 'ConsumeIngestionQueue' ? 'IngestionQueue' : 'DeadLetterQueue';
      expect(statement.Resource).toEqual({ 'Fn::GetAtt': [queue, 'Arn'] });
    }
    expect(existsSync(join(ROOT, 'samconfig.toml'))).toBe(true);
  });
});

describe('SAM template: revocation sweep', () => {
  const resources = template.Resources as Record<
    string,
    { Type: string; Condition?: string; DependsOn?: string; Properties: Obj }
  >;

  it('triggers the sweep by S3 event notification from the bucket the stack creates, after the permission exists', () => {
    const bucket = resources.CrlBucket;
    expect(bucket?.DependsOn).toBe('CrlBucketInvokesSweep');
    expect(JSON.stringify(bucket?.Properties.NotificationConfiguration)).toContain('RevocationSweepFunction');
    expect(resources.CrlBucketInvokesSweep?.Condition).toBe('CreateCrlBucket');
    expect(resources.CrlObjectCreatedRule?.Condition).toBe('SweepEventBridge');
  });

  it('gives the sweep role only what it calls: no dynamodb:*, no wildcard action', () => {
    const text = JSON.stringify([resources.RevocationSweepRole, resources.RevocationSweepCrlRead]);
    expect(text).not.toMatch(/"dynamodb:\*"|"iot:\*"|"s3:\*"/);
    expect(text).toContain('dynamodb:BatchGetItem');
    expect(text).toContain('iot:UpdateCertificate');
    expect(text).toContain('s3:GetObjectVersion');
  });

  it('does not make the function depend on the bucket it is notified by (no cycle)', () => {
    const env = JSON.stringify(resources.RevocationSweepFunction?.Properties.Environment);
    expect(env).not.toContain('"CrlBucket"');
    expect(JSON.stringify(resources.RevocationSweepRole)).not.toContain('"CrlBucket"');
  });
});

describe('the local deployment (infra/local-aws/stack-template.ts) reads template.yaml', () => {
  it('deploys the default IngestionMode and honours parameter overrides, with no second copy of the numbers', () => {
    // Act
    const defaults = stackIngestion();
    const once = stackIngestion({ QueueMaxReceiveCount: '1' });
    const direct = stackIngestion({ IngestionMode: 'direct' });

    // Assess
    expect(defaults.mode).toBe(template.Parameters.IngestionMode?.Default);
    expect(defaults.queue?.maxReceiveCount).toBe(template.Parameters.QueueMaxReceiveCount?.Default);
    expect(defaults.queue?.visibilityTimeoutSeconds).toBe(
      template.Resources.IngestionQueue?.Properties.VisibilityTimeout,
    );
    expect(once.queue?.maxReceiveCount).toBe(1);
    expect([direct.mode, direct.queue]).toEqual(['direct', undefined]);
  });
});
