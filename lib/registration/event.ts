/**
 * Validation of the JITR "certificate registered" event (aws-facts §2.2). The payload comes
 * from AWS IoT through a rule, but the function can be invoked by anyone allowed to, and
 * replays re-drive stored copies, so every field is checked for its exact type and format.
 */

import { CERTIFICATE_ID_PATTERN } from '../certificate/certificate-id.js';
import { InvalidEventError } from './errors.js';
import { EVENT_FIELDS } from './event-fields.js';

/** An id as AWS IoT writes it, in either case (no surrounding space: the event is exact). */
const isCertificateId = (text: string): boolean => CERTIFICATE_ID_PATTERN.test(text.toLowerCase());

/** The payload AWS IoT publishes on `$aws/events/certificates/registered/<caCertificateId>`. */
export interface RegisteredEvent {
  /** 64 hex characters, normalised to lowercase. */
  certificateId: string;
  /** 64 hex characters, normalised to lowercase. */
  caCertificateId: string;
  /** Epoch milliseconds of the publication. */
  timestamp: number;
  certificateStatus: 'PENDING_ACTIVATION';
  awsAccountId: string;
  /** Epoch milliseconds as a string; AWS has been observed to send null. */
  certificateRegistrationTimestamp: string | null;
}

const ACCOUNT_ID = /^[0-9]{12}$/;
/** Epoch milliseconds as AWS writes them in text (certificateRegistrationTimestamp). */
export const MILLIS_TEXT = /^[0-9]{1,16}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks that `value` is a registered-certificate event and returns a copy holding only its
 * validated fields (ids lowercased). Unknown extra fields are ignored (AWS may add fields;
 * dropping every event because of one would stall the whole fleet) and listed in
 * {@link unknownEventFields} for the log.
 *
 * @example
 * const event = parseRegisteredEvent(JSON.parse(body));
 * @throws {@link InvalidEventError} naming the first field that is missing or malformed.
 */
export function parseRegisteredEvent(value: unknown): RegisteredEvent {
  if (!isRecord(value)) throw new InvalidEventError(null);
  const { certificateId, caCertificateId, timestamp, certificateStatus, awsAccountId } = value;
  const registered = value.certificateRegistrationTimestamp;
  if (typeof certificateId !== 'string' || !isCertificateId(certificateId)) {
    throw new InvalidEventError('certificateId');
  }
  if (typeof caCertificateId !== 'string' || !isCertificateId(caCertificateId)) {
    throw new InvalidEventError('caCertificateId');
  }
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new InvalidEventError('timestamp');
  }
  if (certificateStatus !== 'PENDING_ACTIVATION') {
    throw new InvalidEventError('certificateStatus');
  }
  if (typeof awsAccountId !== 'string' || !ACCOUNT_ID.test(awsAccountId)) {
    throw new InvalidEventError('awsAccountId');
  }
  if (!('certificateRegistrationTimestamp' in value)) {
    throw new InvalidEventError('certificateRegistrationTimestamp', 'missing');
  }
  if (registered !== null && (typeof registered !== 'string' || !MILLIS_TEXT.test(registered))) {
    throw new InvalidEventError('certificateRegistrationTimestamp');
  }
  return {
    certificateId: certificateId.toLowerCase(),
    caCertificateId: caCertificateId.toLowerCase(),
    timestamp,
    certificateStatus,
    awsAccountId,
    certificateRegistrationTimestamp: registered,
  };
}

const KNOWN_FIELDS: ReadonlySet<string> = new Set(Object.keys(EVENT_FIELDS));

/** Fields of `value` that the registered event does not define (for a warning in the log). */
export function unknownEventFields(value: unknown): string[] {
  return isRecord(value) ? Object.keys(value).filter((key) => !KNOWN_FIELDS.has(key)) : [];
}

/** The ids of a payload, when it has them in the right format, so a drop can still be logged with them. */
export function eventIds(value: unknown): { certificateId?: string; caCertificateId?: string } {
  if (!isRecord(value)) return {};
  const ids: { certificateId?: string; caCertificateId?: string } = {};
  if (typeof value.certificateId === 'string' && isCertificateId(value.certificateId)) {
    ids.certificateId = value.certificateId.toLowerCase();
  }
  if (typeof value.caCertificateId === 'string' && isCertificateId(value.caCertificateId)) {
    ids.caCertificateId = value.caCertificateId.toLowerCase();
  }
  return ids;
}
