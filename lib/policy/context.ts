// What AWS IoT knows about a connection when it evaluates a policy. Pure data.

import { CERTIFICATE_NAME_ATTRIBUTES } from '../certificate/policy-variables.js';

/** Subject or issuer attributes by the names IoT policy variables use (`CommonName`, …), in DER order. */
export type NameAttributes = Partial<Record<string, readonly string[]>>;

export interface ThingContext {
  thingName: string;
  thingTypeName: string | undefined;
  attributes: Readonly<Record<string, string>>;
}

export interface PolicyContext {
  /** The MQTT client id of the connection. */
  clientId: string;
  /**
   * The thing the policy is evaluated for: the certificate is attached to it and either the
   * client id is its name or the attachment is exclusive. `undefined`: thing variables do not
   * resolve and `iot:Connection.Thing.IsAttached` is `false`.
   */
  thing: ThingContext | undefined;
  certificate: { subject: NameAttributes; issuer: NameAttributes } | undefined;
}

/** Maps attributes keyed by X.509 short name (`CN`, `O`, …) to the policy-variable names. */
export function nameAttributes(byShortName: Readonly<Record<string, readonly string[]>>): NameAttributes {
  const out: Record<string, readonly string[]> = {};
  for (const [policyName, short] of Object.entries(CERTIFICATE_NAME_ATTRIBUTES)) {
    const values = byShortName[short];
    if (values !== undefined && values.length > 0) out[policyName] = values;
  }
  return out;
}

/**
 * The value of a context key (`iot:ClientId`, `iot:Connection.Thing.ThingName`, …) or
 * `undefined` when the connection has none. Key names are case-insensitive (IAM convention);
 * attribute names inside `Attributes[…]` are not.
 */
export function contextValue(context: PolicyContext, key: string): string | undefined {
  const lower = key.toLowerCase();
  if (lower === 'iot:clientid') return context.clientId;
  const thingPrefix = 'iot:connection.thing.';
  if (lower.startsWith(thingPrefix)) {
    const rest = key.slice(thingPrefix.length);
    const restLower = rest.toLowerCase();
    if (restLower === 'isattached') return context.thing === undefined ? 'false' : 'true';
    const thing = context.thing;
    if (thing === undefined) return undefined;
    if (restLower === 'thingname') return thing.thingName;
    if (restLower === 'thingtypename') return thing.thingTypeName;
    const attribute = /^attributes\[(.+)\]$/i.exec(rest);
    if (attribute !== null)
      return Object.hasOwn(thing.attributes, attribute[1] ?? '')
        ? thing.attributes[attribute[1] ?? '']
        : undefined;
    return undefined;
  }
  const cert = /^iot:certificate\.(subject|issuer)\.([a-z]+)(?:\.(\d+))?$/i.exec(key);
  if (cert !== null && context.certificate !== undefined) {
    const names =
      cert[1]?.toLowerCase() === 'subject' ? context.certificate.subject : context.certificate.issuer;
    const attribute = Object.keys(CERTIFICATE_NAME_ATTRIBUTES).find(
      (n) => n.toLowerCase() === cert[2]?.toLowerCase(),
    );
    const values = attribute === undefined ? undefined : names[attribute];
    if (values === undefined) return undefined;
    // `.N` is 1-based; without an index the first value (in DER order) is used.
    const index = cert[3] === undefined ? 0 : Number(cert[3]) - 1;
    return index >= 0 ? values[index] : undefined;
  }
  return undefined;
}

/** Certificate values AWS leaves unsubstituted (the `${…}` text stays literal). */
export function isCertificateKey(key: string): boolean {
  return /^iot:certificate\./i.test(key);
}
