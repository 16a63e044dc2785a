/**
 * The SDK adapter of the IoT port: the only module that imports @aws-sdk/client-iot commands.
 * Every SDK error is translated here (translate-iot-error.ts) into a JitrError.
 */

import {
  AddThingToBillingGroupCommand,
  AddThingToThingGroupCommand,
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  DescribeCACertificateCommand,
  DescribeCertificateCommand,
  DescribeProvisioningTemplateCommand,
  DescribeThingCommand,
  GetPolicyCommand,
  type IoTClient,
  ListAttachedPoliciesCommand,
  ListCertificatesByCACommand,
  ListPrincipalThingsCommand,
  ListThingGroupsForThingCommand,
  ListThingPrincipalsCommand,
  RemoveThingFromThingGroupCommand,
  UpdateCertificateCommand,
  UpdateThingCommand,
} from '@aws-sdk/client-iot';
import { iotResourceName } from '../arn/arn.js';
import type { ApiBudget } from './api-budget.js';
import {
  BillingGroupNotFoundError,
  CaCertificateNotFoundError,
  CertificateNotFoundError,
  PolicyNotFoundError,
  ProvisioningTemplateNotFoundError,
  ThingGroupNotFoundError,
  ThingNotFoundError,
  ThingTypeNotFoundError,
  UnexpectedAwsError,
} from './errors.js';
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
  RegistrationConfig,
  SettableCertificateStatus,
  ThingDescription,
  UpdateThingInput,
} from './iot-registry.js';

import { type IotCallContext, translateIotError } from './translate-iot-error.js';

function isNotFound(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'ResourceNotFoundException';
}

function isAlreadyExists(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'ResourceAlreadyExistsException';
}

/** Whether a 404's message is about a certificate rather than the policy or thing of the call. */
function aboutCertificate(awsMessage: string): boolean {
  return /certificate|\bcert\b/i.test(awsMessage) && !/\bpolicy\b|\bthing\b/i.test(awsMessage);
}

/** `arn:aws:iot:<region>:<account>:cert/<id>` → `<id>` (the input itself when it is no such ARN). */
function idOfCertificateArn(arn: string): string {
  return iotResourceName(arn, 'cert') ?? arn;
}

/**
 * Follows `nextToken` to the last page and concatenates the pages' items. `page` gets the
 * token to spread into the request (`{}` for the first page).
 */
async function allPages<T>(
  page: (token: { nextToken?: string }) => Promise<{ items: readonly T[]; nextToken?: string | null }>,
): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const out = await page(nextToken === undefined ? {} : { nextToken });
    items.push(...out.items);
    nextToken = out.nextToken ?? undefined;
  } while (nextToken);
  return items;
}

/** AWS's model marks every output field optional; a missing required one is an AWS-side fault. */
function required<T>(value: T | undefined | null, field: string, operation: string): T {
  if (value === undefined || value === null) {
    throw new UnexpectedAwsError({ step: operation }, { operation, missingField: field });
  }
  return value;
}

function registrationConfigOf(config: RegistrationConfig | undefined): RegistrationConfig | null {
  if (config === undefined) {
    return null;
  }
  const out: RegistrationConfig = {};
  if (config.templateBody) out.templateBody = config.templateBody;
  if (config.templateName) out.templateName = config.templateName;
  if (config.roleArn) out.roleArn = config.roleArn;
  return Object.keys(out).length === 0 ? null : out;
}

/** Whether the SDK needed more than one attempt (throttled, or a 5xx) for this answer or error. */
function retried(answer: unknown): boolean {
  const attempts = (answer as { $metadata?: { attempts?: unknown } } | null)?.$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 1;
}

/** The {@link IotRegistry} backed by an `IoTClient` (build it once per container with `createIotClient`). */
/** An InvalidRequestException on a call that only carries ids from the event or the command line. */
const ID_REMEDY =
  'Check the certificate and CA ids (64 hex characters, as AWS IoT assigns) in the event or on the command line; no template is involved.';

export class SdkIotRegistry implements IotRegistry {
  /** This registry's count, and the counts of the registries it is a view of. */
  readonly #counter = { calls: 0 };
  #outer: readonly { calls: number }[] = [];
  readonly #client: IoTClient;
  readonly #budget: ApiBudget | null;

  /** `budget`: this container's per-API budget (api-budget.ts); null = send at once, remember nothing. */
  constructor(client: IoTClient, budget: ApiBudget | null = null) {
    this.#client = client;
    this.#budget = budget;
  }

  get callCount(): number {
    return this.#counter.calls;
  }

