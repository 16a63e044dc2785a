import {
  arn,
  type BillingGroupRecord,
  epochSeconds,
  type IotRequest,
  type IotRoute,
  type IotStore,
  type ThingGroupRecord,
} from './model.js';
import { objectMember, optionalString, stringMap } from './request-fields.js';
import { alreadyExists, invalidRequest, notFound } from './service-error.js';
import { checkResourceName } from './validation.js';

function nameFrom(name: string | undefined, resourceArn: string | undefined, member: string): string {
  if (name !== undefined) return name;
  if (resourceArn !== undefined) return resourceArn.slice(resourceArn.lastIndexOf('/') + 1);
  throw invalidRequest(`Either ${member}Name or ${member}Arn must be specified`);
}

/** A thing group by name or ARN; 404 when absent. */
export function groupByNameOrArn(store: IotStore, name?: string, groupArn?: string): ThingGroupRecord {
  const groupName = nameFrom(name, groupArn, 'thingGroup');
  checkResourceName('thingGroupName', groupName);
  const group = store.thingGroups.get(groupName);
  if (group === undefined) throw notFound(`Thing group ${groupName} does not exist`);
  return group;
}

/** A billing group by name or ARN; 404 when absent. */
export function billingGroupByNameOrArn(
  store: IotStore,
  name?: string,
  groupArn?: string,
): BillingGroupRecord {
  const groupName = nameFrom(name, groupArn, 'billingGroup');
  checkResourceName('billingGroupName', groupName);
  const group = store.billingGroups.get(groupName);
  if (group === undefined) throw notFound(`Billing group ${groupName} does not exist`);
  return group;
}

function groupProperties(req: IotRequest): {
  description: string | undefined;
  attributes: Record<string, string>;
} {
  const props = objectMember(req, 'thingGroupProperties');
  const payload = props?.attributePayload as Record<string, unknown> | undefined;
  const description = props?.thingGroupDescription;
  return {
    description: typeof description === 'string' ? description : undefined,
    attributes: stringMap(payload?.attributes, 'thingGroupProperties.attributePayload.attributes'),
  };
}

function createGroup(req: IotRequest, store: IotStore, queryString: string | undefined): ThingGroupRecord {
  const name = req.labels.thingGroupName ?? '';
  checkResourceName('thingGroupName', name);
  const { description, attributes } = groupProperties(req);
  const parentGroupName = optionalString(req, 'parentGroupName');
  const existing = store.thingGroups.get(name);
  if (existing !== undefined) {
    const same =
      existing.description === description &&
      existing.parentGroupName === parentGroupName &&
      existing.queryString === queryString &&
      JSON.stringify(existing.attributes) === JSON.stringify(attributes);
    if (same) return existing;
    throw alreadyExists(
      `Thing group ${name} already exists with different properties`,
      existing.thingGroupId,
      existing.thingGroupArn,
    );
  }
  if (parentGroupName !== undefined) groupByNameOrArn(store, parentGroupName);
  const group: ThingGroupRecord = {
    thingGroupName: name,
    thingGroupId: crypto.randomUUID(),
    thingGroupArn: arn(store, 'thinggroup', name),
    version: 1,
    description,
    attributes,
    parentGroupName,
    creationDate: store.now(),
    queryString,
  };
  store.thingGroups.set(name, group);
  return group;
}

