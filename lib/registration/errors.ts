// Error types of the registration area: event validation and CA state (see lib/errors/jitr-error.ts for the model).
import { type Disposition, JitrError } from '../errors/jitr-error.js';
import { EVENT_FIELDS, type EventField } from './event-fields.js';

/**
 * The invocation payload is not a JITR "certificate registered" event: not a JSON object
 * (`field` null), or `field` is missing or not what the event defines. Dropped, never retried.
 */
export class InvalidEventError extends JitrError {
  readonly code = 'InvalidEvent';
  readonly disposition: Disposition = 'invalid-input';

  constructor(field: EventField | null, problem: 'missing' | 'malformed' = 'malformed') {
    super(
      field === null
        ? 'the event is not a JSON object'
        : problem === 'missing'
          ? `${field} is missing`
          : `${field} is not ${EVENT_FIELDS[field]}`,
      {
        step: 'event',
        path: field === null ? '$' : `$.${field}`,
        remedy:
          "Check the IoT rule: its SQL must be SELECT * FROM '$aws/events/certificates/registered/<caCertificateId>' and its action must forward the message unchanged.",
      },
    );
  }
}

/** The certificate was registered under a different CA than the event says. Dropped. */
export class CertificateCaMismatchError extends JitrError {
  readonly code = 'CertificateCaMismatch';
  readonly disposition: Disposition = 'invalid-input';

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
  readonly disposition: Disposition = 'configuration';

  constructor(caCertificateId: string, status: string) {
    super(`CA certificate ${caCertificateId} is ${status}, not ACTIVE`, {
      step: 'describe-ca',
      remedy: `Activate the CA (aws iot update-ca-certificate --certificate-id ${caCertificateId} --new-status ACTIVE) if it should onboard devices, then replay the DLQ.`,
      details: { caCertificateId, caStatus: status },
    });
  }
}
