/**
 * The AWS IoT port: the only IoT control-plane operations the handler, the executor and the
 * operations tools use. One SDK adapter implements it (sdk-iot-registry.ts); tests may use a fake.
 *
 * Contract for every implementation:
 * - failures are thrown as `JitrError`s from lib/provisioning/errors.ts (never raw SDK errors);
 * - "not found" is `null` where the method says so, and "already exists" is a result value
 *   (`{ created: false }`), because both are expected answers in an idempotent flow;
 * - `callCount` counts every API call made (one per request, retries by the SDK not included);
 *   per-event numbers come from a `scoped()` view, because the events of one SQS batch run
 *   concurrently through the same registry (a difference of two readings would count theirs too).
 */

/** Every status AWS IoT reports for a certificate. */
export type CertificateStatus =
  | 'ACTIVE'
  | 'INACTIVE'
  | 'REVOKED'
  | 'PENDING_TRANSFER'
  | 'REGISTER_INACTIVE'
  | 'PENDING_ACTIVATION';

/** Statuses this project may set (`UpdateCertificate` rejects PENDING_* as a target). */
export type SettableCertificateStatus = 'ACTIVE' | 'INACTIVE' | 'REVOKED';

export interface CertificateDescription {
  certificateId: string;
  certificateArn: string;
  /** null for a certificate registered without a CA. */
  caCertificateId: string | null;
  status: CertificateStatus;
  certificatePem: string;
  creationDate?: Date;
}

export interface RegistrationConfig {
  templateBody?: string;
  templateName?: string;
  roleArn?: string;
}

export interface CaCertificateDescription {
  certificateId: string;
  certificateArn: string;
  status: 'ACTIVE' | 'INACTIVE';
  certificatePem: string;
  autoRegistrationStatus: 'ENABLE' | 'DISABLE';
  /** null when the CA carries no registration config (no JITP template). */
  registrationConfig: RegistrationConfig | null;
}

export interface ProvisioningTemplateDescription {
  templateName: string;
  templateBody: string;
  type: 'FLEET_PROVISIONING' | 'JITP';
  enabled: boolean;
}

export interface CertificateSummary {
  certificateId: string;
  certificateArn: string;
  status: CertificateStatus;
  creationDate: Date;
}

export interface CertificatePage {
  certificates: CertificateSummary[];
  nextMarker?: string;
}

export interface ThingDescription {
  thingName: string;
  thingArn: string;
  thingTypeName: string | null;
  attributes: Record<string, string>;
  version: number;
  billingGroupName: string | null;
}

export interface CreateThingInput {
  thingName: string;
  thingTypeName: string | null;
  attributes: Record<string, string>;
}

export interface UpdateThingInput {
  thingName: string;
  /** Set (or replace) the thing type; omit to leave it. */
  thingTypeName?: string;
  /** Attributes to write; with `merge: false` they replace all existing attributes. */
  attributes?: Record<string, string>;
  merge?: boolean;
}

export interface PolicyDescription {
  policyName: string;
  policyArn: string;
  /** The default version's document, as AWS stores it (JSON text). */
  policyDocument: string;
}

export type CreateResult = { created: true; arn: string } | { created: false };

export interface IotRegistry {
  /** Number of IoT API calls made through this registry so far (monotonic). */
  readonly callCount: number;
  /**
   * A view that shares the client and the pacing but counts its own calls from zero (they
   * are still counted here too): one per event.
   */
  scoped(): IotRegistry;
  /**
   * Whether a call of `operation` would be sent at once: this container's budget for it has a
   * free slot and no waiter, and no call of it was throttled or retried lately. A speculative
   * call is only worth sending when it takes nobody's slot.
   */
  wouldSendAtOnce(operation: string): boolean;

  /** @throws CertificateNotFoundError when AWS does not know the certificate. */
  describeCertificate(certificateId: string): Promise<CertificateDescription>;
  /** @throws CaCertificateNotFoundError when AWS does not know the CA. */
  describeCaCertificate(caCertificateId: string): Promise<CaCertificateDescription>;
  /** Idempotent (AWS documents UpdateCertificate as such). @throws CertificateStateError */
  updateCertificateStatus(certificateId: string, status: SettableCertificateStatus): Promise<void>;
  /** @throws ProvisioningTemplateNotFoundError */
  describeProvisioningTemplate(templateName: string): Promise<ProvisioningTemplateDescription>;
  /** One page of the certificates issued by a CA (for reconciliation). */
  listCertificatesByCa(
    caCertificateId: string,
    options: { marker?: string; pageSize?: number },
  ): Promise<CertificatePage>;

  /** null when the thing does not exist. */
  describeThing(thingName: string): Promise<ThingDescription | null>;
  /** `{ created: false }` when a thing with that name exists with another configuration (409). */
  createThing(input: CreateThingInput): Promise<CreateResult>;
  updateThing(input: UpdateThingInput): Promise<void>;
  /** All group names the thing belongs to (every page). */
  listThingGroupsForThing(thingName: string): Promise<string[]>;
  addThingToThingGroup(thingName: string, thingGroupName: string): Promise<void>;
  removeThingFromThingGroup(thingName: string, thingGroupName: string): Promise<void>;
  addThingToBillingGroup(thingName: string, billingGroupName: string): Promise<void>;
  /** null when the policy does not exist. */
  getPolicy(policyName: string): Promise<PolicyDescription | null>;
  /** `{ created: false }` when a policy with that name exists (409). */
  createPolicy(policyName: string, policyDocument: string): Promise<CreateResult>;
  /** Attach a policy to a target (certificate ARN). Repeats are no-ops. */
  attachPolicy(policyName: string, target: string): Promise<void>;
  /** Attach a principal (certificate ARN) to a thing. Repeats are no-ops. */
  attachThingPrincipal(thingName: string, principal: string): Promise<void>;
  /** All principals (certificate ARNs) attached to the thing (every page). */
  listThingPrincipals(thingName: string): Promise<string[]>;
  /** Names of the things a principal (certificate ARN) is attached to (every page; `jitr status`). */
  listPrincipalThings(principal: string): Promise<string[]>;
  /** Names of the policies attached to a target (certificate ARN) (every page; `jitr status`). */
  listAttachedPolicies(target: string): Promise<string[]>;
}
