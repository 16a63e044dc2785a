/**
 * The certificate's final status, set by the use case **last**, after executePlan succeeded:
 * only then may the device connect. Also the rejection helpers (REVOKED / INACTIVE).
 */
import type { Plan } from '../template/plan.js';
import type { ProvisioningLogger } from './execute-plan.js';
import type { IotRegistry } from './iot-registry.js';

export interface StatusDeps {
  iot: IotRegistry;
  logger?: ProvisioningLogger;
}

/**
 * The status a provisioned certificate ends in: ACTIVE unless the template's certificate
 * resource says `Status: INACTIVE`. (`OverrideSettings.Status` is not consulted: in JITR the
 * certificate always exists and is PENDING_ACTIVATION, as in JITP, whose reference template
 * uses `Status: DO_NOTHING` and still activates.)
 */
export function finalCertificateStatus(plan: Plan): 'ACTIVE' | 'INACTIVE' {
  return plan.certificate?.status === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE';
}

/**
 * Sets the final status of a provisioned certificate (UpdateCertificate, idempotent).
 * Call it only after {@link executePlan} resolved. Returns the status set.
 * Two forms: `(plan, { certificateId }, deps)` derives the status from the plan;
 * `(certificateId, status, deps)` sets the given one.
 * @example await activateCertificate(plan, { certificateId }, { iot, logger });
 * @throws CertificateStateError (e.g. the certificate was revoked meanwhile), AccessDenied, AwsThrottled, …
 */
export async function activateCertificate(
  plan: Plan,
  target: { certificateId: string },
  deps: StatusDeps,
): Promise<'ACTIVE' | 'INACTIVE'>;
export async function activateCertificate(
  certificateId: string,
  status: 'ACTIVE' | 'INACTIVE',
  deps: StatusDeps,
): Promise<'ACTIVE' | 'INACTIVE'>;
export async function activateCertificate(
  planOrId: Plan | string,
  targetOrStatus: { certificateId: string } | 'ACTIVE' | 'INACTIVE',
  deps: StatusDeps,
): Promise<'ACTIVE' | 'INACTIVE'> {
  const certificateId =
    typeof planOrId === 'string' ? planOrId : (targetOrStatus as { certificateId: string }).certificateId;
  const status =
    typeof planOrId === 'string'
      ? (targetOrStatus as 'ACTIVE' | 'INACTIVE')
      : finalCertificateStatus(planOrId);
  await deps.iot.updateCertificateStatus(certificateId, status);
  deps.logger?.info('certificate status set', { certificateId, status });
  return status;
}

/**
 * Sets a rejected certificate's status: REVOKED (on the CRL) or INACTIVE (other rejections).
 * @throws CertificateStateError, AccessDenied, AwsThrottled, …
 */
export async function rejectCertificate(
  certificateId: string,
  status: 'REVOKED' | 'INACTIVE',
  deps: StatusDeps,
): Promise<void> {
  await deps.iot.updateCertificateStatus(certificateId, status);
  deps.logger?.info('certificate rejected', { certificateId, status });
}
