// Implementation of `jitr template …`, loaded lazily by template-commands.ts.
import type { CertificateFacts } from '../certificate/types.js';
import { isJitrError } from '../errors/jitr-error.js';
import { type CheckResult, checkTemplate } from '../template/check.js';
import { AWS_CERTIFICATE_PARAMETERS } from '../template/parameter-names.js';
import { type IamPolicy, requiredPermissions } from '../template/permissions.js';
import type { Plan } from '../template/plan.js';
import { render } from '../template/render.js';
import { CommandLineError, readInputFile } from './errors.js';

const RENDER = 'jitr template render';

export interface RenderOptions {
  /** Template file: JSON template, registration config or DescribeProvisioningTemplate answer. */
  template: string;
  /** Device certificate (PEM or DER) whose subject supplies the parameters. */
  cert?: string;
  /** `NAME=VALUE` pairs; they override values taken from the certificate. */
  param?: string[];
  /** Certificate id; default: the id AWS assigns (lowercase hex SHA-256 of the DER). */
  certificateId?: string;
}

/** What a template is rendered with: its text, the parameters, and the certificate's facts if given. */
export interface RenderInput {
  template: string;
  parameters: Record<string, string>;
  facts: CertificateFacts | undefined;
}

/** Reads the template and the certificate and collects the parameters (`--param` overrides the certificate). */
export async function loadRenderInput(options: RenderOptions, command = RENDER): Promise<RenderInput> {
  const template = await readText(options.template, '--template', command);
  const parameters: Record<string, string> = {};
  let facts: CertificateFacts | undefined;
  if (options.cert !== undefined) {
    const { parseCertificate } = await import('../certificate/index.js');
    const { certificateParameters } = await import('../template/certificate-parameters.js');
    facts = parseCertificate(await readInputFile(options.cert, '--cert', command));
    Object.assign(parameters, certificateParameters(facts, options.certificateId ?? facts.sha256));
  } else if (options.certificateId !== undefined) {
    parameters[AWS_CERTIFICATE_PARAMETERS.Id] = options.certificateId;
  }
  for (const pair of options.param ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      throw new CommandLineError({ kind: 'param', pair }, command);
    }
    parameters[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return { template, parameters, facts };
}

/** `jitr template render`: the plan for a template and a certificate (or explicit values). */
export async function renderTemplateFile(options: RenderOptions): Promise<Plan> {
  const input = await loadRenderInput(options);
  try {
    if (input.facts === undefined) return render(input.template, input.parameters);
    const { certificatePolicyVariables } = await import('../certificate/index.js');
    return render(input.template, input.parameters, {
      certificateVariables: certificatePolicyVariables(input.facts),
    });
  } catch (error) {
    // Without a certificate the values can only come from --param: say so, not "the
    // certificate lacks a CN".
    if (options.cert === undefined && isJitrError(error) && error.code === 'MissingParameter') {
      const name = typeof error.details.parameter === 'string' ? error.details.parameter : 'it';
      throw new CommandLineError({ kind: 'parameter-without-value', parameter: name }, RENDER);
    }
    throw error;
  }
}

/** `jitr template check`: validates a template without a certificate. */
export async function checkTemplateFile(file: string): Promise<CheckResult> {
  return checkTemplate(await readText(file, 'the template', 'jitr template check'));
}

/** `jitr template permissions`: the IAM policy the handler role needs for this template. */
export async function permissionsForTemplateFile(
  file: string,
  options: { region?: string; account?: string },
): Promise<IamPolicy> {
  return requiredPermissions(await readText(file, 'the template', 'jitr template permissions'), options);
}

async function readText(file: string, option: string, command: string): Promise<string> {
  return (await readInputFile(file, option, command)).toString('utf8');
}
