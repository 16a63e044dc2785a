import { findIssuingCa, registerCertificate } from '../iot/certificates.js';
import type { IotStore } from '../iot/model.js';
import { parsePem } from '../iot/pem.js';

/** The event AWS IoT publishes on `$aws/events/certificates/registered/<caCertificateId>`. */
export interface RegisteredEvent {
  certificateId: string;
  caCertificateId: string;
  timestamp: number;
  certificateStatus: 'PENDING_ACTIVATION';
  awsAccountId: string;
  certificateRegistrationTimestamp: string;
}

/**
 * What happened when the device connected:
 * - `registered`: first connect; certificate registered PENDING_ACTIVATION, event published;
 * - `republished`: still PENDING_ACTIVATION; the event is published again (a duplicate);
 * - `connected`: the certificate is ACTIVE; no event;
 * - `refused`: TLS refused (no registered CA issued it, CA inactive, auto-registration off,
 *   or the certificate is INACTIVE/REVOKED/…); nothing registered, no event.
 */
export type ConnectOutcome = 'registered' | 'republished' | 'connected' | 'refused';

export interface ConnectResult {
  outcome: ConnectOutcome;
  certificateId: string;
  caCertificateId: string | undefined;
  /** Present when an event was published. */
  event: RegisteredEvent | undefined;
  /** Why the connection was refused. */
  reason: string | undefined;
}

/**
 * What AWS IoT does when a device presents a certificate (JITR, aws-facts §2.1): finds the
 * issuing CA by subject and signature, auto-registers the certificate under an ACTIVE CA
 * with auto-registration ENABLE, and publishes the registered event while it is pending.
 */
export function connectDevice(store: IotStore, certificatePem: string): ConnectResult {
  const { id } = parsePem(certificatePem, 'certificatePem');
  const refused = (reason: string, caId?: string): ConnectResult => ({
    outcome: 'refused',
    certificateId: id,
    caCertificateId: caId,
    event: undefined,
    reason,
  });
  const existing = store.certificates.get(id);
  const ca = findIssuingCa(store, certificatePem);
  if (existing === undefined) {
    if (ca === undefined) return refused('no registered CA certificate issued this certificate');
    if (ca.status !== 'ACTIVE') return refused(`CA ${ca.certificateId} is ${ca.status}`, ca.certificateId);
    if (ca.autoRegistrationStatus !== 'ENABLE') {
      return refused(`auto-registration is disabled for CA ${ca.certificateId}`, ca.certificateId);
    }
  }
  const cert =
    existing ?? registerCertificate(store, certificatePem, 'PENDING_ACTIVATION', ca?.certificateId);
  const caId = cert.caCertificateId;
  const issuer = caId === undefined ? undefined : store.caCertificates.get(caId);
  if (cert.status === 'PENDING_ACTIVATION' && issuer?.status !== 'ACTIVE') {
    return refused(`CA ${caId ?? '(none)'} is not ACTIVE`, caId);
  }
  if (cert.status === 'ACTIVE') {
    return {
      outcome: 'connected',
      certificateId: id,
      caCertificateId: caId,
      event: undefined,
      reason: undefined,
    };
  }
  if (cert.status !== 'PENDING_ACTIVATION' || caId === undefined) {
    return refused(`certificate is ${cert.status}`, caId);
  }
  const event: RegisteredEvent = {
    certificateId: id,
    caCertificateId: caId,
    timestamp: store.now(),
    certificateStatus: 'PENDING_ACTIVATION',
    awsAccountId: store.accountId,
    certificateRegistrationTimestamp: String(cert.creationDate),
  };
  return {
    outcome: existing === undefined ? 'registered' : 'republished',
    certificateId: id,
    caCertificateId: caId,
    event,
    reason: undefined,
  };
}
