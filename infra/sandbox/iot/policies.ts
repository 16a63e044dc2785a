import { accountOfArn, iotResourceName } from '../../../lib/arn/arn.js';
import { CERTIFICATE_ID_PATTERN } from '../../../lib/certificate/certificate-id.js';
import {
  arn,
  epochSeconds,
  type IotRequest,
  type IotRoute,
  type IotStore,
  type PolicyRecord,
} from './model.js';
import { paginate, requiredString } from './request-fields.js';
import { alreadyExists, invalidRequest, notFound, ServiceError } from './service-error.js';
import { getThing } from './things.js';
import { checkPolicyName, MAX_POLICIES_PER_TARGET } from './validation.js';

function malformed(message: string): ServiceError {
  return new ServiceError('MalformedPolicyException', 400, message);
}

/** IoT policy document checks: JSON object with a Statement list of Effect/Action/Resource. */
function checkPolicyDocument(text: string): void {
  // AWS counts the document size without whitespace (aws-facts §3.3).
  if (text.replace(/\s/g, '').length > 2048)
    malformedThrow('Policy document is too large: limit is 2048 characters excluding whitespace');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw malformed('Policy document is not valid JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw malformed('Policy document must be a JSON object');
  const statements = (doc as Record<string, unknown>).Statement;
  const list = Array.isArray(statements) ? statements : statements === undefined ? undefined : [statements];
  if (list === undefined || list.length === 0) throw malformed('Policy document must contain a Statement');
  for (const s of list) {
    const st = s as Record<string, unknown>;
    if (typeof st !== 'object' || st === null) throw malformed('Each Statement must be an object');
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny')
      throw malformed('Each Statement needs an Effect of Allow or Deny');
    if (st.Action === undefined && st.NotAction === undefined)
      throw malformed('Each Statement needs an Action');
    if (st.Resource === undefined && st.NotResource === undefined)
      throw malformed('Each Statement needs a Resource');
  }
}

function malformedThrow(message: string): never {
  throw malformed(message);
}

function getPolicy(store: IotStore, name: string): PolicyRecord {
  checkPolicyName(name);
  const policy = store.policies.get(name);
  if (policy === undefined) throw notFound(`Policy ${name} does not exist`);
  return policy;
}

/** A policy target must exist: a certificate ARN or a thing-group ARN (Cognito ids are accepted as is). */
function requireTarget(store: IotStore, target: string): void {
  const certificateId = certificateIdOfArn(target);
  if (certificateId !== null) {
    if (!store.certificates.has(certificateId))
      throw notFound(`The certificate ${certificateId} does not exist`);
    return;
  }
  const group = accountOfArn(target) === null ? null : iotResourceName(target, 'thinggroup');
  if (group !== null && group !== '') {
    if (!store.thingGroups.has(group)) throw notFound(`Thing group ${group} does not exist`);
    return;
  }
  if (target.startsWith('arn:')) throw invalidRequest(`Invalid target ${target}`);
}

/** The id in a certificate ARN of some account (`arn:aws:iot:<region>:<account>:cert/<id>`), or null. */
function certificateIdOfArn(arn: string): string | null {
  const id = accountOfArn(arn) === null ? null : iotResourceName(arn, 'cert');
  return id !== null && CERTIFICATE_ID_PATTERN.test(id) ? id : null;
}

function certificateFromPrincipal(store: IotStore, principal: string): string {
  const certificateId = certificateIdOfArn(principal);
  if (certificateId === null) throw invalidRequest(`Invalid principal ${principal}`);
  if (!store.certificates.has(certificateId))
    throw notFound(`The certificate ${certificateId} does not exist`);
  return principal;
}

function principalHeader(req: IotRequest): string {
  const value = req.headers['x-amzn-principal'];
  if (typeof value !== 'string' || value === '')
    throw invalidRequest('The principal (x-amzn-principal) is required');
  return value;
}

export const policyRoutes: IotRoute[] = [
  {
    op: 'CreatePolicy',
    method: 'POST',
    path: '/policies/{policyName}',
    resource: (req, store) => arn(store, 'policy', req.labels.policyName ?? ''),
    handle: (req, store) => {
      const name = req.labels.policyName ?? '';
      checkPolicyName(name);
      const document = requiredString(req, 'policyDocument');
      const existing = store.policies.get(name);
      if (existing !== undefined) {
        throw alreadyExists(
          `Policy cannot be created - name already exists (name=${name})`,
          name,
          existing.policyArn,
        );
      }
      checkPolicyDocument(document);
      const now = store.now();
      const policy: PolicyRecord = {
        policyName: name,
        policyArn: arn(store, 'policy', name),
        policyDocument: document,
        creationDate: now,
        lastModifiedDate: now,
        generationId: crypto.randomUUID(),
      };
      store.policies.set(name, policy);
      return {
        policyName: name,
        policyArn: policy.policyArn,
        policyDocument: document,
        policyVersionId: '1',
      };
    },
  },
  {
    op: 'GetPolicy',
    method: 'GET',
    path: '/policies/{policyName}',
    resource: (req, store) => arn(store, 'policy', req.labels.policyName ?? ''),
    handle: (req, store) => {
      const p = getPolicy(store, req.labels.policyName ?? '');
      return {
        policyName: p.policyName,
        policyArn: p.policyArn,
        policyDocument: p.policyDocument,
        defaultVersionId: '1',
        creationDate: epochSeconds(p.creationDate),
        lastModifiedDate: epochSeconds(p.lastModifiedDate),
        generationId: p.generationId,
      };
    },
  },
  {
    op: 'AttachPolicy',
    method: 'PUT',
    path: '/target-policies/{policyName}',
    resource: (req) => (typeof req.body.target === 'string' ? req.body.target : '*'),
    handle: (req, store) => {
      const policy = getPolicy(store, req.labels.policyName ?? '');
      const target = requiredString(req, 'target');
      requireTarget(store, target);
      const attached = store.policyTargets.get(target) ?? [];
      if (attached.includes(policy.policyName)) return undefined; // a repeat is a no-op
      if (attached.length >= MAX_POLICIES_PER_TARGET) {
        throw new ServiceError(
          'LimitExceededException',
          410,
          `The number of attached policies cannot exceed ${MAX_POLICIES_PER_TARGET}.`,
        );
      }
      store.policyTargets.set(target, [...attached, policy.policyName]);
      return undefined;
    },
  },
  {
    op: 'ListAttachedPolicies',
    method: 'POST',
    path: '/attached-policies/{target}',
    resource: (req) => req.labels.target ?? '*',
    handle: (req, store) => {
      const target = req.labels.target ?? '';
      requireTarget(store, target);
      const names = store.policyTargets.get(target) ?? [];
      const { page, next } = paginate(names, req.query.get('marker'), req.query.get('pageSize'));
      return {
        policies: page.map((n) => ({ policyName: n, policyArn: arn(store, 'policy', n) })),
        ...(next === undefined ? {} : { nextMarker: next }),
      };
    },
  },
  {
    op: 'AttachThingPrincipal',
    method: 'PUT',
    path: '/things/{thingName}/principals',
    resource: (req, store) => arn(store, 'thing', req.labels.thingName ?? ''),
    handle: (req, store) => {
      const thing = getThing(store, req.labels.thingName ?? '');
      const principal = certificateFromPrincipal(store, principalHeader(req));
      const typeText = req.query.get('thingPrincipalType') ?? 'NON_EXCLUSIVE_THING';
      if (typeText !== 'EXCLUSIVE_THING' && typeText !== 'NON_EXCLUSIVE_THING') {
        throw invalidRequest(`Invalid thingPrincipalType ${typeText}`);
      }
      const own = store.thingPrincipals.get(thing.thingName) ?? [];
      if (own.some((p) => p.principal === principal)) return {}; // a repeat is a no-op
      for (const [other, list] of store.thingPrincipals) {
        const found = list.find((p) => p.principal === principal);
        if (
          found !== undefined &&
          (found.thingPrincipalType === 'EXCLUSIVE_THING' || typeText === 'EXCLUSIVE_THING')
        ) {
          throw invalidRequest(`The principal is already exclusively attached to thing ${other}`);
        }
      }
      store.thingPrincipals.set(thing.thingName, [...own, { principal, thingPrincipalType: typeText }]);
      return {};
    },
  },
  {
    op: 'ListThingPrincipals',
    method: 'GET',
    path: '/things/{thingName}/principals',
    resource: (req, store) => arn(store, 'thing', req.labels.thingName ?? ''),
    handle: (req, store) => {
      const thing = getThing(store, req.labels.thingName ?? '');
      const all = (store.thingPrincipals.get(thing.thingName) ?? []).map((p) => p.principal);
      const { page, next } = paginate(all, req.query.get('nextToken'), req.query.get('maxResults'), 25);
      return { principals: page, ...(next === undefined ? {} : { nextToken: next }) };
    },
  },
  {
    op: 'ListPrincipalThings',
    method: 'GET',
    path: '/principals/things',
    resource: (req) =>
      typeof req.headers['x-amzn-principal'] === 'string' ? req.headers['x-amzn-principal'] : '*',
    handle: (req, store) => {
      const principal = certificateFromPrincipal(store, principalHeader(req));
      const things = [...store.thingPrincipals]
        .filter(([, list]) => list.some((p) => p.principal === principal))
        .map(([name]) => name);
      const { page, next } = paginate(things, req.query.get('nextToken'), req.query.get('maxResults'), 25);
      return { things: page, ...(next === undefined ? {} : { nextToken: next }) };
    },
  },
];
