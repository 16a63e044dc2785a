import { iotArn } from '../../../lib/arn/arn.js';
import type { ServiceError } from './service-error.js';

export type CertificateStatus =
  | 'ACTIVE'
  | 'INACTIVE'
  | 'REVOKED'
  | 'PENDING_TRANSFER'
  | 'REGISTER_INACTIVE'
  | 'PENDING_ACTIVATION';

export interface CertificateRecord {
  certificateId: string;
  certificateArn: string;
  caCertificateId: string | undefined;
  status: CertificateStatus;
  certificatePem: string;
  creationDate: number;
  lastModifiedDate: number;
  customerVersion: number;
  generationId: string;
  notBefore: number;
  notAfter: number;
  certificateMode: 'DEFAULT' | 'SNI_ONLY';
}

export interface CaCertificateRecord {
  certificateId: string;
  certificateArn: string;
  status: 'ACTIVE' | 'INACTIVE';
  certificatePem: string;
  autoRegistrationStatus: 'ENABLE' | 'DISABLE';
  registrationConfig: { templateBody?: string; roleArn?: string; templateName?: string } | undefined;
  creationDate: number;
  lastModifiedDate: number;
  customerVersion: number;
  generationId: string;
  notBefore: number;
  notAfter: number;
  certificateMode: 'DEFAULT' | 'SNI_ONLY';
}

export interface ThingRecord {
  thingName: string;
  thingId: string;
  thingArn: string;
  thingTypeName: string | undefined;
  attributes: Record<string, string>;
  version: number;
  billingGroupName: string | undefined;
  /** Static thing groups, in the order the thing was added. */
  groups: string[];
}

export interface ThingTypeRecord {
  thingTypeName: string;
  thingTypeId: string;
  thingTypeArn: string;
  description: string | undefined;
  searchableAttributes: string[];
  deprecated: boolean;
  deprecationDate: number | undefined;
  creationDate: number;
}

export interface ThingGroupRecord {
  thingGroupName: string;
  thingGroupId: string;
  thingGroupArn: string;
  version: number;
  description: string | undefined;
  attributes: Record<string, string>;
  parentGroupName: string | undefined;
  creationDate: number;
  /** Present only for dynamic groups. */
  queryString: string | undefined;
}

export interface BillingGroupRecord {
  billingGroupName: string;
  billingGroupId: string;
  billingGroupArn: string;
  version: number;
  description: string | undefined;
  creationDate: number;
}

export interface PolicyRecord {
  policyName: string;
  policyArn: string;
  policyDocument: string;
  creationDate: number;
  lastModifiedDate: number;
  generationId: string;
}

export interface ProvisioningTemplateRecord {
  templateName: string;
  templateArn: string;
  description: string | undefined;
  templateBody: string;
  enabled: boolean;
  provisioningRoleArn: string;
  type: 'FLEET_PROVISIONING' | 'JITP';
  preProvisioningHook: unknown;
  creationDate: number;
  lastModifiedDate: number;
}

export interface TopicRuleRecord {
  ruleName: string;
  ruleArn: string;
  payload: Record<string, unknown>;
  createdAt: number;
}

export interface ThingPrincipal {
  principal: string;
  thingPrincipalType: 'EXCLUSIVE_THING' | 'NON_EXCLUSIVE_THING';
}

/** The whole in-memory state of the IoT control plane. */
export interface IotStore {
  region: string;
  accountId: string;
  registrationCode: string;
  now: () => number;
  certificates: Map<string, CertificateRecord>;
  caCertificates: Map<string, CaCertificateRecord>;
  things: Map<string, ThingRecord>;
  thingTypes: Map<string, ThingTypeRecord>;
  thingGroups: Map<string, ThingGroupRecord>;
  billingGroups: Map<string, BillingGroupRecord>;
  policies: Map<string, PolicyRecord>;
  templates: Map<string, ProvisioningTemplateRecord>;
  topicRules: Map<string, TopicRuleRecord>;
  /** target (certificate ARN, thing-group ARN, …) → attached policy names, in order. */
  policyTargets: Map<string, string[]>;
  /** thing name → principals attached. */
  thingPrincipals: Map<string, ThingPrincipal[]>;
}

/** A request as the router hands it to an operation. */
export interface IotRequest {
  labels: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

export interface IotRoute {
  /** Operation name as in the SDK (`DescribeCertificate`). */
  op: string;
  method: string;
  /** URI template from the service model, e.g. `/certificates/{certificateId}`. */
  path: string;
  /** The ARN the IAM action is evaluated against (used for AccessDenied messages). */
  resource?: (req: IotRequest, store: IotStore) => string;
  handle: (req: IotRequest, store: IotStore) => unknown;
}

export type { ServiceError };

/** `arn:aws:iot:<region>:<account>:<kind>/<name>`. */
export function arn(store: IotStore, kind: string, name: string): string {
  return iotArn(store.region, store.accountId, kind, name);
}

/** Epoch seconds, as restJson1 serialises timestamps. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}

export function createStore(options: { region: string; accountId: string; now?: () => number }): IotStore {
  const code = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0'));
  return {
    region: options.region,
    accountId: options.accountId,
    registrationCode: code.join(''),
    now: options.now ?? Date.now,
    certificates: new Map(),
    caCertificates: new Map(),
    things: new Map(),
    thingTypes: new Map(),
    thingGroups: new Map(),
    billingGroups: new Map(),
    policies: new Map(),
    templates: new Map(),
    topicRules: new Map(),
    policyTargets: new Map(),
    thingPrincipals: new Map(),
  };
}
