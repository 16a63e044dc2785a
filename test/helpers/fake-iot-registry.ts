/**
 * An in-memory AWS IoT at the port: implements IotRegistry (lib/provisioning/iot-registry.ts)
 * directly, for use-case tests (executor, activation, registration, handler). It keeps the
 * port's contract: "not found" is `null` where the port says so, "already exists" is
 * `{ created: false }`, every other failure is the JitrError the adapter would throw (same code
 * and step), and `callCount` counts one call per method (every list fits one page here). The
 * semantics are the ones aws-facts.md records (CreateThing idempotent for identical input,
 * attach/add repeats are no-ops). How SDK errors become these errors is the adapter's concern,
 * tested through aws-sdk-client-mock in test/unit/provisioning/sdk-iot-registry.test.ts.
 */
import type { JitrError } from '../../lib/errors/jitr-error.js';
import { parseAccessDenied } from '../../lib/provisioning/access-denied.js';
import {
  AwsThrottledError,
  AwsUnavailableError,
  BillingGroupNotFoundError,
  CaCertificateNotFoundError,
  CertificateNotFoundError,
  CertificateStateError,
  IotAccessDeniedError,
  PolicyNotFoundError,
  type ProvisioningContext,
  ProvisioningTemplateNotFoundError,
  ThingGroupNotFoundError,
  ThingNotFoundError,
  ThingTypeNotFoundError,
} from '../../lib/provisioning/errors.js';
import type {
  CaCertificateDescription,
  CertificateDescription,
  CertificatePage,
  CertificateStatus,
  CreateResult,
  CreateThingInput,
  IotRegistry,
  PolicyDescription,
  ProvisioningTemplateDescription,
  SettableCertificateStatus,
  ThingDescription,
  UpdateThingInput,
} from '../../lib/provisioning/iot-registry.js';

export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';

export interface FakeThing {
  thingTypeName: string | null;
  attributes: Record<string, string>;
  version: number;
  billingGroupName: string | null;
  groups: string[];
  principals: string[];
}

/** A certificate AWS IoT knows (registered by JITR, PENDING_ACTIVATION until activated). */
export interface FakeCertificate {
  certificatePem: string;
  caCertificateId: string | null;
  creationDate?: Date;
}

/** One port call: the method and its arguments. */
export interface PortCall {
  method: keyof IotRegistry;
  args: unknown[];
}

export type Method = Exclude<keyof IotRegistry, 'callCount' | 'scoped' | 'wouldSendAtOnce'>;

/** The AWS operation and pipeline step the SDK adapter reports for each port method. */
export const ADAPTER_CALLS: Record<Method, { operation: string; step: string }> = {
  describeCertificate: { operation: 'DescribeCertificate', step: 'describe-certificate' },
  describeCaCertificate: { operation: 'DescribeCACertificate', step: 'describe-ca-certificate' },
  updateCertificateStatus: { operation: 'UpdateCertificate', step: 'update-certificate' },
  describeProvisioningTemplate: {
    operation: 'DescribeProvisioningTemplate',
    step: 'describe-provisioning-template',
  },
  listCertificatesByCa: { operation: 'ListCertificatesByCA', step: 'list-certificates-by-ca' },
  describeThing: { operation: 'DescribeThing', step: 'thing' },
  createThing: { operation: 'CreateThing', step: 'thing' },
  updateThing: { operation: 'UpdateThing', step: 'thing' },
  listThingGroupsForThing: { operation: 'ListThingGroupsForThing', step: 'thing-groups' },
  addThingToThingGroup: { operation: 'AddThingToThingGroup', step: 'thing-groups' },
  removeThingFromThingGroup: { operation: 'RemoveThingFromThingGroup', step: 'thing-groups' },
  addThingToBillingGroup: { operation: 'AddThingToBillingGroup', step: 'billing-group' },
  getPolicy: { operation: 'GetPolicy', step: 'policies' },
  createPolicy: { operation: 'CreatePolicy', step: 'policies' },
  attachPolicy: { operation: 'AttachPolicy', step: 'attach-policies' },
  attachThingPrincipal: { operation: 'AttachThingPrincipal', step: 'attach-thing-principal' },
  listThingPrincipals: { operation: 'ListThingPrincipals', step: 'thing' },
  listPrincipalThings: { operation: 'ListPrincipalThings', step: 'status' },
  listAttachedPolicies: { operation: 'ListAttachedPolicies', step: 'status' },
};

/** What the port throws when AWS throttles `method`'s call (ThrottlingException, "Rate exceeded"). */
export function throttled(method: Method): AwsThrottledError {
  const { operation, step } = ADAPTER_CALLS[method];
  return new AwsThrottledError(
    { step, awsErrorName: 'ThrottlingException' },
    { operation, said: 'Rate exceeded' },
  );
}