  scoped(): SdkIotRegistry {
    const view = new SdkIotRegistry(this.#client, this.#budget);
    view.#outer = [this.#counter, ...this.#outer];
    return view;
  }

  wouldSendAtOnce(operation: string): boolean {
    return this.#budget?.isFree(operation) ?? true;
  }

  /** Sends one command, counting it and translating any failure. */
  async #send<T>(context: IotCallContext, run: (client: IoTClient) => Promise<T>): Promise<T> {
    if (this.#budget !== null) await this.#budget.pace(context.operation);
    this.#counter.calls += 1;
    for (const outer of this.#outer) outer.calls += 1;
    try {
      const out = await run(this.#client);
      if (retried(out)) this.#budget?.noteContention(context.operation);
      return out;
    } catch (error) {
      const translated = translateIotError(error, context);
      if (retried(error) || translated.code === 'AwsThrottled')
        this.#budget?.noteContention(context.operation);
      throw translated;
    }
  }

  async describeCertificate(certificateId: string): Promise<CertificateDescription> {
    const op = 'DescribeCertificate';
    const out = await this.#send(
      {
        operation: op,
        step: 'describe-certificate',
        notFound: (base) => new CertificateNotFoundError(base, certificateId),
        invalidRequestRemedy: ID_REMEDY,
      },
      (c) => c.send(new DescribeCertificateCommand({ certificateId })),
    );
    const d = required(out.certificateDescription, 'certificateDescription', op);
    return {
      certificateId: required(d.certificateId, 'certificateId', op),
      certificateArn: required(d.certificateArn, 'certificateArn', op),
      caCertificateId: d.caCertificateId ?? null,
      status: required(d.status, 'status', op) as CertificateStatus,
      certificatePem: required(d.certificatePem, 'certificatePem', op),
      ...(d.creationDate === undefined ? {} : { creationDate: d.creationDate }),
    };
  }

  async describeCaCertificate(caCertificateId: string): Promise<CaCertificateDescription> {
    const op = 'DescribeCACertificate';
    const out = await this.#send(
      {
        operation: op,
        step: 'describe-ca-certificate',
        notFound: (base) => new CaCertificateNotFoundError(base, caCertificateId),
        invalidRequestRemedy: ID_REMEDY,
      },
      (c) => c.send(new DescribeCACertificateCommand({ certificateId: caCertificateId })),
    );
    const d = required(out.certificateDescription, 'certificateDescription', op);
    return {
      certificateId: required(d.certificateId, 'certificateId', op),
      certificateArn: required(d.certificateArn, 'certificateArn', op),
      status: required(d.status, 'status', op),
      certificatePem: required(d.certificatePem, 'certificatePem', op),
      autoRegistrationStatus: d.autoRegistrationStatus ?? 'DISABLE',
      registrationConfig: registrationConfigOf(out.registrationConfig),
    };
  }

  async updateCertificateStatus(certificateId: string, status: SettableCertificateStatus): Promise<void> {
    await this.#send(
      {
        operation: 'UpdateCertificate',
        step: 'update-certificate',
        notFound: (base) => new CertificateNotFoundError(base, certificateId, { status }),
        invalidRequestRemedy: ID_REMEDY,
      },
      (c) => c.send(new UpdateCertificateCommand({ certificateId, newStatus: status })),
    );
  }

