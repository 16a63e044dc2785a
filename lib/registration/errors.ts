// Error types of the registration area: event validation, CA state and template sources (see lib/errors.ts for the model).
import { JitrError, type Outcome } from '../errors/jitr-error.js';

/** The invocation payload is not a JITR "certificate registered" event. Dropped, never retried. */
export class InvalidEventError extends JitrError {
  readonly code = 'InvalidEvent';
  readonly outcome: Outcome = 'invalid-input';

  constructor(message: string, path: string) {
    super(message, {
      step: 'event',
      path,
      remedy:
        "Check the IoT rule: its SQL must be SELECT * FROM '$aws/events/certificates/registered/<caCertificateId>' and its action must forward the message unchanged.",
    });
  }
}

/** The certificate was registered under a different CA than the event says. Dropped. */
export class CertificateCaMismatchError extends JitrError {
  readonly code = 'CertificateCaMismatch';
  readonly outcome: Outcome = 'invalid-input';

  constructor(eventCaId: string, actualCaId: string | null) {
    super(
      `the event names CA ${eventCaId} but AWS IoT has the certificate under CA ${actualCaId ?? '(none)'}`,
      {
        step: 'describe-certificate',
        remedy:
          'Replay only events taken from the $aws/events/certificates/registered topic; this one was altered.',
        details: { eventCaCertificateId: eventCaId, actualCaCertificateId: actualCaId },
      },
    );
  }
}

/** The CA that issued the device certificate is not ACTIVE in AWS IoT. */
export class CaNotActiveError extends JitrError {
  readonly code = 'CaNotActive';
  readonly outcome: Outcome = 'configuration';

  constructor(caCertificateId: string, status: string) {
    super(`CA certificate ${caCertificateId} is ${status}, not ACTIVE`, {
      step: 'describe-ca',
      remedy: `Activate the CA (aws iot update-ca-certificate --certificate-id ${caCertificateId} --new-status ACTIVE) if it should onboard devices, then replay the DLQ.`,
      details: { caCertificateId, caStatus: status },
    });
  }
}

/** The provisioning template could not be read (missing object, access denied, not JSON, unknown name). */
export class TemplateSourceUnreadableError extends JitrError {
  readonly code = 'TemplateSourceUnreadable';
  readonly outcome: Outcome = 'configuration';

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
  readonly outcome: Outcome = 'transient';

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
