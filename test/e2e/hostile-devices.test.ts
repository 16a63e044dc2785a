// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the templates write IoT policy variables literally.
// Issue 9 through the deployed bundle in the sandbox: devices whose certificate values hit each
// defect class (an empty Split piece, an attribute or certificate variable a policy reads back, a partitioned CRL that
// does not cover them, a CRL signed by a CA whose keyUsage lacks cRLSign, a template nested too
// deep, a value X.509 does not decode exactly) are never ACTIVE and get no policy; a well-behaved device on the same CA is provisioned as usual.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeviceState } from '../../infra/demo/device-state.js';
import { crlKey, uploadTemplate } from '../../infra/local-aws/aws-setup.js';
import { addCa, type LocalCa } from '../../infra/local-aws/local-aws.js';
import {
  buildCrl,
  issueDeviceCertificate,
  type RawExtension,
  type SubjectInput,
} from '../../lib/pki/index.js';
import {
  crlDistributionPointsExtension,
  issuingDistributionPointExtension,
} from '../helpers/distribution-points.js';
import { dlqRecords, type E2e, startE2e } from '../helpers/e2e-jitr.js';

const CN = 'AWS::IoT::Certificate::CommonName';
const OU = 'AWS::IoT::Certificate::OrganizationalUnit';
const P1 = 'http://crl.example.com/p1.crl';
const P2 = 'http://crl.example.com/p2.crl';

/** Subscribe to `devices/<first piece of the CN>*` and `sites/<site attribute>/*`; connect only attached. */
const HOSTILE_TEMPLATE = {
  Parameters: { [CN]: { Type: 'String' }, [OU]: { Type: 'String' } },
  Resources: {
    thing: {
      Type: 'AWS::IoT::Thing',
      Properties: { ThingName: { Ref: CN }, AttributePayload: { site: { Ref: OU } } },
    },
    certificate: {
      Type: 'AWS::IoT::Certificate',
      Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'ACTIVE' },
    },
    policy: {
      Type: 'AWS::IoT::Policy',
      Properties: {
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'iot:Connect',
              Resource: 'arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}',
              Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
            },
            {
              Effect: 'Allow',
              Action: 'iot:Subscribe',
              Resource: [
                {
                  'Fn::Join': [
                    '',
                    [
                      'arn:aws:iot:*:*:topicfilter/devices/',
                      { 'Fn::Select': [0, { 'Fn::Split': ['-', { Ref: CN }] }] },
                      '*',
                    ],
                  ],
                },
                'arn:aws:iot:*:*:topicfilter/sites/${iot:Connection.Thing.Attributes[site]}/*',
                'arn:aws:iot:*:*:topicfilter/orgs/${iot:Certificate.Subject.Organization}/*',
              ],
            },
          ],
        },
      },
    },
  },
};

/** 2,000 nested arrays: within the 10,240-character limit, deep enough to overflow a recursive walk. */
const DEEP_TEMPLATE_TEXT = `{"Resources":{"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":${'['.repeat(2000)}${']'.repeat(2000)}}}}}`;

