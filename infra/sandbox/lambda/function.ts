import { dirname, resolve } from 'node:path';
import { lambdaFunctionArn } from '../../../lib/arn/arn.js';
import { delay } from '../http.js';
import type { QueueStore } from '../sqs/queues.js';
import { type AttemptOutcome, Container, type ErrorPayload, type LogLine } from './container.js';
import { deadLetterAttributes, destinationRecord } from './destination.js';
import { EventSourceMapping, type EventSourceOptions } from './event-source.js';
import { ContainerPool } from './pool.js';
import { type LambdaTiming, lambdaTiming, type RetryDelays } from './timing.js';

export interface DeployFunctionOptions {
  /** Path to the CommonJS bundle (e.g. `dist/handlers/jitr.cjs`). */
  bundle: string;
  /** Exported handler name (default `handler`). */
  handler?: string;
  /** Function name (default `jitr`). */
  name?: string;
  /** Function environment, on top of the sandbox's endpoints, region and credentials. */
  env?: Record<string, string>;
  /**
   * The concurrency limit (the account's concurrency, as Lambda scales up to it): execution
   * environments (worker threads) created on demand, default 1. At the limit, asynchronous and
   * event-source invocations are throttled and retried as Lambda retries throttles.
   */
  containers?: number;
  /**
   * The function's reserved concurrency (`ReservedConcurrentExecutions`): at most this many
   * environments, and a synchronous invoke beyond it is refused with Reason
   * `ReservedFunctionConcurrentInvocationLimitExceeded` (default: none; `containers` bounds it).
   */
  reservedConcurrency?: number;
  /** Async retries after a function error, 0–2 (default 2). */
  retries?: number;
  /**
   * `compressed` (default: every Lambda and SQS wait ÷ 600, so function-error retries after
   * 100 ms / 200 ms) or `aws` (the real ~1 min / ~2 min, throttle backoff 1 s … 5 min).
   */
  retryDelays?: RetryDelays;
  /** Waits before retry 1 and 2, overriding the profile's function-error delays. */
  retryDelaysMs?: number[];
  /** Asynchronous events older than this are dropped to the on-failure destination (default 21 600: AWS's 6 h). */
  maximumEventAgeSeconds?: number;
  /** Where an invocation lands among idle containers, and throttle jitter (default Math.random). */
  random?: () => number;
  /** On-failure destination (SQS queue URL or name): gets the invocation record. */
  dlqQueueUrl?: string;
  /** Classic dead-letter queue (SQS URL or name): gets the event with RequestID/ErrorCode/ErrorMessage attributes. */
  deadLetterQueueUrl?: string;
  /** Invocation timeout in ms (default 30 000). */
  timeoutMs?: number;
  /** Only events from this CA (the rule's topic filter); default: every CA (`+`). */
  caCertificateId?: string;
  /** Execution role ARN reported by GetFunctionConfiguration (default `…:role/jitr-handler-role`). */
  role?: string;
  /** Called for every line the function prints (after it is recorded). */
  onLog?: (line: LogLine) => void;
  /**
   * The queue ingestion path: the registered-event rule's SQS action writes every event to
   * this queue and an SQS event source mapping feeds the function. Without it the rule invokes
   * the function asynchronously (the direct path).
   */
  eventSource?: EventSourceOptions;
}

export interface AttemptRecord {
  attempt: number;
  container: number;
  coldStart: boolean;
  startedAt: number;
  durationMs: number;
  outcome: AttemptOutcome;
}

/** One asynchronous (or synchronous) invocation, with all its attempts. */
export interface InvocationRecord {
  requestId: string;
  event: unknown;
  /** `async` (the rule's invoke), `sync` (RequestResponse) or `sqs` (an event source batch). */
  kind: 'async' | 'sync' | 'sqs';
  status: 'running' | 'retry-wait' | 'throttled' | 'succeeded' | 'failed';
  attempts: AttemptRecord[];
  /** Times Lambda throttled this event (no container under the limit): retried, not a function error. */
  throttles: number;
  /** Why the record went to the on-failure destination (async only). */
  condition?: 'RetriesExhausted' | 'EventAgeExceeded';
  /** Set when the record was sent to the on-failure destination / dead-letter queue. */
  sentToDlq: boolean;
  /** Why the failure could not be delivered (e.g. the queue does not exist); the event is dropped. */
  deliveryError?: string;
  /** Lines printed during this invocation. */
  logs: LogLine[];
}

