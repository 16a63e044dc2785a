import { type AttributeRead, attributesReadBy, checkAttributeRead } from './attribute-reads.js';
import { certificateVariablesReadBy, checkCertificateVariables } from './certificate-variables.js';
import { checkDepth } from './depth.js';
import { InvalidTemplateError, MissingParameterError } from './errors.js';
import type { EvalContext } from './evaluate.js';
import { AWS_BUILTIN_PARAMETERS, parseTemplate } from './parse.js';
import type { Plan, PolicyPlan } from './plan.js';
import { renderCertificate, renderPolicy, renderThing, setOwn } from './render-resources.js';
import { isTainted, literal, type TString, tainted, textOf } from './tainted.js';
import { childPath, isPlainObject, type ProvisioningTemplate } from './template-types.js';
import { validatePlan } from './validate.js';

/**
 * Renders a provisioning template with parameter values into a {@link Plan}.
 *
 * `template` is anything {@link parseTemplate} accepts, or an already parsed template. Every
 * supplied value is untrusted (it comes from a certificate): it can never change a policy
 * document's structure, and it is rejected, never escaped, where it is not safe.
 * Precedence per declared parameter: supplied value, else `Default`, else `MissingParameter`.
 * The eight `AWS::IoT::Certificate::*` names may also be referenced without being declared.
 *
 * @example render(templateJson, { 'AWS::IoT::Certificate::CommonName': 'lamp-1', 'AWS::IoT::Certificate::Id': id })
 * @throws {@link MissingParameterError} a declared parameter has no value and no Default
 * @throws {@link UnsafeCertificateValueError} a supplied value is unsafe where it lands (outcome `rejected`)
 * @throws {@link InvalidIntrinsicError} bad Fn::Select index, unknown Fn::FindInMap key, malformed function
 * @throws {@link TemplateLimitExceededError} the result breaks an AWS limit because of template text
 * @throws the errors of {@link parseTemplate}
 */
export function render(
  template: unknown,
  parameters: Record<string, string>,
  options: RenderOptions = {},
): Plan {
  return renderWithReport(template, parameters, options).plan;
}

export interface RenderOptions {
  /**
   * The values AWS will substitute for `${iot:Certificate.…}` policy variables of this device
   * (`certificatePolicyVariables(facts)`), keyed `Subject.CommonName`, `Issuer.Organization`,
   * `SubjectAlternativeName.DNSName`, … Each value a template policy reads must be policy-safe.
   */
  certificateVariables?: Readonly<Record<string, readonly string[]>>;
}

/** What rendering found out beyond the plan (for `jitr template check`). */
export interface RenderReport {
  /** Every thing attribute a policy document of this template reads back. */
  attributeReads: AttributeRead[];
  /** Every `${iot:Certificate.…}` variable a policy document reads, with the policy's logical name. */
  certificateVariableReads: { variable: string; policy: string }[];
}

