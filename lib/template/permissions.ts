import { iotArn } from '../arn/arn.js';
import type { EvalContext } from './evaluate.js';
import { evalList, evalString } from './evaluate.js';
import { AWS_BUILTIN_PARAMETERS, parseTemplate } from './parse.js';
import { policyNameForDocument, renderPolicyDocument } from './policy-document.js';
import { isProvisioningTemplate } from './render.js';
import { type TString, tainted } from './tainted.js';
import type { ProvisioningTemplate, ResourceDeclaration } from './template-types.js';

export interface IamStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
}

export interface IamPolicy {
  Version: '2012-10-17';
  Statement: IamStatement[];
}

export interface PermissionOptions {
  /** Region for the ARNs; `*` when omitted. */
  region?: string;
  /** Account id for the ARNs; `*` when omitted. */
  account?: string;
}

/** The IAM resource pattern of an IoT resource in the target region and account (`*` when unknown). */
type ArnOf = (type: string, name: string) => string;

/**
 * The minimal IAM policy the handler's role needs to provision with this template: exactly the
 * IoT actions the executor calls, scoped to the resource types the IAM Service Authorization
 * Reference lists for each action. Names the template writes literally appear in the ARNs;
 * parts that come from parameters become `*` (e.g. `thing/lamp-*`).
 *
 * @example requiredPermissions(templateJson, { region: 'eu-west-1', account: '123456789012' })
 * @throws the errors of {@link parseTemplate}
 */
export function requiredPermissions(template: unknown, options: PermissionOptions = {}): IamPolicy {
  const parsed = isProvisioningTemplate(template) ? template : parseTemplate(template);
  const arn: ArnOf = (type, name) => iotArn(options.region ?? '*', options.account ?? '*', type, name);
  const certs = arn('cert', '*');
  const ctx = wildcardContext(parsed);
  const statements: IamStatement[] = [
    statement('ReadAndActivateCertificate', ['iot:DescribeCertificate', 'iot:UpdateCertificate'], [certs]),
    statement('ReadCaCertificate', ['iot:DescribeCACertificate'], [arn('cacert', '*')]),
  ];
  const thing = parsed.resources.find((r) => r.type === 'AWS::IoT::Thing');
  if (thing !== undefined) statements.push(...thingStatements(thing, ctx, arn, certs));
  const policies = parsed.resources.filter((r) => r.type === 'AWS::IoT::Policy');
  if (policies.length > 0) {
    const named = policies.map((p) => ({
      document: p.properties.PolicyDocument !== undefined,
      arn: policyArn(p, ctx, arn),
    }));
    statements.push(
      statement(
        'ReadPolicies',
        ['iot:GetPolicy'],
        named.map((p) => p.arn),
      ),
    );
    const created = named.filter((p) => p.document).map((p) => p.arn);
    if (created.length > 0) statements.push(statement('CreatePolicies', ['iot:CreatePolicy'], created));
    statements.push(statement('AttachPoliciesToCertificate', ['iot:AttachPolicy'], [certs]));
  }
  return { Version: '2012-10-17', Statement: statements };
}

function thingStatements(
  thing: ResourceDeclaration,
  ctx: EvalContext,
  arn: ArnOf,
  certs: string,
): IamStatement[] {
  const props = thing.properties;
  const thingArn = arn(
    'thing',
    namePattern(() => evalString(props.ThingName, ctx, '')),
  );
  const result = [
    statement(
      'ManageThing',
      ['iot:CreateThing', 'iot:DescribeThing', 'iot:ListThingPrincipals', 'iot:UpdateThing'],
      [thingArn],
    ),
    // AttachThingPrincipal is authorised on the thing; the certificate ARN is listed for the principal.
    statement('AttachCertificateToThing', ['iot:AttachThingPrincipal'], [thingArn, certs]),
  ];
  if (props.ThingGroups !== undefined) {
    const groups = groupPatterns(props.ThingGroups, ctx).map((g) => arn('thinggroup', g));
    const actions = ['iot:AddThingToThingGroup', 'iot:ListThingGroupsForThing'];
    if (thing.overrideSettings.ThingGroups === 'REPLACE') actions.push('iot:RemoveThingFromThingGroup');
    result.push(statement('ThingGroupMembership', actions, [...groups, thingArn]));
  }
  if (props.BillingGroup !== undefined) {
    const billing = arn(
      'billinggroup',
      namePattern(() => evalString(props.BillingGroup, ctx, '')),
    );
    result.push(statement('BillingGroupMembership', ['iot:AddThingToBillingGroup'], [billing, thingArn]));
  }
  return result;
}

function groupPatterns(node: unknown, ctx: EvalContext): string[] {
  try {
    return evalList(node, ctx, '').items.map((item) => namePattern(() => item));
  } catch {
    return ['*'];
  }
}

function policyArn(policy: ResourceDeclaration, ctx: EvalContext, arn: ArnOf): string {
  const props = policy.properties;
  if (props.PolicyName !== undefined)
    return arn(
      'policy',
      namePattern(() => evalString(props.PolicyName, ctx, '')),
    );
  try {
    const rendered = renderPolicyDocument(props.PolicyDocument, ctx, '');
    // A document without parameters always gets the same name; any other could get any name.
    return arn('policy', rendered.taintedPieces === 0 ? policyNameForDocument(rendered.document) : '*');
  } catch {
    return arn('policy', '*');
  }
}

/** Every parameter evaluates to a placeholder; its parts of a name become `*`. */
function wildcardContext(parsed: ProvisioningTemplate): EvalContext {
  const declared = new Set(parsed.parameters.map((p) => p.name));
  return {
    mappings: parsed.mappings,
    parameter(name) {
      return declared.has(name) || AWS_BUILTIN_PARAMETERS.has(name) ? tainted('x', name) : null;
    },
  };
}

function namePattern(evaluate: () => TString): string {
  try {
    const value = evaluate();
    const pattern = value.segments.map((s) => (s.source === null ? s.text : '*')).join('');
    return pattern.replace(/\*+/g, '*') || '*';
  } catch {
    return '*';
  }
}

function statement(sid: string, actions: string[], resources: string[]): IamStatement {
  return { Sid: sid, Effect: 'Allow', Action: [...actions].sort(), Resource: [...new Set(resources)] };
}
