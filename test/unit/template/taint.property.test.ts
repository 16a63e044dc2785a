// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the generators write Fn::Sub and policy-variable text literally.
// Issue 9's first invariant, over generated templates AND generated certificate values: for a
// template that `jitr template check` accepts, the policy a hostile certificate gets is the policy
// a benign certificate gets, character classes aside (every run of policy-safe characters counts
// as one "word"), with Effect, Action, Not*, Version and every key identical, and thing attributes
// that the policy reads back substituted as AWS would at connect time. Otherwise rendering fails
// with the device's UnsafeCertificateValue (or a value-dependent InvalidIntrinsic).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJitrError } from '../../../lib/errors/jitr-error.js';
import { checkTemplate } from '../../../lib/template/check.js';
import type { Plan } from '../../../lib/template/plan.js';
import { render } from '../../../lib/template/render.js';

const CN = 'AWS::IoT::Certificate::CommonName';
const OU = 'AWS::IoT::Certificate::OrganizationalUnit';
const PARAMS = [CN, OU] as const;
const w = <T>(arbitrary: fc.Arbitrary<T>, weight: number) => ({ arbitrary, weight });

/** What a hostile certificate might carry: delimiters, wildcards, JSON/policy syntax, lookalikes. */
const hostileValue = fc.oneof(
  w(
    fc.constantFrom(
      '',
      '-',
      '--',
      '-fleet',
      'fleet-',
      'a--b',
      'a-b',
      'a.b',
      'a-b.c',
      'lamp-1',
      '0',
      '1',
      '2',
      'k',
      'admin',
      'x-y',
      '#',
      '+',
      '*',
      '?',
      '/',
      'a/b',
      '$',
      '{',
      '}',
      '${iot:ClientId}',
      '"',
      "'",
      '\\',
      'a\\u0022',
      ' ',
      '\n',
      '\u0000',
      'NotResource',
      'Allow',
      'Deny',
      'iot:*',
      'Resource',
      'site',
      'model',
      'ａ',
      'Ꭺ',
      '\u202e',
      'Zürich',
      'x'.repeat(129),
    ),
    8,
  ),
  w(
    fc
      .array(fc.constantFrom('a', '-', '.', '/', '#', '*', '', 'b1', '|'), { maxLength: 6 })
      .map((p) => p.join('')),
    3,
  ),
  w(fc.constantFrom('0', '1', '2', 'admin', 'x-y'), 2),
  w(fc.string({ maxLength: 12 }), 1),
);
const BENIGN_CHOICES = ['b0-b1.b2-b3|b4', '0', 'k'];

const ARN = 'arn:aws:iot:*:*';
const ref = fc.constantFrom(...PARAMS).map((name) => ({ Ref: name }));
const subText = fc
  .tuple(
    fc.constantFrom('dev/@', '@-@', '@*', '@', 'x@|@', '@-sfx/*', `${ARN}:topicfilter/@/*`),
    fc.constantFrom(...PARAMS),
  )
  .map(([text, name]) => ({ 'Fn::Sub': text.replaceAll('@', `\${${name}}`) }));

const { expr } = fc.letrec<{ expr: unknown; list: unknown }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    w(fc.constantFrom(`${ARN}:topicfilter/devices/`, '*', 'a', '/', '', '-', 'x-y', 'own'), 6),
    w(ref, 6),
    w(subText, 4),
    w(fc.record({ 'Fn::Join': fc.tuple(fc.constantFrom('', '-', '/', '|'), tie('list')) }), 3),
    w(fc.record({ 'Fn::Select': fc.tuple(fc.oneof(w(fc.constant(0), 3), w(fc.nat(2), 1)), tie('list')) }), 4),
    w(fc.record({ 'Fn::Select': fc.tuple(ref, fc.constant(['own', `${ARN}:topicfilter/*`, 'b'])) }), 2),
    w(fc.record({ 'Fn::FindInMap': fc.tuple(fc.constant('M'), tie('expr'), fc.constant('v')) }), 1),
  ),
  list: fc.oneof(
    fc.array(tie('expr'), { minLength: 1, maxLength: 3 }),
    fc.record({ 'Fn::Split': fc.tuple(fc.constantFrom('-', '.', '|', '/'), tie('expr')) }),
  ),
}));

