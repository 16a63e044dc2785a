import { describe, expect, it } from 'vitest';
import { gatherFacts } from '../../../lib/operations/doctor/gather.js';
import type { DoctorPorts, DoctorTarget } from '../../../lib/operations/doctor/ports.js';
import { resolveTarget } from '../../../lib/operations/doctor/resolve-target.js';

const CA_ID = 'c'.repeat(64);
const FN = 'arn:aws:lambda:eu-west-1:123456789012:function:jitr-JitrFunction-abc';

describe('resolveTarget', () => {
  it('turns a function that does not exist or cannot be read into its own ✗ line, never a silent skip', async () => {
    // Prepare: a misspelt function; then an endpoint that refuses connections (Node 20's AggregateError).
    const refused = Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' });
    const missing = await resolveTarget(
      { functionName: 'jitr-typo', ca: 'a'.repeat(64) },
      { stack: async () => ({ outputs: {}, resources: [] }), functionConfiguration: async () => null },
    );
    const unreachable = await resolveTarget(
      { functionName: 'jitr', stack: 'jitr' },
      {
        stack: async () => Promise.reject(refused),
        functionConfiguration: async () => Promise.reject(refused),
      },
    );
    // Assess
    expect(missing.unread.map((u) => [u.section, u.title])).toEqual([
      ['function', 'function jitr-typo exists'],
    ]);
    expect(missing.templateSource).toBe(null);
    expect(missing.roleArn).toBe(null);
    expect(unreachable.unread.map((u) => [u.section, u.title])).toEqual([
      ['stack', 'stack jitr can be read (its outputs name the function, rule, DLQ and bucket)'],
      ['function', 'function jitr can be read (its role and settings)'],
    ]);
    expect(unreachable.unread[1]?.remedy).toMatch(
      /^GetFunctionConfiguration failed: EndpointUnreachable: nothing answers at the endpoint \(ECONNREFUSED\)\. /,
    );
  });

  it('reads the stack outputs and the function configuration', async () => {
    // Prepare
    const readers = {
      stack: async () => ({
        outputs: {
          FunctionName: 'jitr-JitrFunction-abc',
          RuleName: 'jitr_registered',
          DeadLetterQueueUrl: 'https://sqs/dlq',
          CrlBucketName: 'crl-bucket',
        },
        resources: [],
      }),
      functionConfiguration: async (name: string) => {
        expect(name).toBe('jitr-JitrFunction-abc');
        return {
          functionArn: FN,
          roleArn: 'arn:aws:iam::123456789012:role/jitr',
          environment: {
            CRL_KEY_TEMPLATE: 'crls/{caCertificateId}.der',
            CRL_MAX_STALENESS: '60',
            TEMPLATE_SOURCE: 's3://t/default.json',
            TEMPLATE_SOURCE_BY_CA: JSON.stringify({ [CA_ID]: 'iot:plant7' }),
            REGISTRATION_STATE_TABLE: 'jitr-RegistrationStateTable-1',
          },
        };
      },
    };
    // Act
    const target = await resolveTarget({ stack: 'jitr', ca: CA_ID.toUpperCase() }, readers);
    const explicit = await resolveTarget({ stack: 'jitr', table: 'mine' }, readers);
    // Assess
    expect(target).toEqual({
      caCertificateId: CA_ID,
      ruleName: 'jitr_registered',
      functionArn: FN,
      roleArn: 'arn:aws:iam::123456789012:role/jitr',
      queueUrl: 'https://sqs/dlq',
      crl: { bucket: 'crl-bucket', keyTemplate: 'crls/{caCertificateId}.der', maxStalenessSeconds: 60 },
      templateSource: 'iot:plant7',
      region: 'eu-west-1',
      account: '123456789012',
      // Where the handler records why queue-path events (bare in the DLQ) failed.
      stateTable: 'jitr-RegistrationStateTable-1',
      unread: [],
    });
    expect(explicit.stateTable).toBe('mine');
  });

  it('uses explicit options alone without a stack or function', async () => {
    // Prepare
    const readers = {
      stack: async () => {
        throw new Error('not called');
      },
      functionConfiguration: async () => null,
    };
    // Act
    const target = await resolveTarget({ rule: 'r', template: 'bundled:default', queueUrl: 'q' }, readers);
    // Assess
    expect(target).toEqual({
      caCertificateId: null,
      ruleName: 'r',
      functionArn: null,
      roleArn: null,
      queueUrl: 'q',
      crl: null,
      templateSource: 'bundled:default',
      region: null,
      account: null,
      unread: [],
    });
  });
});

