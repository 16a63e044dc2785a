/**
 * Lambda's SQS event source mapping (aws-facts §9.2) for one function: pollers receive batches
 * (BatchSize, MaximumBatchingWindowInSeconds), at most ScalingConfig.MaximumConcurrency
 * batches run at once (pollers start at 5 and add 300 a minute), each batch is one synchronous
 * invocation. On success the batch is deleted except the records the function reports in
 * `batchItemFailures` (with ReportBatchItemFailures; a malformed report fails the whole batch);
 * a function error keeps the whole batch. Kept records reappear when their visibility timeout
 * ends, and the queue's redrive policy moves a record to the DLQ after maxReceiveCount
 * receives. A throttled batch (no container under the concurrency limit) is retried with
 * backoff until its visibility timeout ends, then left to reappear.
 */
import { randomUUID } from 'node:crypto';
import { delay } from '../http.js';
import { md5OfBody } from '../sqs/md5.js';
import type { MessageGone, Queue, QueueStore, StoredMessage } from '../sqs/queues.js';
import type { AttemptOutcome } from './container.js';
import type { LambdaTiming } from './timing.js';

export interface EventSourceOptions {
  /** The source queue (URL or name). */
  queueUrl: string;
  /** Records per batch, 1–10 000 (default 10). */
  batchSize?: number;
  /** How long to gather records before invoking, 0–300 s (default 0). */
  maximumBatchingWindowSeconds?: number;
  /** ScalingConfig.MaximumConcurrency, 2–1000 (default: no cap beyond the 1 000 pollers). */
  maximumConcurrency?: number;
  /** FunctionResponseTypes: [ReportBatchItemFailures] (default false: any failure keeps the whole batch). */
  reportBatchItemFailures?: boolean;
}

/** What the mapping needs of the function it feeds. */
export interface BatchTarget {
  readonly name: string;
  tryInvokeBatch(event: unknown): Promise<AttemptOutcome | null>;
}

export interface EventSourceStats {
  batches: number;
  /** Records handed to the function (a record received again counts again). */
  records: number;
  /** Batches Lambda throttled (no container under the limit), each retry counted. */
  throttles: number;
  /** Batches whose invocation failed (a function error: the whole batch stays). */
  failedBatches: number;
  /** The most batches that ran at once. */
  maxConcurrentBatches: number;
}

/** Pollers start with this many concurrent batches and add POLLER_STEP_MS⁻¹ more (300 a minute). */
const INITIAL_POLLERS = 5;
const POLLER_STEP_MS = 200;
/** An empty queue is polled again after this long (long polling, in the sandbox's terms). */
const EMPTY_POLL_MS = 20;

export class EventSourceMapping {
  /** The mapping's id, as ListEventSourceMappings reports it. */
  readonly uuid = randomUUID();
  readonly queue: Queue;
  readonly stats: EventSourceStats = {
    batches: 0,
    records: 0,
    throttles: 0,
    failedBatches: 0,
    maxConcurrentBatches: 0,
  };
  private readonly batchSize: number;
  private readonly windowMs: number;
  /** As configured (unscaled), for ListEventSourceMappings. */
  private readonly windowSeconds: number;
  private readonly maximumConcurrency: number | undefined;
  private readonly maxConcurrency: number;
  private readonly reportFailures: boolean;
  private readonly waiters = new Map<string, Array<(how: MessageGone['how']) => void>>();
  private readonly listener: (gone: MessageGone) => void;
  private pollers = 0;
  private running = 0;
  private stopped = false;
  private scaler: NodeJS.Timeout | undefined;

