// biome-ignore-all lint/suspicious/noTemplateCurlyInString: AWS IoT policy variables are written as ${…} in policies.
// Table-driven checks of the IoT policy evaluator against the policies in AWS's developer guide
// (connect-and-pub, pub-sub-policy, thing-policy-examples, cert-policy-variables) and the rules
// of aws-facts §9.5: wildcards, literal + and #, explicit Deny, variables, conditions.
import { describe, expect, it } from 'vitest';
import {
  type AuthDecision,
  evaluate,
  type IotAction,
  nameAttributes,
  type PolicyContext,
  parsePolicy,
  resourceArn,
} from '../../../lib/policy/index.js';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const ARN = `arn:aws:iot:${REGION}:${ACCOUNT}`;

const thingContext = (clientId: string, thingName = clientId): PolicyContext => ({
  clientId,
  thing: {
    thingName,
    thingTypeName: 'Thing_Type_Name',
    attributes: { attributeName: 'attributeValue', site: 'plant-7' },
  },
  certificate: {
    subject: nameAttributes({ CN: ['lamp-1'], O: ['Example Corp'], OU: ['LightBulb', 'Kitchen'], C: ['US'] }),
    issuer: nameAttributes({ CN: ['IoT Devices Primary CA'] }),
  },
});
const noThing = (clientId: string): PolicyContext => ({ ...thingContext(clientId), thing: undefined });

type Row = [label: string, action: IotAction, name: string, context: PolicyContext, want: AuthDecision];

function table(document: unknown, rows: Row[]): void {
  const policy = parsePolicy('p', document);
  it.each(rows)('%s', (_label, action, name, context, want) => {
    expect(
      evaluate([policy], { action, resource: resourceArn(action, name, REGION, ACCOUNT) }, context).decision,
    ).toBe(want);
  });
}

describe('connect and publish with thing-name variables (connect-and-pub)', () => {
  table(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['iot:Publish'],
          Resource: [`${ARN}:topic/\${iot:Connection.Thing.ThingName}`],
        },
        {
          Effect: 'Allow',
          Action: ['iot:Connect'],
          Resource: [`${ARN}:client/\${iot:Connection.Thing.ThingName}`],
        },
      ],
    },
    [
      ['connect as its thing name', 'iot:Connect', 'lamp-1', thingContext('lamp-1'), 'allow'],
      [
        'connect as another client id (thing does not resolve)',
        'iot:Connect',
        'lamp-2',
        noThing('lamp-2'),
        'implicit-deny',
      ],
      ['publish on its thing topic', 'iot:Publish', 'lamp-1', thingContext('lamp-1'), 'allow'],
      [
        'publish on a sub-topic (no wildcard)',
        'iot:Publish',
        'lamp-1/x',
        thingContext('lamp-1'),
        'implicit-deny',
      ],
      [
        'publish when no thing is attached: variable unresolved',
        'iot:Publish',
        'lamp-1',
        noThing('lamp-1'),
        'implicit-deny',
      ],
      ['subscribe is not granted', 'iot:Subscribe', 'lamp-1', thingContext('lamp-1'), 'implicit-deny'],
    ],
  );
});

describe('client-id variables (connect-and-pub, unregistered devices)', () => {
  table(
    {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['iot:Publish'], Resource: [`${ARN}:topic/\${iot:ClientId}`] },
        { Effect: 'Allow', Action: ['iot:Connect'], Resource: [`${ARN}:client/client1`] },
      ],
    },
    [
      ['connect as client1', 'iot:Connect', 'client1', noThing('client1'), 'allow'],
      ['connect as client2', 'iot:Connect', 'client2', noThing('client2'), 'implicit-deny'],
      ['publish on its client id topic', 'iot:Publish', 'client1', noThing('client1'), 'allow'],
      [
        'a client id "*" is substituted literally, never as a wildcard',
        'iot:Publish',
        'other',
        noThing('*'),
        'implicit-deny',
      ],
      ['client id "*" publishes to the literal topic "*"', 'iot:Publish', '*', noThing('*'), 'allow'],
    ],
  );
});

