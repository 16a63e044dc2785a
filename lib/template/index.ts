// The template engine's public surface.
export { certificateParameters } from './certificate-parameters.js';
export { type CheckResult, checkTemplate } from './check.js';
export * from './errors.js';
export { POLICY_SAFE_DESCRIPTION, POLICY_SAFE_VALUE } from './limits.js';
export * from './parameter-names.js';
export { AWS_BUILTIN_PARAMETERS, parseTemplate } from './parse.js';
export {
  type IamPolicy,
  type IamStatement,
  type PermissionOptions,
  requiredPermissions,
} from './permissions.js';
export type * from './plan.js';
export { canonicalJson, policyNameForDocument } from './policy-document.js';
export { isProvisioningTemplate, type RenderOptions, render } from './render.js';
export type * from './template-types.js';
export { validatePlan } from './validate.js';