  constructor(
    private readonly target: BatchTarget,
    private readonly queues: QueueStore,
    options: EventSourceOptions,
    private readonly timing: LambdaTiming,
    private readonly random: () => number,
    private readonly region: string,
  ) {
    this.queue = queues.byUrl(options.queueUrl);
    this.batchSize = options.batchSize ?? 10;
    if (!Number.isSafeInteger(this.batchSize) || this.batchSize < 1 || this.batchSize > 10_000)
      throw new RangeError('batchSize must be 1–10000');
    const window = options.maximumBatchingWindowSeconds ?? 0;
    if (!(window >= 0 && window <= 300)) throw new RangeError('maximumBatchingWindowSeconds must be 0–300');
    if (this.batchSize > 10 && window < 1)
      throw new RangeError('a batchSize over 10 needs maximumBatchingWindowSeconds ≥ 1 (as Lambda requires)');
    this.windowMs = timing.scale(window * 1000);
    this.windowSeconds = window;
    this.maximumConcurrency = options.maximumConcurrency;
    this.maxConcurrency = options.maximumConcurrency ?? 1000;
    if (!Number.isSafeInteger(this.maxConcurrency) || this.maxConcurrency < 2 || this.maxConcurrency > 1000)
      throw new RangeError('maximumConcurrency must be 2–1000');
    this.reportFailures = options.reportBatchItemFailures ?? false;
    this.listener = (gone) => {
      if (gone.queue !== this.queue) return;
      const waiting = this.waiters.get(gone.messageId);
      this.waiters.delete(gone.messageId);
      for (const done of waiting ?? []) done(gone.how);
    };
    queues.onGone.add(this.listener);
    for (let i = 0; i < Math.min(INITIAL_POLLERS, this.maxConcurrency); i += 1) this.addPoller();
    this.scaler = setInterval(() => this.scale(), POLLER_STEP_MS);
    this.scaler.unref();
  }

  /** Resolves when the message has left the queue: processed (deleted) or moved to the DLQ. */
  settled(messageId: string): Promise<MessageGone['how']> {
    return new Promise((done) => this.waiters.set(messageId, [...(this.waiters.get(messageId) ?? []), done]));
  }

  /** No batch running and nothing left in the queue (visible or not). */
  get isIdle(): boolean {
    return this.running === 0 && this.queue.messages.length === 0;
  }

  /** What ListEventSourceMappings answers for this mapping (the fields the product reads, and its settings). */
  configuration(functionArn: string): Record<string, unknown> {
    return {
      UUID: this.uuid,
      EventSourceArn: this.queue.arn,
      FunctionArn: functionArn,
      // A stopped mapping (its function removed) polls no more.
      State: this.stopped ? 'Disabled' : 'Enabled',
      BatchSize: this.batchSize,
      MaximumBatchingWindowInSeconds: this.windowSeconds,
      FunctionResponseTypes: this.reportFailures ? ['ReportBatchItemFailures'] : [],
      ...(this.maximumConcurrency === undefined
        ? {}
        : { ScalingConfig: { MaximumConcurrency: this.maximumConcurrency } }),
    };
  }

  stop(): void {
    this.stopped = true;
    if (this.scaler !== undefined) clearInterval(this.scaler);
    this.queues.onGone.delete(this.listener);
  }

  /** 300 more pollers a minute while every poller is busy and records wait. */
  private scale(): void {
    if (this.pollers >= this.maxConcurrency || this.running < this.pollers) return;
    const now = Date.now();
    if (this.queue.messages.some((m) => m.invisibleUntil <= now)) this.addPoller();
  }

  private addPoller(): void {
    this.pollers += 1;
    void this.poll();
  }

  private async poll(): Promise<void> {
    while (!this.stopped) {
      const batch = await this.collect();
      if (batch.length === 0) {
        await delay(EMPTY_POLL_MS);
        continue;
      }
      this.running += 1;
      this.stats.maxConcurrentBatches = Math.max(this.stats.maxConcurrentBatches, this.running);
      try {
        await this.process(batch);
      } finally {
        this.running -= 1;
      }
    }
  }

  /** Receives up to BatchSize records, gathering for up to the batching window once one arrived. */
  private async collect(): Promise<StoredMessage[]> {
    const visibility = this.queue.visibilityTimeoutSeconds;
    const batch = this.queues.receive(this.queue, this.batchSize, visibility);
    if (batch.length === 0 || this.windowMs <= 0) return batch;
    const until = Date.now() + this.windowMs;
    while (batch.length < this.batchSize && Date.now() < until && !this.stopped) {
      await delay(Math.min(EMPTY_POLL_MS, until - Date.now()));
      batch.push(...this.queues.receive(this.queue, this.batchSize - batch.length, visibility));
    }
    return batch;
  }