function ports(overrides: Partial<DoctorPorts> = {}): DoctorPorts & { simulated: string[][] } {
  const simulated: string[][] = [];
  return {
    simulated,
    describeCa: async () => null,
    getTopicRule: async (name) => ({
      ruleName: name,
      sql: `SELECT * FROM '$aws/events/certificates/registered/${CA_ID}'`,
      disabled: false,
      lambdaTargets: [FN],
      sqsTargets: [],
      errorAction: 'sqs:q',
    }),
    queueArn: async () => {
      throw new Error('queueArn: unused');
    },
    listEventSourceMappings: async () => {
      throw new Error('listEventSourceMappings: unused');
    },
    getObject: async () => null,
    describeThingType: async () => ({ exists: true, deprecated: false }),
    describeThingGroup: async () => ({ exists: true, dynamic: false }),
    describeBillingGroup: async () => ({ exists: true }),
    getPolicy: async () => ({ exists: true }),
    simulate: async (_role, actions, resources) => {
      simulated.push([...actions, ...resources]);
      return actions.map((action) => ({ action, resource: resources[0] ?? '*', allowed: true }));
    },
    loadTemplate: async () => ({
      Parameters: { 'AWS::IoT::Certificate::Id': { Type: 'String' } },
      Resources: {
        thing: { Type: 'AWS::IoT::Thing', Properties: { ThingName: 'fixed', ThingGroups: ['g1'] } },
        certificate: {
          Type: 'AWS::IoT::Certificate',
          Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' } },
        },
      },
    }),
    peekDlq: async () => ({ count: 0, groups: [] }),
    ...overrides,
  };
}

const TARGET: DoctorTarget = {
  caCertificateId: null,
  ruleName: 'jitr_registered',
  functionArn: FN,
  roleArn: 'arn:aws:iam::123456789012:role/jitr',
  queueUrl: 'q',
  crl: { bucket: 'b', keyTemplate: 'crl/{caCertificateId}.crl', maxStalenessSeconds: 3600 },
  templateSource: 'bundled:x',
  region: 'eu-west-1',
  account: '123456789012',
  unread: [],
};

describe('gatherFacts', () => {
  it('reports every check that could not run as a failure, saying why', async () => {
    // Prepare: only a CA, nothing else known.
    const target: DoctorTarget = {
      ...TARGET,
      caCertificateId: 'a'.repeat(64),
      ruleName: null,
      functionArn: null,
      roleArn: null,
      queueUrl: null,
      crl: null,
      templateSource: null,
    };
    // Act
    const { facts } = await gatherFacts(target, ports(), new Date());
    // Assess
    expect(facts.unread.map((u) => u.title)).toEqual([
      'the topic rule: not checked (no rule named)',
      "the CA's CRL: not checked (no CRL bucket known)",
      'the template and what it references: not checked (no template source known)',
      "the function role's permissions: not checked (no role known)",
      'the DLQ: not checked (no queue named)',
    ]);
  });

  it('takes the CA from the rule topic and simulates the template and CRL permissions', async () => {
    // Prepare
    const p = ports();
    // Act
    const { facts, references } = await gatherFacts(TARGET, p, new Date(0));
    // Assess
    expect(facts.caCertificateId).toBe(CA_ID);
    expect(facts.crl).toEqual({
      bucket: 'b',
      key: `crl/${CA_ID}.crl`,
      maxStalenessSeconds: 3600,
      bytes: null,
    });
    expect(references).toEqual({
      thingTypes: [],
      thingGroups: ['g1'],
      billingGroups: [],
      policies: [],
      perDevice: [],
    });
    expect(facts.references?.thingGroups).toEqual({ g1: { exists: true, dynamic: false } });
    expect(p.simulated.at(-1)).toEqual(['s3:GetObject', `arn:aws:s3:::b/crl/${CA_ID}.crl`]);
    expect(p.simulated.flat()).toContain('iot:CreateThing');
  });

  it('turns a failing read into a fact instead of stopping', async () => {
    // Prepare
    const denied = Object.assign(
      new Error('User is not authorized to perform: iam:SimulatePrincipalPolicy'),
      {
        name: 'AccessDenied',
      },
    );
    const p = ports({
      simulate: async () => {
        throw denied;
      },
    });
    // Act
    const { facts } = await gatherFacts(TARGET, p, new Date(0));
    // Assess
    expect(facts.permissions).toEqual({
      error: 'AccessDenied: User is not authorized to perform: iam:SimulatePrincipalPolicy',
    });
    expect(facts.dlq).toEqual({ queueUrl: 'q', facts: { count: 0, groups: [] } });
  });
});

