/**
 * The precise error for a `ResourceNotFoundException`, per call: the adapter knows which
 * resource the call names, so the operator is told exactly what to create.
 */
import type { JitrError, JitrErrorOptions } from '../errors/jitr-error.js';
import {
  BillingGroupNotFoundError,
  CaCertificateNotFoundError,
  CertificateNotFoundError,
  PolicyNotFoundError,
  ProvisioningTemplateNotFoundError,
  ThingGroupNotFoundError,
  ThingNotFoundError,
  ThingTypeNotFoundError,
} from './errors.js';

/** What translateIotError passes: everything but the remedy. */
export type NotFoundBase = Omit<JitrErrorOptions, 'remedy'>;

const REPLAY = 'then replay the DLQ.';

function with_(base: NotFoundBase, remedy: string, facts: Record<string, unknown>): JitrErrorOptions {
  return { ...base, remedy, details: { ...base.details, ...facts } };
}

/** The device certificate is unknown (DescribeCertificate, UpdateCertificate). */
export function certificateNotFound(
  base: NotFoundBase,
  certificateId: string,
  facts: Record<string, unknown> = {},
) {
  return new CertificateNotFoundError(
    `certificate ${certificateId} does not exist`,
    with_(
      base,
      'Check that the event comes from this account and region; the certificate may have been deleted (nothing to do if on purpose).',
      { certificateId, ...facts },
    ),
  );
}

/** The CA is unknown (DescribeCACertificate, ListCertificatesByCA). */
export function caCertificateNotFound(base: NotFoundBase, caCertificateId: string): JitrError {
  return new CaCertificateNotFoundError(
    `CA certificate ${caCertificateId} does not exist`,
    with_(base, `Register the CA certificate ${caCertificateId} in this account and region, ${REPLAY}`, {
      caCertificateId,
    }),
  );
}

/** The named provisioning template is unknown (DescribeProvisioningTemplate). */
export function provisioningTemplateNotFound(base: NotFoundBase, templateName: string): JitrError {
  return new ProvisioningTemplateNotFoundError(
    `provisioning template ${templateName} does not exist`,
    with_(base, `Create the provisioning template ${templateName} (or fix TEMPLATE_SOURCE), ${REPLAY}`, {
      templateName,
    }),
  );
}

/** The template's thing type is unknown (CreateThing, UpdateThing). */
export function thingTypeNotFound(
  base: NotFoundBase,
  thingName: string,
  thingTypeName: string | null,
): JitrError {
  return new ThingTypeNotFoundError(
    `thing type ${thingTypeName ?? '(none)'} does not exist`,
    with_(
      base,
      `Create the thing type ${thingTypeName ?? ''} (or fix ThingTypeName in the template), ${REPLAY}`,
      {
        thingName,
        thingTypeName,
      },
    ),
  );
}

/** Transient: the thing was deleted between two steps; the retry recreates it. */
export function thingGone(base: NotFoundBase, thingName: string): JitrError {
  return new ThingNotFoundError(
    `thing ${thingName} disappeared during provisioning`,
    with_(base, 'Transient (the thing was deleted concurrently); the retry recreates it.', { thingName }),
  );
}

/** A template thing group is unknown (AddThingToThingGroup, RemoveThingFromThingGroup). */
export function thingGroupNotFound(base: NotFoundBase, thingName: string, thingGroupName: string): JitrError {
  return new ThingGroupNotFoundError(
    `thing group ${thingGroupName} does not exist`,
    with_(base, `Create the thing group ${thingGroupName} (or fix ThingGroups in the template), ${REPLAY}`, {
      thingName,
      thingGroupName,
    }),
  );
}

/** The template's billing group is unknown (AddThingToBillingGroup). */
export function billingGroupNotFound(
  base: NotFoundBase,
  thingName: string,
  billingGroupName: string,
): JitrError {
  return new BillingGroupNotFoundError(
    `billing group ${billingGroupName} does not exist`,
    with_(
      base,
      `Create the billing group ${billingGroupName} (or fix BillingGroup in the template), ${REPLAY}`,
      {
        thingName,
        billingGroupName,
      },
    ),
  );
}

/** A policy to attach is unknown (AttachPolicy). */
export function policyNotFound(base: NotFoundBase, policyName: string, target: string): JitrError {
  return new PolicyNotFoundError(
    `policy ${policyName} does not exist`,
    with_(base, `Create the AWS IoT policy ${policyName} (or fix PolicyName in the template), ${REPLAY}`, {
      policyName,
      target,
    }),
  );
}
