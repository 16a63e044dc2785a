import { DEFAULT_IOT_TPS, TokenBucket } from './quotas.js';
import { RequestLog } from './request-log.js';

/** Fault injection settings; every field is optional and can be changed at run time. */
export interface FaultOptions {
  /** Seed for the random 5xx and latency jitter (default 1). */
  seed?: number;
  /** IAM actions to deny, e.g. `['iot:CreateThing']`. */
  deny?: string[];
  /** Fixed latency added to every call, in ms, plus uniform random jitter in [0, jitterMs). */
  latency?: { fixedMs?: number; jitterMs?: number };
  /** Probability (0–1) that a call fails with InternalFailureException 500 or ServiceUnavailableException 503. */
  errorRate?: number;
  /** Restrict random errors to these operations (`iot:CreateThing`); default: all IoT operations. */
  errorOperations?: string[];
  /** The role the AccessDenied message names (default `jitr-handler-role` / session `jitr-handler`). */
  roleName?: string;
  sessionName?: string;
}

/** What {@link Faults.failNext} answers. */
export type InjectedFailure =
  | 'InternalFailureException'
  | 'ServiceUnavailableException'
  | 'ThrottlingException';

/** `true` = AWS defaults; an object = AWS defaults overridden per operation (TPS; 0 or Infinity = unlimited). */
export type QuotaOption = boolean | Record<string, number>;

/** The decision for one call. */
export type FaultDecision =
  | { kind: 'pass'; latencyMs: number }
  | { kind: 'throttle'; latencyMs: number }
  | { kind: 'deny'; latencyMs: number; message: string }
  | { kind: 'error'; latencyMs: number; status: 500 | 503 };

export interface CallCounters {
  /** Calls received per operation (`iot:CreateThing`), including rejected ones. */
  calls: Record<string, number>;
  /** Calls answered with ThrottlingException. */
  throttled: Record<string, number>;
  /** Calls answered with AccessDeniedException. */
  denied: Record<string, number>;
  /** Calls answered with an injected 5xx. */
  failed: Record<string, number>;
}

/** mulberry32: small, seedable, good enough for fault dice. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/**
 * Fault injection and call counting shared by the sandbox's servers. Changes take effect
 * on the next call.
 */
export class Faults {
  /** When each IoT, DynamoDB and S3 request arrived and was answered, while started (the latency bench). */
  readonly requests = new RequestLog();
  private denied = new Set<string>();
  private scripted = new Map<string, { times: number; failure: InjectedFailure }>();
  private buckets = new Map<string, TokenBucket>();
  private quotaTable: Record<string, number> = {};
  private random: () => number;
  private options: FaultOptions = {};
  private counts: CallCounters = { calls: {}, throttled: {}, denied: {}, failed: {} };

  constructor(
    private readonly accountId: string,
    quotas: QuotaOption = false,
    options: FaultOptions = {},
  ) {
    this.random = rng(options.seed ?? 1);
    this.setQuotas(quotas);
    this.configure(options);
  }

  /** Replaces the fault settings (deny list included). */
  configure(options: FaultOptions): void {
    this.options = { ...options };
    this.denied = new Set(options.deny ?? []);
    if (options.seed !== undefined) this.random = rng(options.seed);
  }

  /** Enables AWS's default TPS (`true`), defaults with overrides (object), or no quotas (`false`). */
  setQuotas(quotas: QuotaOption): void {
    this.buckets.clear();
    this.quotaTable = quotas === false ? {} : { ...DEFAULT_IOT_TPS, ...(quotas === true ? {} : quotas) };
  }

  /** The effective quota table (operation → TPS). */
  quotas(): Record<string, number> {
    return { ...this.quotaTable };
  }

  /** Denies an IAM action (`iot:CreateThing`) until {@link allow} is called. */
  deny(action: string): void {
    this.denied.add(action);
  }

  /** Whether an IAM action is currently denied. */
  isDenied(action: string): boolean {
    return this.denied.has(action);
  }

  /** Grants a denied IAM action back. */
  allow(action: string): void {
    this.denied.delete(action);
  }

