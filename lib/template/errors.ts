// Error types of the template area (see lib/errors/jitr-error.ts for the model).
import { type Disposition, JitrError, type JitrErrorOptions } from '../errors/jitr-error.js';

type TemplateErrorOptions = Omit<JitrErrorOptions, 'step'> & { step?: string };

function withStep(options: TemplateErrorOptions, step: string): JitrErrorOptions {
  return { ...options, step: options.step ?? step };
}

/** The template is not a valid AWS IoT provisioning template (bad JSON, wrong shape, missing property). */
export class InvalidTemplateError extends JitrError {
  readonly code = 'InvalidTemplate';
  readonly disposition: Disposition = 'configuration';
  constructor(message: string, options: TemplateErrorOptions) {
    super(message, withStep(options, 'template-parse'));
  }
}

/** The template uses something AWS IoT provisioning templates (or this handler) do not support. */
export class UnsupportedTemplateFeatureError extends JitrError {
  readonly code = 'UnsupportedTemplateFeature';
  readonly disposition: Disposition = 'configuration';
  constructor(message: string, options: TemplateErrorOptions) {
    super(message, withStep(options, 'template-parse'));
  }
}

/** An intrinsic function is malformed or cannot be evaluated (bad index, missing map key…). */
export class InvalidIntrinsicError extends JitrError {
  readonly code = 'InvalidIntrinsic';
  readonly disposition: Disposition = 'configuration';
  constructor(message: string, options: TemplateErrorOptions) {
    super(message, withStep(options, 'template-render'));
  }
}

/** `Ref` / `${Name}` names a parameter the template does not declare (and that is no AWS built-in). */
export class UndeclaredParameterError extends JitrError {
  readonly code = 'UndeclaredParameter';
  readonly disposition: Disposition = 'configuration';
  constructor(message: string, options: TemplateErrorOptions) {
    super(message, withStep(options, 'template-parse'));
  }
}

/** A declared parameter has neither a supplied value nor a `Default`. */
export class MissingParameterError extends JitrError {
  readonly code = 'MissingParameter';
  readonly disposition: Disposition = 'configuration';
  constructor(message: string, options: TemplateErrorOptions) {
    super(message, withStep(options, 'template-render'));
  }
}

/**
 * A value that came from the certificate is not safe where the template puts it (policy wildcard,
 * quote, invalid name character, too long…). The device is at fault: rejected, never escaped.
 */
export class UnsafeCertificateValueError extends JitrError {
  readonly code = 'UnsafeCertificateValue';
  readonly disposition: Disposition = 'rejected';
  constructor(message: string, options: TemplateErrorOptions) {
    super(message, withStep(options, 'template-render'));
  }
}

/** The rendered template breaks one of AWS's own limits (name pattern, length, count, size). */
export class TemplateLimitExceededError extends JitrError {
  readonly code = 'TemplateLimitExceeded';
  readonly disposition: Disposition = 'configuration';
  constructor(message: string, options: TemplateErrorOptions) {
    super(message, withStep(options, 'template-validate'));
  }
}

/** Every error class the template engine throws; nothing else escapes `render`/`parseTemplate`. */
export const TEMPLATE_ERROR_CLASSES = [
  InvalidTemplateError,
  UnsupportedTemplateFeatureError,
  InvalidIntrinsicError,
  UndeclaredParameterError,
  MissingParameterError,
  UnsafeCertificateValueError,
  TemplateLimitExceededError,
] as const;

/** Whether `error` is one of the template engine's typed errors. */
export function isTemplateError(error: unknown): boolean {
  return TEMPLATE_ERROR_CLASSES.some((cls) => error instanceof cls);
}
