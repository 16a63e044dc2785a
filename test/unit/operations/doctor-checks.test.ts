import { beforeAll, describe, expect, it } from 'vitest';
import { templateReferences } from '../../../lib/operations/doctor/references.js';
import { doctorExitCode, formatChecklist, runChecks } from '../../../lib/operations/doctor/run-doctor.js';
import type { DoctorFacts } from '../../../lib/operations/doctor/types.js';
import { NO_ERROR_RECORDED } from '../../../lib/operations/recorded-failures.js';
import { buildCrl, type Ca, createCa } from '../../../lib/pki/index.js';
import { parseTemplate } from '../../../lib/template/index.js';

const NOW = new Date('2026-11-22T06:00:00Z');
const CA_ID = 'c'.repeat(64);
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:jitr';
const ROLE = 'arn:aws:iam::123456789012:role/jitr';
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/jitr-dlq';

const TEMPLATE = {
  Parameters: {
    'AWS::IoT::Certificate::CommonName': { Type: 'String' },
    'AWS::IoT::Certificate::Id': { Type: 'String' },
  },
  Resources: {
    thing: {
      Type: 'AWS::IoT::Thing',
      Properties: {
        ThingName: { Ref: 'AWS::IoT::Certificate::CommonName' },
        ThingTypeName: 'sensor',
        ThingGroups: ['plant-7', { Ref: 'AWS::IoT::Certificate::CommonName' }],
        BillingGroup: 'eu',
      },
    },
    certificate: {
      Type: 'AWS::IoT::Certificate',
      Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'ACTIVE' },
    },
    policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: 'device-base' } },
  },
};
const REFERENCES = templateReferences(parseTemplate(TEMPLATE));

let ca: Ca;
let other: Ca;

beforeAll(() => {
  ca = createCa({ keyType: 'ec', now: new Date('2026-01-01T00:00:00Z') });
  other = createCa({ keyType: 'ec', now: new Date('2026-01-01T00:00:00Z') });
});

function crlBytes(signer: Ca, nextUpdate: Date): Uint8Array {
  return buildCrl({
    ca: signer,
    entries: [],
    thisUpdate: new Date(NOW.getTime() - 3_600_000),
    nextUpdate,
    crlNumber: 7,
  });
}

/** A correct setup: every check passes. */
function goodFacts(): DoctorFacts {
  return {
    now: NOW,
    unread: [],
    region: 'us-east-1',
    caCertificateId: CA_ID,
    ca: {
      certificateId: CA_ID,
      certificateArn: `arn:aws:iot:us-east-1:123456789012:cacert/${CA_ID}`,
      status: 'ACTIVE',
      certificatePem: ca.certificatePem,
      autoRegistrationStatus: 'ENABLE',
      registrationConfig: null,
    },
    functionArn: FN,
    rule: {
      name: 'jitr_registered',
      facts: {
        ruleName: 'jitr_registered',
        sql: `SELECT * FROM '$aws/events/certificates/registered/${CA_ID}'`,
        disabled: false,
        lambdaTargets: [FN],
        sqsTargets: [],
        errorAction: `sqs:${QUEUE}`,
      },
    },
    crl: {
      bucket: 'crls',
      key: `crl/${CA_ID}.crl`,
      maxStalenessSeconds: 3600,
      bytes: crlBytes(ca, new Date(NOW.getTime() + 86_400_000)),
    },
    template: { source: 'bundled:test', body: TEMPLATE },
    references: {
      thingTypes: { sensor: { exists: true, deprecated: false } },
      thingGroups: { 'plant-7': { exists: true, dynamic: false } },
      billingGroups: { eu: { exists: true } },
      policies: { 'device-base': { exists: true } },
    },
    permissions: {
      roleArn: ROLE,
      results: [
        { action: 'iot:CreateThing', resource: 'arn:aws:iot:us-east-1:123456789012:thing/*', allowed: true },
        {
          action: 'iot:UpdateCertificate',
          resource: 'arn:aws:iot:us-east-1:123456789012:cert/*',
          allowed: true,
        },
      ],
    },
    dlq: { queueUrl: QUEUE, facts: { count: 0, groups: [] } },
  };
}

function failures(facts: DoctorFacts) {
  return runChecks(facts, REFERENCES)
    .filter((r) => !r.ok)
    .map((r) => ({ title: r.title, remedy: r.remedy }));
}

