// Reconnecting as firmware should: exponential backoff with full jitter (the AWS IoT Lens and the
// embedded-C SDK's retry utilities: sleep = random(0, min(max, initial × 2^attempt))).
import type { MqttClient } from 'mqtt';
import { type AttemptResult, attemptConnect, type DeviceTarget } from './attempt.js';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Give up after this long, counted from the first attempt. */
  timeoutMs: number;
}

export interface AttemptRecord {
  attempt: number;
  outcome: 'connected' | 'refused';
  reason: string | null;
  /** How long this attempt took. */
  ms: number;
  /** Time from the first attempt's start to this attempt's end. */
  elapsedMs: number;
  /** The pause before the next attempt (refused attempts only). */
  nextDelayMs: number | null;
}

export interface ConnectReport {
  connected: boolean;
  attempts: AttemptRecord[];
  /** From the first attempt until CONNACK accepted; null when it never connected. */
  timeToConnectMs: number | null;
}

export interface ConnectDeps {
  random: () => number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  onAttempt?: (record: AttemptRecord) => void;
  /** Stops the loop (Ctrl-C). */
  signal?: AbortSignal;
}

/** The full-jitter delay before retry `n` (0-based). */
export function backoffDelay(
  n: number,
  options: Pick<BackoffOptions, 'initialMs' | 'maxMs'>,
  random: () => number,
): number {
  const cap = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(n, 30));
  return Math.floor(random() * cap);
}

/** The longest a single attempt may wait for CONNACK (AWS IoT answers well within this). */
const ATTEMPT_TIMEOUT_MS = 10_000;

export async function connectWithBackoff(
  target: DeviceTarget,
  options: BackoffOptions,
  deps: ConnectDeps,
): Promise<ConnectReport & { client: MqttClient | undefined }> {
  const start = deps.now();
  const attempts: AttemptRecord[] = [];
  for (let n = 0; ; n += 1) {
    const remaining = options.timeoutMs - (deps.now() - start);
    if (remaining <= 0 || deps.signal?.aborted === true)
      return { connected: false, attempts, timeToConnectMs: null, client: undefined };
    const result: AttemptResult = await attemptConnect(target, Math.min(ATTEMPT_TIMEOUT_MS, remaining));
    const elapsedMs = Math.round(deps.now() - start);
    if (result.outcome === 'connected') {
      const record: AttemptRecord = {
        attempt: n + 1,
        outcome: 'connected',
        reason: null,
        ms: result.ms,
        elapsedMs,
        nextDelayMs: null,
      };
      attempts.push(record);
      deps.onAttempt?.(record);
      return { connected: true, attempts, timeToConnectMs: elapsedMs, client: result.client };
    }
    const wait = Math.min(backoffDelay(n, options, deps.random), Math.max(0, options.timeoutMs - elapsedMs));
    const record: AttemptRecord = {
      attempt: n + 1,
      outcome: 'refused',
      reason: result.reason,
      ms: result.ms,
      elapsedMs,
      nextDelayMs: wait,
    };
    attempts.push(record);
    deps.onAttempt?.(record);
    await deps.sleep(wait);
  }
}
