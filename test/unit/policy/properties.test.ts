// Invariants of the policy evaluator, for any input (fast-check).
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: AWS IoT policy variables are written as ${…} in policies.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { evaluate, matchesPattern, type PolicyContext, parsePolicy } from '../../../lib/policy/index.js';

const ARN = 'arn:aws:iot:us-east-1:123456789012';
const noThing = (clientId: string): PolicyContext => ({ clientId, thing: undefined, certificate: undefined });
/** Topic-ish text over the characters that matter: wildcards of both kinds, separators, letters. */
const text = fc.string({
  unit: fc.constantFrom('a', 'b', '/', '+', '#', '*', '?', '$', '{', '}'),
  maxLength: 12,
});

/** Reference semantics: `*` any run, `?` one character, everything else literal. */
function reference(pattern: string, value: string): boolean {
  const source = Array.from(pattern, (ch) =>
    ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
  ).join('');
  return new RegExp(`^${source}$`, 'su').test(value);
}

describe('policy properties', () => {
  it('the matcher agrees with the reference semantics (+ and # literal)', () => {
    const pattern = fc.string({ unit: fc.constantFrom('a', 'b', '/', '+', '#', '*', '?'), maxLength: 10 });
    const value = fc.string({ unit: fc.constantFrom('a', 'b', '/', '+', '#', '*', '?'), maxLength: 10 });
    fc.assert(
      fc.property(pattern, value, (p, v) => matchesPattern(p, v, undefined) === reference(p, v)),
      { numRuns: 2_000 },
    );
  });

  it('a substituted client id is literal: topic/${iot:ClientId}/x allows exactly "<clientId>/x"', () => {
    const policy = parsePolicy('p', {
      Statement: { Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/\${iot:ClientId}/x` },
    });
    fc.assert(
      fc.property(text, text, (clientId, topic) => {
        const r = evaluate(
          [policy],
          { action: 'iot:Publish', resource: `${ARN}:topic/${topic}` },
          noThing(clientId),
        );
        return r.allowed === (topic === `${clientId}/x`);
      }),
      { numRuns: 2_000 },
    );
  });

  it('a matching Deny wins over any number of Allow statements, in any policy order', () => {
    const deny = parsePolicy('deny', {
      Statement: { Effect: 'Deny', Action: 'iot:*', Resource: `${ARN}:topic/secret/*` },
    });
    fc.assert(
      fc.property(fc.array(text, { maxLength: 5 }), text, fc.boolean(), (allowed, suffix, denyFirst) => {
        const allow = parsePolicy('allow', {
          Statement: [
            { Effect: 'Allow', Action: '*', Resource: '*' },
            ...allowed.map((a) => ({
              Effect: 'Allow',
              Action: 'iot:Publish',
              Resource: `${ARN}:topic/${a}*`,
            })),
          ],
        });
        const policies = denyFirst ? [deny, allow] : [allow, deny];
        const r = evaluate(
          policies,
          { action: 'iot:Publish', resource: `${ARN}:topic/secret/${suffix}` },
          noThing('c'),
        );
        return r.decision === 'explicit-deny' && r.statement?.policyName === 'deny';
      }),
    );
  });

  it('a statement with an unresolvable variable never allows anything', () => {
    const policy = parsePolicy('p', {
      Statement: { Effect: 'Allow', Action: '*', Resource: ['*${iot:Connection.Thing.ThingName}*'] },
    });
    fc.assert(
      fc.property(
        text,
        fc.constantFrom(
          'iot:Connect',
          'iot:Publish',
          'iot:Subscribe',
          'iot:Receive',
        ) as fc.Arbitrary<'iot:Connect'>,
        (name, action) => {
          const r = evaluate([policy], { action, resource: `${ARN}:topic/${name}` }, noThing('c'));
          return !r.allowed && r.missingContextValues.includes('iot:Connection.Thing.ThingName');
        },
      ),
    );
  });
});
