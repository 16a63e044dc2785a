/**
 * The JITR "certificate registered" event (aws-facts §2.2), validated strictly: the DLQ,
 * the replay tool and the reconciler only ever re-drive events that pass this check.
 */

/** The payload AWS IoT publishes on `$aws/events/certificates/registered/<caCertificateId>`. */
export interface RegisteredEvent {
  certificateId: string;
  caCertificateId: string;
  /** Epoch milliseconds. */
  timestamp: number;
  certificateStatus: 'PENDING_ACTIVATION';
  awsAccountId: string;
  /** Epoch milliseconds as a string; AWS has been observed to send null. */
  certificateRegistrationTimestamp: string | null;
}

export type EventValidation = { ok: true; event: RegisteredEvent } | { ok: false; reason: string };

const CERTIFICATE_ID = /^[0-9a-fA-F]{64}$/;
const ACCOUNT_ID = /^[0-9]{12}$/;
const MILLIS = /^[0-9]{1,16}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks that `value` is a registered-certificate event: every field present with its
 * documented type, ids in AWS's format. Returns a copy holding only the validated fields,
 * ids lowercased; unknown extra fields are dropped, as the handler does
 * (lib/registration/event.ts), so that replay accepts exactly what the handler accepts.
 *
 * @example
 * const r = validateRegisteredEvent(JSON.parse(body));
 * if (r.ok) replay(r.event); else report(r.reason);
 */
export function validateRegisteredEvent(value: unknown): EventValidation {
  if (!isRecord(value)) return { ok: false, reason: 'event is not a JSON object' };
  const { certificateId, caCertificateId, timestamp, certificateStatus, awsAccountId } = value;
  const registered = value.certificateRegistrationTimestamp;
  if (typeof certificateId !== 'string' || !CERTIFICATE_ID.test(certificateId)) {
    return { ok: false, reason: 'certificateId is not a 64-hex-character certificate id' };
  }
  if (typeof caCertificateId !== 'string' || !CERTIFICATE_ID.test(caCertificateId)) {
    return { ok: false, reason: 'caCertificateId is not a 64-hex-character certificate id' };
  }
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) {
    return { ok: false, reason: 'timestamp is not a non-negative integer of milliseconds' };
  }
  if (certificateStatus !== 'PENDING_ACTIVATION') {
    return { ok: false, reason: 'certificateStatus is not PENDING_ACTIVATION' };
  }
  if (typeof awsAccountId !== 'string' || !ACCOUNT_ID.test(awsAccountId)) {
    return { ok: false, reason: 'awsAccountId is not a 12-digit account id' };
  }
  if (!('certificateRegistrationTimestamp' in value)) {
    return { ok: false, reason: 'certificateRegistrationTimestamp is missing' };
  }
  if (registered !== null && (typeof registered !== 'string' || !MILLIS.test(registered))) {
    return {
      ok: false,
      reason: 'certificateRegistrationTimestamp is neither null nor a string of milliseconds',
    };
  }
  return {
    ok: true,
    event: {
      certificateId: certificateId.toLowerCase(),
      caCertificateId: caCertificateId.toLowerCase(),
      timestamp,
      certificateStatus,
      awsAccountId,
      certificateRegistrationTimestamp: registered,
    },
  };
}
