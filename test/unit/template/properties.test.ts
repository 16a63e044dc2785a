// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the generators write Fn::Sub text literally.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTemplateError } from '../../../lib/template/errors.js';
import { POLICY_SAFE_VALUE } from '../../../lib/template/limits.js';
import { parseTemplate } from '../../../lib/template/parse.js';
import { render } from '../../../lib/template/render.js';
import { validatePlan } from '../../../lib/template/validate.js';

const CN = 'AWS::IoT::Certificate::CommonName';
const ID = 'AWS::IoT::Certificate::Id';
const NAMES = ['A', 'B', CN, ID, 'Undeclared'] as const;

const w = <T>(arbitrary: fc.Arbitrary<T>, weight: number) => ({ arbitrary, weight });

/** Values a certificate might carry: ordinary, hostile, unicode, long. */
const value = fc.oneof(
  w(fc.constantFrom('lamp-1', 'g7', 'SN-42', 'DE'), 16),
  w(fc.constant('Zürich'), 1),
  w(fc.string(), 1),
  w(fc.string({ unit: 'grapheme', maxLength: 20 }), 1),
  w(fc.constantFrom('*', '#', '+', '/', '?', '"', "'", '\\', '${iot:ClientId}', '', 'a.b.c', 'true'), 3),
  w(fc.constant('c0ffee'.padEnd(64, '0')), 2),
  w(fc.string({ minLength: 100, maxLength: 5000 }), 1),
);

const { expr } = fc.letrec<{ expr: unknown; list: unknown }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    w(fc.constantFrom('lamp', 'g1', 'v1'), 12),
    w(fc.record({ Ref: fc.constantFrom('A', 'B', CN) }), 6),
    w(fc.record({ Ref: fc.constantFrom(ID, 'Undeclared') }), 1),
    w(fc.string({ maxLength: 12 }), 1),
    w(
      fc.record({
        'Fn::Join': fc.tuple(fc.constantFrom('', '-', '/'), fc.array(tie('expr'), { maxLength: 3 })),
      }),
      2,
    ),
    w(
      fc.record({
        'Fn::Select': fc.tuple(fc.oneof(fc.nat(4), fc.constantFrom('0', '1', 'x', '-1')), tie('list')),
      }),
      2,
    ),
    w(
      fc.record({
        'Fn::FindInMap': fc.tuple(fc.constantFrom('M', 'N'), tie('expr'), fc.constantFrom('k', 'z')),
      }),
      1,
    ),
    w(
      fc.record({
        'Fn::Sub': fc.constantFrom(
          'dev-${A}',
          '${B}_${!Lit}',
          'x-${iot:ClientId}',
          '${Undeclared}',
          `\${${CN}}`,
        ),
      }),
      2,
    ),
    w(
      fc.record({ 'Fn::Sub': fc.tuple(fc.constantFrom('${V}-${A}', '${V'), fc.record({ V: tie('expr') })) }),
      1,
    ),
    w(fc.constantFrom(null, 42, true, [], {}, { 'Fn::If': [] }), 1),
  ),
  list: fc.oneof(
    fc.array(fc.oneof(tie('expr'), fc.constant(null)), { maxLength: 3 }),
    fc.record({ 'Fn::Split': fc.tuple(fc.constantFrom('.', '-', ''), tie('expr')) }),
  ),
}));

