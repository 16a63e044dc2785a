/**
 * `jitr doctor`'s data: the facts gathered from AWS (behind ports) and the checklist lines the
 * pure checks derive from them.
 */
import type { CaCertificateDescription } from '../../provisioning/iot-registry.js';
import type { ReasonGroup } from '../replay/engine.js';

export interface CheckResult {
  /** Checklist section: `ca`, `rule`, `crl`, `template`, `role`, `dlq`. */
  section: string;
  ok: boolean;
  title: string;
  /** The exact action that fixes a ✗ line. */
  remedy?: string;
}

/** What GetTopicRule says about the rule (null fields when absent). */
export interface TopicRuleFacts {
  ruleName: string;
  sql: string;
  disabled: boolean;
  /** Lambda function ARNs of the rule's actions (the direct ingestion path). */
  lambdaTargets: string[];
  /** Queue URLs of the rule's SQS actions (the queue ingestion path, the stack's default). */
  sqsTargets: string[];
  /** A short description of the error action (`sqs:<queueUrl>`, `lambda:<arn>`, …), null when none. */
  errorAction: string | null;
}

/** What ListEventSourceMappings says about one of the function's mappings. */
export interface EventSourceMappingFacts {
  uuid: string;
  eventSourceArn: string;
  /** `Enabled`, `Disabled`, `Creating`, `Enabling`, `Disabling`, `Updating`, `Deleting`. */
  state: string;
  /** FunctionResponseTypes holds ReportBatchItemFailures. */
  reportBatchItemFailures: boolean;
}

/** The queue path's wiring: the ARN of each queue the rule writes to, and the function's mappings. */
export interface IngestionFacts {
  /** One per SQS action of the rule; `arn` null: no such queue. */
  queues: { queueUrl: string; arn: Gathered<string | null> }[];
  mappings: Gathered<EventSourceMappingFacts[]>;
}

/** A gathering step that could not complete (permissions, network): reported as ✗ with its message. */
export interface GatherError {
  error: string;
}

export type Gathered<T> = T | GatherError;

export function isGatherError(value: unknown): value is GatherError {
  return typeof value === 'object' && value !== null && 'error' in value && Object.keys(value).length === 1;
}

export interface TemplateReferences {
  thingTypes: string[];
  thingGroups: string[];
  billingGroups: string[];
  policies: string[];
  /** References computed from device values (parameters): cannot be checked before a device arrives. */
  perDevice: string[];
}

export interface ReferenceFacts {
  thingTypes: Record<string, Gathered<{ exists: boolean; deprecated: boolean }>>;
  thingGroups: Record<string, Gathered<{ exists: boolean; dynamic: boolean }>>;
  billingGroups: Record<string, Gathered<{ exists: boolean }>>;
  policies: Record<string, Gathered<{ exists: boolean }>>;
}

export interface PermissionFacts {
  roleArn: string;
  /** One entry per (action, resource) simulated. */
  results: { action: string; resource: string; allowed: boolean }[];
}

export interface DoctorFacts {
  now: Date;
  /** Reads that failed and checks that could not run: each a ✗ line (a failure). */
  unread: { section: string; title: string; remedy: string }[];
  region: string | null;
  caCertificateId: string | null;
  /** null: the CA does not exist. Absent: not checked (no --ca and none found). */
  ca?: Gathered<CaCertificateDescription | null>;
  rule?: { name: string; facts: Gathered<TopicRuleFacts | null> };
  functionArn?: string | null;
  /** Read when the rule has SQS actions and the function is known (the queue path). */
  ingestion?: IngestionFacts;
  crl?: {
    bucket: string;
    key: string;
    maxStalenessSeconds: number;
    /** CRL_MODE=optional: a missing CRL is allowed. */
    optional?: boolean;
    /** null: no such object. */
    bytes: Gathered<Uint8Array | null>;
  };
  template?: {
    source: string;
    /** The template as loaded (object or JSON text) or why it could not be loaded. */
    body: Gathered<unknown>;
  };
  references?: ReferenceFacts;
  permissions?: Gathered<PermissionFacts>;
  /** `stateTable`: the registration-state table the groups were explained from (queue path). */
  dlq?: { queueUrl: string; stateTable?: string; facts: Gathered<{ count: number; groups: ReasonGroup[] }> };
}