/** {@link render}, plus what `jitr template check` reports about the rendering. */
export function renderWithReport(
  template: unknown,
  parameters: Record<string, string>,
  options: RenderOptions = {},
): { plan: Plan; report: RenderReport } {
  let parsed: ProvisioningTemplate;
  if (isProvisioningTemplate(template)) {
    // Parsed elsewhere (or built by hand): its nesting still bounds every recursive walk below.
    checkDepth(template.resources, 'Resources');
    parsed = template;
  } else {
    parsed = parseTemplate(template);
  }
  const supplied = readSupplied(parameters);
  const resolved = new Map<string, TString>();
  for (const declaration of parsed.parameters) {
    const value = supplied.get(declaration.name);
    if (value !== undefined) resolved.set(declaration.name, tainted(value, declaration.name));
    else if (declaration.default !== null) resolved.set(declaration.name, literal(declaration.default));
    else throw new MissingParameterError(declaration.name, childPath('Parameters', declaration.name));
  }
  const usedBuiltins = new Map<string, TString>();
  const ctx: EvalContext = {
    mappings: parsed.mappings,
    parameter(name) {
      const declared = resolved.get(name);
      if (declared !== undefined) return declared;
      if (!AWS_BUILTIN_PARAMETERS.has(name)) return null;
      const value = supplied.get(name);
      if (value === undefined) throw new MissingParameterError(name, name);
      const result = tainted(value, name);
      usedBuiltins.set(name, result);
      return result;
    },
  };
  const plan: Plan = { parameters: {}, thing: null, certificate: null, policies: [] };
  const policies: PolicyPlan[] = [];
  const attributeValues = new Map<string, TString>();
  let thingPath = '';
  for (const resource of parsed.resources) {
    const path = childPath('Resources', resource.logicalName);
    if (resource.type === 'AWS::IoT::Thing') {
      plan.thing = renderThing(resource, ctx, path, attributeValues);
      thingPath = childPath(childPath(path, 'Properties'), 'AttributePayload');
    } else if (resource.type === 'AWS::IoT::Certificate')
      plan.certificate = renderCertificate(resource, ctx, path);
    else policies.push(renderPolicy(resource, ctx, path));
  }
  plan.policies = policies;
  const attributeReads = checkAttributeReads(
    policies,
    attributeValues,
    parsed.uncheckedAttributes,
    thingPath,
  );
  const certificateVariableReads: RenderReport['certificateVariableReads'] = [];
  for (const policy of policies) {
    if (policy.policyDocument === null) continue;
    for (const name of certificateVariablesReadBy(policy.policyDocument))
      certificateVariableReads.push({ variable: `iot:Certificate.${name}`, policy: policy.logicalName });
    if (options.certificateVariables !== undefined) {
      const path = childPath(
        childPath(childPath('Resources', policy.logicalName), 'Properties'),
        'PolicyDocument',
      );
      checkCertificateVariables(
        policy.policyDocument,
        options.certificateVariables,
        policy.logicalName,
        path,
      );
    }
  }
  for (const [name, value] of [...resolved, ...usedBuiltins]) setOwn(plan.parameters, name, textOf(value));
  validatePlan(plan);
  return { plan, report: { attributeReads, certificateVariableReads } };
}

/** Thing attributes the template's own policies read back: certificate parts must be policy-safe. */
function checkAttributeReads(
  policies: readonly PolicyPlan[],
  values: ReadonlyMap<string, TString>,
  unchecked: readonly string[],
  thingPath: string,
): AttributeRead[] {
  const reads: AttributeRead[] = [];
  for (const policy of policies) {
    if (policy.policyDocument === null) continue;
    for (const attribute of attributesReadBy(policy.policyDocument)) {
      const value = values.get(attribute);
      const read: AttributeRead = {
        attribute,
        policy: policy.logicalName,
        certificateDerived: value !== undefined && isTainted(value),
        unchecked: unchecked.includes(attribute),
      };
      reads.push(read);
      if (value !== undefined) checkAttributeRead(read, value, childPath(thingPath, attribute));
    }
  }
  return reads;
}

/** Whether `value` is already the result of {@link parseTemplate}. */
export function isProvisioningTemplate(value: unknown): value is ProvisioningTemplate {
  return (
    isPlainObject(value) &&
    Array.isArray(value.parameters) &&
    Array.isArray(value.resources) &&
    Array.isArray(value.uncheckedAttributes) &&
    isPlainObject(value.mappings)
  );
}

function readSupplied(parameters: Record<string, string>): Map<string, string> {
  const supplied = new Map<string, string>();
  if (!isPlainObject(parameters)) {
    throw new InvalidTemplateError({ kind: 'parameter-values-not-object' }, 'parameters');
  }
  for (const [name, value] of Object.entries(parameters)) {
    if (typeof value !== 'string') {
      throw new InvalidTemplateError(
        { kind: 'parameter-value-not-string', parameter: name },
        childPath('parameters', name),
      );
    }
    supplied.set(name, value);
  }
  return supplied;
}