const POLICY_TEXT =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:eu-west-1:123456789012:topicfilter/devices/${' +
  CN +
  '}"}]}';
const policyDocument = fc.oneof(
  w(fc.constant({ 'Fn::Sub': POLICY_TEXT }), 3),
  w(
    fc.record({
      Version: fc.constant('2012-10-17'),
      Statement: fc.array(fc.record({ Resource: expr }), { maxLength: 2 }),
    }),
    3,
  ),
  w(fc.constant('{"Version":"2012-10-17","Statement":[]}'), 1),
  w(expr, 1),
);

const template = fc.record({
  Parameters: fc.constant({
    A: { Type: 'String' },
    B: { Type: 'String', Default: 'b-default' },
    [CN]: { Type: 'String' },
  }),
  Mappings: fc.constant({ M: { lamp: { k: 'mapped' }, x: { k: 'y' } } }),
  Resources: fc.record(
    {
      thing: fc.record({
        Type: fc.constant('AWS::IoT::Thing'),
        Properties: fc.record(
          {
            ThingName: expr,
            ThingTypeName: expr,
            ThingGroups: fc.oneof(w(fc.array(expr, { maxLength: 11 }), 6), w(expr, 1)),
            AttributePayload: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'bad key'), expr, {
              maxKeys: 3,
            }),
            BillingGroup: expr,
          },
          { requiredKeys: ['ThingName'] },
        ),
      }),
      cert: fc.record({
        Type: fc.constant('AWS::IoT::Certificate'),
        Properties: fc.record(
          {
            CertificateId: fc.oneof(w(fc.constant({ Ref: ID }), 8), w(expr, 1)),
            Status: fc.oneof(w(fc.constantFrom('ACTIVE', 'Active', 'INACTIVE'), 8), w(expr, 1)),
          },
          { requiredKeys: ['CertificateId'] },
        ),
      }),
      policy: fc.record({
        Type: fc.constant('AWS::IoT::Policy'),
        Properties: fc.record({ PolicyDocument: policyDocument }),
      }),
    },
    { requiredKeys: [] },
  ),
});

const idValue = fc.oneof(w(fc.constant('c0ffee'.padEnd(64, '0')), 9), w(value, 1));
const parameters = fc.oneof(
  w(fc.record({ A: value, B: value, [CN]: value, [ID]: idValue }, { requiredKeys: ['A', CN, ID] }), 9),
  w(fc.dictionary(fc.constantFrom(...NAMES), value, { maxKeys: 5 }), 1),
);

describe('render (property)', () => {
  it('throws nothing but the engine typed errors, and every plan passes the AWS-limit validation', () => {
    let plans = 0;
    fc.assert(
      fc.property(template, parameters, (t, p) => {
        let plan: ReturnType<typeof render>;
        try {
          plan = render(t, p);
        } catch (error) {
          if (!isTemplateError(error)) throw error;
          return;
        }
        plans += 1;
        // Outside the catch: a plan that breaks an AWS limit fails the property.
        validatePlan(plan);
      }),
      { numRuns: 600 },
    );
    // The generators must reach the success path often, or the second half of the property is vacuous.
    expect(plans).toBeGreaterThan(30);
  });

  it('never lets a certificate value widen a Fn::Sub policy: the value is safe or the render fails', () => {
    fc.assert(
      fc.property(value, (cn) => {
        const t = {
          Parameters: { [CN]: { Type: 'String' } },
          Resources: {
            p: { Type: 'AWS::IoT::Policy', Properties: { PolicyDocument: { 'Fn::Sub': POLICY_TEXT } } },
          },
        };
        try {
          const plan = render(t, { [CN]: cn });
          expect(POLICY_SAFE_VALUE.test(cn)).toBe(true);
          expect(plan.policies[0]?.policyDocument).toEqual({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 'iot:Subscribe',
                Resource: `arn:aws:iot:eu-west-1:123456789012:topicfilter/devices/${cn}`,
              },
            ],
          });
        } catch (error) {
          if (!isTemplateError(error)) throw error;
          expect((error as { code: string }).code).toBe('UnsafeCertificateValue');
          expect(POLICY_SAFE_VALUE.test(cn)).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseTemplate (property)', () => {
  it('throws nothing but the engine typed errors on arbitrary JSON and text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.string(), fc.json(), template), (input) => {
        try {
          parseTemplate(input);
        } catch (error) {
          if (!isTemplateError(error)) throw error;
        }
      }),
      { numRuns: 500 },
    );
  });
});
