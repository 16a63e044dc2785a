/**
 * A small in-memory AWS IoT behind aws-sdk-client-mock: the commands the executor uses, with the
 * semantics aws-facts.md records (CreateThing idempotent for identical input, 409 otherwise;
 * CreatePolicy 409; attach/add repeats are no-ops; 404 for unknown resources), answering with the
 * SDK's real exception classes. Faults can be injected per command.
 */
import {
  AddThingToBillingGroupCommand,
  AddThingToThingGroupCommand,
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreatePolicyCommand,
  CreateThingCommand,
  DescribeThingCommand,
  GetPolicyCommand,
  IoTClient,
  IoTServiceException,
  ListThingGroupsForThingCommand,
  ListThingPrincipalsCommand,
  RemoveThingFromThingGroupCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  UpdateCertificateCommand,
  UpdateThingCommand,
} from '@aws-sdk/client-iot';
import { mockClient } from 'aws-sdk-client-mock';

export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';

interface FakeThing {
  thingTypeName: string | null;
  attributes: Record<string, string>;
  version: number;
  billingGroupName: string | null;
  groups: string[];
  principals: string[];
}

type Input = Record<string, unknown>;

export function notFound(message: string): ResourceNotFoundException {
  return new ResourceNotFoundException({ message, $metadata: { httpStatusCode: 404 } });
}

/** An AWS error the IoT model does not define (AccessDeniedException, …), as the SDK builds it. */
export function awsError(
  name: string,
  httpStatusCode: number,
  message: string,
  fault: 'client' | 'server' = 'client',
) {
  return new IoTServiceException({ name, $fault: fault, message, $metadata: { httpStatusCode } });
}

export class FakeIot {
  readonly mock = mockClient(IoTClient);
  readonly things = new Map<string, FakeThing>();
  readonly thingTypes = new Set<string>();
  readonly thingGroups = new Set<string>();
  readonly billingGroups = new Set<string>();
  readonly policies = new Map<string, string>();
  /** target (certificate ARN) → attached policy names. */
  readonly attachments = new Map<string, string[]>();
  readonly certificateStatus = new Map<string, string>();
  readonly log: string[] = [];
  #faults: { command: string; error: Error; skip: number }[] = [];
  #hooks: { command: string; run: () => void }[] = [];

  constructor() {
    const commands = [
      [DescribeThingCommand, (i: Input) => this.describeThing(i)],
      [CreateThingCommand, (i: Input) => this.createThing(i)],
      [UpdateThingCommand, (i: Input) => this.updateThing(i)],
      [ListThingGroupsForThingCommand, (i: Input) => this.listGroups(i)],
      [AddThingToThingGroupCommand, (i: Input) => this.addToGroup(i)],
      [RemoveThingFromThingGroupCommand, (i: Input) => this.removeFromGroup(i)],
      [AddThingToBillingGroupCommand, (i: Input) => this.addToBillingGroup(i)],
      [GetPolicyCommand, (i: Input) => this.getPolicy(i)],
      [CreatePolicyCommand, (i: Input) => this.createPolicy(i)],
      [AttachPolicyCommand, (i: Input) => this.attachPolicy(i)],
      [AttachThingPrincipalCommand, (i: Input) => this.attachPrincipal(i)],
      [ListThingPrincipalsCommand, (i: Input) => this.listPrincipals(i)],
      [UpdateCertificateCommand, (i: Input) => this.updateCertificate(i)],
    ] as const;
    for (const [command, handler] of commands) {
      const name = command.name.replace(/Command$/, '');
      // biome-ignore lint/suspicious/noExplicitAny: aws-sdk-client-mock's per-command input types differ.
      (this.mock.on(command as any) as any).callsFake(async (input: Input) => {
        this.log.push(name);
        const hook = this.#hooks.find((h) => h.command === name);
        if (hook !== undefined) {
          this.#hooks.splice(this.#hooks.indexOf(hook), 1);
          hook.run();
        }
        const fault = this.#faults.find((f) => f.command === name);
        if (fault !== undefined) {
          if (fault.skip === 0) {
            this.#faults.splice(this.#faults.indexOf(fault), 1);
            throw fault.error;
          }
          fault.skip -= 1;
        }
        return handler(input);
      });
    }
  }

  /** The next call of `command` (after `skip` successful ones) throws `error`, once. */
  failOn(command: string, error: Error, skip = 0): void {
    this.#faults.push({ command, error, skip });
  }

  /** Runs `run` once, just before the next call of `command` is handled (a concurrent writer). */
  before(command: string, run: () => void): void {
    this.#hooks.push({ command, run });
  }

  restore(): void {
    this.mock.restore();
  }

  thingArn(name: string): string {
    return `arn:aws:iot:${REGION}:${ACCOUNT}:thing/${name}`;
  }

  /** The whole state, for exact comparisons. */
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