describe('hostile devices through the deployed bundle', () => {
  let e2e: E2e;
  let hostileCa: LocalCa;
  let partitionedCa: LocalCa;
  let deepCa: LocalCa;
  let noCrlSignCa: LocalCa;

  beforeAll(async () => {
    // The direct path: each refusal is pinned by its destination record's error.
    e2e = await startE2e({
      ingestion: 'direct',
      env: async ({ aws }) => {
        hostileCa = await addCa(aws, { commonName: 'Hostile CA' });
        partitionedCa = await addCa(aws, { commonName: 'Partitioned CA' });
        deepCa = await addCa(aws, { commonName: 'Deep CA' });
        // Its (fresh, well-formed) CRL cannot be trusted: the CA may sign certificates, not CRLs.
        noCrlSignCa = await addCa(aws, { commonName: 'No cRLSign CA', keyUsage: ['keyCertSign'] });
        const now = Date.now();
        const partitioned = buildCrl({
          ca: partitionedCa.ca,
          entries: [],
          crlNumber: 9,
          thisUpdate: new Date(now - 60_000),
          nextUpdate: new Date(now + 86_400_000),
          extensions: [issuingDistributionPointExtension([P1])],
        });
        await aws.s3.send(
          new PutObjectCommand({
            Bucket: aws.bucket,
            Key: crlKey(partitionedCa.caCertificateId),
            Body: partitioned,
          }),
        );
        await aws.s3.send(
          new PutObjectCommand({ Bucket: aws.bucket, Key: 'templates/deep.json', Body: DEEP_TEMPLATE_TEXT }),
        );
        const hostile = await uploadTemplate(aws.s3, aws.bucket, 'templates/hostile.json', HOSTILE_TEMPLATE);
        return {
          TEMPLATE_SOURCE_BY_CA: JSON.stringify({
            [hostileCa.caCertificateId]: hostile,
            [partitionedCa.caCertificateId]: hostile,
            [deepCa.caCertificateId]: `s3://${aws.bucket}/templates/deep.json`,
            [noCrlSignCa.caCertificateId]: hostile,
          }),
        };
      },
    });
  });

  afterAll(async () => {
    await e2e?.stop();
  });

  function issue(ca: LocalCa, subject: SubjectInput, extensions: RawExtension[] = []) {
    return issueDeviceCertificate({ ca: ca.ca, subject, keyType: 'ec', extensions });
  }

  async function connect(certificatePem: string, certificateId: string) {
    await e2e.deployment.connect(certificatePem);
    return readDeviceState(e2e.aws.iot, certificateId);
  }

  /** The device's DLQ record's error (the wire format "[Code] message — remedy: …"). */
  function dlqError(certificateId: string): { errorType?: string; errorMessage?: string } | undefined {
    const record = dlqRecords(e2e).find(
      (r) => (r.requestPayload as { certificateId?: string } | undefined)?.certificateId === certificateId,
    );
    return record?.responsePayload as { errorType?: string; errorMessage?: string } | undefined;
  }

  function dlqCode(certificateId: string): string | undefined {
    return dlqError(certificateId)?.errorType;
  }

  /** Connects `device` and asserts it got no thing and no policy, with the certificate in `status`. */
  async function expectNotProvisioned(
    device: { certificatePem: string; certificateId: string },
    status: 'INACTIVE' | 'PENDING_ACTIVATION',
  ): Promise<void> {
    const policiesBefore = e2e.aws.sandbox.iot.counts().policies;
    const state = await connect(device.certificatePem, device.certificateId);
    expect(state).toEqual({ certificateId: device.certificateId, status, things: [], policies: [] });
    expect(e2e.aws.sandbox.iot.counts().policies).toBe(policiesBefore);
  }

  it('provisions a well-behaved device with the JITP-style policy (Condition included)', async () => {
    const good = issue(hostileCa, 'OU=berlin,CN=lamp-7');
    const state = await connect(good.certificatePem, good.certificateId);
    expect(state.status).toBe('ACTIVE');
    expect(state.policies).toHaveLength(1);
    const document = JSON.parse(e2e.aws.sandbox.iot.policyDocument(state.policies[0] as string) ?? '{}');
    expect(document.Statement[1].Resource).toEqual([
      'arn:aws:iot:*:*:topicfilter/devices/lamp*',
      'arn:aws:iot:*:*:topicfilter/sites/${iot:Connection.Thing.Attributes[site]}/*',
      'arn:aws:iot:*:*:topicfilter/orgs/${iot:Certificate.Subject.Organization}/*',
    ]);
    expect(state.things[0]?.attributes).toEqual({ site: 'berlin' });
  });

  it.each([
    ['CN "-fleet" (an empty first piece would widen devices/* to every device)', 'OU=berlin,CN=-fleet'],
    ['site "#" (sites/# read back through the thing attribute)', 'OU=#,CN=lamp-8'],
    ['site "a/b" (an extra topic level read back through the thing attribute)', 'OU=a/b,CN=lamp-9'],
    [
      'O "acme/x" (an extra level AWS would substitute for ${iot:Certificate.Subject.Organization})',
      'O=acme/x,OU=berlin,CN=lamp-11',
    ],
  ])('rejects %s: INACTIVE, no thing, no policy', async (_name, subject) => {
    const device = issue(hostileCa, subject);
    await expectNotProvisioned(device, 'INACTIVE');
    expect(dlqCode(device.certificateId)).toBeUndefined();
  });

  it('never lets a partitioned CRL vouch for a device outside its scope (CrlScopeMismatch, configuration)', async () => {
    const outside = issue(partitionedCa, 'OU=berlin,CN=part-2', [crlDistributionPointsExtension([P2])]);
    const none = issue(partitionedCa, 'OU=berlin,CN=part-0');
    const inside = issue(partitionedCa, 'OU=berlin,CN=part-1', [crlDistributionPointsExtension([P1])]);
    for (const device of [outside, none]) {
      await expectNotProvisioned(device, 'PENDING_ACTIVATION');
      expect(dlqCode(device.certificateId)).toBe('CrlScopeMismatchError');
    }
    expect((await connect(inside.certificatePem, inside.certificateId)).status).toBe('ACTIVE');
  });

  it('never trusts a CRL from a CA whose keyUsage lacks cRLSign (CrlSignerNotAuthorized, configuration)', async () => {
    const device = issue(noCrlSignCa, 'OU=berlin,CN=signer-1');
    await expectNotProvisioned(device, 'PENDING_ACTIVATION');
    expect(dlqCode(device.certificateId)).toBe('CrlSignerNotAuthorizedError');
    expect(dlqError(device.certificateId)?.errorMessage).toMatch(/^\[CrlSignerNotAuthorized\] /);
  });

  it('fails a template nested 2,000 deep as a configuration error (TemplateLimitExceeded, never a crash)', async () => {
    const device = issue(deepCa, 'OU=berlin,CN=deep-1');
    await expectNotProvisioned(device, 'PENDING_ACTIVATION');
    expect(dlqCode(device.certificateId)).toBe('TemplateLimitExceededError');
  });

  it('never turns a TeletexString CN (not decoded exactly) into a thing name', async () => {
    const device = issue(hostileCa, [
      { type: 'OU', value: 'berlin' },
      { type: 'CN', value: 'lamp-10', stringType: 'teletex' },
    ]);
    const state = await connect(device.certificatePem, device.certificateId);
    expect(state.status).toBe('PENDING_ACTIVATION');
    expect(state.policies).toEqual([]);
    expect(dlqCode(device.certificateId)).toBe('MissingParameterError');
  });
});
