// Error types of the provisioning area (see lib/errors/jitr-error.ts for the model).
//
// The SDK adapter (sdk-iot-registry.ts) translates every AWS IoT error into one of these at
// the edge; the executor (execute-plan.ts) adds the plan-level conflicts. Codes are stable.
// One construction style: each class takes the domain facts (and, for an AWS answer, the
// call's context) and builds its own message and remedy.
import { type Disposition, JitrError, type JitrErrorOptions } from '../errors/jitr-error.js';
import { type AccessDeniedFacts, accessDeniedRemedy } from './access-denied.js';

/** Where a failure happened: the pipeline step and, for an AWS answer, its name, cause and facts. */
export interface ProvisioningContext {
  step: string;
  awsErrorName?: string | undefined;
  cause?: unknown;
  details?: Record<string, unknown>;
}

/** What AWS said about a failed call (the adapter's view of the SDK error). */
export interface AwsAnswer {
  operation: string;
  /** The AWS message, or the error name when the message is empty. */
  said: string;
}

const REPLAY = 'then replay the DLQ.';
const RETRIED = 'Transient: the function retries by itself and the retry converges (run a command again).';
const THROTTLED =
  'Transient: the function retries by itself (run a command again). If it persists, raise the IoT API quota or lower the concurrency.';

function options(
  context: ProvisioningContext,
  remedy: string,
  facts: Record<string, unknown> = {},
): JitrErrorOptions {
  return { ...context, remedy, details: { ...context.details, ...facts } };
}

/**
 * The function's role lacks an IAM permission (`AccessDeniedException` / `UnauthorizedException`).
 * `details` carries `missingPermission` (e.g. `iot:CreateThing`), `resource` (ARN or `*`),
 * `principal`, `denyKind` (`implicit` | `explicit` | `unknown`), `policyType` and `statement`
 * (the exact IAM statement to add).
 */
export class IotAccessDeniedError extends JitrError {
  readonly code = 'AccessDenied';
  readonly disposition: Disposition = 'configuration';
  constructor(context: ProvisioningContext, operation: string, denied: AccessDeniedFacts) {
    super(
      `${operation} was denied: the function's role may not perform ${denied.missingPermission} on ${denied.resource}`,
      options(context, accessDeniedRemedy(denied), {
        missingPermission: denied.missingPermission,
        resource: denied.resource,
        principal: denied.principal,
        denyKind: denied.denyKind,
        policyType: denied.policyType,
        statement: denied.statement,
      }),
    );
  }
}

/** The thing type named by the template does not exist (CreateThing, UpdateThing). */
export class ThingTypeNotFoundError extends JitrError {
  readonly code = 'ThingTypeNotFound';
  readonly disposition: Disposition = 'configuration';
  constructor(context: ProvisioningContext, thingName: string, thingTypeName: string | null) {
    super(
      `thing type ${thingTypeName ?? '(none)'} does not exist`,
      options(
        context,
        `Create the thing type ${thingTypeName ?? ''} (or fix ThingTypeName in the template), ${REPLAY}`,
        { thingName, thingTypeName },
      ),
    );
  }
}

/** A thing group named by the template does not exist (AddThingToThingGroup, RemoveThingFromThingGroup). */
export class ThingGroupNotFoundError extends JitrError {
  readonly code = 'ThingGroupNotFound';
  readonly disposition: Disposition = 'configuration';
  constructor(context: ProvisioningContext, thingName: string, thingGroupName: string) {
    super(
      `thing group ${thingGroupName} does not exist`,
      options(
        context,
        `Create the thing group ${thingGroupName} (or fix ThingGroups in the template), ${REPLAY}`,
        {
          thingName,
          thingGroupName,
        },
      ),
    );
  }
}

/** The billing group named by the template does not exist (AddThingToBillingGroup). */
export class BillingGroupNotFoundError extends JitrError {
  readonly code = 'BillingGroupNotFound';
  readonly disposition: Disposition = 'configuration';
  constructor(context: ProvisioningContext, thingName: string, billingGroupName: string) {
    super(
      `billing group ${billingGroupName} does not exist`,
      options(
        context,
        `Create the billing group ${billingGroupName} (or fix BillingGroup in the template), ${REPLAY}`,
        { thingName, billingGroupName },
      ),
    );
  }
}