export const groupRoutes: IotRoute[] = [
  {
    op: 'CreateThingType',
    method: 'POST',
    path: '/thing-types/{thingTypeName}',
    resource: (req, store) => arn(store, 'thingtype', req.labels.thingTypeName ?? ''),
    handle: (req, store) => {
      const name = req.labels.thingTypeName ?? '';
      checkResourceName('thingTypeName', name);
      const existing = store.thingTypes.get(name);
      if (existing !== undefined) {
        throw alreadyExists(`Thing type ${name} already exists`, existing.thingTypeId, existing.thingTypeArn);
      }
      const props = objectMember(req, 'thingTypeProperties');
      const searchable = Array.isArray(props?.searchableAttributes)
        ? props.searchableAttributes.map(String)
        : [];
      if (searchable.length > 3)
        throw invalidRequest('A thing type can have at most 3 searchable attributes');
      const description = props?.thingTypeDescription;
      const type = {
        thingTypeName: name,
        thingTypeId: crypto.randomUUID(),
        thingTypeArn: arn(store, 'thingtype', name),
        description: typeof description === 'string' ? description : undefined,
        searchableAttributes: searchable,
        deprecated: false,
        deprecationDate: undefined,
        creationDate: store.now(),
      };
      store.thingTypes.set(name, type);
      return { thingTypeName: name, thingTypeArn: type.thingTypeArn, thingTypeId: type.thingTypeId };
    },
  },
  {
    op: 'DescribeThingType',
    method: 'GET',
    path: '/thing-types/{thingTypeName}',
    resource: (req, store) => arn(store, 'thingtype', req.labels.thingTypeName ?? ''),
    handle: (req, store) => {
      const name = req.labels.thingTypeName ?? '';
      checkResourceName('thingTypeName', name);
      const type = store.thingTypes.get(name);
      if (type === undefined) throw notFound(`Thing type ${name} does not exist`);
      return {
        thingTypeName: type.thingTypeName,
        thingTypeId: type.thingTypeId,
        thingTypeArn: type.thingTypeArn,
        thingTypeProperties: {
          ...(type.description === undefined ? {} : { thingTypeDescription: type.description }),
          searchableAttributes: [...type.searchableAttributes],
        },
        thingTypeMetadata: {
          deprecated: type.deprecated,
          ...(type.deprecationDate === undefined
            ? {}
            : { deprecationDate: epochSeconds(type.deprecationDate) }),
          creationDate: epochSeconds(type.creationDate),
        },
      };
    },
  },
  {
    op: 'DeprecateThingType',
    method: 'POST',
    path: '/thing-types/{thingTypeName}/deprecate',
    resource: (req, store) => arn(store, 'thingtype', req.labels.thingTypeName ?? ''),
    handle: (req, store) => {
      const name = req.labels.thingTypeName ?? '';
      const type = store.thingTypes.get(name);
      if (type === undefined) throw notFound(`Thing type ${name} does not exist`);
      const undo = req.body.undoDeprecate === true;
      type.deprecated = !undo;
      type.deprecationDate = undo ? undefined : store.now();
      return {};
    },
  },
  {
    op: 'CreateThingGroup',
    method: 'POST',
    path: '/thing-groups/{thingGroupName}',
    resource: (req, store) => arn(store, 'thinggroup', req.labels.thingGroupName ?? ''),
    handle: (req, store) => {
      const g = createGroup(req, store, undefined);
      return {
        thingGroupName: g.thingGroupName,
        thingGroupArn: g.thingGroupArn,
        thingGroupId: g.thingGroupId,
      };
    },
  },
  {
    op: 'CreateDynamicThingGroup',
    method: 'POST',
    path: '/dynamic-thing-groups/{thingGroupName}',
    resource: (req, store) => arn(store, 'thinggroup', req.labels.thingGroupName ?? ''),
    handle: (req, store) => {
      const query = optionalString(req, 'queryString');
      if (query === undefined || query === '') throw invalidRequest('queryString is required');
      const g = createGroup(req, store, query);
      return {
        thingGroupName: g.thingGroupName,
        thingGroupArn: g.thingGroupArn,
        thingGroupId: g.thingGroupId,
        indexName: 'AWS_Things',
        queryString: query,
        queryVersion: '2017-09-30',
      };
    },
  },
  {
    op: 'DescribeThingGroup',
    method: 'GET',
    path: '/thing-groups/{thingGroupName}',
    resource: (req, store) => arn(store, 'thinggroup', req.labels.thingGroupName ?? ''),
    handle: (req, store) => {
      const g = groupByNameOrArn(store, req.labels.thingGroupName ?? '');
      const dynamic =
        g.queryString === undefined
          ? {}
          : {
              indexName: 'AWS_Things',
              queryString: g.queryString,
              queryVersion: '2017-09-30',
              status: 'ACTIVE',
            };
      return {
        thingGroupName: g.thingGroupName,
        thingGroupId: g.thingGroupId,
        thingGroupArn: g.thingGroupArn,
        version: g.version,
        thingGroupProperties: {
          ...(g.description === undefined ? {} : { thingGroupDescription: g.description }),
          attributePayload: { attributes: { ...g.attributes } },
        },
        thingGroupMetadata: {
          ...(g.parentGroupName === undefined
            ? {}
            : {
                parentGroupName: g.parentGroupName,
                rootToParentThingGroups: [
                  { groupName: g.parentGroupName, groupArn: arn(store, 'thinggroup', g.parentGroupName) },
                ],
              }),
          creationDate: epochSeconds(g.creationDate),
        },
        ...dynamic,
      };
    },
  },
  {
    op: 'CreateBillingGroup',
    method: 'POST',
    path: '/billing-groups/{billingGroupName}',
    resource: (req, store) => arn(store, 'billinggroup', req.labels.billingGroupName ?? ''),
    handle: (req, store) => {
      const name = req.labels.billingGroupName ?? '';
      checkResourceName('billingGroupName', name);
      const props = objectMember(req, 'billingGroupProperties');
      const d = props?.billingGroupDescription;
      const description = typeof d === 'string' ? d : undefined;
      const existing = store.billingGroups.get(name);
      if (existing !== undefined) {
        if (existing.description !== description) {
          throw alreadyExists(
            `Billing group ${name} already exists with different properties`,
            existing.billingGroupId,
            existing.billingGroupArn,
          );
        }
      } else {
        store.billingGroups.set(name, {
          billingGroupName: name,
          billingGroupId: crypto.randomUUID(),
          billingGroupArn: arn(store, 'billinggroup', name),
          version: 1,
          description,
          creationDate: store.now(),
        });
      }
      const g = billingGroupByNameOrArn(store, name);
      return { billingGroupName: name, billingGroupArn: g.billingGroupArn, billingGroupId: g.billingGroupId };
    },
  },
  {
    op: 'DescribeBillingGroup',
    method: 'GET',
    path: '/billing-groups/{billingGroupName}',
    resource: (req, store) => arn(store, 'billinggroup', req.labels.billingGroupName ?? ''),
    handle: (req, store) => {
      const g = billingGroupByNameOrArn(store, req.labels.billingGroupName ?? '');
      return {
        billingGroupName: g.billingGroupName,
        billingGroupId: g.billingGroupId,
        billingGroupArn: g.billingGroupArn,
        version: g.version,
        billingGroupProperties: g.description === undefined ? {} : { billingGroupDescription: g.description },
        billingGroupMetadata: { creationDate: epochSeconds(g.creationDate) },
      };
    },
  },
];
