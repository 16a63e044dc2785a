// Error types of the template-source area (see lib/errors/jitr-error.ts for the model).
import { type Disposition, JitrError } from '../errors/jitr-error.js';

/** The provisioning template could not be read (missing object, access denied, not JSON, unknown name). */
export class TemplateSourceUnreadableError extends JitrError {
  readonly code = 'TemplateSourceUnreadable';
  readonly disposition: Disposition = 'configuration';

  constructor(source: string, reason: string, options: { awsErrorName?: string; cause?: unknown } = {}) {
    super(`template source ${source} is unreadable: ${reason}`, {
      step: 'template-load',
      remedy: `Make ${source} exist and contain a JSON provisioning template readable by the function's role (check with: jitr template check), then replay the DLQ.`,
      details: { templateSource: source },
      ...(options.awsErrorName === undefined ? {} : { awsErrorName: options.awsErrorName }),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
  }
}

/** Reading the template failed for a reason a retry can fix (throttling, 5xx, network). */
export class TemplateSourceUnavailableError extends JitrError {
  readonly code = 'TemplateSourceUnavailable';
  readonly disposition: Disposition = 'transient';

  constructor(source: string, reason: string, options: { awsErrorName?: string; cause?: unknown } = {}) {
    super(`template source ${source} is temporarily unavailable: ${reason}`, {
      step: 'template-load',
      remedy:
        'None needed if it recovers: Lambda retries. If it persists, check the S3 / IoT service health.',
      details: { templateSource: source },
      ...(options.awsErrorName === undefined ? {} : { awsErrorName: options.awsErrorName }),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
  }
}
