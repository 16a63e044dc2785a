/**
 * Gathers the facts doctor checks, through {@link DoctorPorts}. Each step's failure becomes a
 * fact (`{ error }`) so one broken permission does not hide the other checks.
 */
import { s3ObjectArn } from '../../arn/arn.js';
import { CERTIFICATE_ID_PATTERN } from '../../certificate/certificate-id.js';
import { crlObjectKey } from '../../crl/object-key.js';
import { describeFailure } from '../../errors/system-errors.js';
import { parseTemplate, requiredPermissions } from '../../template/index.js';
import type { ProvisioningTemplate } from '../../template/template-types.js';
import { ruleTopic } from './checks-setup.js';
import type { DoctorPorts, DoctorTarget } from './ports.js';
import { templateReferences } from './references.js';
import {
  type DoctorFacts,
  type Gathered,
  isGatherError,
  type ReferenceFacts,
  type TemplateReferences,
} from './types.js';

async function attempt<T>(fn: () => Promise<T>): Promise<Gathered<T>> {
  try {
    return await fn();
  } catch (error) {
    // An unreachable endpoint or a missing credential gets its code and fix, not a bare errno.
    if (
      !(error instanceof Error) ||
      error.message === '' ||
      'code' in error ||
      error.name === 'CredentialsProviderError'
    ) {
      const e = describeFailure(error, 'jitr doctor');
      if (e.code !== 'AwsRequestFailed' && e.code !== 'UnexpectedError')
        return { error: `${e.code}: ${e.message} (${e.remedy})` };
    }
    const name = error instanceof Error ? error.name : '';
    const message = error instanceof Error ? error.message : String(error);
    return { error: name && name !== 'Error' && !message.startsWith(name) ? `${name}: ${message}` : message };
  }
}

/** A check that could not run: a ✗ line that says why, counted as a failure. */
function notChecked(section: string, what: string, why: string, remedy: string) {
  return { section, title: `${what}: not checked (${why})`, remedy };
}

function parsedOrNull(body: unknown): ProvisioningTemplate | null {
  try {
    return parseTemplate(body);
  } catch {
    return null;
  }
}

/** The IAM actions/resources to simulate: the template's needs plus the handler's reads. */
function permissionPairs(template: ProvisioningTemplate, target: DoctorTarget, caId: string | null) {
  const policy = requiredPermissions(template, {
    ...(target.region === null ? {} : { region: target.region }),
    ...(target.account === null ? {} : { account: target.account }),
  });
  const pairs = policy.Statement.map((s) => ({ actions: s.Action, resources: s.Resource }));
  if (target.crl !== null && caId !== null) {
    const key = crlObjectKey(target.crl.keyTemplate, caId);
    pairs.push({ actions: ['s3:GetObject'], resources: [s3ObjectArn(target.crl.bucket, key)] });
  }
  return pairs;
}

export interface GatheredFacts {
  facts: DoctorFacts;
  references: TemplateReferences | null;
}

/**
 * Reads everything doctor needs. The CA comes from the target, else from the rule's topic.
 *
 * @example const { facts, references } = await gatherFacts(target, ports, new Date());
 */
