/**
 * The replay engine behind `jitr replay`. Primary course:
 * 1. receive the DLQ in batches (messages stay invisible while we hold them), up to `max`;
 * 2. decode every message; undecodable ones are reported and left in the queue;
 * 3. group by failure reason and hand that summary to `onPlan` before acting (dry run stops);
 * 4. de-duplicate by certificate id and, at `ratePerSecond`, run the pipeline once per
 *    certificate, then read the certificate's status;
 * 5. delete a certificate's messages only when it is settled (ACTIVE, or a status the
 *    handler will never change again); anything else stays for the next run.
 * An abort (Ctrl-C) lets the in-flight certificate finish and then stops: nothing that was
 * not settled is deleted.
 */

import { sqsQueueName } from '../../arn/arn.js';
import { type Clock, TokenBucket } from '../../pacing/token-bucket.js';
import { type DecodedDlqMessage, type DecodedKind, decodeDlqMessage, failureReason } from '../dlq-message.js';
import {
  certificatesToExplain,
  joinRecordedFailure,
  type RecordedFailureSource,
  type RecordedFailures,
} from '../recorded-failures.js';
import type { RegisteredEvent } from '../registered-event.js';
import type { CertificateStatusReader, DlqQueue, EventInvoker, QueueMessage } from './ports.js';

export type CertificateOutcome = 'activated' | 'rejected' | 'deleted' | 'failed' | 'not-processed';

export interface CertificateResult {
  certificateId: string;
  outcome: CertificateOutcome;
  /** Status after the run (absent when it could not be read or the run never started). */
  status?: string;
  /** Why it failed or was not settled. */
  reason?: string;
  messages: number;
  deleted: number;
}

export interface ReasonGroup {
  reason: string;
  count: number;
  /** What to do: every distinct remedy the group's records carry (at most {@link MAX_REMEDIES}). */
  remedies: string[];
  /** The steps that failed, when the failures say (the ledger's record does; the wire format does not). */
  steps?: string[];
  /** Messages whose failure was read from the registration-state table (bare events). */
  fromTable?: number;
  /** Queues whose redrive moved the group's messages here (names), when SQS says. */
  redrivenFrom?: string[];
}

/** One DLQ message as listed before acting. */
export interface ListedMessage {
  messageId: string;
  /** null when the message could not be decoded. */
  certificateId: string | null;
  /** The DLQ shape: a destination record, a classic DLQ message, a rule error action, a bare event. */
  shape: DecodedKind | 'unknown';
  /** Its group ({@link ReasonGroup.reason}). */
  reason: string;
  step?: string;
  /** The failure came from the registration-state table (ISO 8601 of when it was recorded). */
  recordedAt?: string;
  /** The source queue's ARN when a redrive moved it here (SQS `DeadLetterQueueSourceArn`). */
  redrivenFrom?: string;
  /** SQS `ApproximateReceiveCount` as this run's receive saw it. */
  receiveCount?: number;
}

export interface ReplayPlan {
  received: number;
  groups: ReasonGroup[];
  /** Every message received, in queue order. */
  messages: ListedMessage[];
  unknown: { messageId: string; reason: string }[];
  /** Messages left alone because of `certificateIds`. */
  skipped: number;
  certificates: number;
}

export interface ReplayReport extends ReplayPlan {
  dryRun: boolean;
  interrupted: boolean;
  results: CertificateResult[];
}

export interface ReplayOptions {
  max: number;
  ratePerSecond: number;
  dryRun: boolean;
  /** Only replay these certificates (others are left in the queue). Empty: all. */
  certificateIds: readonly string[];
  signal?: AbortSignal;
  onPlan?: (plan: ReplayPlan) => void;
  onProgress?: (done: number, total: number, result: CertificateResult) => void;
}

export interface ReplayDeps {
  queue: DlqQueue;
  invoker: EventInvoker;
  certificates: CertificateStatusReader;
  clock: Clock;
  /** Where bare events' failures are recorded (the registration-state table); absent: none configured. */
  recorded?: RecordedFailureSource;
}

interface Held {
  message: QueueMessage;
  decoded: DecodedDlqMessage;
}

