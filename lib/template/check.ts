import type { JitrError } from '../errors/jitr-error.js';
import { InvalidIntrinsicError, UnsafeCertificateValueError } from './errors.js';
import { POLICY_SAFE_DESCRIPTION } from './limits.js';
import { AWS_CERTIFICATE_PARAMETERS, SUBJECT_ATTRIBUTE_OF_PARAMETER } from './parameter-names.js';
import { AWS_BUILTIN_PARAMETERS, parseTemplate } from './parse.js';
import { isProvisioningTemplate, renderWithReport } from './render.js';
import { setOwn } from './render-resources.js';
import { childPath, UNCHECKED_ATTRIBUTES_KEY } from './template-types.js';

/** What `checkTemplate` found out about a template without any certificate. */
export interface CheckResult {
  parameters: { name: string; default: string | null; subjectAttribute: string | null }[];
  resources: { logicalName: string; type: string }[];
  /** Checks that depend on the certificate's values (Fn::Select bounds, map keys…), as info. */
  valueDependent: { code: string; path: string | null; message: string }[];
  /**
   * Risks the template takes knowingly or not: `PolicyReadsCertificateAttribute` for each policy
   * that reads back (`${iot:Connection.Thing.Attributes[name]}`) a thing attribute filled from a
   * certificate value; `UncheckedPolicyAttribute` when the template also exempts it from the
   * policy-safe check; `PolicyReadsCertificateVariable` for each `${iot:Certificate.…}` variable
   * a policy reads (its values are checked per device).
   */
  warnings: { code: string; path: string; message: string }[];
}

const PLACEHOLDER = 'x';
const PLACEHOLDER_ID = '0'.repeat(64);

/**
 * Validates a template alone: everything `parseTemplate` checks, then a render with harmless
 * placeholder values, which checks every literal name and limit and that each policy document
 * parses with its parameters in place. Errors that only some certificate values would cause are
 * reported in `valueDependent` instead of thrown.
 *
 * @throws the template errors of {@link parseTemplate} and {@link render}
 */
export function checkTemplate(template: unknown): CheckResult {
  const parsed = isProvisioningTemplate(template) ? template : parseTemplate(template);
  const values: Record<string, string> = {};
  for (const name of [...parsed.parameters.map((p) => p.name), ...AWS_BUILTIN_PARAMETERS]) {
    setOwn(values, name, name === AWS_CERTIFICATE_PARAMETERS.Id ? PLACEHOLDER_ID : PLACEHOLDER);
  }
  const valueDependent: CheckResult['valueDependent'] = [];
  const warnings: CheckResult['warnings'] = [];
  try {
    const { report } = renderWithReport(parsed, values);
    for (const read of report.attributeReads) {
      if (!read.certificateDerived) continue;
      const variable = `\${iot:Connection.Thing.Attributes[${read.attribute}]}`;
      warnings.push(
        read.unchecked
          ? {
              code: 'UncheckedPolicyAttribute',
              path: childPath('Resources', read.policy),
              message: `policy ${read.policy} reads ${variable}, which a certificate value fills, and Metadata ${UNCHECKED_ATTRIBUTES_KEY} exempts it: a certificate with "#", "/" or an empty value there can widen the policy`,
            }
          : {
              code: 'PolicyReadsCertificateAttribute',
              path: childPath('Resources', read.policy),
              message: `policy ${read.policy} reads ${variable}, which a certificate value fills: certificates whose value there is not ${POLICY_SAFE_DESCRIPTION} are rejected (UnsafeCertificateValue)`,
            },
      );
    }
    for (const read of report.certificateVariableReads) {
      warnings.push({
        code: 'PolicyReadsCertificateVariable',
        path: childPath('Resources', read.policy),
        message: `policy ${read.policy} reads \${${read.variable}}, which AWS fills from the device certificate at connect time: the handler rejects certificates whose value there is not ${POLICY_SAFE_DESCRIPTION}`,
      });
    }
  } catch (error) {
    if (!(error instanceof InvalidIntrinsicError || error instanceof UnsafeCertificateValueError))
      throw error;
    const e = error as JitrError;
    valueDependent.push({ code: e.code, path: e.path ?? null, message: e.message });
  }
  return {
    parameters: parsed.parameters.map((p) => ({
      name: p.name,
      default: p.default,
      subjectAttribute: Object.hasOwn(SUBJECT_ATTRIBUTE_OF_PARAMETER, p.name)
        ? (SUBJECT_ATTRIBUTE_OF_PARAMETER[p.name]?.shortName ?? null)
        : null,
    })),
    resources: parsed.resources.map((r) => ({ logicalName: r.logicalName, type: r.type })),
    valueDependent,
    warnings,
  };
}
