/**
 * The fields of the JITR "certificate registered" event (aws-facts §2.2) and what each must be:
 * the validator (event.ts) checks them, InvalidEventError (errors.ts) says which one failed.
 */
export const EVENT_FIELDS = {
  certificateId: 'a 64-hex-character certificate id',
  caCertificateId: 'a 64-hex-character certificate id',
  timestamp: 'a non-negative integer of milliseconds',
  certificateStatus: 'PENDING_ACTIVATION',
  awsAccountId: 'a 12-digit account id',
  certificateRegistrationTimestamp: 'null or a string of milliseconds',
} as const;

export type EventField = keyof typeof EVENT_FIELDS;