async function collect(queue: DlqQueue, max: number, signal: AbortSignal | undefined): Promise<Held[]> {
  const held: Held[] = [];
  const seen = new Set<string>();
  while (held.length < max && !signal?.aborted) {
    const batch = await queue.receive(Math.min(10, max - held.length));
    if (batch.length === 0) break;
    for (const message of batch) {
      // A message that reappears (visibility expired mid-collect) is already held.
      if (seen.has(message.messageId)) continue;
      seen.add(message.messageId);
      held.push({ message, decoded: decodeDlqMessage(message.body, message.attributes) });
    }
  }
  return held;
}

/** Explains the bare events from the registration-state table (one batched read). */
async function explain(held: Held[], source: RecordedFailureSource | undefined): Promise<Held[]> {
  const ids = certificatesToExplain(held.map((h) => h.decoded));
  if (ids.length === 0) return held;
  const recorded: RecordedFailures =
    source === undefined ? { kind: 'not-configured' } : await source.read(ids);
  return held.map((h) => ({ ...h, decoded: joinRecordedFailure(h.decoded, recorded) }));
}

/** Distinct remedies kept per group (one code, e.g. AccessDenied, can need several fixes). */
export const MAX_REMEDIES = 5;

function addOnce(list: string[], value: string | undefined, max = Number.POSITIVE_INFINITY): void {
  if (value !== undefined && list.length < max && !list.includes(value)) list.push(value);
}

function listMessage({ message, decoded }: Held): ListedMessage {
  const failure = decoded.kind === 'unknown' ? undefined : decoded.failure;
  return {
    messageId: message.messageId,
    certificateId: decoded.kind === 'unknown' ? null : decoded.event.certificateId,
    shape: decoded.kind,
    reason: failureReason(decoded),
    ...(failure?.step === undefined ? {} : { step: failure.step }),
    ...(failure?.recordedAt === undefined ? {} : { recordedAt: failure.recordedAt }),
    ...(message.redrivenFrom === undefined ? {} : { redrivenFrom: message.redrivenFrom }),
    ...(message.receiveCount === undefined ? {} : { receiveCount: message.receiveCount }),
  };
}

