import { billingGroupByNameOrArn, groupByNameOrArn } from './groups.js';
import {
  arn,
  type IotRequest,
  type IotRoute,
  type IotStore,
  type ThingGroupRecord,
  type ThingRecord,
} from './model.js';
import { bodyBoolean, objectMember, optionalString, paginate, stringMap } from './request-fields.js';
import { alreadyExists, invalidRequest, notFound, ServiceError } from './service-error.js';
import { checkAttributes, checkResourceName, MAX_GROUPS_PER_THING } from './validation.js';

/** Looks a thing up by name; 404 when absent. */
export function getThing(store: IotStore, name: string): ThingRecord {
  checkResourceName('thingName', name);
  const thing = store.things.get(name);
  if (thing === undefined) throw notFound(`Thing ${name} cannot be found.`);
  return thing;
}

function thingByNameOrArn(
  store: IotStore,
  name: string | undefined,
  thingArn: string | undefined,
): ThingRecord {
  if (name !== undefined) return getThing(store, name);
  if (thingArn !== undefined) return getThing(store, thingArn.slice(thingArn.lastIndexOf('/') + 1));
  throw invalidRequest('Either thingName or thingArn must be specified');
}

/** The thing group a group-membership request names (the ARN its IAM action is checked on). */
function groupResource(req: IotRequest, store: IotStore): string {
  return (
    optionalString(req, 'thingGroupArn') ??
    arn(store, 'thinggroup', optionalString(req, 'thingGroupName') ?? '')
  );
}

/** The group and the thing of an Add/RemoveThing(To|From)ThingGroup request. */
function groupAndThing(req: IotRequest, store: IotStore): { group: ThingGroupRecord; thing: ThingRecord } {
  return {
    group: groupByNameOrArn(
      store,
      optionalString(req, 'thingGroupName'),
      optionalString(req, 'thingGroupArn'),
    ),
    thing: thingByNameOrArn(store, optionalString(req, 'thingName'), optionalString(req, 'thingArn')),
  };
}

function requireUsableType(store: IotStore, typeName: string): void {
  checkResourceName('thingTypeName', typeName);
  const type = store.thingTypes.get(typeName);
  if (type === undefined) throw notFound(`Thing type ${typeName} does not exist`);
  if (type.deprecated)
    throw invalidRequest(`Thing type ${typeName} is deprecated; no thing can be associated with it`);
}

function sameAttributes(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}