describe('wildcards: * across levels, ? one character, + and # literal (pub-sub-policy)', () => {
  table(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'iot:Subscribe',
          Resource: [`${ARN}:topicfilter/sites/#`, `${ARN}:topicfilter/rooms/+/temp`],
        },
        { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${ARN}:topicfilter/fleet/*` },
        { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: `${ARN}:topic/sensor/?/data` },
      ],
    },
    [
      ['filter exactly "sites/#"', 'iot:Subscribe', 'sites/#', noThing('c'), 'allow'],
      ['filter "sites/a" is not "sites/#"', 'iot:Subscribe', 'sites/a', noThing('c'), 'implicit-deny'],
      ['filter "sites/+" is not "sites/#"', 'iot:Subscribe', 'sites/+', noThing('c'), 'implicit-deny'],
      ['filter "rooms/+/temp" literally', 'iot:Subscribe', 'rooms/+/temp', noThing('c'), 'allow'],
      [
        'filter "rooms/kitchen/temp" is not "rooms/+/temp"',
        'iot:Subscribe',
        'rooms/kitchen/temp',
        noThing('c'),
        'implicit-deny',
      ],
      ['* matches "fleet/#"', 'iot:Subscribe', 'fleet/#', noThing('c'), 'allow'],
      ['* matches across levels', 'iot:Subscribe', 'fleet/a/b/c', noThing('c'), 'allow'],
      ['* needs the prefix', 'iot:Subscribe', 'fleetx', noThing('c'), 'implicit-deny'],
      ['? matches one character', 'iot:Publish', 'sensor/7/data', noThing('c'), 'allow'],
      ['? does not match two', 'iot:Publish', 'sensor/77/data', noThing('c'), 'implicit-deny'],
      ['? does not match an empty string', 'iot:Publish', 'sensor//data', noThing('c'), 'implicit-deny'],
      ['Receive on the same pattern', 'iot:Receive', 'sensor/x/data', noThing('c'), 'allow'],
      [
        'topic resource does not grant a topicfilter',
        'iot:Subscribe',
        'sensor/7/data',
        noThing('c'),
        'implicit-deny',
      ],
    ],
  );
});

describe('explicit Deny wins (pub-sub-policy: deny publishing to subtopics)', () => {
  table(
    {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['iot:Publish'], Resource: `${ARN}:topic/department/*` },
        { Effect: 'Deny', Action: ['iot:Publish'], Resource: `${ARN}:topic/department/admins/*` },
        { Effect: 'Allow', Action: 'iot:*', Resource: '*' },
        { Effect: 'Deny', Action: 'iot:Rec*', Resource: `${ARN}:topic/department/restricted/*` },
      ],
    },
    [
      ['publish to department/a', 'iot:Publish', 'department/a', noThing('c'), 'allow'],
      ['publish to department/admins/x', 'iot:Publish', 'department/admins/x', noThing('c'), 'explicit-deny'],
      ['iot:* allows subscribe anywhere', 'iot:Subscribe', 'department/#', noThing('c'), 'allow'],
      [
        'receive denied by an action wildcard',
        'iot:Receive',
        'department/restricted/1',
        noThing('c'),
        'explicit-deny',
      ],
      [
        'a subscribe deny would not stop receive; here receive elsewhere is allowed',
        'iot:Receive',
        'department/a',
        noThing('c'),
        'allow',
      ],
    ],
  );
  it('names the deciding statement', () => {
    const policy = parsePolicy('p', {
      Statement: [
        { Sid: 'all', Effect: 'Allow', Action: 'iot:*', Resource: '*' },
        { Sid: 'no-admins', Effect: 'Deny', Action: 'iot:Publish', Resource: `${ARN}:topic/admins/*` },
      ],
    });
    const request = { action: 'iot:Publish' as const, resource: `${ARN}:topic/admins/x` };
    expect(evaluate([policy], request, noThing('c'))).toEqual({
      decision: 'explicit-deny',
      allowed: false,
      statement: { policyName: 'p', index: 1, sid: 'no-admins', effect: 'Deny' },
      missingContextValues: [],
    });
    expect(evaluate([policy], { ...request, resource: `${ARN}:topic/ok` }, noThing('c')).statement?.sid).toBe(
      'all',
    );
  });
  it('a Deny in one policy overrides an Allow in another', () => {
    const allow = parsePolicy('allow', { Statement: { Effect: 'Allow', Action: 'iot:*', Resource: '*' } });
    const deny = parsePolicy('deny', { Statement: { Effect: 'Deny', Action: 'iot:Connect', Resource: '*' } });
    const r = evaluate([allow, deny], { action: 'iot:Connect', resource: `${ARN}:client/x` }, noThing('x'));
    expect([r.decision, r.statement?.policyName]).toEqual(['explicit-deny', 'deny']);
  });
});

describe('thing policy examples: IsAttached, type and attribute conditions', () => {
  table(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['iot:Connect'],
          Resource: ['*'],
          Condition: { Bool: { 'iot:Connection.Thing.IsAttached': ['true'] } },
        },
        {
          Effect: 'Allow',
          Action: ['iot:Publish'],
          Resource: `${ARN}:topic/device/stats`,
          Condition: {
            StringEquals: {
              'iot:Connection.Thing.Attributes[attributeName]': 'attributeValue',
              'iot:Connection.Thing.ThingTypeName': 'Thing_Type_Name',
            },
            Bool: { 'iot:Connection.Thing.IsAttached': 'true' },
          },
        },
        {
          Effect: 'Allow',
          Action: ['iot:Publish'],
          Resource: `${ARN}:topic/\${iot:Connection.Thing.Attributes[site]}/*`,
        },
      ],
    },
    [
      ['connect when attached', 'iot:Connect', 'lamp-1', thingContext('lamp-1'), 'allow'],
      ['no connect when not attached', 'iot:Connect', 'lamp-1', noThing('lamp-1'), 'implicit-deny'],
      [
        'publish stats with matching type and attribute',
        'iot:Publish',
        'device/stats',
        thingContext('lamp-1'),
        'allow',
      ],
      ['no stats without a thing', 'iot:Publish', 'device/stats', noThing('lamp-1'), 'implicit-deny'],
      ['publish under its site attribute', 'iot:Publish', 'plant-7/temp', thingContext('lamp-1'), 'allow'],
      ['not under another site', 'iot:Publish', 'plant-8/temp', thingContext('lamp-1'), 'implicit-deny'],
    ],
  );
  it('a missing attribute does not match, and is reported as a missing context value', () => {
    const policy = parsePolicy('p', {
      Statement: {
        Effect: 'Allow',
        Action: 'iot:Publish',
        Resource: `${ARN}:topic/\${iot:Connection.Thing.Attributes[nope]}/*`,
      },
    });
    const r = evaluate(
      [policy],
      { action: 'iot:Publish', resource: `${ARN}:topic/x/y` },
      thingContext('lamp-1'),
    );
    expect(r).toMatchObject({
      decision: 'implicit-deny',
      missingContextValues: ['iot:Connection.Thing.Attributes[nope]'],
    });
  });
  it('an attribute value holding # or + matches literally: it cannot widen a topic filter', () => {
    const ctx: PolicyContext = {
      ...thingContext('lamp-1'),
      thing: { thingName: 'lamp-1', thingTypeName: undefined, attributes: { site: '#' } },
    };
    const policy = parsePolicy('p', {
      Statement: {
        Effect: 'Allow',
        Action: 'iot:Subscribe',
        Resource: `${ARN}:topicfilter/sites/\${iot:Connection.Thing.Attributes[site]}`,
      },
    });
    const sub = (f: string): AuthDecision =>
      evaluate([policy], { action: 'iot:Subscribe', resource: `${ARN}:topicfilter/${f}` }, ctx).decision;
    expect([sub('sites/#'), sub('sites/a'), sub('sites/+')]).toEqual([
      'allow',
      'implicit-deny',
      'implicit-deny',
    ]);
  });
});

describe('certificate variables (cert-policy-variables)', () => {
  table(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'iot:Connect',
          Resource: `${ARN}:client/\${iot:Certificate.Subject.CommonName}`,
        },
        {
          Effect: 'Allow',
          Action: 'iot:Publish',
          Resource: `${ARN}:topic/\${iot:Certificate.Subject.Organization}/\${iot:Certificate.Subject.OrganizationalUnit.2}/*`,
        },
        {
          Effect: 'Allow',
          Action: 'iot:Subscribe',
          Resource: `${ARN}:topicfilter/\${iot:Certificate.Subject.Title}/*`,
        },
        {
          Effect: 'Allow',
          Action: 'iot:Receive',
          Resource: `${ARN}:topic/\${iot:Certificate.Subject.OrganizationalUnit}/*`,
          Condition: { StringEquals: { 'iot:Certificate.Issuer.CommonName': 'IoT Devices Primary CA' } },
        },
      ],
    },
    [
      ['connect as the CN', 'iot:Connect', 'lamp-1', noThing('lamp-1'), 'allow'],
      ['not as another id', 'iot:Connect', 'lamp-2', noThing('lamp-2'), 'implicit-deny'],
      ['.2 picks the second OU', 'iot:Publish', 'Example Corp/Kitchen/x', noThing('lamp-1'), 'allow'],
      ['not the first OU', 'iot:Publish', 'Example Corp/LightBulb/x', noThing('lamp-1'), 'implicit-deny'],
      ['no Title attribute: unresolved', 'iot:Subscribe', '/x', noThing('lamp-1'), 'implicit-deny'],
      ['no index: the first value', 'iot:Receive', 'LightBulb/x', noThing('lamp-1'), 'allow'],
    ],
  );
  it('a certificate value holding * is left as literal ${…} text (AWS), so it never widens', () => {
    const ctx: PolicyContext = {
      ...noThing('x'),
      certificate: { subject: nameAttributes({ CN: ['*'] }), issuer: {} },
    };
    const policy = parsePolicy('p', {
      Statement: {
        Effect: 'Allow',
        Action: 'iot:Connect',
        Resource: `${ARN}:client/\${iot:Certificate.Subject.CommonName}`,
      },
    });
    const connect = (id: string): AuthDecision =>
      evaluate([policy], { action: 'iot:Connect', resource: `${ARN}:client/${id}` }, ctx).decision;
    expect([connect('anything'), connect('*'), connect('${iot:Certificate.Subject.CommonName}')]).toEqual([
      'implicit-deny',
      'implicit-deny',
      'allow',
    ]);
  });
});

describe('condition operators and their IfExists forms', () => {
  const with1 = (condition: Record<string, unknown>): AuthDecision =>
    evaluate(
      [
        parsePolicy('p', {
          Statement: { Effect: 'Allow', Action: 'iot:Connect', Resource: '*', Condition: condition },
        }),
      ],
      { action: 'iot:Connect', resource: `${ARN}:client/lamp-1` },
      thingContext('lamp-1'),
    ).decision;
  const cases: Array<[string, Record<string, unknown>, AuthDecision]> = [
    ['StringEquals hit', { StringEquals: { 'iot:ClientId': 'lamp-1' } }, 'allow'],
    ['StringEquals is case-sensitive', { StringEquals: { 'iot:ClientId': 'LAMP-1' } }, 'implicit-deny'],
    ['StringEquals any of several values', { StringEquals: { 'iot:ClientId': ['x', 'lamp-1'] } }, 'allow'],
    ['key names are case-insensitive', { StringEquals: { 'IOT:CLIENTID': 'lamp-1' } }, 'allow'],
    [
      'StringEquals value with a variable',
      { StringEquals: { 'iot:ClientId': '${iot:Connection.Thing.ThingName}' } },
      'allow',
    ],
    [
      'StringEquals does not read * as a wildcard',
      { StringEquals: { 'iot:ClientId': 'lamp-*' } },
      'implicit-deny',
    ],
    ['StringNotEquals', { StringNotEquals: { 'iot:ClientId': 'lamp-2' } }, 'allow'],
    [
      'StringNotEquals none of several',
      { StringNotEquals: { 'iot:ClientId': ['lamp-2', 'lamp-1'] } },
      'implicit-deny',
    ],
    ['StringLike', { StringLike: { 'iot:ClientId': 'lamp-*' } }, 'allow'],
    ['StringLike ?', { StringLike: { 'iot:ClientId': 'lamp-?' } }, 'allow'],
    ['StringNotLike', { StringNotLike: { 'iot:ClientId': 'lamp-*' } }, 'implicit-deny'],
    ['Bool true', { Bool: { 'iot:Connection.Thing.IsAttached': true } }, 'allow'],
    ['Bool false', { Bool: { 'iot:Connection.Thing.IsAttached': 'false' } }, 'implicit-deny'],
    [
      'ArnLike with a missing key',
      { ArnLike: { 'iot:Connection.Thing.ThingArn': 'arn:*' } },
      'implicit-deny',
    ],
    [
      'ArnEquals with a missing key',
      { ArnEquals: { 'iot:Connection.Thing.ThingArn': 'arn:*' } },
      'implicit-deny',
    ],
    ['Null true on a missing key', { Null: { 'iot:Connection.Thing.Attributes[nope]': 'true' } }, 'allow'],
    [
      'Null false on a missing key',
      { Null: { 'iot:Connection.Thing.Attributes[nope]': 'false' } },
      'implicit-deny',
    ],
    ['Null false on a present key', { Null: { 'iot:Connection.Thing.ThingName': 'false' } }, 'allow'],
    [
      'missing key: StringEquals false',
      { StringEquals: { 'iot:Connection.Thing.Attributes[nope]': 'x' } },
      'implicit-deny',
    ],
    [
      'missing key: StringNotEquals true',
      { StringNotEquals: { 'iot:Connection.Thing.Attributes[nope]': 'x' } },
      'allow',
    ],
    [
      'missing key: StringEqualsIfExists true',
      { StringEqualsIfExists: { 'iot:Connection.Thing.Attributes[nope]': 'x' } },
      'allow',
    ],
    [
      'present key: StringEqualsIfExists compares',
      { StringEqualsIfExists: { 'iot:ClientId': 'x' } },
      'implicit-deny',
    ],
    [
      'missing key: StringLikeIfExists true',
      { StringLikeIfExists: { 'iot:Connection.Thing.Attributes[nope]': 'x*' } },
      'allow',
    ],
    [
      'missing key: BoolIfExists true',
      { BoolIfExists: { 'iot:Certificate.Subject.Title': 'true' } },
      'allow',
    ],
    [
      'missing key: ArnLikeIfExists true',
      { ArnLikeIfExists: { 'iot:Connection.Thing.ThingArn': 'arn:*' } },
      'allow',
    ],
    [
      'missing key: StringNotLikeIfExists true',
      { StringNotLikeIfExists: { 'iot:Connection.Thing.Attributes[nope]': 'x*' } },
      'allow',
    ],
    [
      'two operators are ANDed',
      { StringLike: { 'iot:ClientId': 'lamp-*' }, StringEquals: { 'iot:ClientId': 'x' } },
      'implicit-deny',
    ],
    [
      'two keys are ANDed',
      { StringEquals: { 'iot:ClientId': 'lamp-1', 'iot:Connection.Thing.ThingTypeName': 'other' } },
      'implicit-deny',
    ],
    [
      'an unresolvable variable in a value: no match',
      { StringNotEquals: { 'iot:ClientId': '${iot:Connection.Thing.Attributes[nope]}' } },
      'implicit-deny',
    ],
  ];
  it.each(cases)('%s', (_label, condition, want) => {
    expect(with1(condition)).toBe(want);
  });
});

describe('documents the evaluator refuses', () => {
  const refuse = (document: unknown): { code: string; path: string | undefined } => {
    try {
      parsePolicy('p', document);
    } catch (error) {
      const e = error as { code: string; path: string | undefined; remedy: string };
      expect(e.remedy.length).toBeGreaterThan(0);
      return { code: e.code, path: e.path };
    }
    throw new Error('expected an error');
  };
  it.each([
    ['IpAddress', { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }],
    ['StringEqualsIgnoreCase', { StringEqualsIgnoreCase: { 'iot:ClientId': 'x' } }],
    ['ForAnyValue:StringEquals', { 'ForAnyValue:StringEquals': { 'iot:ClientId': 'x' } }],
    ['NullIfExists', { NullIfExists: { 'iot:ClientId': 'true' } }],
    ['DateGreaterThan', { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } }],
  ])('refuses the operator %s with UnsupportedPolicyCondition', (name, condition) => {
    expect(
      refuse({ Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: condition }] }),
    ).toEqual({
      code: 'UnsupportedPolicyCondition',
      path: `$.Statement[0].Condition.${name}`,
    });
  });
  it.each([
    ['not JSON', '{', '$'],
    ['no Statement', { Version: '2012-10-17' }, '$.Statement'],
    ['bad Effect', { Statement: [{ Effect: 'allow', Action: '*', Resource: '*' }] }, '$.Statement[0].Effect'],
    ['no Action', { Statement: [{ Effect: 'Allow', Resource: '*' }] }, '$.Statement[0]'],
    [
      'Action and NotAction',
      { Statement: [{ Effect: 'Allow', Action: '*', NotAction: '*', Resource: '*' }] },
      '$.Statement[0]',
    ],
    [
      'empty Resource list',
      { Statement: [{ Effect: 'Allow', Action: '*', Resource: [] }] },
      '$.Statement[0].Resource',
    ],
  ])('refuses a document with %s (InvalidPolicyDocument)', (_label, document, path) => {
    expect(refuse(document)).toEqual({ code: 'InvalidPolicyDocument', path });
  });
});

describe('NotAction and NotResource', () => {
  table(
    {
      Statement: [
        { Effect: 'Allow', NotAction: 'iot:Publish', Resource: '*' },
        { Effect: 'Allow', Action: 'iot:Publish', NotResource: `${ARN}:topic/secret/*` },
      ],
    },
    [
      ['NotAction allows the other actions', 'iot:Subscribe', 'a', noThing('c'), 'allow'],
      ['NotResource allows other topics', 'iot:Publish', 'public/1', noThing('c'), 'allow'],
      ['NotResource excludes its topics', 'iot:Publish', 'secret/1', noThing('c'), 'implicit-deny'],
    ],
  );
});