  /**
   * Makes the next `times` calls of one action (`iot:AttachPolicy`) fail, e.g. to crash the
   * handler between two steps. Counted only when the call reaches this action.
   */
  failNext(action: string, options: { times?: number; failure?: InjectedFailure } = {}): void {
    this.scripted.set(action, {
      times: options.times ?? 1,
      failure: options.failure ?? 'InternalFailureException',
    });
  }

  /** Sets latency (fixed + uniform jitter) for every call; `null` removes it. */
  setLatency(latency: { fixedMs?: number; jitterMs?: number } | null): void {
    this.options.latency = latency ?? undefined;
  }

  /** The latency to add to one call now (DynamoDB uses it too: every AWS call of the sandbox). */
  latencyMs(): number {
    const { fixedMs = 0, jitterMs = 0 } = this.options.latency ?? {};
    return fixedMs + (jitterMs > 0 ? this.random() * jitterMs : 0);
  }

  /** Sets the random 5xx probability, optionally limited to some operations. */
  setErrorRate(rate: number, operations?: string[]): void {
    this.options.errorRate = rate;
    this.options.errorOperations = operations;
  }

  /** Clears deny list, scripted failures, latency and random errors (quotas stay as they are). */
  clear(): void {
    this.scripted.clear();
    this.configure({ seed: this.options.seed });
  }

  /** Call counters so far (copies). */
  counters(): CallCounters {
    return {
      calls: { ...this.counts.calls },
      throttled: { ...this.counts.throttled },
      denied: { ...this.counts.denied },
      failed: { ...this.counts.failed },
    };
  }

  resetCounters(): void {
    this.counts = { calls: {}, throttled: {}, denied: {}, failed: {} };
  }

  /**
   * Decides what happens to one call. `service` is the IAM prefix (`iot`), `operation` the
   * API name, `resource` the ARN for the AccessDenied message.
   */
  decide(service: string, operation: string, resource: string): FaultDecision {
    const key = `${service}:${operation}`;
    bump(this.counts.calls, key);
    const latencyMs = this.latencyMs();
    if (this.denied.has(key)) {
      bump(this.counts.denied, key);
      const role = this.options.roleName ?? 'jitr-handler-role';
      const session = this.options.sessionName ?? 'jitr-handler';
      return {
        kind: 'deny',
        latencyMs,
        message: `User: arn:aws:sts::${this.accountId}:assumed-role/${role}/${session} is not authorized to perform: ${key} on resource: ${resource} because no identity-based policy allows the ${key} action`,
      };
    }
    const scripted = this.scripted.get(key);
    if (scripted !== undefined && scripted.times > 0) {
      scripted.times -= 1;
      if (scripted.times === 0) this.scripted.delete(key);
      if (scripted.failure === 'ThrottlingException') {
        bump(this.counts.throttled, key);
        return { kind: 'throttle', latencyMs };
      }
      bump(this.counts.failed, key);
      return {
        kind: 'error',
        latencyMs,
        status: scripted.failure === 'InternalFailureException' ? 500 : 503,
      };
    }
    if (service === 'iot' && this.throttled(operation)) {
      bump(this.counts.throttled, key);
      return { kind: 'throttle', latencyMs };
    }
    const rate = this.options.errorRate ?? 0;
    const scope = this.options.errorOperations;
    const inScope = scope === undefined ? service === 'iot' : scope.includes(key);
    if (rate > 0 && inScope && this.random() < rate) {
      bump(this.counts.failed, key);
      return { kind: 'error', latencyMs, status: this.random() < 0.5 ? 500 : 503 };
    }
    return { kind: 'pass', latencyMs };
  }

  private throttled(operation: string): boolean {
    const tps = this.quotaTable[operation];
    if (tps === undefined || tps <= 0 || !Number.isFinite(tps)) return false;
    let bucket = this.buckets.get(operation);
    if (bucket === undefined) {
      bucket = new TokenBucket(tps);
      this.buckets.set(operation, bucket);
    }
    return !bucket.take();
  }
}