export const thingRoutes: IotRoute[] = [
  {
    op: 'CreateThing',
    method: 'POST',
    path: '/things/{thingName}',
    resource: (req, store) => arn(store, 'thing', req.labels.thingName ?? ''),
    handle: (req, store) => {
      const name = req.labels.thingName ?? '';
      checkResourceName('thingName', name);
      const typeName = optionalString(req, 'thingTypeName');
      const billingGroupName = optionalString(req, 'billingGroupName');
      const payload = objectMember(req, 'attributePayload');
      if (payload?.merge !== undefined) throw invalidRequest('The merge flag is not valid for CreateThing');
      const attributes = stringMap(payload?.attributes, 'attributePayload.attributes');
      const existing = store.things.get(name);
      if (existing !== undefined) {
        // Idempotent only for an identical configuration (aws-facts §3.2).
        if (
          existing.thingTypeName === typeName &&
          existing.billingGroupName === billingGroupName &&
          sameAttributes(existing.attributes, attributes)
        ) {
          return { thingName: name, thingArn: existing.thingArn, thingId: existing.thingId };
        }
        throw alreadyExists(
          `Thing ${name} already exists in account with different attributes`,
          existing.thingId,
          existing.thingArn,
        );
      }
      if (typeName !== undefined) requireUsableType(store, typeName);
      checkAttributes(attributes, typeName !== undefined);
      if (billingGroupName !== undefined) billingGroupByNameOrArn(store, billingGroupName, undefined);
      const thing: ThingRecord = {
        thingName: name,
        thingId: crypto.randomUUID(),
        thingArn: arn(store, 'thing', name),
        thingTypeName: typeName,
        attributes,
        version: 1,
        billingGroupName,
        groups: [],
      };
      store.things.set(name, thing);
      return { thingName: name, thingArn: thing.thingArn, thingId: thing.thingId };
    },
  },
  {
    op: 'DescribeThing',
    method: 'GET',
    path: '/things/{thingName}',
    resource: (req, store) => arn(store, 'thing', req.labels.thingName ?? ''),
    handle: (req, store) => {
      const thing = getThing(store, req.labels.thingName ?? '');
      return {
        defaultClientId: thing.thingName,
        thingName: thing.thingName,
        thingId: thing.thingId,
        thingArn: thing.thingArn,
        ...(thing.thingTypeName === undefined ? {} : { thingTypeName: thing.thingTypeName }),
        attributes: { ...thing.attributes },
        version: thing.version,
        ...(thing.billingGroupName === undefined ? {} : { billingGroupName: thing.billingGroupName }),
      };
    },
  },
  {
    op: 'UpdateThing',
    method: 'PATCH',
    path: '/things/{thingName}',
    resource: (req, store) => arn(store, 'thing', req.labels.thingName ?? ''),
    handle: (req, store) => {
      const thing = getThing(store, req.labels.thingName ?? '');
      const expected = req.body.expectedVersion;
      if (typeof expected === 'number' && expected !== thing.version) {
        throw new ServiceError(
          'VersionConflictException',
          409,
          `The version for thing ${thing.thingName} does not match the expected version.`,
        );
      }
      const typeName = optionalString(req, 'thingTypeName');
      const removeType = bodyBoolean(req, 'removeThingType') === true;
      if (removeType && typeName !== undefined) {
        throw invalidRequest('Cannot both remove the thing type and set a thing type');
      }
      if (typeName !== undefined && typeName !== thing.thingTypeName) requireUsableType(store, typeName);
      const nextType = removeType ? undefined : (typeName ?? thing.thingTypeName);
      const payload = objectMember(req, 'attributePayload');
      let attributes = thing.attributes;
      if (payload !== undefined) {
        const given = stringMap(payload.attributes, 'attributePayload.attributes');
        attributes = payload.merge === true ? { ...thing.attributes, ...given } : { ...given };
        // An empty value removes the attribute.
        for (const [k, v] of Object.entries(attributes)) if (v === '') delete attributes[k];
      }
      checkAttributes(attributes, nextType !== undefined);
      thing.thingTypeName = nextType;
      thing.attributes = attributes;
      thing.version += 1;
      return {};
    },
  },
  {
    op: 'AddThingToThingGroup',
    method: 'PUT',
    path: '/thing-groups/addThingToThingGroup',
    resource: groupResource,
    handle: (req, store) => {
      const { group, thing } = groupAndThing(req, store);
      if (group.queryString !== undefined) {
        throw invalidRequest(`Cannot add a thing to dynamic thing group ${group.thingGroupName}`);
      }
      if (thing.groups.includes(group.thingGroupName)) return {};
      if (thing.groups.length >= MAX_GROUPS_PER_THING) {
        throw invalidRequest(
          `Thing ${thing.thingName} cannot be added to more than ${MAX_GROUPS_PER_THING} thing groups`,
        );
      }
      thing.groups.push(group.thingGroupName);
      return {};
    },
  },
  {
    op: 'RemoveThingFromThingGroup',
    method: 'PUT',
    path: '/thing-groups/removeThingFromThingGroup',
    resource: groupResource,
    handle: (req, store) => {
      const { group, thing } = groupAndThing(req, store);
      thing.groups = thing.groups.filter((g) => g !== group.thingGroupName);
      return {};
    },
  },
  {
    op: 'ListThingGroupsForThing',
    method: 'GET',
    path: '/things/{thingName}/thing-groups',
    resource: (req, store) => arn(store, 'thing', req.labels.thingName ?? ''),
    handle: (req, store) => {
      const thing = getThing(store, req.labels.thingName ?? '');
      const groups = thing.groups.map((g) => ({ groupName: g, groupArn: arn(store, 'thinggroup', g) }));
      const { page, next } = paginate(groups, req.query.get('nextToken'), req.query.get('maxResults'), 25);
      return { thingGroups: page, ...(next === undefined ? {} : { nextToken: next }) };
    },
  },
  {
    op: 'AddThingToBillingGroup',
    method: 'PUT',
    path: '/billing-groups/addThingToBillingGroup',
    resource: (req, store) =>
      optionalString(req, 'billingGroupArn') ??
      arn(store, 'billinggroup', optionalString(req, 'billingGroupName') ?? ''),
    handle: (req, store) => {
      const group = billingGroupByNameOrArn(
        store,
        optionalString(req, 'billingGroupName'),
        optionalString(req, 'billingGroupArn'),
      );
      const thing = thingByNameOrArn(
        store,
        optionalString(req, 'thingName'),
        optionalString(req, 'thingArn'),
      );
      // A thing belongs to at most one billing group: adding moves it.
      thing.billingGroupName = group.billingGroupName;
      return {};
    },
  },
];