/** A policy named by the template (`PolicyName`) does not exist (AttachPolicy). */
export class PolicyNotFoundError extends JitrError {
  readonly code = 'PolicyNotFound';
  readonly disposition: Disposition = 'configuration';
  constructor(context: ProvisioningContext, policyName: string, target: string) {
    super(
      `policy ${policyName} does not exist`,
      options(
        context,
        `Create the AWS IoT policy ${policyName} (or fix PolicyName in the template), ${REPLAY}`,
        {
          policyName,
          target,
        },
      ),
    );
  }
}

/** The device certificate is unknown to AWS IoT (deleted, or wrong account/region). */
export class CertificateNotFoundError extends JitrError {
  readonly code = 'CertificateNotFound';
  readonly disposition: Disposition = 'configuration';
  constructor(context: ProvisioningContext, certificateId: string, facts: Record<string, unknown> = {}) {
    super(
      `certificate ${certificateId} does not exist`,
      options(
        context,
        'Check that the event comes from this account and region; the certificate may have been deleted (nothing to do if on purpose).',
        { certificateId, ...facts },
      ),
    );
  }
}

/** The CA certificate is unknown to AWS IoT (DescribeCACertificate, ListCertificatesByCA). */
export class CaCertificateNotFoundError extends JitrError {
  readonly code = 'CaCertificateNotFound';
  readonly disposition: Disposition = 'configuration';
  constructor(context: ProvisioningContext, caCertificateId: string) {
    super(
      `CA certificate ${caCertificateId} does not exist`,
      options(
        context,
        `Register the CA certificate ${caCertificateId} in this account and region, ${REPLAY}`,
        {
          caCertificateId,
        },
      ),
    );
  }
}

/** The provisioning template named by `TEMPLATE_SOURCE=iot:<name>` does not exist. */
export class ProvisioningTemplateNotFoundError extends JitrError {
  readonly code = 'ProvisioningTemplateNotFound';
  readonly disposition: Disposition = 'configuration';
  constructor(context: ProvisioningContext, templateName: string) {
    super(
      `provisioning template ${templateName} does not exist`,
      options(
        context,
        `Create the provisioning template ${templateName} (or fix TEMPLATE_SOURCE), ${REPLAY}`,
        {
          templateName,
        },
      ),
    );
  }
}

/**
 * The thing disappeared between two steps (deleted concurrently). Transient: a retry
 * starts with DescribeThing again and recreates it.
 */
export class ThingNotFoundError extends JitrError {
  readonly code = 'ThingNotFound';
  readonly disposition: Disposition = 'transient';
  constructor(context: ProvisioningContext, thingName: string) {
    super(
      `thing ${thingName} disappeared during provisioning`,
      options(context, 'Transient (the thing was deleted concurrently); the retry recreates it.', {
        thingName,
      }),
    );
  }
}

/** A resource was not found and the call does not tell which one (details name the candidates). */
export class IotResourceNotFoundError extends JitrError {
  readonly code = 'IotResourceNotFound';
  readonly disposition: Disposition = 'configuration';
  constructor(context: ProvisioningContext, answer: AwsAnswer) {
    super(
      `${answer.operation}: a resource does not exist: ${answer.said}`,
      options(context, 'Create the missing resource named in the AWS message, then replay the DLQ.'),
    );
  }
}

/** Throttled by AWS IoT after the SDK's own retries (`ThrottlingException`, HTTP 429, rate limits). */
export class AwsThrottledError extends JitrError {
  readonly code = 'AwsThrottled';
  readonly disposition: Disposition = 'transient';
  /** `rateLimit`: IoT said LimitExceededException about a rate (not a hard limit). */
  constructor(context: ProvisioningContext, answer: AwsAnswer & { rateLimit?: boolean }) {
    super(
      answer.rateLimit === true
        ? `${answer.operation} hit a rate limit: ${answer.said}`
        : `${answer.operation} was throttled after the SDK's retries: ${answer.said}`,
      options(context, THROTTLED),
    );
  }
}

/** AWS IoT answered 5xx, or the network failed (timeout, reset, DNS). */
export class AwsUnavailableError extends JitrError {
  readonly code = 'AwsUnavailable';
  readonly disposition: Disposition = 'transient';
  constructor(context: ProvisioningContext, answer: AwsAnswer) {
    super(
      `AWS IoT was unavailable for ${answer.operation}: ${answer.said}`,
      options(
        context,
        'Transient: the function retries by itself (run a command again). Check the AWS Health Dashboard if it persists.',
      ),
    );
  }
}

