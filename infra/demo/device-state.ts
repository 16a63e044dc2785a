/**
 * Reads a device's final state back through the real AWS SDK (as an operator would with the
 * AWS CLI): certificate status, the thing it is attached to, that thing's type, attributes
 * and groups, and the policies attached to the certificate.
 */
import {
  DescribeCertificateCommand,
  DescribeThingCommand,
  type IoTClient,
  ListAttachedPoliciesCommand,
  ListPrincipalThingsCommand,
  ListThingGroupsForThingCommand,
} from '@aws-sdk/client-iot';

export interface ThingState {
  thingName: string;
  thingTypeName: string | null;
  attributes: Record<string, string>;
  /** Sorted. */
  groups: string[];
}

export interface DeviceState {
  certificateId: string;
  status: string;
  /** Things the certificate is attached to (normally 0 or 1). */
  things: ThingState[];
  /** Policies attached to the certificate, sorted. */
  policies: string[];
}

/**
 * Reads the device's state; throws what the SDK throws (e.g. ResourceNotFoundException for an
 * unknown certificate).
 *
 * @example
 * const state = await readDeviceState(iot, certificateId);
 * // { certificateId, status: 'ACTIVE', things: [{ thingName: 'dev-1', … }], policies: ['…'] }
 */
export async function readDeviceState(iot: IoTClient, certificateId: string): Promise<DeviceState> {
  const described = await iot.send(new DescribeCertificateCommand({ certificateId }));
  const certificate = described.certificateDescription;
  const certificateArn = certificate?.certificateArn ?? '';
  const [thingNames, policies] = await Promise.all([
    listAll(async (nextToken) => {
      const page = await iot.send(new ListPrincipalThingsCommand({ principal: certificateArn, nextToken }));
      return { items: page.things ?? [], next: page.nextToken };
    }),
    listAll(async (marker) => {
      const page = await iot.send(new ListAttachedPoliciesCommand({ target: certificateArn, marker }));
      return { items: (page.policies ?? []).map((p) => p.policyName ?? ''), next: page.nextMarker };
    }),
  ]);
  const things = await Promise.all(thingNames.sort().map((name) => readThing(iot, name)));
  return {
    certificateId,
    status: certificate?.status ?? 'UNKNOWN',
    things,
    policies: policies.sort(),
  };
}

async function readThing(iot: IoTClient, thingName: string): Promise<ThingState> {
  const [thing, groups] = await Promise.all([
    iot.send(new DescribeThingCommand({ thingName })),
    listAll(async (nextToken) => {
      const page = await iot.send(new ListThingGroupsForThingCommand({ thingName, nextToken }));
      return { items: (page.thingGroups ?? []).map((g) => g.groupName ?? ''), next: page.nextToken };
    }),
  ]);
  return {
    thingName,
    thingTypeName: thing.thingTypeName ?? null,
    attributes: { ...(thing.attributes ?? {}) },
    groups: groups.sort(),
  };
}

async function listAll<T>(
  page: (token: string | undefined) => Promise<{ items: T[]; next: string | undefined }>,
): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const result = await page(token);
    all.push(...result.items);
    token = result.next;
  } while (token !== undefined && token !== '');
  return all;
}
