// `jitr template explain`: what a device rendered from a template may do, offline. Loaded lazily.

import { DEFAULT_ACCOUNT, DEFAULT_REGION } from '../arn/arn.js';
import {
  type AuthResult,
  type Explanation,
  evaluate,
  explainPolicies,
  type IotAction,
  nameAttributes,
  type Policy,
  type PolicyContext,
  parsePolicy,
  resourceArn,
} from '../policy/index.js';
import type { Plan } from '../template/plan.js';
import { render } from '../template/render.js';
import { CommandLineError } from './errors.js';
import { loadRenderInput } from './template-impl.js';

const EXPLAIN = 'jitr template explain';

export interface ExplainOptions {
  template: string;
  cert: string;
  clientId?: string;
  /** `[verb, topic-or-id]`: publish | subscribe | connect | receive. */
  can?: string[];
  region?: string;
  account?: string;
}

export interface ExplainReport {
  certificateId: string;
  clientId: string;
  thing: { thingName: string; thingTypeName: string | null; attributes: Record<string, string> } | null;
  /** Thing policy variables resolve only when the client id is the thing name (non-exclusive attachment). */
  thingVariablesResolve: boolean;
  policies: Array<{ policyName: string; fromTemplate: boolean }>;
  may: Explanation;
  /** What this answer could not look at (existing policies, thing-group policies). */
  notChecked: string[];
  question: (AuthResult & { action: IotAction; resource: string; complete: boolean }) | null;
}

const VERBS: Record<string, IotAction> = {
  connect: 'iot:Connect',
  publish: 'iot:Publish',
  subscribe: 'iot:Subscribe',
  receive: 'iot:Receive',
};

export async function explainTemplate(options: ExplainOptions): Promise<ExplainReport> {
  const question = parseQuestion(options.can);
  const input = await loadRenderInput({ template: options.template, cert: options.cert }, EXPLAIN);
  const plan: Plan = render(input.template, input.parameters);
  const facts = input.facts;
  const cn = facts?.subject.attributes.CN?.[0];
  const clientId = options.clientId ?? cn;
  if (clientId === undefined || clientId === '') {
    throw new CommandLineError({ kind: 'no-client-id' }, EXPLAIN);
  }
  const thing = plan.thing;
  const thingResolves = thing !== null && thing.thingName === clientId;
  const context: PolicyContext = {
    clientId,
    thing: thingResolves
      ? {
          thingName: thing.thingName,
          thingTypeName: thing.thingTypeName ?? undefined,
          attributes: thing.attributes,
        }
      : undefined,
    certificate:
      facts === undefined
        ? undefined
        : {
            subject: nameAttributes(facts.subject.attributes),
            issuer: nameAttributes(facts.issuer.attributes),
          },
  };
  const policies: Policy[] = [];
  const notChecked: string[] = [];
  for (const p of plan.policies) {
    if (p.policyDocument === null)
      notChecked.push(`existing policy ${p.policyName} (its document is not in the template)`);
    else policies.push(parsePolicy(p.policyName, p.policyDocument));
  }
  if (thing !== null && thing.thingGroups.length > 0)
    notChecked.push(`policies attached to the thing groups ${thing.thingGroups.join(', ')}`);
  let answer: ExplainReport['question'] = null;
  if (question !== null) {
    const resource = resourceArn(
      question.action,
      question.name,
      options.region ?? DEFAULT_REGION,
      options.account ?? DEFAULT_ACCOUNT,
    );
    const result = evaluate(policies, { action: question.action, resource }, context);
    // An explicit deny is final; anything else could change with policies this answer did not see.
    const complete =
      result.decision === 'explicit-deny' || !notChecked.some((n) => n.startsWith('existing policy'));
    answer = { ...result, action: question.action, resource, complete };
  }
  return {
    certificateId: plan.certificate?.certificateId ?? facts?.sha256 ?? '',
    clientId,
    thing:
      thing === null
        ? null
        : { thingName: thing.thingName, thingTypeName: thing.thingTypeName, attributes: thing.attributes },
    thingVariablesResolve: thingResolves,
    policies: plan.policies.map((p) => ({
      policyName: p.policyName,
      fromTemplate: p.policyDocument !== null,
    })),
    may: explainPolicies(policies, context),
    notChecked,
    question: answer,
  };
}

function parseQuestion(can: string[] | undefined): { action: IotAction; name: string } | null {
  if (can === undefined || can.length === 0) return null;
  const [verb, name] = can;
  const action = verb === undefined ? undefined : VERBS[verb];
  if (action === undefined || name === undefined || name === '' || can.length !== 2) {
    throw new CommandLineError({ kind: 'can', words: can }, EXPLAIN);
  }
  return { action, name };
}

/** The report as text: who the device is, what it may do, and the answer to --can. */
export function formatExplain(report: ExplainReport): string {
  const lines: string[] = [];
  const thing = report.thing;
  lines.push(`certificate ${report.certificateId}`);
  lines.push(`client id   ${report.clientId}`);
  lines.push(
    `thing       ${thing === null ? '(none)' : `${thing.thingName}${thing.thingTypeName === null ? '' : ` (type ${thing.thingTypeName})`}`}` +
      (thing !== null && !report.thingVariablesResolve
        ? '  — the client id is not the thing name: thing policy variables do not resolve'
        : ''),
  );
  lines.push(
    `policies    ${report.policies.map((p) => `${p.policyName}${p.fromTemplate ? '' : ' (existing)'}`).join(', ') || '(none)'}`,
  );
  lines.push('');
  const labels: Array<[keyof Explanation, string]> = [
    ['iot:Connect', 'connect as'],
    ['iot:Publish', 'publish to'],
    ['iot:Subscribe', 'subscribe to'],
    ['iot:Receive', 'receive from'],
  ];
  for (const [action, label] of labels) {
    const grants = report.may[action];
    if (grants.length === 0) {
      lines.push(`${label.padEnd(13)} nothing`);
      continue;
    }
    grants.forEach((g, i) => {
      const tail = [
        g.effect === 'Deny' ? 'DENY' : '',
        g.conditions.length > 0 ? `if ${g.conditions.join(' and ')}` : '',
        g.unresolved.length > 0
          ? `never matches: ${g.unresolved.map((u) => `\${${u}}`).join(', ')} unresolved`
          : '',
      ]
        .filter((t) => t !== '')
        .join('; ');
      lines.push(
        `${(i === 0 ? label : '').padEnd(13)} ${g.resource}${tail === '' ? '' : `  (${tail})`}  [${g.policyName.slice(0, 12)}… #${g.statement}]`,
      );
    });
  }
  for (const n of report.notChecked) lines.push(`not checked: ${n}`);
  const q = report.question;
  if (q !== null) {
    lines.push('');
    const verdict = q.allowed
      ? 'ALLOW'
      : q.decision === 'explicit-deny'
        ? 'DENY (explicit)'
        : 'DENY (no statement allows it)';
    lines.push(`${verdict}: ${q.action} on ${q.resource}`);
    if (q.statement !== undefined)
      lines.push(
        `  deciding statement: policy ${q.statement.policyName}, statement ${q.statement.index}${q.statement.sid === undefined ? '' : ` (${q.statement.sid})`}, ${q.statement.effect}`,
      );
    if (q.missingContextValues.length > 0)
      lines.push(`  unresolved variables: ${q.missingContextValues.map((v) => `\${${v}}`).join(', ')}`);
    if (!q.complete) lines.push('  incomplete: existing policies named by the template were not checked');
  }
  return `${lines.join('\n')}\n`;
}