const resource = fc.oneof(
  w(expr, 5),
  w(fc.array(expr, { minLength: 1, maxLength: 2 }), 1),
  w(fc.constant(`${ARN}:topicfilter/sites/\${iot:Connection.Thing.Attributes[site]}/*`), 2),
  w(fc.constant(`${ARN}:topicfilter/\${iot:Connection.Thing.Attributes[model]}*`), 1),
  w(fc.constant(`${ARN}:topicfilter/devices/\${iot:Certificate.Subject.CommonName}/*`), 1),
  w(
    ref.map((r) => ({
      'Fn::Join': ['', [`${ARN}:topicfilter/\${iot:Connection.Thing.Attributes[`, r, ']}/*']],
    })),
    1,
  ),
);
const objectStatement = fc.record(
  {
    Effect: fc.oneof(w(fc.constant('Allow'), 9), w(expr, 1)),
    Action: fc.oneof(w(fc.constantFrom('iot:Subscribe', ['iot:Publish', 'iot:Receive']), 9), w(expr, 1)),
    Resource: resource,
    Condition: fc.oneof(
      fc.constant({ Bool: { 'iot:Connection.Thing.IsAttached': 'true' } }),
      expr.map((value) => ({ StringEquals: { 'iot:ClientId': value } })),
    ),
  },
  { requiredKeys: ['Effect', 'Action', 'Resource'] },
);
const objectDocument = fc.record({
  Version: fc.constant('2012-10-17'),
  Statement: fc.array(objectStatement, { minLength: 1, maxLength: 2 }),
});

/** Statements as Fn::Sub text; `@` becomes a parameter, in safe and in forbidden positions. */
const SUB_STATEMENTS = [
  `"Effect":"Allow","Action":"iot:Subscribe","Resource":"${ARN}:topicfilter/devices/@/*"`,
  `"Effect":"Allow","Action":"iot:Subscribe","Resource":["${ARN}:topicfilter/@*","${ARN}:topicfilter/x/@"]`,
  '"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":{"StringEquals":{"iot:ClientId":"@"}}',
  '"Effect":"@","Action":"iot:Connect","Resource":"*"',
  '"Effect":"Allow","Action":"iot:@","Resource":"*"',
  '"Effect":"Allow","Action":"iot:Connect","NotResource":"@"',
  '"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":{"StringEquals":{"@":"v"}}',
  '"Effect":"Allow","Action":"iot:Connect","@":"*"',
  '"Effect":"Allow","Action":"iot:Connect","Resource":"*"@',
];
const subDocument = fc
  .array(fc.tuple(fc.constantFrom(...SUB_STATEMENTS), fc.constantFrom(...PARAMS)), {
    minLength: 1,
    maxLength: 2,
  })
  .map((statements) => ({
    'Fn::Sub': `{"Version":"2012-10-17","Statement":[${statements
      .map(([text, name]) => `{${text.replaceAll('@', `\${${name}}`)}}`)
      .join(',')}]}`,
  }));