  async describeProvisioningTemplate(templateName: string): Promise<ProvisioningTemplateDescription> {
    const op = 'DescribeProvisioningTemplate';
    const out = await this.#send(
      {
        operation: op,
        step: 'describe-provisioning-template',
        notFound: (base) => new ProvisioningTemplateNotFoundError(base, templateName),
        invalidRequestRemedy:
          'Check the provisioning template name in TEMPLATE_SOURCE or TEMPLATE_SOURCE_BY_CA (iot:<name>, 1 to 36 characters of [0-9A-Za-z_-]), deploy, then replay the DLQ.',
      },
      (c) => c.send(new DescribeProvisioningTemplateCommand({ templateName })),
    );
    return {
      templateName: required(out.templateName, 'templateName', op),
      templateBody: required(out.templateBody, 'templateBody', op),
      type: out.type ?? 'FLEET_PROVISIONING',
      enabled: out.enabled ?? false,
    };
  }

  async listCertificatesByCa(
    caCertificateId: string,
    options: { marker?: string; pageSize?: number },
  ): Promise<CertificatePage> {
    const op = 'ListCertificatesByCA';
    const out = await this.#send(
      {
        operation: op,
        step: 'list-certificates-by-ca',
        notFound: (base) => new CaCertificateNotFoundError(base, caCertificateId),
        invalidRequestRemedy:
          'Check the CA certificate id (64 hex characters, a CA registered in this account and region, e.g. from aws iot list-ca-certificates); no template is involved.',
      },
      (c) =>
        c.send(
          new ListCertificatesByCACommand({
            caCertificateId,
            ...(options.marker === undefined ? {} : { marker: options.marker }),
            ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
          }),
        ),
    );
    return {
      certificates: (out.certificates ?? []).map((cert) => ({
        certificateId: required(cert.certificateId, 'certificateId', op),
        certificateArn: required(cert.certificateArn, 'certificateArn', op),
        status: required(cert.status, 'status', op) as CertificateStatus,
        creationDate: required(cert.creationDate, 'creationDate', op),
      })),
      ...(out.nextMarker ? { nextMarker: out.nextMarker } : {}),
    };
  }

  async describeThing(thingName: string): Promise<ThingDescription | null> {
    const op = 'DescribeThing';
    const out = await this.#send({ operation: op, step: 'thing' }, async (c) => {
      try {
        return await c.send(new DescribeThingCommand({ thingName }));
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    });
    if (out === null) {
      return null;
    }
    return {
      thingName: required(out.thingName, 'thingName', op),
      thingArn: required(out.thingArn, 'thingArn', op),
      thingTypeName: out.thingTypeName ?? null,
      attributes: { ...(out.attributes ?? {}) },
      version: out.version ?? 0,
      billingGroupName: out.billingGroupName ?? null,
    };
  }

  async createThing(input: CreateThingInput): Promise<CreateResult> {
    const { thingName, thingTypeName, attributes } = input;
    const out = await this.#send(
      {
        operation: 'CreateThing',
        step: 'thing',
        notFound: (base) => new ThingTypeNotFoundError(base, thingName, thingTypeName),
      },
      async (c) => {
        try {
          return await c.send(
            new CreateThingCommand({
              thingName,
              ...(thingTypeName === null ? {} : { thingTypeName }),
              ...(Object.keys(attributes).length === 0 ? {} : { attributePayload: { attributes } }),
            }),
          );
        } catch (error) {
          if (isAlreadyExists(error)) return null;
          throw error;
        }
      },
    );
    return out === null
      ? { created: false }
      : { created: true, arn: required(out.thingArn, 'thingArn', 'CreateThing') };
  }

  async updateThing(input: UpdateThingInput): Promise<void> {
    const { thingName, thingTypeName, attributes, merge } = input;
    await this.#send(
      {
        operation: 'UpdateThing',
        step: 'thing',
        // The thing was described just before; a 404 naming a type (or not naming the thing) is the type's.
        notFound: (base, awsMessage) =>
          thingTypeName !== undefined && (/\btype\b/i.test(awsMessage) || !awsMessage.includes(thingName))
            ? new ThingTypeNotFoundError(base, thingName, thingTypeName)
            : new ThingNotFoundError(base, thingName),
      },
      (c) =>
        c.send(
          new UpdateThingCommand({
            thingName,
            ...(thingTypeName === undefined ? {} : { thingTypeName }),
            ...(attributes === undefined ? {} : { attributePayload: { attributes, merge: merge ?? false } }),
          }),
        ),
    );
  }

  async listThingGroupsForThing(thingName: string): Promise<string[]> {
    const groups = await allPages(async (token) => {
      const out = await this.#send(
        {
          operation: 'ListThingGroupsForThing',
          step: 'thing-groups',
          notFound: (b) => new ThingNotFoundError(b, thingName),
        },
        (c) => c.send(new ListThingGroupsForThingCommand({ thingName, maxResults: 250, ...token })),
      );
      return { items: (out.thingGroups ?? []).map((group) => group.groupName), nextToken: out.nextToken };
    });
    return groups.filter((name): name is string => typeof name === 'string' && name.length > 0);
  }

  async addThingToThingGroup(thingName: string, thingGroupName: string): Promise<void> {
    await this.#send(
      {
        operation: 'AddThingToThingGroup',
        step: 'thing-groups',
        notFound: (base) => new ThingGroupNotFoundError(base, thingName, thingGroupName),
      },
      (c) => c.send(new AddThingToThingGroupCommand({ thingName, thingGroupName })),
    );
  }

  async removeThingFromThingGroup(thingName: string, thingGroupName: string): Promise<void> {
    await this.#send(
      {
        operation: 'RemoveThingFromThingGroup',
        step: 'thing-groups',
        notFound: (base) => new ThingGroupNotFoundError(base, thingName, thingGroupName),
      },
      (c) => c.send(new RemoveThingFromThingGroupCommand({ thingName, thingGroupName })),
    );
  }

  async addThingToBillingGroup(thingName: string, billingGroupName: string): Promise<void> {
    await this.#send(
      {
        operation: 'AddThingToBillingGroup',
        step: 'billing-group',
        notFound: (base) => new BillingGroupNotFoundError(base, thingName, billingGroupName),
      },
      (c) => c.send(new AddThingToBillingGroupCommand({ thingName, billingGroupName })),
    );
  }

  async getPolicy(policyName: string): Promise<PolicyDescription | null> {
    const op = 'GetPolicy';
    const out = await this.#send({ operation: op, step: 'policies' }, async (c) => {
      try {
        return await c.send(new GetPolicyCommand({ policyName }));
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    });
    if (out === null) {
      return null;
    }
    return {
      policyName: required(out.policyName, 'policyName', op),
      policyArn: required(out.policyArn, 'policyArn', op),
      policyDocument: required(out.policyDocument, 'policyDocument', op),
    };
  }

  async createPolicy(policyName: string, policyDocument: string): Promise<CreateResult> {
    const out = await this.#send({ operation: 'CreatePolicy', step: 'policies' }, async (c) => {
      try {
        return await c.send(new CreatePolicyCommand({ policyName, policyDocument }));
      } catch (error) {
        if (isAlreadyExists(error)) return null;
        throw error;
      }
    });
    return out === null
      ? { created: false }
      : { created: true, arn: required(out.policyArn, 'policyArn', 'CreatePolicy') };
  }

  async attachPolicy(policyName: string, target: string): Promise<void> {
    await this.#send(
      {
        operation: 'AttachPolicy',
        step: 'attach-policies',
        // The 404 may be about the target certificate: AWS's message says which.
        notFound: (base, awsMessage) =>
          aboutCertificate(awsMessage)
            ? new CertificateNotFoundError(base, idOfCertificateArn(target), { certificateArn: target })
            : new PolicyNotFoundError(base, policyName, target),
      },
      (c) => c.send(new AttachPolicyCommand({ policyName, target })),
    );
  }

  async attachThingPrincipal(thingName: string, principal: string): Promise<void> {
    await this.#send(
      {
        operation: 'AttachThingPrincipal',
        step: 'attach-thing-principal',
        notFound: (base, awsMessage) =>
          aboutCertificate(awsMessage)
            ? new CertificateNotFoundError(base, idOfCertificateArn(principal), { certificateArn: principal })
            : new ThingNotFoundError(base, thingName),
      },
      (c) => c.send(new AttachThingPrincipalCommand({ thingName, principal })),
    );
  }

  async listThingPrincipals(thingName: string): Promise<string[]> {
    return allPages(async (token) => {
      const out = await this.#send(
        {
          operation: 'ListThingPrincipals',
          step: 'thing',
          notFound: (b) => new ThingNotFoundError(b, thingName),
        },
        (c) => c.send(new ListThingPrincipalsCommand({ thingName, maxResults: 250, ...token })),
      );
      return { items: out.principals ?? [], nextToken: out.nextToken };
    });
  }

  async listPrincipalThings(principal: string): Promise<string[]> {
    const names = await allPages(async (token) => {
      const out = await this.#send(
        {
          operation: 'ListPrincipalThings',
          step: 'status',
          notFound: (b) =>
            new CertificateNotFoundError(b, idOfCertificateArn(principal), { certificateArn: principal }),
          invalidRequestRemedy: ID_REMEDY,
        },
        (c) => c.send(new ListPrincipalThingsCommand({ principal, maxResults: 250, ...token })),
      );
      return { items: out.things ?? [], nextToken: out.nextToken };
    });
    return names.filter((name) => name.length > 0);
  }

  async listAttachedPolicies(target: string): Promise<string[]> {
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const out = await this.#send(
        {
          operation: 'ListAttachedPolicies',
          step: 'status',
          notFound: (b) =>
            new CertificateNotFoundError(b, idOfCertificateArn(target), { certificateArn: target }),
          invalidRequestRemedy: ID_REMEDY,
        },
        (c) =>
          c.send(
            new ListAttachedPoliciesCommand({
              target,
              pageSize: 250,
              ...(marker === undefined ? {} : { marker }),
            }),
          ),
      );
      for (const policy of out.policies ?? []) if (policy.policyName) names.push(policy.policyName);
      marker = out.nextMarker ?? undefined;
    } while (marker);
    return names;
  }
}
