/** What `jitr doctor` reads from AWS, as one port (SDK adapter: sdk-doctor-ports.ts). */
import type { CaCertificateDescription } from '../../provisioning/iot-registry.js';
import type { ReasonGroup } from '../replay/engine.js';
import type { EventSourceMappingFacts, TopicRuleFacts } from './types.js';

export interface DoctorPorts {
  /** null when the CA does not exist. */
  describeCa(caCertificateId: string): Promise<CaCertificateDescription | null>;
  /** null when the rule does not exist (or GetTopicRule is denied: AWS answers alike). */
  getTopicRule(ruleName: string): Promise<TopicRuleFacts | null>;
  /** The queue's ARN (GetQueueAttributes QueueArn); null when the queue does not exist. */
  queueArn(queueUrl: string): Promise<string | null>;
  /** The function's event source mappings (ListEventSourceMappings with FunctionName). */
  listEventSourceMappings(functionArn: string): Promise<EventSourceMappingFacts[]>;
  /** null when the object does not exist. */
  getObject(bucket: string, key: string): Promise<Uint8Array | null>;
  describeThingType(name: string): Promise<{ exists: boolean; deprecated: boolean }>;
  describeThingGroup(name: string): Promise<{ exists: boolean; dynamic: boolean }>;
  describeBillingGroup(name: string): Promise<{ exists: boolean }>;
  getPolicy(name: string): Promise<{ exists: boolean }>;
  /** IAM SimulatePrincipalPolicy of every action on every resource. */
  simulate(
    roleArn: string,
    actions: readonly string[],
    resources: readonly string[],
  ): Promise<{ action: string; resource: string; allowed: boolean }[]>;
  /** The template as the handler would load it, from a TEMPLATE_SOURCE-syntax source. */
  loadTemplate(source: string, caCertificateId: string): Promise<unknown>;
  /** Message count and, for a sample, the grouping by failure reason. */
  peekDlq(queueUrl: string): Promise<{ count: number; groups: ReasonGroup[] }>;
}

/** Where the deployed pieces are, from --stack or explicit options. */
export interface DoctorTarget {
  caCertificateId: string | null;
  ruleName: string | null;
  functionArn: string | null;
  roleArn: string | null;
  queueUrl: string | null;
  /** `optional`: CRL_MODE=optional, a missing CRL is allowed (present only when true). */
  crl: { bucket: string; keyTemplate: string; maxStalenessSeconds: number; optional?: boolean } | null;
  /** TEMPLATE_SOURCE syntax (`bundled:default`, `s3://b/k`, `iot:name`, `file:path`). */
  templateSource: string | null;
  region: string | null;
  account: string | null;
  /**
   * The registration-state table (--table, the function's REGISTRATION_STATE_TABLE or the
   * stack's): why bare events in the DLQ (queue path) failed. Absent when none is known.
   */
  stateTable?: string;
  /**
   * Reads that resolving the target needed and that failed (the stack, the function's
   * configuration): each is its own ✗ line, and what depended on it is reported as not checked.
   */
  unread: { section: string; title: string; remedy: string }[];
}
