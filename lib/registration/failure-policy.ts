/**
 * The registration's failure policy: what an error means for the certificate and the event.
 * A rejected certificate gets its status (REVOKED, or REJECTED_CERTIFICATE_STATUS) here (I/O),
 * an invalid event is dropped, and configuration and transient errors are rethrown so Lambda
 * retries and the event ends in the DLQ.
 */
import { CertificateRevokedError } from '../crl/errors.js';
import { isJitrError } from '../errors/jitr-error.js';
import { rejectCertificate } from '../provisioning/activate-certificate.js';
import type { RegistrationDeps } from './deps.js';
import { type RegistrationResult, type RegistrationTrace, result, type StepTimer } from './result.js';

/**
 * Classifies a failure. Returns the result for outcomes the use case absorbs (rejected,
 * revoked, dropped) after applying the certificate status; returns null when the error must
 * be rethrown (configuration, transient, or not a JitrError at all).
 */
export async function handleFailure(
  error: unknown,
  deps: RegistrationDeps,
  trace: RegistrationTrace,
  step: StepTimer,
): Promise<RegistrationResult | null> {
  if (!isJitrError(error)) {
    deps.metrics.countWithReason('ProvisioningFailed', 'UnexpectedError');
    return null;
  }
  const certificateId = trace.event?.certificateId;
  if (error.disposition === 'invalid-input' || certificateId === undefined) {
    deps.metrics.count('EventDropped');
    return result(trace, 'dropped', error.code);
  }
  if (error.disposition !== 'rejected') {
    deps.metrics.countWithReason('ProvisioningFailed', error.code);
    // A retry cannot fix it: the alarm's signal (throttles and 5xx heal or reach the DLQ).
    if (error.disposition === 'configuration') deps.metrics.count('OperatorActionNeeded');
    return null;
  }
  if (error instanceof CertificateRevokedError) {
    await step('reject', () => rejectCertificate(certificateId, 'REVOKED', { iot: deps.iot }));
    trace.certificateStatus = 'REVOKED';
    deps.metrics.count('CertificateRevoked');
    return result(trace, 'revoked', error.code);
  }
  if (deps.config.rejectedCertificateStatus === 'INACTIVE') {
    await step('reject', () => rejectCertificate(certificateId, 'INACTIVE', { iot: deps.iot }));
    trace.certificateStatus = 'INACTIVE';
  }
  deps.metrics.countWithReason('CertificateRejected', error.code);
  return result(trace, 'rejected', error.code);
}