/** A hard AWS IoT limit (`LimitExceededException`, e.g. too many policies on the certificate). */
export class IotLimitExceededError extends JitrError {
  readonly code = 'IotLimitExceeded';
  readonly disposition: Disposition = 'configuration';
  constructor(context: ProvisioningContext, answer: AwsAnswer) {
    super(
      `${answer.operation} exceeded an AWS IoT limit: ${answer.said}`,
      options(
        context,
        'A hard AWS IoT limit was reached (e.g. policies per certificate, groups per thing): reduce what the template attaches, then replay the DLQ.',
      ),
    );
  }
}

/** AWS IoT refused the request as invalid (`InvalidRequestException`); the AWS message is kept. */
export class IotInvalidRequestError extends JitrError {
  readonly code = 'IotInvalidRequest';
  readonly disposition: Disposition = 'configuration';
  /** `remedy`: the caller's, when the request carried no template value (a CLI argument). */
  constructor(context: ProvisioningContext, answer: AwsAnswer & { remedy?: string | undefined }) {
    super(
      `AWS IoT rejected ${answer.operation} as invalid: ${answer.said}`,
      options(
        context,
        answer.remedy ?? 'Fix the template or the value named in the AWS message, then replay the DLQ.',
      ),
    );
  }
}

/** AWS IoT refused a policy document (`MalformedPolicyException`). */
export class MalformedPolicyError extends JitrError {
  readonly code = 'MalformedPolicy';
  readonly disposition: Disposition = 'configuration';
  constructor(context: ProvisioningContext, answer: AwsAnswer) {
    super(
      `AWS IoT rejected the policy document: ${answer.said}`,
      options(
        context,
        "Fix the template's PolicyDocument (valid IoT policy JSON, ≤ 2048 characters), then replay the DLQ.",
      ),
    );
  }
}

/**
 * The certificate's state forbids the operation (`CertificateStateException`, e.g. a REVOKED
 * certificate cannot be activated). Retrying cannot help, so the event is dropped.
 */
export class CertificateStateError extends JitrError {
  readonly code = 'CertificateState';
  readonly disposition: Disposition = 'invalid-input';
  constructor(context: ProvisioningContext, answer: AwsAnswer) {
    super(
      `${answer.operation} is not allowed in the certificate's current state: ${answer.said}`,
      options(
        context,
        'Check the certificate status; a REVOKED certificate can never change status. Nothing to retry.',
      ),
    );
  }
}

/**
 * Two writers changed the same resource at once (`VersionConflictException`, …), or a resource
 * was created and deleted concurrently between two steps; a retry converges.
 */
export class IotConflictError extends JitrError {
  readonly code = 'IotConflict';
  readonly disposition: Disposition = 'transient';
  constructor(
    context: ProvisioningContext,
    conflict: AwsAnswer | { deletedConcurrently: 'thing' | 'policy'; name: string },
  ) {
    super(
      'deletedConcurrently' in conflict
        ? `${conflict.deletedConcurrently} ${conflict.name} was created and deleted concurrently`
        : `${conflict.operation} conflicted with a concurrent update: ${conflict.said}`,
      options(
        context,
        RETRIED,
        'deletedConcurrently' in conflict ? { [`${conflict.deletedConcurrently}Name`]: conflict.name } : {},
      ),
    );
  }
}

/**
 * An AWS error this module does not know, or a response missing a required field. Treated as
 * transient: Lambda retries, and a persistent one ends in the DLQ with its cause for replay.
 */
export class UnexpectedAwsError extends JitrError {
  readonly code = 'UnexpectedAwsError';
  readonly disposition: Disposition = 'transient';
  constructor(
    context: ProvisioningContext,
    answer: (AwsAnswer & { name: string }) | { operation: string; missingField: string },
  ) {
    super(
      'missingField' in answer
        ? `${answer.operation} answered without ${answer.missingField}`
        : `${answer.operation} failed with an unexpected error: ${answer.name}: ${answer.said}`,
      'missingField' in answer
        ? options(
            context,
            'Treated as transient: try again (the function retries by itself); report it if it persists.',
            {
              operation: answer.operation,
              field: answer.missingField,
            },
          )
        : options(
            context,
            'Treated as transient: try again (the function retries by itself). If it persists, report it with this message (for the function, the cause is in its DLQ record).',
          ),
    );
  }
}

