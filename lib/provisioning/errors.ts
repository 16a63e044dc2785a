// Error types of the provisioning area (see lib/errors/jitr-error.ts for the model).
//
// The SDK adapter (sdk-iot-registry.ts) translates every AWS IoT error into one of these at
// the edge; the executor (execute-plan.ts) adds the plan-level conflicts. Codes are stable.
import { JitrError, type Outcome } from '../errors/jitr-error.js';

/**
 * The function's role lacks an IAM permission (`AccessDeniedException` / `UnauthorizedException`).
 * `details` carries `missingPermission` (e.g. `iot:CreateThing`), `resource` (ARN or `*`),
 * `principal`, `denyKind` (`implicit` | `explicit` | `unknown`), `policyType` and `statement`
 * (the exact IAM statement to add).
 */
export class IotAccessDeniedError extends JitrError {
  readonly code = 'AccessDenied';
  readonly outcome: Outcome = 'configuration';
}

/** The thing type named by the template does not exist. */
export class ThingTypeNotFoundError extends JitrError {
  readonly code = 'ThingTypeNotFound';
  readonly outcome: Outcome = 'configuration';
}

/** A thing group named by the template does not exist. */
export class ThingGroupNotFoundError extends JitrError {
  readonly code = 'ThingGroupNotFound';
  readonly outcome: Outcome = 'configuration';
}

/** The billing group named by the template does not exist. */
export class BillingGroupNotFoundError extends JitrError {
  readonly code = 'BillingGroupNotFound';
  readonly outcome: Outcome = 'configuration';
}

/** A policy named by the template (`PolicyName`) does not exist. */
export class PolicyNotFoundError extends JitrError {
  readonly code = 'PolicyNotFound';
  readonly outcome: Outcome = 'configuration';
}

/** The device certificate is unknown to AWS IoT (deleted, or wrong account/region). */
export class CertificateNotFoundError extends JitrError {
  readonly code = 'CertificateNotFound';
  readonly outcome: Outcome = 'configuration';
}

/** The CA certificate is unknown to AWS IoT. */
export class CaCertificateNotFoundError extends JitrError {
  readonly code = 'CaCertificateNotFound';
  readonly outcome: Outcome = 'configuration';
}

/** The provisioning template named by `TEMPLATE_SOURCE=iot:<name>` does not exist. */
export class ProvisioningTemplateNotFoundError extends JitrError {
  readonly code = 'ProvisioningTemplateNotFound';
  readonly outcome: Outcome = 'configuration';
}

/**
 * The thing disappeared between two steps (deleted concurrently). Transient: a retry
 * starts with DescribeThing again and recreates it.
 */
export class ThingNotFoundError extends JitrError {
  readonly code = 'ThingNotFound';
  readonly outcome: Outcome = 'transient';
}

/** A resource was not found and the call does not tell which one (details name the candidates). */
export class IotResourceNotFoundError extends JitrError {
  readonly code = 'IotResourceNotFound';
  readonly outcome: Outcome = 'configuration';
}

/** Throttled by AWS IoT after the SDK's own retries (`ThrottlingException`, HTTP 429, rate limits). */
export class AwsThrottledError extends JitrError {
  readonly code = 'AwsThrottled';
  readonly outcome: Outcome = 'transient';
}

/** AWS IoT answered 5xx, or the network failed (timeout, reset, DNS). */
export class AwsUnavailableError extends JitrError {
  readonly code = 'AwsUnavailable';
  readonly outcome: Outcome = 'transient';
}

/** A hard AWS IoT limit (`LimitExceededException`, e.g. too many policies on the certificate). */
export class IotLimitExceededError extends JitrError {
  readonly code = 'IotLimitExceeded';
  readonly outcome: Outcome = 'configuration';
}

/** AWS IoT refused the request as invalid (`InvalidRequestException`); the AWS message is kept. */
export class IotInvalidRequestError extends JitrError {
  readonly code = 'IotInvalidRequest';
  readonly outcome: Outcome = 'configuration';
}

/** AWS IoT refused a policy document (`MalformedPolicyException`). */
export class MalformedPolicyError extends JitrError {
  readonly code = 'MalformedPolicy';
  readonly outcome: Outcome = 'configuration';
}

/**
 * The certificate's state forbids the operation (`CertificateStateException`, e.g. a REVOKED
 * certificate cannot be activated). Retrying cannot help, so the event is dropped.
 */
export class CertificateStateError extends JitrError {
  readonly code = 'CertificateState';
  readonly outcome: Outcome = 'invalid-input';
}

/** Two writers changed the same resource at once (`VersionConflictException`, …); a retry converges. */
export class IotConflictError extends JitrError {
  readonly code = 'IotConflict';
  readonly outcome: Outcome = 'transient';
}

/**
 * An AWS error this module does not know, or a response missing a required field. Treated as
 * transient: Lambda retries, and a persistent one ends in the DLQ with its cause for replay.
 */
export class UnexpectedAwsError extends JitrError {
  readonly code = 'UnexpectedAwsError';
  readonly outcome: Outcome = 'transient';
}

/**
 * `OverrideSettings: FAIL` and the existing thing differs from the template.
 * `details`: `thingName`, `property`, `existing`, `wanted`.
 */
export class OverrideConflictError extends JitrError {
  readonly code = 'OverrideConflict';
  readonly outcome: Outcome = 'configuration';
}

/** An override value the property does not accept (MERGE on `ThingTypeName`). */
export class UnsupportedOverrideError extends JitrError {
  readonly code = 'UnsupportedOverride';
  readonly outcome: Outcome = 'configuration';
}

/** A policy with the plan's deterministic name exists with a different document. */
export class PolicyNameConflictError extends JitrError {
  readonly code = 'PolicyNameConflict';
  readonly outcome: Outcome = 'configuration';
}

/**
 * The plan's certificate resource names another certificate than the one being registered.
 * Fail closed: the executor never touches a certificate other than the event's.
 */
export class PlanCertificateMismatchError extends JitrError {
  readonly code = 'PlanCertificateMismatch';
  readonly outcome: Outcome = 'configuration';
}

/**
 * `THING_PRINCIPAL_POLICY=exclusive` and the thing the template names already serves another
 * principal (usually another device's certificate): a certificate whose subject repeats another
 * device's name must not inherit that device's thing-scoped permissions. Checked before any
 * write to the thing; also after AttachThingPrincipal, when two certificates raced for a new
 * thing (then this certificate is attached too, but is never activated).
 * `details`: `thingName`, `certificateId`, `otherCertificateIds`, `otherPrincipals`,
 * `detectedAfterAttach`.
 */
export class ThingOwnedByAnotherCertificateError extends JitrError {
  readonly code = 'ThingOwnedByAnotherCertificate';
  readonly outcome: Outcome = 'configuration';
}