export async function gatherFacts(
  target: DoctorTarget,
  ports: DoctorPorts,
  now: Date,
): Promise<GatheredFacts> {
  const facts: DoctorFacts = {
    now,
    region: target.region,
    caCertificateId: target.caCertificateId,
    unread: [...target.unread],
  };
  const skip = (section: string, what: string, why: string, remedy: string) =>
    facts.unread.push(notChecked(section, what, why, remedy));
  if (target.ruleName === null)
    skip('rule', 'the topic rule', 'no rule named', 'Pass --rule <name> (or --stack).');
  else if (target.functionArn === null)
    skip(
      'rule',
      'the rule delivers to the function',
      'no function known',
      'Pass --function-name <name> of a deployed function (or --stack).',
    );
  if (target.functionArn !== null) facts.functionArn = target.functionArn;
  if (target.ruleName !== null) {
    const name = target.ruleName;
    facts.rule = { name, facts: await attempt(() => ports.getTopicRule(name)) };
    const rule = facts.rule.facts;
    const topicCa = rule !== null && !('error' in rule) ? ruleTopic(rule.sql)?.split('/').pop() : undefined;
    if (facts.caCertificateId === null && topicCa !== undefined && CERTIFICATE_ID_PATTERN.test(topicCa))
      facts.caCertificateId = topicCa;
    const fn = target.functionArn;
    // The queue path: the rule's SQS action feeds the function through an event source mapping.
    if (rule !== null && !isGatherError(rule) && rule.sqsTargets.length > 0 && fn !== null) {
      const queues = [];
      for (const queueUrl of rule.sqsTargets)
        queues.push({ queueUrl, arn: await attempt(() => ports.queueArn(queueUrl)) });
      facts.ingestion = { queues, mappings: await attempt(() => ports.listEventSourceMappings(fn)) };
    }
  }
  const caId = facts.caCertificateId;
  if (caId !== null) facts.ca = await attempt(() => ports.describeCa(caId));
  if (target.crl === null)
    skip(
      'crl',
      "the CA's CRL",
      'no CRL bucket known',
      'Pass --crl-bucket (or --stack, or a readable --function-name whose CRL_BUCKET doctor reads).',
    );
  else if (caId === null) skip('crl', "the CA's CRL", 'no CA', 'Pass --ca <caCertificateId>.');
  if (target.crl !== null && caId !== null) {
    const { bucket, keyTemplate, maxStalenessSeconds } = target.crl;
    const key = crlObjectKey(keyTemplate, caId);
    facts.crl = {
      bucket,
      key,
      maxStalenessSeconds,
      bytes: await attempt(() => ports.getObject(bucket, key)),
      ...(target.crl.optional === true ? { optional: true } : {}),
    };
  }
  let references: TemplateReferences | null = null;
  if (target.templateSource === null)
    skip(
      'template',
      'the template and what it references',
      'no template source known',
      'Pass --template <source> (bundled:default, s3://bucket/key, iot:name), or a readable --function-name whose TEMPLATE_SOURCE doctor reads.',
    );
  if (target.roleArn === null)
    skip(
      'role',
      "the function role's permissions",
      'no role known',
      'Pass --role <arn>, or a readable --function-name (its role is read).',
    );
  if (target.templateSource !== null) {
    const source = target.templateSource;
    facts.template = { source, body: await attempt(() => ports.loadTemplate(source, caId ?? '')) };
    const body = facts.template.body;
    const parsed = body !== null && typeof body === 'object' && 'error' in body ? null : parsedOrNull(body);
    if (parsed === null && target.roleArn !== null)
      skip(
        'role',
        "the function role's permissions",
        'the template could not be loaded, so what it needs is unknown',
        'Fix the template line above, then run doctor again.',
      );
    if (parsed !== null) {
      references = templateReferences(parsed);
      facts.references = await gatherReferences(references, ports);
      if (target.roleArn !== null) {
        const roleArn = target.roleArn;
        facts.permissions = await attempt(async () => {
          const results = [];
          for (const pair of permissionPairs(parsed, target, caId)) {
            results.push(...(await ports.simulate(roleArn, pair.actions, pair.resources)));
          }
          return { roleArn, results };
        });
      }
    }
  }
  if (target.queueUrl === null)
    skip('dlq', 'the DLQ', 'no queue named', 'Pass --queue-url <DLQ URL> (or --stack).');
  if (target.queueUrl !== null) {
    const queueUrl = target.queueUrl;
    facts.dlq = {
      queueUrl,
      ...(target.stateTable === undefined ? {} : { stateTable: target.stateTable }),
      facts: await attempt(() => ports.peekDlq(queueUrl)),
    };
  }
  return { facts, references };
}

async function gatherReferences(refs: TemplateReferences, ports: DoctorPorts): Promise<ReferenceFacts> {
  const out: ReferenceFacts = { thingTypes: {}, thingGroups: {}, billingGroups: {}, policies: {} };
  for (const n of refs.thingTypes) out.thingTypes[n] = await attempt(() => ports.describeThingType(n));
  for (const n of refs.thingGroups) out.thingGroups[n] = await attempt(() => ports.describeThingGroup(n));
  for (const n of refs.billingGroups)
    out.billingGroups[n] = await attempt(() => ports.describeBillingGroup(n));
  for (const n of refs.policies) out.policies[n] = await attempt(() => ports.getPolicy(n));
  return out;
}