  #thing(name: unknown): FakeThing {
    const thing = this.things.get(String(name));
    if (thing === undefined) throw notFound(`Thing ${String(name)} cannot be found.`);
    return thing;
  }

  private describeThing(i: Input) {
    const thing = this.#thing(i.thingName);
    return {
      thingName: i.thingName,
      thingArn: this.thingArn(String(i.thingName)),
      thingId: `id-${String(i.thingName)}`,
      ...(thing.thingTypeName === null ? {} : { thingTypeName: thing.thingTypeName }),
      attributes: { ...thing.attributes },
      version: thing.version,
      ...(thing.billingGroupName === null ? {} : { billingGroupName: thing.billingGroupName }),
    };
  }

  private createThing(i: Input) {
    const name = String(i.thingName);
    const type = (i.thingTypeName as string | undefined) ?? null;
    const attributes = ((i.attributePayload as { attributes?: Record<string, string> } | undefined)
      ?.attributes ?? {}) as Record<string, string>;
    if (type !== null && !this.thingTypes.has(type)) throw notFound(`Thing type ${type} not found`);
    const existing = this.things.get(name);
    if (existing !== undefined) {
      const same =
        existing.thingTypeName === type &&
        JSON.stringify(Object.entries(existing.attributes).sort()) ===
          JSON.stringify(Object.entries(attributes).sort());
      if (!same) {
        throw new ResourceAlreadyExistsException({
          message: `Thing ${name} already exists in account with different attributes`,
          resourceId: name,
          resourceArn: this.thingArn(name),
          $metadata: { httpStatusCode: 409 },
        });
      }
    } else {
      this.things.set(name, {
        thingTypeName: type,
        attributes: { ...attributes },
        version: 1,
        billingGroupName: null,
        groups: [],
        principals: [],
      });
    }
    return { thingName: name, thingArn: this.thingArn(name), thingId: `id-${name}` };
  }

  private updateThing(i: Input) {
    const thing = this.#thing(i.thingName);
    if (typeof i.thingTypeName === 'string') {
      if (!this.thingTypes.has(i.thingTypeName)) throw notFound(`Thing type ${i.thingTypeName} not found`);
      thing.thingTypeName = i.thingTypeName;
    }
    const payload = i.attributePayload as
      | { attributes?: Record<string, string>; merge?: boolean }
      | undefined;
    if (payload?.attributes !== undefined) {
      const next: Record<string, string> = payload.merge ? { ...thing.attributes } : {};
      for (const [key, value] of Object.entries(payload.attributes)) {
        if (value === '') delete next[key];
        else next[key] = value;
      }
      thing.attributes = next;
    }
    thing.version += 1;
    return {};
  }

  private listGroups(i: Input) {
    const thing = this.#thing(i.thingName);
    return {
      thingGroups: thing.groups.map((groupName) => ({
        groupName,
        groupArn: `arn:aws:iot:${REGION}:${ACCOUNT}:thinggroup/${groupName}`,
      })),
    };
  }

  private addToGroup(i: Input) {
    const group = String(i.thingGroupName);
    if (!this.thingGroups.has(group)) throw notFound(`Thing group ${group} not found`);
    const thing = this.#thing(i.thingName);
    if (!thing.groups.includes(group)) thing.groups.push(group);
    return {};
  }

  private removeFromGroup(i: Input) {
    const group = String(i.thingGroupName);
    if (!this.thingGroups.has(group)) throw notFound(`Thing group ${group} not found`);
    const thing = this.#thing(i.thingName);
    thing.groups = thing.groups.filter((g) => g !== group);
    return {};
  }

  private addToBillingGroup(i: Input) {
    const group = String(i.billingGroupName);
    if (!this.billingGroups.has(group)) throw notFound(`Billing group ${group} not found`);
    this.#thing(i.thingName).billingGroupName = group;
    return {};
  }

  private getPolicy(i: Input) {
    const name = String(i.policyName);
    const document = this.policies.get(name);
    if (document === undefined) throw notFound(`Policy ${name} not found`);
    return {
      policyName: name,
      policyArn: `arn:aws:iot:${REGION}:${ACCOUNT}:policy/${name}`,
      policyDocument: document,
      defaultVersionId: '1',
    };
  }

  private createPolicy(i: Input) {
    const name = String(i.policyName);
    if (this.policies.has(name)) {
      throw new ResourceAlreadyExistsException({
        message: `Policy cannot be created - name already exists (name=${name})`,
        resourceId: name,
        resourceArn: `arn:aws:iot:${REGION}:${ACCOUNT}:policy/${name}`,
        $metadata: { httpStatusCode: 409 },
      });
    }
    this.policies.set(name, String(i.policyDocument));
    return {
      policyName: name,
      policyArn: `arn:aws:iot:${REGION}:${ACCOUNT}:policy/${name}`,
      policyVersionId: '1',
    };
  }

  private attachPolicy(i: Input) {
    const name = String(i.policyName);
    if (!this.policies.has(name)) throw notFound(`Policy ${name} not found`);
    const target = String(i.target);
    const attached = this.attachments.get(target) ?? [];
    if (!attached.includes(name)) attached.push(name);
    this.attachments.set(target, attached);
    return {};
  }

  private attachPrincipal(i: Input) {
    const thing = this.#thing(i.thingName);
    const principal = String(i.principal);
    if (!thing.principals.includes(principal)) thing.principals.push(principal);
    return {};
  }

  private listPrincipals(i: Input) {
    return { principals: [...this.#thing(i.thingName).principals] };
  }

  private updateCertificate(i: Input) {
    this.certificateStatus.set(String(i.certificateId), String(i.newStatus));
    return {};
  }
}