function groupByReason(held: readonly Held[]): ReasonGroup[] {
  const groups = new Map<
    string,
    ReasonGroup & { steps: string[]; redrivenFrom: string[]; fromTable: number }
  >();
  for (const { message, decoded } of held) {
    const reason = failureReason(decoded);
    const group = groups.get(reason) ?? {
      reason,
      count: 0,
      remedies: [],
      steps: [],
      redrivenFrom: [],
      fromTable: 0,
    };
    group.count += 1;
    const failure = decoded.kind === 'unknown' ? undefined : decoded.failure;
    addOnce(group.remedies, failure?.remedy, MAX_REMEDIES);
    addOnce(group.steps, failure?.step);
    if (failure?.recordedAt !== undefined) group.fromTable += 1;
    if (message.redrivenFrom !== undefined) addOnce(group.redrivenFrom, sqsQueueName(message.redrivenFrom));
    groups.set(reason, group);
  }
  // Only what a group's messages say: a direct-path group (destination records) lists as before.
  return [...groups.values()]
    .map(({ steps, redrivenFrom, fromTable, ...group }) => ({
      ...group,
      ...(steps.length === 0 ? {} : { steps }),
      ...(fromTable === 0 ? {} : { fromTable }),
      ...(redrivenFrom.length === 0 ? {} : { redrivenFrom }),
    }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

async function releaseAll(queue: DlqQueue, messages: readonly QueueMessage[]): Promise<void> {
  for (const message of messages) {
    try {
      await queue.release(message);
    } catch {
      // Best effort: the message becomes visible again when its visibility timeout ends.
    }
  }
}

/**
 * Handler outcomes (lib/registration/result.ts) after which a replay can never change the
 * result: rejected with REJECTED_CERTIFICATE_STATUS=PENDING_ACTIVATION, revoked, dropped as
 * invalid input, or skipped.
 */
const FINAL_HANDLER_OUTCOMES = new Set(['rejected', 'revoked', 'dropped', 'skipped']);

/** Settles one certificate: invoke, read the status, decide. Never throws. */
async function settle(
  event: RegisteredEvent,
  deps: ReplayDeps,
): Promise<Pick<CertificateResult, 'outcome' | 'status' | 'reason'>> {
  let invoked: Awaited<ReturnType<EventInvoker['invoke']>>;
  try {
    invoked = await deps.invoker.invoke(event);
  } catch (error) {
    invoked = { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  let status: string | null;
  try {
    status = await deps.certificates.status(event.certificateId);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { outcome: 'failed', reason: invoked.ok ? `status unreadable: ${why}` : invoked.reason };
  }
  if (status === null) return { outcome: 'deleted', reason: 'the certificate no longer exists' };
  if (status === 'ACTIVE') return { outcome: 'activated', status };
  // The handler never changes a certificate that is not PENDING_ACTIVATION: replaying it again is useless.
  if (status !== 'PENDING_ACTIVATION') return { outcome: 'rejected', status };
  if (invoked.ok && invoked.outcome !== undefined && FINAL_HANDLER_OUTCOMES.has(invoked.outcome)) {
    return { outcome: 'rejected', status };
  }
  return {
    outcome: 'failed',
    status,
    reason: invoked.ok
      ? 'the handler succeeded but the certificate is still PENDING_ACTIVATION'
      : invoked.reason,
  };
}

/**
 * Replays the DLQ. Never throws for a per-message problem: every message ends up counted in
 * the report, and only settled certificates' messages are deleted.
 *
 * @example
 * const report = await replayDlq(deps, { max: 1000, ratePerSecond: 3, dryRun: false, certificateIds: [] });
 * process.exitCode = replayExitCode(report);
 */
export async function replayDlq(deps: ReplayDeps, options: ReplayOptions): Promise<ReplayReport> {
  const held = await explain(await collect(deps.queue, options.max, options.signal), deps.recorded);
  const wanted = new Set(options.certificateIds.map((id) => id.toLowerCase()));
  const unknown: ReplayPlan['unknown'] = [];
  const byCertificate = new Map<string, { event: RegisteredEvent; messages: QueueMessage[] }>();
  const untouched: QueueMessage[] = [];
  let skipped = 0;
  for (const { message, decoded } of held) {
    if (decoded.kind === 'unknown') {
      unknown.push({ messageId: message.messageId, reason: decoded.reason });
      untouched.push(message);
      continue;
    }
    const id = decoded.event.certificateId.toLowerCase();
    if (wanted.size > 0 && !wanted.has(id)) {
      skipped += 1;
      untouched.push(message);
      continue;
    }
    const entry = byCertificate.get(id);
    if (entry === undefined) byCertificate.set(id, { event: decoded.event, messages: [message] });
    else entry.messages.push(message);
  }
  const plan: ReplayPlan = {
    received: held.length,
    groups: groupByReason(held),
    messages: held.map(listMessage),
    unknown,
    skipped,
    certificates: byCertificate.size,
  };
  options.onPlan?.(plan);
  const report: ReplayReport = { ...plan, dryRun: options.dryRun, interrupted: false, results: [] };
  if (options.dryRun) {
    await releaseAll(
      deps.queue,
      held.map((h) => h.message),
    );
    return report;
  }
  const bucket = new TokenBucket(options.ratePerSecond, deps.clock);
  const leftover = [...untouched];
  let done = 0;
  for (const [certificateId, { event, messages }] of byCertificate) {
    // Checked again after waiting for the rate: Ctrl-C during the wait starts nothing new.
    if (!options.signal?.aborted) await bucket.acquire();
    if (options.signal?.aborted) {
      report.interrupted = true;
      report.results.push({ certificateId, outcome: 'not-processed', messages: messages.length, deleted: 0 });
      leftover.push(...messages);
      continue;
    }
    const settled = await settle(event, deps);
    const result: CertificateResult = { certificateId, ...settled, messages: messages.length, deleted: 0 };
    if (settled.outcome === 'failed') {
      leftover.push(...messages);
    } else {
      for (const message of messages) {
        try {
          await deps.queue.delete(message);
          result.deleted += 1;
        } catch {
          // Undeleted: it comes back and the next run finds the certificate settled.
        }
      }
    }
    report.results.push(result);
    done += 1;
    options.onProgress?.(done, byCertificate.size, result);
  }
  if (options.signal?.aborted) report.interrupted = true;
  await releaseAll(deps.queue, leftover);
  return report;
}

/** 1 when anything failed, was left undecoded or was not processed; else 0. */
export function replayExitCode(report: ReplayReport): 0 | 1 {
  if (report.dryRun) return report.unknown.length > 0 ? 1 : 0;
  const bad = report.results.some((r) => r.outcome === 'failed' || r.outcome === 'not-processed');
  return bad || report.unknown.length > 0 || report.interrupted ? 1 : 0;
}