/** What the port throws when the function's role may not make `method`'s call (AWS's 403 message). */
export function accessDenied(method: Method, awsMessage: string): IotAccessDeniedError {
  const { operation, step } = ADAPTER_CALLS[method];
  return new IotAccessDeniedError(
    { step, awsErrorName: 'AccessDeniedException', details: { operation, awsMessage, httpStatusCode: 403 } },
    operation,
    parseAccessDenied(awsMessage, `iot:${operation}`),
  );
}

/** What the port throws when the certificate's state forbids a status change (e.g. it is REVOKED). */
export function certificateState(said = 'Certificate is revoked'): CertificateStateError {
  return new CertificateStateError(
    { step: 'update-certificate', awsErrorName: 'CertificateStateException' },
    { operation: 'UpdateCertificate', said },
  );
}

/** What the port throws when AWS fails `method`'s call on its side (InternalFailureException, 500). */
export function unavailable(method: Method): AwsUnavailableError {
  const { operation, step } = ADAPTER_CALLS[method];
  return new AwsUnavailableError(
    { step, awsErrorName: 'InternalFailureException' },
    { operation, said: 'boom' },
  );
}

/** The context the adapter gives a 404 of this step. */
const notFoundIn = (step: string): ProvisioningContext => ({
  step,
  awsErrorName: 'ResourceNotFoundException',
});

export class FakeIotRegistry implements IotRegistry {
  readonly things = new Map<string, FakeThing>();
  readonly thingTypes = new Set<string>();
  readonly thingGroups = new Set<string>();
  readonly billingGroups = new Set<string>();
  /** Policy name → document (JSON text, as AWS stores it). */
  readonly policies = new Map<string, string>();
  /** target (certificate ARN) → attached policy names. */
  readonly attachments = new Map<string, string[]>();
  /** Certificate id → status: set by `updateCertificateStatus` (and by tests, as the seed). */
  readonly certificateStatus = new Map<string, string>();
  /** Certificates `describeCertificate` knows; their status is `certificateStatus`'s, else PENDING_ACTIVATION. */
  readonly certificates = new Map<string, FakeCertificate>();
  readonly caCertificates = new Map<string, CaCertificateDescription>();
  readonly provisioningTemplates = new Map<string, ProvisioningTemplateDescription>();
  /** The methods called, in order (one entry per call). */
  readonly log: Method[] = [];
  /** Every call with its arguments. */
  readonly calls: PortCall[] = [];
  #faults: { method: Method; error: JitrError; skip: number }[] = [];
  #hooks: { method: Method; run: () => void }[] = [];

  /** The operations whose budget the test says is busy (`wouldSendAtOnce` answers false). */
  readonly busy = new Set<string>();

  get callCount(): number {
    return this.log.length;
  }

  wouldSendAtOnce(operation: string): boolean {
    return !this.busy.has(operation);
  }

