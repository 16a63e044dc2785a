// Types of the plan executor (execute-plan.ts) and its steps.
import type { IotRegistry, ThingDescription } from './iot-registry.js';
import type { PolicyCache } from './policy-cache.js';
import type { ThingPrincipalPolicy } from './thing-ownership.js';

export type { ThingPrincipalPolicy } from './thing-ownership.js';

/** The structural logger (Powertools' Logger and lib/observability's JitrLogger satisfy it). */
export interface ProvisioningLogger {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface ExecutionDeps {
  iot: IotRegistry;
  logger: ProvisioningLogger;
  /** The container's policies known to exist (built once by lib/runtime/). */
  policyCache: PolicyCache;
  /** Monotonic milliseconds for step timings (default `performance.now`). */
  clock?: () => number;
  /**
   * `exclusive` (default, fail closed): refuse a thing another principal is attached to;
   * `shared`: JITP's behaviour (see thing-ownership.ts).
   */
  thingPrincipalPolicy?: ThingPrincipalPolicy;
}

export interface ExecutionTarget {
  certificateId: string;
  certificateArn: string;
}

export type ExecutionStep =
  | 'thing'
  | 'thing-groups'
  | 'billing-group'
  | 'policies'
  | 'attach-policies'
  | 'attach-thing-principal';

export interface PolicyOutcome {
  policyName: string;
  source: 'document' | 'name';
  /** created; reused (existed with the same document); cached (known in this container); named (PolicyName). */
  action: 'created' | 'reused' | 'cached' | 'named';
}

export interface ExecutionResult {
  thingName: string | null;
  /** null when the plan has no thing. */
  thing: { action: 'created' | 'updated' | 'unchanged'; treatedAsNew: boolean } | null;
  thingGroups: { added: string[]; removed: string[] };
  billingGroup: {
    name: string;
    action: 'added' | 'unchanged' | 'kept-existing';
    existing: string | null;
  } | null;
  policies: PolicyOutcome[];
  policyNames: string[];
  principal: 'attached' | 'already-attached' | 'no-thing';
  /** Resources this run created (`thing:<name>`, `policy:<name>`). */
  created: string[];
  /** Resources that existed and were reused. */
  reused: string[];
  /** IoT API calls made by this execution. */
  iotApiCalls: number;
  /** Milliseconds per step that ran. */
  timings: Partial<Record<ExecutionStep, number>>;
}

export interface ThingState {
  description: ThingDescription | null;
  createdNow: boolean;
  /**
   * Principals attached to the thing, when they had to be read (always for an existing thing
   * under THING_PRINCIPAL_POLICY=exclusive).
   */
  principals: string[] | null;
  /** Groups the thing was in, when they had to be read before writing (ThingGroups: FAIL). */
  groups: string[] | null;
  treatedAsNew: boolean;
}