  private async process(batch: StoredMessage[]): Promise<void> {
    const receivedAt = Date.now();
    const visibilityMs = this.queue.visibilityTimeoutSeconds * 1000;
    // Throttled batches are retried (with the profile's backoff) while the records stay
    // invisible — a limit, not a wait, so never compressed; kept records reappear after the
    // profile's visibility timeout (a wait: compressed in `compressed`).
    const invisibleUntil = receivedAt + visibilityMs;
    const reappearAt = receivedAt + this.timing.scale(visibilityMs);
    const handles = new Map(batch.map((m) => [m.messageId, m.receiptHandle ?? '']));
    const event = { Records: batch.map((m) => this.record(m)) };
    let outcome: AttemptOutcome | null = null;
    for (let n = 0; !this.stopped; n += 1) {
      outcome = await this.target.tryInvokeBatch(event);
      if (outcome !== null) break;
      this.stats.throttles += 1;
      const wait = this.timing.throttleBackoffMs(n, this.random);
      if (Date.now() + wait >= invisibleUntil) break;
      await delay(wait);
    }
    this.stats.batches += outcome === null ? 0 : 1;
    this.stats.records += outcome === null ? 0 : batch.length;
    const kept = outcome === null ? new Set(handles.keys()) : this.failedIds(outcome, batch);
    if (outcome !== null && !outcome.ok) this.stats.failedBatches += 1;
    for (const [id, handle] of handles) {
      if (!kept.has(id)) this.queues.delete(this.queue, handle);
    }
    this.reappear(batch, kept, reappearAt);
    if (outcome !== null && !outcome.ok) {
      // After a function error the mapping backs off before its next batch.
      await delay(this.timing.throttleBackoffMs(0, this.random));
    }
  }

  /** Kept records become visible again when the profile's visibility timeout ends. */
  private reappear(batch: StoredMessage[], kept: Set<string>, reappearAt: number): void {
    if (this.timing.profile === 'aws') return;
    for (const m of batch) {
      if (!kept.has(m.messageId) || m.receiptHandle === undefined) continue;
      const live = this.queue.messages.find((x) => x.messageId === m.messageId);
      if (live === undefined || live.receiptHandle !== m.receiptHandle) continue;
      live.invisibleUntil = Math.min(live.invisibleUntil, reappearAt);
    }
  }

  /** Message ids to keep: all after a function error or a malformed report, else the reported ones. */
  private failedIds(outcome: AttemptOutcome, batch: StoredMessage[]): Set<string> {
    const all = new Set(batch.map((m) => m.messageId));
    if (!outcome.ok) return all;
    if (!this.reportFailures) return new Set();
    const value = outcome.value as { batchItemFailures?: unknown } | null | undefined;
    if (value === null || value === undefined || typeof value !== 'object') return new Set();
    const failures = value.batchItemFailures;
    if (failures === undefined || failures === null) return new Set();
    if (!Array.isArray(failures)) return all;
    const kept = new Set<string>();
    for (const failure of failures) {
      const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      // An empty, missing or unknown identifier fails the whole batch (aws-facts §9.2).
      if (typeof id !== 'string' || id === '' || !all.has(id)) return all;
      kept.add(id);
    }
    return kept;
  }

  /** The record as Lambda hands it to the function. */
  private record(m: StoredMessage): Record<string, unknown> {
    return {
      messageId: m.messageId,
      receiptHandle: m.receiptHandle,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentTimestamp),
        SenderId: 'AROAIOTRULEACTION:iot-rule',
        ApproximateFirstReceiveTimestamp: String(m.firstReceiveTimestamp ?? Date.now()),
      },
      messageAttributes: Object.fromEntries(
        Object.entries(m.attributes).map(([k, v]) => [
          k,
          {
            ...(v.StringValue === undefined ? {} : { stringValue: v.StringValue }),
            stringListValues: [],
            binaryListValues: [],
            dataType: v.DataType,
          },
        ]),
      ),
      md5OfBody: md5OfBody(m.body),
      eventSource: 'aws:sqs',
      eventSourceARN: this.queue.arn,
      awsRegion: this.region,
    };
  }
}