  /** A view on the same account whose `callCount` counts only its own calls (one per event). */
  scoped(): IotRegistry {
    let calls = 0;
    const fake = this;
    return new Proxy(this, {
      get(target, property) {
        if (property === 'callCount') return calls;
        if (property === 'scoped') return () => fake.scoped();
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function' || !(property in ADAPTER_CALLS)) return value;
        return (...args: unknown[]) => {
          calls += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as IotRegistry;
  }

  /** The next call of `method` (after `skip` successful ones) throws `error`, once. */
  failOn(method: Method, error: JitrError, skip = 0): void {
    this.#faults.push({ method, error, skip });
  }

  /** Runs `run` once, just before the next call of `method` is handled (a concurrent writer). */
  before(method: Method, run: () => void): void {
    this.#hooks.push({ method, run });
  }

  /** The calls of one method, as their argument lists. */
  callsOf(method: Method): unknown[][] {
    return this.calls.filter((call) => call.method === method).map((call) => call.args);
  }

  certificateArn(certificateId: string): string {
    return `arn:aws:iot:${REGION}:${ACCOUNT}:cert/${certificateId}`;
  }

  thingArn(name: string): string {
    return `arn:aws:iot:${REGION}:${ACCOUNT}:thing/${name}`;
  }

  policyArn(name: string): string {
    return `arn:aws:iot:${REGION}:${ACCOUNT}:policy/${name}`;
  }

  /** The whole provisioning state, for exact comparisons. */
  snapshot() {
    return {
      things: Object.fromEntries(
        [...this.things].map(([name, t]) => [name, { ...t, groups: [...t.groups].sort() }]),
      ),
      policies: Object.fromEntries(this.policies),
      attachments: Object.fromEntries([...this.attachments].map(([k, v]) => [k, [...v].sort()])),
      certificateStatus: Object.fromEntries(this.certificateStatus),
    };
  }

  /** Records the call, runs a pending hook, throws a pending fault. */
  async #call(method: Method, args: unknown[]): Promise<void> {
    this.log.push(method);
    this.calls.push({ method, args });
    const hook = this.#hooks.find((h) => h.method === method);
    if (hook !== undefined) {
      this.#hooks.splice(this.#hooks.indexOf(hook), 1);
      hook.run();
    }
    const fault = this.#faults.find((f) => f.method === method);
    if (fault !== undefined) {
      if (fault.skip === 0) {
        this.#faults.splice(this.#faults.indexOf(fault), 1);
        throw fault.error;
      }
      fault.skip -= 1;
    }
  }

  async describeCertificate(certificateId: string): Promise<CertificateDescription> {
    await this.#call('describeCertificate', [certificateId]);
    const certificate = this.certificates.get(certificateId);
    if (certificate === undefined) {
      throw new CertificateNotFoundError(notFoundIn('describe-certificate'), certificateId);
    }
    return {
      certificateId,
      certificateArn: this.certificateArn(certificateId),
      caCertificateId: certificate.caCertificateId,
      status: (this.certificateStatus.get(certificateId) ?? 'PENDING_ACTIVATION') as CertificateStatus,
      certificatePem: certificate.certificatePem,
      ...(certificate.creationDate === undefined ? {} : { creationDate: certificate.creationDate }),
    };
  }

  async describeCaCertificate(caCertificateId: string): Promise<CaCertificateDescription> {
    await this.#call('describeCaCertificate', [caCertificateId]);
    const ca = this.caCertificates.get(caCertificateId);
    if (ca === undefined) {
      throw new CaCertificateNotFoundError(notFoundIn('describe-ca-certificate'), caCertificateId);
    }
    return { ...ca };
  }

  async updateCertificateStatus(certificateId: string, status: SettableCertificateStatus): Promise<void> {
    await this.#call('updateCertificateStatus', [certificateId, status]);
    this.certificateStatus.set(certificateId, status);
  }

  async describeProvisioningTemplate(templateName: string): Promise<ProvisioningTemplateDescription> {
    await this.#call('describeProvisioningTemplate', [templateName]);
    const template = this.provisioningTemplates.get(templateName);
    if (template === undefined) {
      throw new ProvisioningTemplateNotFoundError(notFoundIn('describe-provisioning-template'), templateName);
    }
    return { ...template };
  }

  async listCertificatesByCa(
    caCertificateId: string,
    options: { marker?: string; pageSize?: number },
  ): Promise<CertificatePage> {
    await this.#call('listCertificatesByCa', [caCertificateId, options]);
    if (!this.caCertificates.has(caCertificateId)) {
      throw new CaCertificateNotFoundError(notFoundIn('list-certificates-by-ca'), caCertificateId);
    }
    const all = [...this.certificates].filter(([, c]) => c.caCertificateId === caCertificateId);
    const start = options.marker === undefined ? 0 : Number(options.marker);
    const end = start + (options.pageSize ?? 250);
    return {
      certificates: all.slice(start, end).map(([certificateId, c]) => ({
        certificateId,
        certificateArn: this.certificateArn(certificateId),
        status: (this.certificateStatus.get(certificateId) ?? 'PENDING_ACTIVATION') as CertificateStatus,
        creationDate: c.creationDate ?? new Date(0),
      })),
      ...(end < all.length ? { nextMarker: String(end) } : {}),
    };
  }

  async describeThing(thingName: string): Promise<ThingDescription | null> {
    await this.#call('describeThing', [thingName]);
    const thing = this.things.get(thingName);
    if (thing === undefined) return null;
    return {
      thingName,
      thingArn: this.thingArn(thingName),
      thingTypeName: thing.thingTypeName,
      attributes: { ...thing.attributes },
      version: thing.version,
      billingGroupName: thing.billingGroupName,
    };
  }

  async createThing(input: CreateThingInput): Promise<CreateResult> {
    await this.#call('createThing', [input]);
    const { thingName, thingTypeName, attributes } = input;
    if (thingTypeName !== null && !this.thingTypes.has(thingTypeName)) {
      throw new ThingTypeNotFoundError(notFoundIn('thing'), thingName, thingTypeName);
    }
    const existing = this.things.get(thingName);
    if (existing === undefined) {
      this.things.set(thingName, {
        thingTypeName,
        attributes: { ...attributes },
        version: 1,
        billingGroupName: null,
        groups: [],
        principals: [],
      });
      return { created: true, arn: this.thingArn(thingName) };
    }
    // AWS: identical input is a success (idempotent), any difference a 409.
    const same =
      existing.thingTypeName === thingTypeName &&
      JSON.stringify(Object.entries(existing.attributes).sort()) ===
        JSON.stringify(Object.entries(attributes).sort());
    return same ? { created: true, arn: this.thingArn(thingName) } : { created: false };
  }

  async updateThing(input: UpdateThingInput): Promise<void> {
    await this.#call('updateThing', [input]);
    const { thingName, thingTypeName, attributes, merge } = input;
    const thing = this.things.get(thingName);
    if (thing === undefined) throw new ThingNotFoundError(notFoundIn('thing'), thingName);
    if (thingTypeName !== undefined) {
      if (!this.thingTypes.has(thingTypeName)) {
        throw new ThingTypeNotFoundError(notFoundIn('thing'), thingName, thingTypeName);
      }
      thing.thingTypeName = thingTypeName;
    }
    if (attributes !== undefined) {
      const next: Record<string, string> = merge === true ? { ...thing.attributes } : {};
      for (const [key, value] of Object.entries(attributes)) {
        if (value === '') delete next[key];
        else next[key] = value;
      }
      thing.attributes = next;
    }
    thing.version += 1;
  }

  async listThingGroupsForThing(thingName: string): Promise<string[]> {
    await this.#call('listThingGroupsForThing', [thingName]);
    const thing = this.things.get(thingName);
    if (thing === undefined) throw new ThingNotFoundError(notFoundIn('thing-groups'), thingName);
    return [...thing.groups];
  }

  async addThingToThingGroup(thingName: string, thingGroupName: string): Promise<void> {
    await this.#call('addThingToThingGroup', [thingName, thingGroupName]);
    const thing = this.things.get(thingName);
    if (!this.thingGroups.has(thingGroupName) || thing === undefined) {
      throw new ThingGroupNotFoundError(notFoundIn('thing-groups'), thingName, thingGroupName);
    }
    if (!thing.groups.includes(thingGroupName)) thing.groups.push(thingGroupName);
  }

  async removeThingFromThingGroup(thingName: string, thingGroupName: string): Promise<void> {
    await this.#call('removeThingFromThingGroup', [thingName, thingGroupName]);
    const thing = this.things.get(thingName);
    if (!this.thingGroups.has(thingGroupName) || thing === undefined) {
      throw new ThingGroupNotFoundError(notFoundIn('thing-groups'), thingName, thingGroupName);
    }
    thing.groups = thing.groups.filter((g) => g !== thingGroupName);
  }

  async addThingToBillingGroup(thingName: string, billingGroupName: string): Promise<void> {
    await this.#call('addThingToBillingGroup', [thingName, billingGroupName]);
    const thing = this.things.get(thingName);
    if (!this.billingGroups.has(billingGroupName) || thing === undefined) {
      throw new BillingGroupNotFoundError(notFoundIn('billing-group'), thingName, billingGroupName);
    }
    thing.billingGroupName = billingGroupName;
  }

  async getPolicy(policyName: string): Promise<PolicyDescription | null> {
    await this.#call('getPolicy', [policyName]);
    const document = this.policies.get(policyName);
    if (document === undefined) return null;
    return { policyName, policyArn: this.policyArn(policyName), policyDocument: document };
  }

  async createPolicy(policyName: string, policyDocument: string): Promise<CreateResult> {
    await this.#call('createPolicy', [policyName, policyDocument]);
    if (this.policies.has(policyName)) return { created: false };
    this.policies.set(policyName, policyDocument);
    return { created: true, arn: this.policyArn(policyName) };
  }

  async attachPolicy(policyName: string, target: string): Promise<void> {
    await this.#call('attachPolicy', [policyName, target]);
    if (!this.policies.has(policyName)) {
      throw new PolicyNotFoundError(notFoundIn('attach-policies'), policyName, target);
    }
    const attached = this.attachments.get(target) ?? [];
    if (!attached.includes(policyName)) attached.push(policyName);
    this.attachments.set(target, attached);
  }

  async attachThingPrincipal(thingName: string, principal: string): Promise<void> {
    await this.#call('attachThingPrincipal', [thingName, principal]);
    const thing = this.things.get(thingName);
    if (thing === undefined) throw new ThingNotFoundError(notFoundIn('attach-thing-principal'), thingName);
    if (!thing.principals.includes(principal)) thing.principals.push(principal);
  }

  async listThingPrincipals(thingName: string): Promise<string[]> {
    await this.#call('listThingPrincipals', [thingName]);
    const thing = this.things.get(thingName);
    if (thing === undefined) throw new ThingNotFoundError(notFoundIn('thing'), thingName);
    return [...thing.principals];
  }

  async listPrincipalThings(principal: string): Promise<string[]> {
    await this.#call('listPrincipalThings', [principal]);
    return [...this.things].filter(([, t]) => t.principals.includes(principal)).map(([name]) => name);
  }

  async listAttachedPolicies(target: string): Promise<string[]> {
    await this.#call('listAttachedPolicies', [target]);
    return [...(this.attachments.get(target) ?? [])];
  }
}