describe('doctor checks', () => {
  it('passes a correct setup', () => {
    // Act
    const results = runChecks(goodFacts(), REFERENCES);
    // Assess
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.map((r) => `${r.section} ${r.title}`)).toEqual([
      `ca CA ${CA_ID} is ACTIVE`,
      'ca auto-registration is ENABLE',
      'ca no JITP template is attached to the CA (it would race the handler)',
      'rule topic rule jitr_registered is enabled',
      `rule the rule listens to $aws/events/certificates/registered/${CA_ID}`,
      'rule the rule invokes function jitr (direct ingestion)',
      `rule the rule has an error action (sqs:${QUEUE})`,
      `crl CRL s3://crls/crl/${CA_ID}.crl exists`,
      'crl the CRL parses and is signed by the CA (CRL number 7)',
      'crl the CRL is fresh (nextUpdate 2026-11-23T06:00:00.000Z)',
      'template template bundled:test is valid',
      'template thing type sensor exists',
      'template thing group plant-7 exists and is static',
      'template billing group eu exists',
      'template policy device-base exists',
      'template set from device values, checked per device: Resources.thing.Properties.ThingGroups[1]',
      `role role ${ROLE} allows all 2 actions the template needs`,
      'dlq the DLQ is empty',
    ]);
    expect(doctorExitCode(results)).toBe(0);
  });

  it('catches an inactive CA with auto-registration off', () => {
    // Prepare
    const facts = goodFacts();
    if (facts.ca && !('error' in facts.ca) && facts.ca !== null) {
      facts.ca = { ...facts.ca, status: 'INACTIVE', autoRegistrationStatus: 'DISABLE' };
    }
    // Act / Assess
    expect(failures(facts)).toEqual([
      {
        title: `CA ${CA_ID} is ACTIVE (it is INACTIVE)`,
        remedy: `aws iot update-ca-certificate --certificate-id ${CA_ID} --new-status ACTIVE`,
      },
      {
        title: 'auto-registration is ENABLE (it is DISABLE)',
        remedy: `aws iot update-ca-certificate --certificate-id ${CA_ID} --new-auto-registration-status ENABLE`,
      },
    ]);
  });

  it('catches a JITP template attached to the CA', () => {
    // Prepare
    const facts = goodFacts();
    if (facts.ca && !('error' in facts.ca) && facts.ca !== null) {
      facts.ca = { ...facts.ca, registrationConfig: { templateBody: '{}', roleArn: ROLE } };
    }
    // Act / Assess
    expect(failures(facts)).toEqual([
      {
        title: 'no JITP template is attached to the CA (it would race the handler)',
        remedy: `aws iot update-ca-certificate --certificate-id ${CA_ID} --remove-auto-registration, then --new-auto-registration-status ENABLE again`,
      },
    ]);
  });

  it('catches an unknown CA', () => {
    // Prepare
    const facts = goodFacts();
    facts.ca = null;
    // Act
    const found = failures(facts);
    // Assess
    expect(found.map((f) => f.title)).toEqual([`CA ${CA_ID} is registered`, 'the CRL is signed by the CA']);
    // The remedy is a command the AWS CLI accepts as written.
    expect(found[0]?.remedy).toBe(
      'Register it: aws iot register-ca-certificate --ca-certificate file://ca.pem --verification-certificate file://verification.pem --set-as-active --allow-auto-registration',
    );
  });

  it('catches a missing, disabled, mis-targeted rule or one without an error action', () => {
    // Prepare
    const missing = goodFacts();
    missing.rule = { name: 'jitr_registered', facts: null };
    const broken = goodFacts();
    broken.rule = {
      name: 'jitr_registered',
      facts: {
        ruleName: 'jitr_registered',
        sql: `SELECT * FROM '$aws/events/certificates/registered/${'d'.repeat(64)}'`,
        disabled: true,
        lambdaTargets: ['arn:aws:lambda:us-east-1:123456789012:function:other:live'],
        sqsTargets: [],
        errorAction: null,
      },
    };
    // Act / Assess
    expect(failures(missing).map((f) => f.title)).toEqual(['topic rule jitr_registered exists']);
    expect(failures(broken)).toEqual([
      {
        title: 'topic rule jitr_registered is enabled',
        remedy: 'aws iot enable-topic-rule --rule-name jitr_registered',
      },
      {
        title: `the rule listens to $aws/events/certificates/registered/${CA_ID} (it reads $aws/events/certificates/registered/${'d'.repeat(64)})`,
        remedy: `Set the rule's SQL to SELECT * FROM '$aws/events/certificates/registered/${CA_ID}' (the stack's CA parameter), then redeploy.`,
      },
      {
        title: 'the rule invokes function jitr (it invokes other, and has no SQS action)',
        remedy: `Give the rule a Lambda action on ${FN} (IngestionMode=direct) or an SQS action to the queue an event source mapping of jitr reads (IngestionMode=queue, the stack's default), then redeploy.`,
      },
      {
        title: 'the rule has an error action',
        remedy:
          'Add an errorAction that sends to the DLQ (SQS), so failed invocations of the function are kept for replay.',
      },
    ]);
  });

  it('accepts a rule on every CA', () => {
    // Prepare
    const facts = goodFacts();
    if (facts.rule?.facts && !('error' in facts.rule.facts)) {
      facts.rule.facts.sql = "SELECT * FROM '$aws/events/certificates/registered/+'";
    }
    // Act / Assess
    expect(failures(facts)).toEqual([]);
  });

  it('catches a missing CRL', () => {
    // Prepare
    const facts = goodFacts();
    if (facts.crl) facts.crl.bytes = null;
    // Act / Assess
    expect(failures(facts)).toEqual([
      {
        title: `CRL s3://crls/crl/${CA_ID}.crl exists`,
        remedy: `Publish the CA's CRL (DER or PEM): aws s3 cp ca.crl s3://crls/crl/${CA_ID}.crl`,
      },
    ]);
  });

  it('accepts a missing CRL in optional mode', () => {
    // Prepare
    const facts = goodFacts();
    if (facts.crl) facts.crl = { ...facts.crl, bytes: null, optional: true };
    // Act
    const results = runChecks(facts, REFERENCES).filter((r) => r.section === 'crl');
    // Assess
    expect(results).toEqual([
      {
        section: 'crl',
        ok: true,
        title: `no CRL at s3://crls/crl/${CA_ID}.crl (allowed: CRL_MODE=optional, devices are not checked for revocation)`,
      },
    ]);
  });

  it('catches a CRL signed by another CA', () => {
    // Prepare
    const facts = goodFacts();
    if (facts.crl) facts.crl.bytes = crlBytes(other, new Date(NOW.getTime() + 86_400_000));
    // Act
    const found = failures(facts);
    // Assess: both CAs have the default subject; the CRL's authorityKeyIdentifier names the other key.
    expect(found).toEqual([
      {
        title:
          "the CRL parses and is signed by the CA (CrlIssuerMismatch: CRL authorityKeyIdentifier does not match the CA's key)",
        remedy:
          "Publish this CA's own CRL at the CA's key (CRL_KEY_TEMPLATE); another CA's CRL says nothing about it.",
      },
    ]);
  });

  it('says why the CRL could not be read, and what to check', () => {
    // Prepare
    const facts = goodFacts();
    if (facts.crl) facts.crl.bytes = { error: 'AccessDenied: Access Denied' };
    // Act / Assess
    expect(failures(facts)).toEqual([
      {
        title: `CRL s3://crls/crl/${CA_ID}.crl can be read`,
        remedy: `GetObject failed: AccessDenied: Access Denied. Check the bucket name and region, and that your credentials may s3:GetObject s3://crls/crl/${CA_ID}.crl (and s3:ListBucket on crls, without which S3 reports a missing object as AccessDenied).`,
      },
    ]);
  });

  it('catches a stale CRL', () => {
    // Prepare
    const facts = goodFacts();
    if (facts.crl) facts.crl.bytes = crlBytes(ca, new Date(NOW.getTime() - 2 * 3_600_000));
    // Act / Assess
    expect(failures(facts)).toEqual([
      {
        title: expect.stringMatching(/^the CRL is fresh \(CrlStale: /),
        remedy:
          'Publish a fresh CRL (before nextUpdate), or raise CRL_MAX_STALENESS if late publication is acceptable.',
      },
    ]);
  });

  it('catches an invalid template', () => {
    // Prepare
    const facts = goodFacts();
    facts.template = { source: 'bundled:test', body: { Resources: { x: { Type: 'AWS::EC2::Instance' } } } };
    // Act
    const titles = failures(facts).map((f) => f.title);
    // Assess
    expect(titles).toHaveLength(1);
    expect(titles[0]).toMatch(/^template bundled:test is valid \(/);
  });

  it('catches a template that cannot be loaded', () => {
    // Prepare
    const facts = goodFacts();
    facts.template = {
      source: 's3://t/x.json',
      body: { error: 'NoSuchKey: The specified key does not exist.' },
    };
    // Act / Assess
    expect(failures(facts)).toEqual([
      {
        title: 'template s3://t/x.json can be loaded',
        remedy: 'NoSuchKey: The specified key does not exist.',
      },
    ]);
  });

  it('catches each missing reference and a dynamic group', () => {
    // Prepare
    const facts = goodFacts();
    facts.references = {
      thingTypes: { sensor: { exists: true, deprecated: true } },
      thingGroups: { 'plant-7': { exists: true, dynamic: true } },
      billingGroups: { eu: { exists: false } },
      policies: { 'device-base': { exists: false } },
    };
    // Act / Assess
    expect(failures(facts)).toEqual([
      {
        title: 'thing type sensor exists but is deprecated',
        remedy: 'aws iot deprecate-thing-type --thing-type-name sensor --undo-deprecate',
      },
      {
        title: 'thing group plant-7 exists and is static (it is dynamic)',
        remedy:
          'Things cannot be added to a dynamic group: create a static group (aws iot create-thing-group --thing-group-name <name>) and name it in the template instead of plant-7.',
      },
      { title: 'billing group eu exists', remedy: 'aws iot create-billing-group --billing-group-name eu' },
      {
        title: 'policy device-base exists',
        remedy: 'aws iot create-policy --policy-name device-base --policy-document file://device-base.json',
      },
    ]);
  });

  it('catches a missing thing type and thing group', () => {
    // Prepare
    const facts = goodFacts();
    if (facts.references) {
      facts.references.thingTypes.sensor = { exists: false, deprecated: false };
      facts.references.thingGroups['plant-7'] = { exists: false, dynamic: false };
    }
    // Act / Assess
    expect(failures(facts)).toEqual([
      { title: 'thing type sensor exists', remedy: 'aws iot create-thing-type --thing-type-name sensor' },
      {
        title: 'thing group plant-7 exists',
        remedy: 'aws iot create-thing-group --thing-group-name plant-7',
      },
    ]);
  });

  it('names each permission the role lacks', () => {
    // Prepare
    const facts = goodFacts();
    facts.permissions = {
      roleArn: ROLE,
      results: [
        { action: 'iot:CreateThing', resource: 'arn:aws:iot:us-east-1:123456789012:thing/*', allowed: false },
        {
          action: 'iot:UpdateCertificate',
          resource: 'arn:aws:iot:us-east-1:123456789012:cert/*',
          allowed: true,
        },
      ],
    };
    // Act / Assess
    expect(failures(facts)).toEqual([
      {
        title: `role ${ROLE} allows iot:CreateThing on arn:aws:iot:us-east-1:123456789012:thing/*`,
        remedy:
          'Add to the role\'s policy: {"Effect":"Allow","Action":"iot:CreateThing","Resource":"arn:aws:iot:us-east-1:123456789012:thing/*"}',
      },
    ]);
  });

  it('reports the DLQ content grouped by reason', () => {
    // Prepare
    const facts = goodFacts();
    facts.dlq = {
      queueUrl: QUEUE,
      facts: { count: 3, groups: [{ reason: 'AccessDenied', count: 3, remedies: [] }] },
    };
    // Act
    const results = runChecks(facts, REFERENCES);
    // Assess
    expect(failures(facts)).toEqual([
      {
        title: 'the DLQ is empty (it holds 3 messages: 3 × AccessDenied)',
        remedy: `Fix the causes above, then: jitr replay --queue-url ${QUEUE} --function-name jitr`,
      },
    ]);
    expect(doctorExitCode(results)).toBe(1);
    expect(formatChecklist(results).split('\n').slice(-3)).toEqual([
      '  ✗ the DLQ is empty (it holds 3 messages: 3 × AccessDenied)',
      `      → Fix the causes above, then: jitr replay --queue-url ${QUEUE} --function-name jitr`,
      '1 check failed.',
    ]);
  });

  it('names the registration-state table in the replay it suggests when the groups were explained from it', () => {
    // Prepare
    const facts = goodFacts();
    facts.dlq = {
      queueUrl: QUEUE,
      stateTable: 'jitr-state',
      facts: { count: 1, groups: [{ reason: 'AccessDenied', count: 1, remedies: [], fromTable: 1 }] },
    };
    // Act / Assess
    expect(failures(facts)).toEqual([
      {
        title: 'the DLQ is empty (it holds 1 message: 1 × AccessDenied)',
        remedy: `Fix the causes above, then: jitr replay --queue-url ${QUEUE} --function-name jitr --table jitr-state`,
      },
    ]);
  });
  it('puts the fix of a registration-state table it could not read first (a --table naming no table)', () => {
    // Prepare
    const fix =
      'Set REGISTRATION_STATE_TABLE (or --table) to the stack output RegistrationStateTableName, in its region. (the read failed with LedgerTableNotFound: The ledger table nope does not exist)';
    const facts = goodFacts();
    facts.dlq = {
      queueUrl: QUEUE,
      stateTable: 'nope',
      facts: { count: 1, groups: [{ reason: NO_ERROR_RECORDED.unreadable, count: 1, remedies: [fix] }] },
    };
    // Act / Assess
    expect(failures(facts)).toEqual([
      {
        title: `the DLQ is empty (it holds 1 message: 1 × ${NO_ERROR_RECORDED.unreadable})`,
        remedy: `The registration-state table could not be read: ${fix} Fix the causes above, then: jitr replay --queue-url ${QUEUE} --function-name jitr --table nope`,
      },
    ]);
  });
});

describe('doctor checks of the queue ingestion path (the stack default)', () => {
  const INGEST = 'https://sqs.us-east-1.amazonaws.com/123456789012/jitr-ingest';
  const INGEST_ARN = 'arn:aws:sqs:us-east-1:123456789012:jitr-ingest';
  const OTHER_ARN = 'arn:aws:sqs:us-east-1:123456789012:other-queue';
  const UUID = '14e0db71-5d35-4eb5-b481-8945cf9d10c2';

  /** The stack's default: an SQS action to IngestionQueue, an enabled mapping from it to the function. */
  function queueFacts(
    mapping: Partial<{ eventSourceArn: string; state: string; reportBatchItemFailures: boolean }> = {},
  ): DoctorFacts {
    const facts = goodFacts();
    if (facts.rule === undefined || facts.rule.facts === null || 'error' in facts.rule.facts)
      throw new Error('goodFacts has a rule');
    facts.rule.facts.lambdaTargets = [];
    facts.rule.facts.sqsTargets = [INGEST];
    facts.ingestion = {
      queues: [{ queueUrl: INGEST, arn: INGEST_ARN }],
      mappings: [
        {
          uuid: UUID,
          eventSourceArn: INGEST_ARN,
          state: 'Enabled',
          reportBatchItemFailures: true,
          ...mapping,
        },
      ],
    };
    return facts;
  }

  function ruleLines(facts: DoctorFacts) {
    return runChecks(facts, REFERENCES)
      .filter((r) => r.section === 'rule')
      .map((r) => (r.ok ? `✓ ${r.title}` : `✗ ${r.title} → ${r.remedy}`));
  }

  it('passes when the rule writes to a queue an enabled mapping with ReportBatchItemFailures feeds to the function', () => {
    // Act
    const results = runChecks(queueFacts(), REFERENCES);
    // Assess
    expect(doctorExitCode(results)).toBe(0);
    expect(ruleLines(queueFacts())).toEqual([
      '✓ topic rule jitr_registered is enabled',
      `✓ the rule listens to $aws/events/certificates/registered/${CA_ID}`,
      `✓ the rule writes to queue jitr-ingest, which feeds function jitr (event source mapping ${UUID})`,
      '✓ the event source mapping is Enabled',
      '✓ the event source mapping reports batch item failures (ReportBatchItemFailures)',
      `✓ the rule has an error action (sqs:${QUEUE})`,
    ]);
  });

  it('fails when the rule writes to a queue no mapping of the function reads', () => {
    // Prepare
    const facts = queueFacts({ eventSourceArn: OTHER_ARN });
    // Act / Assess
    expect(failures(facts)).toEqual([
      {
        title:
          "the rule's queue jitr-ingest feeds function jitr (no event source mapping of jitr reads it; jitr reads other-queue)",
        remedy: `Point the rule's SQS action at the queue jitr reads, or: aws lambda create-event-source-mapping --function-name ${FN} --event-source-arn ${INGEST_ARN} --function-response-types ReportBatchItemFailures (the stack's IngestionEventSource), then redeploy.`,
      },
    ]);
  });

  it('fails when the function has no mapping, or its mapping is disabled or drops partial-batch failures', () => {
    // Prepare
    const none = queueFacts();
    if (none.ingestion !== undefined) none.ingestion.mappings = [];
    // Act / Assess
    expect(failures(none).map((f) => f.title)).toEqual([
      "the rule's queue jitr-ingest feeds function jitr (no event source mapping of jitr reads it; jitr has none)",
    ]);
    expect(failures(queueFacts({ state: 'Disabled' }))).toEqual([
      {
        title: 'the event source mapping is Enabled (it is Disabled)',
        remedy: `aws lambda update-event-source-mapping --uuid ${UUID} --enabled`,
      },
    ]);
    expect(failures(queueFacts({ reportBatchItemFailures: false })).map((f) => f.title)).toEqual([
      'the event source mapping reports batch item failures (ReportBatchItemFailures)',
    ]);
    expect(failures(queueFacts({ reportBatchItemFailures: false }))[0]?.remedy).toMatch(
      new RegExp(
        `^aws lambda update-event-source-mapping --uuid ${UUID} --function-response-types ReportBatchItemFailures `,
      ),
    );
  });

  it('fails when the rule writes to a queue that does not exist', () => {
    // Prepare
    const facts = queueFacts();
    if (facts.ingestion !== undefined) facts.ingestion.queues = [{ queueUrl: INGEST, arn: null }];
    // Act / Assess
    expect(failures(facts)).toEqual([
      {
        title: "the rule's queue jitr-ingest exists",
        remedy: `Point the rule's SQS action at the stack's IngestionQueue (sam deploy does), or create ${INGEST}.`,
      },
    ]);
  });

  it('never says ✓ when it could not look (mappings or queue ARN not readable)', () => {
    // Prepare
    const denied = queueFacts();
    if (denied.ingestion !== undefined)
      denied.ingestion.mappings = {
        error: 'AccessDeniedException: not authorized: lambda:ListEventSourceMappings',
      };
    const unreadable = queueFacts();
    if (unreadable.ingestion !== undefined)
      unreadable.ingestion.queues = [{ queueUrl: INGEST, arn: { error: 'EndpointUnreachable: no answer' } }];
    // Act
    const deniedResults = runChecks(denied, REFERENCES);
    // Assess
    expect(doctorExitCode(deniedResults)).toBe(1);
    expect(deniedResults.some((r) => r.ok && /feeds|event source mapping/.test(r.title))).toBe(false);
    expect(failures(denied)).toEqual([
      {
        title:
          "the rule's queue feeds function jitr: not checked (its event source mappings could not be listed)",
        remedy:
          'ListEventSourceMappings failed: AccessDeniedException: not authorized: lambda:ListEventSourceMappings. Doctor needs lambda:ListEventSourceMappings.',
      },
    ]);
    expect(failures(unreadable)).toEqual([
      {
        title: "the rule's queue jitr-ingest: not checked (its ARN could not be read)",
        remedy: `GetQueueAttributes (QueueArn) on ${INGEST} failed: EndpointUnreachable: no answer. Doctor needs sqs:GetQueueAttributes on it.`,
      },
    ]);
  });

  it('checks the direct path when the rule invokes the function, even with an SQS action beside it', () => {
    // Prepare
    const facts = queueFacts({ state: 'Disabled' });
    if (facts.rule?.facts && !('error' in facts.rule.facts)) facts.rule.facts.lambdaTargets = [FN];
    // Act / Assess
    expect(failures(facts)).toEqual([]);
    expect(ruleLines(facts)).toContain('✓ the rule invokes function jitr (direct ingestion)');
  });
});