describe('resolveTarget with empty settings', () => {
  it('treats empty environment values as unset', async () => {
    // Prepare
    const readers = {
      stack: async () => ({ outputs: {}, resources: [] }),
      functionConfiguration: async () => ({
        functionArn: FN,
        roleArn: 'arn:aws:iam::123456789012:role/jitr',
        environment: { CRL_BUCKET: '', CRL_KEY_TEMPLATE: '', TEMPLATE_SOURCE: '' },
      }),
    };
    // Act
    const target = await resolveTarget({ functionName: 'jitr' }, readers);
    // Assess
    expect([target.crl, target.templateSource]).toEqual([null, 'bundled:default']);
  });
});

describe('resolveTarget in optional CRL mode', () => {
  it('marks the CRL optional', async () => {
    // Prepare
    const readers = {
      stack: async () => ({ outputs: {}, resources: [] }),
      functionConfiguration: async () => ({
        functionArn: FN,
        roleArn: 'arn:aws:iam::123456789012:role/jitr',
        environment: { CRL_BUCKET: 'b', CRL_MODE: 'optional' },
      }),
    };
    // Act
    const target = await resolveTarget({ functionName: 'jitr' }, readers);
    // Assess
    expect(target.crl).toEqual({
      bucket: 'b',
      keyTemplate: 'crl/{caCertificateId}.crl',
      maxStalenessSeconds: 3600,
      optional: true,
    });
  });
});

describe('gatherFacts on the queue path', () => {
  const INGEST = 'https://sqs.eu-west-1.amazonaws.com/123456789012/jitr-ingest';
  const INGEST_ARN = 'arn:aws:sqs:eu-west-1:123456789012:jitr-ingest';
  const queueRule = (name: string) => ({
    ruleName: name,
    sql: `SELECT * FROM '$aws/events/certificates/registered/${CA_ID}'`,
    disabled: false,
    lambdaTargets: [],
    sqsTargets: [INGEST],
    errorAction: 'sqs:q',
  });

  it("reads the ARN of the rule's queue and the function's event source mappings", async () => {
    // Prepare
    const asked: string[] = [];
    const mapping = {
      uuid: 'u-1',
      eventSourceArn: INGEST_ARN,
      state: 'Enabled',
      reportBatchItemFailures: true,
    };
    const p = ports({
      getTopicRule: async (name) => queueRule(name),
      queueArn: async (url) => {
        asked.push(`arn ${url}`);
        return INGEST_ARN;
      },
      listEventSourceMappings: async (fn) => {
        asked.push(`mappings ${fn}`);
        return [mapping];
      },
    });
    // Act
    const { facts } = await gatherFacts(TARGET, p, new Date(0));
    // Assess
    expect(asked).toEqual([`arn ${INGEST}`, `mappings ${FN}`]);
    expect(facts.ingestion).toEqual({ queues: [{ queueUrl: INGEST, arn: INGEST_ARN }], mappings: [mapping] });
  });

  it('keeps a denied ListEventSourceMappings as a fact (a ✗ later), not a thrown error', async () => {
    // Prepare
    const denied = Object.assign(new Error('not authorized to perform: lambda:ListEventSourceMappings'), {
      name: 'AccessDeniedException',
    });
    const p = ports({
      getTopicRule: async (name) => queueRule(name),
      queueArn: async () => INGEST_ARN,
      listEventSourceMappings: async () => Promise.reject(denied),
    });
    // Act
    const { facts } = await gatherFacts(TARGET, p, new Date(0));
    // Assess
    expect(facts.ingestion?.mappings).toEqual({
      error: 'AccessDeniedException: not authorized to perform: lambda:ListEventSourceMappings',
    });
  });
});