const JOIN_FRAMES: [string, string][] = [
  [
    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Subscribe","Resource":"${ARN}:topicfilter/`,
    '"}]}',
  ],
  ['{"Version":"2012-10-17","Statement":[{"Effect":"', '","Action":"iot:Connect","Resource":"*"}]}'],
  [
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*","',
    '":"x"}]}',
  ],
];
const joinDocument = fc
  .tuple(fc.constantFrom(...JOIN_FRAMES), expr)
  .map(([[prefix, suffix], value]) => ({ 'Fn::Join': ['', [prefix, value, suffix]] }));

/** Attribute values: AWS's attribute pattern allows `#`, `/` and `,` but no `*` or `|`. */
const attribute = fc.oneof(
  ref,
  fc.constantFrom(...PARAMS).map((name) => ({ 'Fn::Sub': `site-\${${name}}` })),
  fc.constantFrom(...PARAMS).map((name) => ({ 'Fn::Select': [0, { 'Fn::Split': ['-', { Ref: name }] }] })),
  fc.constantFrom(...PARAMS).map((name) => ({ 'Fn::Join': ['/', { 'Fn::Split': ['.', { Ref: name }] }] })),
  fc.constant('v1'),
);

const template = fc
  .record({
    document: fc.oneof(w(objectDocument, 4), w(subDocument, 2), w(joinDocument, 2)),
    site: attribute,
    model: attribute,
    unchecked: fc.subarray(['model']),
  })
  .map(({ document, site, model, unchecked }) => ({
    Metadata: { 'JITR::UncheckedPolicyAttributes': unchecked },
    Parameters: { [CN]: { Type: 'String' }, [OU]: { Type: 'String' } },
    Mappings: {
      M: {
        x: { v: 'mx' },
        k: { v: 'mv' },
        admin: { v: `${ARN}:topicfilter/*` },
        'x-y': { v: 'a/b' },
        lamp: { v: '' },
      },
    },
    Resources: {
      thing: {
        Type: 'AWS::IoT::Thing',
        Properties: { ThingName: 'thing-1', ThingTypeName: 't', AttributePayload: { site, model } },
      },
      policy: { Type: 'AWS::IoT::Policy', Properties: { PolicyDocument: document } },
    },
  }));

const values = fc.record({ [CN]: hostileValue, [OU]: hostileValue });

const EXACT = new Set(['Effect', 'Action', 'NotAction', 'NotResource', 'Version', 'Sid']);
const word = (text: string): string => text.replace(/[\p{L}\p{N}_\-.:@=]+/gu, 'a');

/** The policy as AWS evaluates it: thing attributes (except those opted out) and the CN substituted. */
function effectivePolicy(plan: Plan, unchecked: readonly string[], cn: string): unknown {
  const text = JSON.stringify(plan.policies[0]?.policyDocument ?? null)
    .replaceAll('${iot:Certificate.Subject.CommonName}', JSON.stringify(cn).slice(1, -1))
    .replace(/\$\{iot:Connection\.Thing\.Attributes\[([^\]]*)\]\}/g, (variable, name: string) =>
      unchecked.includes(name) ? variable : JSON.stringify(plan.thing?.attributes[name] ?? '').slice(1, -1),
    );
  return JSON.parse(text);
}

/** Same structure and keys; exact in EXACT fields; elsewhere equal up to runs of safe characters. */
function sameUpToWords(hostile: unknown, benign: unknown, exact = false): boolean {
  if (Array.isArray(benign)) {
    return (
      Array.isArray(hostile) &&
      hostile.length === benign.length &&
      benign.every((item, i) => sameUpToWords(hostile[i], item, exact))
    );
  }
  if (typeof benign === 'object' && benign !== null) {
    if (typeof hostile !== 'object' || hostile === null || Array.isArray(hostile)) return false;
    const keys = Object.keys(benign);
    const h = hostile as Record<string, unknown>;
    if (keys.length !== Object.keys(h).length || !keys.every((k) => Object.hasOwn(h, k))) return false;
    return keys.every((k) =>
      sameUpToWords(h[k], (benign as Record<string, unknown>)[k], exact || EXACT.has(k)),
    );
  }
  if (typeof benign === 'string' && typeof hostile === 'string') {
    return exact ? hostile === benign : word(hostile) === word(benign);
  }
  return hostile === benign;
}

function renderOrCode(t: unknown, v: Record<string, string>): Plan | string {
  try {
    // As the handler does: the CN is also what AWS substitutes for ${iot:Certificate.Subject.CommonName}.
    return render(t, v, { certificateVariables: { 'Subject.CommonName': [v[CN] ?? ''] } });
  } catch (error) {
    if (!isJitrError(error)) throw error;
    return error.code;
  }
}

describe('a certificate value never widens a policy (property)', () => {
  it('renders the benign policy up to character classes, or fails with UnsafeCertificateValue', () => {
    let compared = 0;
    let rejected = 0;
    fc.assert(
      fc.property(template, values, (t, hostile) => {
        let allowed = ['UnsafeCertificateValue', 'InvalidIntrinsic'];
        try {
          // When a placeholder value already failed, check could not validate everything behind it.
          if (checkTemplate(t).valueDependent.length > 0)
            allowed = [...allowed, 'TemplateLimitExceeded', 'InvalidTemplate'];
        } catch (error) {
          if (!isJitrError(error)) throw error;
          return; // the template is refused before any certificate meets it
        }
        const result = renderOrCode(t, hostile);
        if (typeof result === 'string') {
          expect(allowed).toContain(result);
          if (result === 'UnsafeCertificateValue') rejected += 1;
          return;
        }
        for (const choice of BENIGN_CHOICES) {
          const benign = renderOrCode(t, { [CN]: choice, [OU]: choice });
          if (typeof benign === 'string') continue;
          const unchecked = t.Metadata['JITR::UncheckedPolicyAttributes'];
          const h = effectivePolicy(result, unchecked, hostile[CN] ?? '');
          const b = effectivePolicy(benign, unchecked, choice);
          if (!sameUpToWords(h, b)) {
            throw new Error(
              `hostile ${JSON.stringify(hostile)} gives ${JSON.stringify(h)}, benign ${choice} gives ${JSON.stringify(b)}`,
            );
          }
          compared += 1;
          return;
        }
      }),
      { numRuns: 2500 },
    );
    // Both branches must be reached often, or the property proves little.
    expect(compared).toBeGreaterThan(200);
    expect(rejected).toBeGreaterThan(200);
  });
});
