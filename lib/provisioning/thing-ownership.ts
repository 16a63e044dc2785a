/**
 * Who may be attached to a thing (`THING_PRINCIPAL_POLICY`), as pure decisions (no I/O).
 *
 * The template usually names the thing after a certificate value (ThingName = CN). A device
 * whose certificate repeats the name of another device's thing would otherwise be attached to
 * that thing (AttachThingPrincipal is non-exclusive, as in JITP) and gain every thing-scoped
 * permission of the victim (`${iot:Connection.Thing.ThingName}` policies, shadows, jobs…).
 *
 * - `exclusive` (default): a thing may serve only one certificate. An existing thing with any
 *   principal other than this certificate is refused before any write to it. An existing thing
 *   with no principal (pre-created by an operator, or left by a failed attempt) or with only
 *   this certificate (our own retry) is used.
 * - `shared`: JITP's behaviour; any number of certificates may share a thing.
 */
import { iotResourceName } from '../arn/arn.js';
import { CERTIFICATE_ID_PATTERN } from '../certificate/certificate-id.js';
import { ThingOwnedByAnotherCertificateError } from './errors.js';

export type ThingPrincipalPolicy = 'exclusive' | 'shared';

/** The values `THING_PRINCIPAL_POLICY` accepts, default first. */
export const THING_PRINCIPAL_POLICIES: readonly ThingPrincipalPolicy[] = ['exclusive', 'shared'];

/** The certificate id in a certificate ARN (lowercase), or null for another kind of principal. */
export function certificateIdOf(principal: string): string | null {
  const id = iotResourceName(principal, 'cert')?.toLowerCase();
  return id !== undefined && CERTIFICATE_ID_PATTERN.test(id) ? id : null;
}

/** Whether `principal` is this certificate (same ARN, or the same certificate id). */
export function isThisCertificate(principal: string, certificateArn: string): boolean {
  if (principal === certificateArn) return true;
  const id = certificateIdOf(principal);
  return id !== null && id === certificateIdOf(certificateArn);
}

/** The principals attached to the thing other than this certificate. */
export function otherPrincipals(principals: readonly string[], certificateArn: string): string[] {
  return principals.filter((principal) => !isThisCertificate(principal, certificateArn));
}

/**
 * Throws {@link ThingOwnedByAnotherCertificateError} when a principal other than this
 * certificate is attached to the thing. `afterAttach`: the list was read after this run's
 * AttachThingPrincipal (two certificates raced for the thing; this one is attached as well).
 */
export function assertThingNotOwnedByOthers(
  thingName: string,
  principals: readonly string[],
  target: { certificateId: string; certificateArn: string },
  afterAttach: boolean,
): void {
  const others = otherPrincipals(principals, target.certificateArn);
  if (others.length === 0) return;
  throw new ThingOwnedByAnotherCertificateError({
    thingName,
    certificateId: target.certificateId,
    otherCertificateIds: others.map(certificateIdOf).filter((id): id is string => id !== null),
    otherPrincipals: others,
    detectedAfterAttach: afterAttach,
  });
}
