// biome-ignore-all lint/suspicious/noTemplateCurlyInString: AWS IoT policy variables are written as ${…} in policies.
// `jitr template explain`: the offline answer to "will my device be able to publish to its topic?".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainTemplate } from '../../../lib/cli/template-explain.js';
import { issueDeviceCertificate } from '../../../lib/pki/index.js';
import { ecCa } from '../../helpers/pki-fixtures.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let dir: string;
let DEFAULT_TEMPLATE: string;
/** The policy of the shipped default template (a thing named after the CN, its own topics only). */
const DEFAULT_POLICY = JSON.stringify({
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
      Action: ['iot:Publish', 'iot:Receive'],
      Resource: [
        'arn:aws:iot:*:*:topic/devices/${iot:Connection.Thing.ThingName}/*',
        'arn:aws:iot:*:*:topic/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*',
      ],
    },
    {
      Effect: 'Allow',
      Action: 'iot:Subscribe',
      Resource: [
        'arn:aws:iot:*:*:topicfilter/devices/${iot:Connection.Thing.ThingName}/*',
        'arn:aws:iot:*:*:topicfilter/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*',
      ],
    },
  ],
});
let cert: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jitr-explain-'));
  const issued = issueDeviceCertificate({
    ca: ecCa(),
    subject: [
      { type: 'O', value: 'Example-Corp' },
      { type: 'CN', value: 'lamp-0042' },
    ],
    keyType: 'ec',
  });
  cert = join(dir, 'lamp.pem');
  DEFAULT_TEMPLATE = join(dir, 'default.json');
  writeFileSync(
    DEFAULT_TEMPLATE,
    JSON.stringify({
      Parameters: {
        'AWS::IoT::Certificate::CommonName': { Type: 'String' },
        'AWS::IoT::Certificate::Id': { Type: 'String' },
      },
      Resources: {
        thing: {
          Type: 'AWS::IoT::Thing',
          Properties: { ThingName: { Ref: 'AWS::IoT::Certificate::CommonName' }, AttributePayload: {} },
        },
        certificate: {
          Type: 'AWS::IoT::Certificate',
          Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'ACTIVE' },
        },
        policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyDocument: DEFAULT_POLICY } },
      },
    }),
  );
  writeFileSync(cert, issued.certificatePem);
  writeFileSync(
    join(dir, 'named-policy.json'),
    JSON.stringify({
      Parameters: {
        'AWS::IoT::Certificate::CommonName': { Type: 'String' },
        'AWS::IoT::Certificate::Id': { Type: 'String' },
      },
      Resources: {
        thing: {
          Type: 'AWS::IoT::Thing',
          Properties: { ThingName: { Ref: 'AWS::IoT::Certificate::CommonName' } },
        },
        certificate: {
          Type: 'AWS::IoT::Certificate',
          Properties: { CertificateId: { Ref: 'AWS::IoT::Certificate::Id' }, Status: 'ACTIVE' },
        },
        policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyName: 'fleet-policy' } },
      },
    }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("explainTemplate with the default template's policy", () => {
  it('lists what the device may do, variables substituted', async () => {
    const report = await explainTemplate({ template: DEFAULT_TEMPLATE, cert });
    expect(report.clientId).toBe('lamp-0042');
    expect(report.thingVariablesResolve).toBe(true);
    expect(report.may['iot:Connect'].map((g) => [g.resource, g.conditions])).toEqual([
      ['client/lamp-0042', ['Bool iot:Connection.Thing.IsAttached "true"']],
    ]);
    expect(report.may['iot:Publish'].map((g) => g.resource)).toEqual([
      'topic/devices/lamp-0042/*',
      'topic/$aws/things/lamp-0042/shadow/*',
    ]);
    expect(report.may['iot:Subscribe'].map((g) => g.resource)).toEqual([
      'topicfilter/devices/lamp-0042/*',
      'topicfilter/$aws/things/lamp-0042/shadow/*',
    ]);
    expect(report.question).toBeNull();
  });

  it.each([
    [['publish', 'devices/lamp-0042/state'], 'allow', 1],
    [['subscribe', 'devices/lamp-0042/#'], 'allow', 2],
    [['subscribe', 'devices/lamp-0043/#'], 'implicit-deny', undefined],
    [['subscribe', 'devices/#'], 'implicit-deny', undefined],
    [['connect', 'lamp-0042'], 'allow', 0],
    [['connect', 'lamp-0043'], 'implicit-deny', undefined],
  ])('--can %j → %s (statement %s)', async (can, decision, statement) => {
    const report = await explainTemplate({ template: DEFAULT_TEMPLATE, cert, can });
    expect([report.question?.decision, report.question?.statement?.index, report.question?.complete]).toEqual(
      [decision, statement, true],
    );
  });

  it('another client id: thing variables do not resolve, nothing is allowed, and it says which variable', async () => {
    const report = await explainTemplate({
      template: DEFAULT_TEMPLATE,
      cert,
      clientId: 'other',
      can: ['publish', 'devices/lamp-0042/x'],
    });
    expect(report.thingVariablesResolve).toBe(false);
    expect(report.question).toMatchObject({
      decision: 'implicit-deny',
      missingContextValues: ['iot:Connection.Thing.ThingName'],
    });
  });

  it('an existing policy named by the template makes an allow or implicit deny incomplete', async () => {
    const report = await explainTemplate({
      template: join(dir, 'named-policy.json'),
      cert,
      can: ['publish', 'a'],
    });
    expect(report.notChecked).toEqual(['existing policy fleet-policy (its document is not in the template)']);
    expect(report.question).toMatchObject({ decision: 'implicit-deny', complete: false });
  });

  it('refuses a malformed --can with InvalidCommandLine', async () => {
    await expect(
      explainTemplate({ template: DEFAULT_TEMPLATE, cert, can: ['fly', 'x'] }),
    ).rejects.toMatchObject({
      code: 'InvalidCommandLine',
    });
  });
});

describe('node bin/jitr.mjs template explain', () => {
  it('exits 0 when allowed and 1 when denied; --json is exactly JSON', () => {
    const run = (...args: string[]) =>
      spawnSync(
        process.execPath,
        ['bin/jitr.mjs', 'template', 'explain', '--template', DEFAULT_TEMPLATE, '--cert', cert, ...args],
        {
          cwd: ROOT,
          encoding: 'utf8',
        },
      );
    const allowed = run('--can', 'publish', 'devices/lamp-0042/state');
    const denied = run('--can', 'subscribe', 'devices/lamp-0043/#', '--json');
    expect([allowed.status, denied.status]).toEqual([0, 1]);
    expect(allowed.stdout).toContain(
      'ALLOW: iot:Publish on arn:aws:iot:us-east-1:123456789012:topic/devices/lamp-0042/state',
    );
    expect(JSON.parse(denied.stdout).question.decision).toBe('implicit-deny');
  });
});
