// Authorises what a connected device does, as AWS IoT does: the policies attached to its
// certificate and to the thing groups of its thing, evaluated by the product's own pure
// evaluator (lib/policy) against the live registry (changes apply at once; AWS caches them for
// up to minutes).
import { parseCertificate } from '../../../lib/certificate/index.js';
import { isJitrError } from '../../../lib/errors/jitr-error.js';
import {
  type AuthResult,
  evaluate,
  type IotAction,
  type NameAttributes,
  nameAttributes,
  type Policy,
  type PolicyContext,
  parsePolicy,
  resourceArn,
} from '../../../lib/policy/index.js';
import { arn, type IotStore, type ThingRecord } from '../iot/model.js';

export interface DeviceIdentity {
  certificateId: string;
  clientId: string;
  /** Subject and issuer attributes for `iot:Certificate.*` variables (parsed once per connection). */
  names: { subject: NameAttributes; issuer: NameAttributes };
}

/** The identity of a connection: its certificate (parsed once) and client id. */
export function deviceIdentity(
  certificateId: string,
  certificatePem: string,
  clientId: string,
): DeviceIdentity {
  const facts = parseCertificate(certificatePem);
  return {
    certificateId,
    clientId,
    names: {
      subject: nameAttributes(facts.subject.attributes),
      issuer: nameAttributes(facts.issuer.attributes),
    },
  };
}

export interface Authorization extends AuthResult {
  /** Set when a policy could not be evaluated (refused operator, malformed document): denied. */
  error: { code: string; message: string; policyName: string | undefined } | undefined;
}

/** The thing the policy is evaluated for: attached to the certificate, named like the client id or attached exclusively. */
function thingFor(store: IotStore, certificateArn: string, clientId: string): ThingRecord | undefined {
  for (const [name, principals] of store.thingPrincipals) {
    const attachment = principals.find((p) => p.principal === certificateArn);
    if (attachment === undefined) continue;
    if (name === clientId || attachment.thingPrincipalType === 'EXCLUSIVE_THING')
      return store.things.get(name);
  }
  return undefined;
}

/** Names of the groups a thing belongs to, with their ancestors (policies on a parent group apply too). */
function groupsWithAncestors(store: IotStore, thing: ThingRecord): string[] {
  const out: string[] = [];
  for (const name of thing.groups) {
    let current: string | undefined = name;
    while (current !== undefined && !out.includes(current)) {
      out.push(current);
      current = store.thingGroups.get(current)?.parentGroupName;
    }
  }
  return out;
}

export function authorize(
  store: IotStore,
  device: DeviceIdentity,
  action: IotAction,
  name: string,
): Authorization {
  const cert = store.certificates.get(device.certificateId);
  const resource = resourceArn(action, name, store.region, store.accountId);
  const denied = (error?: Authorization['error']): Authorization => ({
    decision: 'implicit-deny',
    allowed: false,
    statement: undefined,
    missingContextValues: [],
    error,
  });
  if (cert === undefined || cert.status !== 'ACTIVE') return denied();
  const thing = thingFor(store, cert.certificateArn, device.clientId);
  const targets = [
    cert.certificateArn,
    ...(thing === undefined ? [] : groupsWithAncestors(store, thing).map((g) => arn(store, 'thinggroup', g))),
  ];
  const names = [...new Set(targets.flatMap((t) => store.policyTargets.get(t) ?? []))];
  const context: PolicyContext = {
    clientId: device.clientId,
    thing:
      thing === undefined
        ? undefined
        : { thingName: thing.thingName, thingTypeName: thing.thingTypeName, attributes: thing.attributes },
    certificate: device.names,
  };
  const policies: Policy[] = [];
  for (const policyName of names) {
    const record = store.policies.get(policyName);
    if (record === undefined) continue;
    try {
      policies.push(parsePolicy(policyName, record.policyDocument));
    } catch (error) {
      // Fail closed: a policy the evaluator cannot read denies everything it might have governed.
      if (!isJitrError(error)) throw error;
      return denied({ code: error.code, message: error.message, policyName });
    }
  }
  return { ...evaluate(policies, { action, resource }, context), error: undefined };
}