/** Why Lambda refused a synchronous invoke (the `Reason` of its TooManyRequestsException). */
export type InvokeThrottleReason =
  | 'ConcurrentInvocationLimitExceeded'
  | 'ReservedFunctionConcurrentInvocationLimitExceeded';

/**
 * Lambda's answer to a synchronous (RequestResponse) invoke at the concurrency limit: HTTP 429
 * `TooManyRequestsException`, `{"Reason": …, "Type": "User", "message": "Rate Exceeded."}`. The
 * function does not run; the caller retries with backoff.
 */
export class InvokeThrottledError extends Error {
  override readonly name = 'TooManyRequestsException';
  constructor(readonly reason: InvokeThrottleReason) {
    super('Rate Exceeded.');
  }
}

/** A deployed function: async invoke with retries and destinations, sync invoke, records. */
export class SandboxFunction {
  readonly name: string;
  readonly arn: string;
  readonly caCertificateId: string | undefined;
  private readonly accountId: string;
  private readonly pool: ContainerPool;
  /** The SQS event source mapping (queue ingestion), if deployed with one. */
  readonly eventSource: EventSourceMapping | undefined;
  readonly timing: LambdaTiming;
  private readonly random: () => number;
  /** What a synchronous invoke at the limit is refused for. */
  private readonly throttleReason: InvokeThrottleReason;
  /** Synchronous invokes refused at the concurrency limit (429). */
  syncThrottles = 0;
  private readonly records = new Map<string, InvocationRecord>();
  private readonly settledWaiters = new Map<string, Array<() => void>>();
  private readonly lines: LogLine[] = [];
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly bundle: string;
  private readonly env: Record<string, string>;
  private stopped = false;