/**
 * `OverrideSettings: FAIL` and the existing thing differs from the template.
 * `details`: `thingName`, `property`, `existing`, `wanted`.
 */
export class OverrideConflictError extends JitrError {
  readonly code = 'OverrideConflict';
  readonly disposition: Disposition = 'configuration';
  constructor(facts: { thingName: string; property: string; existing: unknown; wanted: unknown }) {
    super(
      `thing ${facts.thingName} exists and its ${facts.property} differs from the template's (OverrideSettings ${facts.property}: FAIL)`,
      options(
        { step: 'thing' },
        `Make the thing's ${facts.property} match the template, or change OverrideSettings.${facts.property} in the template, then replay the DLQ.`,
        { ...facts },
      ),
    );
  }
}

/** An override value the property does not accept (MERGE on `ThingTypeName`). */
export class UnsupportedOverrideError extends JitrError {
  readonly code = 'UnsupportedOverride';
  readonly disposition: Disposition = 'configuration';
  constructor(thingName: string) {
    super(
      'OverrideSettings ThingTypeName: MERGE is not valid (only for attributes and groups)',
      options(
        { step: 'thing' },
        'Use REPLACE, DO_NOTHING or FAIL for ThingTypeName in the template, then replay the DLQ.',
        { thingName, property: 'ThingTypeName', value: 'MERGE' },
      ),
    );
  }
}

/** A policy with the plan's deterministic name exists with a different document. */
export class PolicyNameConflictError extends JitrError {
  readonly code = 'PolicyNameConflict';
  readonly disposition: Disposition = 'configuration';
  constructor(policyName: string, existingDocument: unknown, wantedDocument: string) {
    super(
      `policy ${policyName} exists with a different document`,
      options(
        { step: 'policies' },
        `Delete or rename the existing AWS IoT policy ${policyName} (its name is derived from the template's document), then replay the DLQ.`,
        { policyName, existingDocument, wantedDocument },
      ),
    );
  }
}

/**
 * The plan's certificate resource names another certificate than the one being registered.
 * Fail closed: the executor never touches a certificate other than the event's.
 */
export class PlanCertificateMismatchError extends JitrError {
  readonly code = 'PlanCertificateMismatch';
  readonly disposition: Disposition = 'configuration';
  constructor(planCertificateId: string, certificateId: string) {
    super(
      `the template's certificate resource names ${planCertificateId}, not the registered certificate ${certificateId}`,
      options(
        { step: 'plan' },
        'Use {"Ref": "AWS::IoT::Certificate::Id"} as the certificate resource\'s CertificateId, then replay the DLQ.',
        { planCertificateId, certificateId },
      ),
    );
  }
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
  readonly disposition: Disposition = 'configuration';
  constructor(facts: {
    thingName: string;
    certificateId: string;
    otherCertificateIds: string[];
    otherPrincipals: string[];
    detectedAfterAttach: boolean;
  }) {
    const { thingName, otherPrincipals: others, detectedAfterAttach: afterAttach } = facts;
    const detach = `aws iot detach-thing-principal --thing-name ${thingName} --principal ${others[0] ?? ''}`;
    super(
      afterAttach
        ? `thing ${thingName} got another certificate attached concurrently (${others.join(', ')}); this certificate is attached too but will not be activated`
        : `thing ${thingName} already belongs to another certificate (${others.join(', ')}); refusing to attach ${facts.certificateId} (THING_PRINCIPAL_POLICY=exclusive)`,
      options(
        { step: 'thing' },
        afterAttach
          ? `Two certificates claimed ${thingName} at once. Detach the one that must not own it (${detach}, or the same with this certificate's ARN) and replay the DLQ; to let several certificates share a thing, set THING_PRINCIPAL_POLICY=shared.`
          : `If this is a certificate rotation, detach the old certificate from ${thingName} (${detach}) and replay the DLQ; to let several certificates share a thing, set THING_PRINCIPAL_POLICY=shared.`,
        { ...facts },
      ),
    );
  }
}