  constructor(
    private readonly options: DeployFunctionOptions,
    sandbox: { region: string; accountId: string; env: Record<string, string> },
    private readonly queues: QueueStore,
  ) {
    this.name = options.name ?? 'jitr';
    this.accountId = sandbox.accountId;
    this.arn = lambdaFunctionArn(sandbox.region, sandbox.accountId, this.name);
    this.caCertificateId = options.caCertificateId;
    this.timing = lambdaTiming(options.retryDelays ?? 'compressed');
    this.random = options.random ?? Math.random;
    this.bundle = resolve(options.bundle);
    const retries = options.retries ?? 2;
    if (!Number.isInteger(retries) || retries < 0 || retries > 2)
      throw new RangeError('retries must be 0, 1 or 2');
    this.env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TZ: 'UTC',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      // Stands in for nodejs22.x, where the SDK has no Node-version warning to give.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_LAMBDA_FUNCTION_NAME: this.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${this.name}`,
      LAMBDA_TASK_ROOT: dirname(this.bundle),
      ...sandbox.env,
      ...(options.env ?? {}),
    };
    const reserved = options.reservedConcurrency;
    if (reserved !== undefined && (!Number.isSafeInteger(reserved) || reserved < 1))
      throw new RangeError('reservedConcurrency must be a positive integer');
    this.throttleReason =
      reserved === undefined
        ? 'ConcurrentInvocationLimitExceeded'
        : 'ReservedFunctionConcurrentInvocationLimitExceeded';
    this.pool = new ContainerPool(
      Math.min(options.containers ?? 1, reserved ?? Number.MAX_SAFE_INTEGER),
      (index) =>
        new Container(
          index,
          this.bundle,
          options.handler ?? 'handler',
          { ...this.env, AWS_LAMBDA_LOG_STREAM_NAME: `sandbox/[$LATEST]container-${index}` },
          (line) => this.log(line),
        ),
      this.random,
    );
    this.eventSource =
      options.eventSource === undefined
        ? undefined
        : new EventSourceMapping(this, queues, options.eventSource, this.timing, this.random, sandbox.region);
  }

  /** Queues an event the way an asynchronous invocation does; returns the request id at once. */
  invokeAsync(event: unknown): string {
    const record = this.newRecord(event, 'async');
    this.inFlight += 1;
    void this.runAsync(record).finally(() => this.settle(record));
    return record.requestId;
  }

  /**
   * A synchronous (RequestResponse) invocation: one attempt, no retries, no destination. At the
   * concurrency limit Lambda does not queue it: it rejects with {@link InvokeThrottledError}
   * (429 over HTTP) and the function does not run.
   */
  async invoke(event: unknown): Promise<AttemptOutcome> {
    const slot = this.pool.tryAcquire();
    if (slot === null) {
      this.syncThrottles += 1;
      throw new InvokeThrottledError(this.throttleReason);
    }
    const record = this.newRecord(event, 'sync');
    this.inFlight += 1;
    try {
      const attempt = await this.attempt(record, slot);
      record.status = attempt.ok ? 'succeeded' : 'failed';
      return attempt;
    } finally {
      this.settle(record);
    }
  }

  /** Resolves when the invocation with this request id has succeeded or exhausted its retries. */
  settled(requestId: string): Promise<InvocationRecord> {
    const record = this.records.get(requestId);
    if (record === undefined) return Promise.reject(new Error(`unknown request id ${requestId}`));
    if (record.status === 'succeeded' || record.status === 'failed') return Promise.resolve(record);
    return new Promise((done) => {
      this.settledWaiters.set(requestId, [...(this.settledWaiters.get(requestId) ?? []), () => done(record)]);
    });
  }

  /** True when nothing is running, waiting for a retry or queued (in its event source's queue too). */
  get isIdle(): boolean {
    return this.inFlight === 0 && (this.eventSource?.isIdle ?? true);
  }

  /** Resolves when nothing is running, waiting for a retry or queued (in its event source's queue too). */
  async idle(): Promise<void> {
    while (!this.isIdle) {
      if (this.inFlight > 0) await new Promise<void>((done) => this.idleWaiters.push(done));
      else await delay(20);
    }
  }

  /** Every invocation so far, oldest first. */
  invocations(): InvocationRecord[] {
    return [...this.records.values()];
  }

  /** Every line the function printed (init included), in order. */
  logs(): LogLine[] {
    return [...this.lines];
  }

  /** What GetFunctionConfiguration answers for this function. */
  configuration(): Record<string, unknown> {
    return {
      FunctionName: this.name,
      FunctionArn: this.arn,
      Runtime: 'nodejs22.x',
      Role: this.options.role ?? `arn:aws:iam::${this.accountId}:role/jitr-handler-role`,
      Handler: `${this.bundle.replace(/^.*\//, '').replace(/\.c?js$/, '')}.${this.options.handler ?? 'handler'}`,
      Timeout: Math.ceil((this.options.timeoutMs ?? 30_000) / 1000),
      MemorySize: Number(this.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '512'),
      Version: '$LATEST',
      Environment: { Variables: { ...(this.options.env ?? {}) } },
      ...(this.options.deadLetterQueueUrl === undefined
        ? {}
        : { DeadLetterConfig: { TargetArn: this.queues.byUrl(this.options.deadLetterQueueUrl).arn } }),
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
      Architectures: ['arm64'],
    };
  }

  /** Number of execution environments created so far (cold starts). */
  get containerCount(): number {
    return this.pool.created;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.eventSource?.stop();
    await this.pool.stop();
  }

  private newRecord(event: unknown, kind: InvocationRecord['kind']): InvocationRecord {
    const record: InvocationRecord = {
      requestId: crypto.randomUUID(),
      event,
      kind,
      status: 'running',
      attempts: [],
      throttles: 0,
      sentToDlq: false,
      logs: [],
    };
    this.records.set(record.requestId, record);
    return record;
  }

  /**
   * Lambda's asynchronous queue for one event: a throttle (no container under the limit) puts
   * the event back with backoff and costs no attempt; a function error is retried after the
   * profile's delays; the on-failure destination gets it when the retries are exhausted or the
   * event is older than the maximum event age.
   */
  private async runAsync(record: InvocationRecord): Promise<void> {
    const retries = this.options.retries ?? 2;
    const delays = this.options.retryDelaysMs ?? this.timing.functionErrorDelaysMs;
    const maxAgeMs = (this.options.maximumEventAgeSeconds ?? 21_600) * 1000;
    const enqueuedAt = Date.now();
    let last: AttemptOutcome | undefined;
    for (let i = 0; i <= retries; ) {
      if (i > 0 && record.status !== 'throttled') {
        record.status = 'retry-wait';
        await delay(delays[i - 1] ?? delays[delays.length - 1] ?? 0);
      }
      if (this.stopped) return;
      if (Date.now() - enqueuedAt > maxAgeMs) {
        record.status = 'failed';
        record.condition = 'EventAgeExceeded';
        this.deliverFailure(record, last?.ok === false ? last.error : eventAgeError(record));
        return;
      }
      const slot = this.pool.tryAcquire();
      if (slot === null) {
        record.status = 'throttled';
        await delay(this.timing.throttleBackoffMs(record.throttles, this.random));
        record.throttles += 1;
        continue;
      }
      record.status = 'running';
      last = await this.attempt(record, slot);
      if (last.ok) {
        record.status = 'succeeded';
        return;
      }
      i += 1;
    }
    record.status = 'failed';
    record.condition = 'RetriesExhausted';
    if (last !== undefined && !last.ok) this.deliverFailure(record, last.error);
  }

  /**
   * One event-source (SQS) batch, invoked synchronously by the mapping; null when Lambda
   * throttled it (no container under the limit), for the mapping to retry.
   */
  async tryInvokeBatch(event: unknown): Promise<AttemptOutcome | null> {
    const slot = this.pool.tryAcquire();
    if (slot === null) return null;
    const record = this.newRecord(event, 'sqs');
    this.inFlight += 1;
    try {
      const outcome = await this.attempt(record, slot);
      record.status = outcome.ok ? 'succeeded' : 'failed';
      return outcome;
    } finally {
      this.settle(record);
    }
  }

  private deliverFailure(record: InvocationRecord, error: ErrorPayload): void {
    try {
      this.sendFailure(record, error);
    } catch (failure) {
      // As in Lambda, an undeliverable record is dropped (DeadLetterErrors); keep why.
      record.deliveryError = failure instanceof Error ? failure.message : String(failure);
    }
  }

  private sendFailure(record: InvocationRecord, error: ErrorPayload): void {
    const destination = this.options.dlqQueueUrl;
    if (destination !== undefined) {
      const body = destinationRecord({
        requestId: record.requestId,
        functionArn: this.arn,
        attempts: record.attempts.length,
        condition: record.condition ?? 'RetriesExhausted',
        event: record.event,
        error,
        now: new Date(),
      });
      this.queues.send(this.queues.byUrl(destination), JSON.stringify(body));
      record.sentToDlq = true;
    }
    const dlq = this.options.deadLetterQueueUrl;
    if (dlq !== undefined) {
      this.queues.send(
        this.queues.byUrl(dlq),
        JSON.stringify(record.event),
        deadLetterAttributes(record.requestId, error),
      );
      record.sentToDlq = true;
    }
  }

  private async attempt(
    record: InvocationRecord,
    { container, cold }: { container: Container; cold: boolean },
  ): Promise<AttemptOutcome> {
    const startedAt = Date.now();
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const outcome = await container.invoke(
      record.event,
      {
        awsRequestId: record.requestId,
        functionName: this.name,
        functionVersion: '$LATEST',
        invokedFunctionArn: this.arn,
        memoryLimitInMB: this.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '512',
        logGroupName: `/aws/lambda/${this.name}`,
        logStreamName: `sandbox/[$LATEST]container-${container.index}`,
        deadlineMs: startedAt + timeoutMs,
      },
      timeoutMs,
    );
    record.attempts.push({
      attempt: record.attempts.length + 1,
      container: container.index,
      coldStart: cold,
      startedAt,
      durationMs: Date.now() - startedAt,
      outcome,
    });
    this.pool.release(container);
    return outcome;
  }

  private log(line: LogLine): void {
    this.lines.push(line);
    if (line.requestId !== null) this.records.get(line.requestId)?.logs.push(line);
    this.options.onLog?.(line);
  }

  private settle(record: InvocationRecord): void {
    for (const done of this.settledWaiters.get(record.requestId) ?? []) done();
    this.settledWaiters.delete(record.requestId);
    this.inFlight -= 1;
    if (this.inFlight === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const done of waiters) done();
    }
  }
}

/** The error an event that aged out while throttled carries (it never ran). */
function eventAgeError(record: InvocationRecord): ErrorPayload {
  return {
    errorType: 'Lambda.EventAgeExceeded',
    errorMessage: `event ${record.requestId} exceeded the maximum event age after ${record.throttles} throttles`,
    trace: [],
  };
}
