/** The Lambda adapter of the replay engine's {@link EventInvoker} port: a synchronous Invoke. */
import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { failureFrom, failureSummary } from '../dlq-message.js';
import { LambdaInvokeThrottledError } from '../errors.js';
import type { RegisteredEvent } from '../registered-event.js';
import type { EventInvoker, InvokeResult } from './ports.js';

function parsePayload(payload: Uint8Array | undefined): unknown {
  if (payload === undefined || payload.length === 0) return undefined;
  const text = Buffer.from(payload).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function field(value: unknown, name: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const found = (value as Record<string, unknown>)[name];
  return typeof found === 'string' && found.length > 0 ? found : undefined;
}

/** Lambda's 429 for a synchronous invoke at the concurrency limit (the function did not run). */
function throttle(error: unknown): { reason?: string; retryAfterMs?: number } | null {
  if (!(error instanceof Error) || error.name !== 'TooManyRequestsException') return null;
  const reason = field(error, 'Reason');
  const retryAfter = Number(field(error, 'retryAfterSeconds'));
  return {
    ...(reason === undefined ? {} : { reason }),
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
  };
}

export interface LambdaInvokerOptions {
  /** Tries of one event while Lambda answers 429 (each on top of the SDK's own retries; default 5). */
  throttledTries?: number;
  /** The first wait after a 429 (doubling, full jitter, at most 20 s; default 1 s). */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const MAX_BACKOFF_MS = 20_000;

export class LambdaInvoker implements EventInvoker {
  readonly #lambda: LambdaClient;
  readonly #functionName: string;
  readonly #tries: number;
  readonly #backoffMs: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;

  constructor(lambda: LambdaClient, functionName: string, options: LambdaInvokerOptions = {}) {
    this.#lambda = lambda;
    this.#functionName = functionName;
    this.#tries = options.throttledTries ?? 5;
    this.#backoffMs = options.backoffMs ?? 1000;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#random = options.random ?? Math.random;
  }

  /**
   * Invokes the function with `RequestResponse`. A 429 (the function's or the account's
   * concurrency is in use: the function did not run) is retried with backoff, honouring Lambda's
   * `Retry-After`; when every try is throttled the failure is `LambdaInvokeThrottled` with its
   * remedy. A `FunctionError` (the handler threw, timed out or crashed) is a failure whose reason
   * is the grouping key of the runtime's error; any other SDK error (unknown function, no
   * `lambda:InvokeFunction`) is a failure naming it.
   */
  async invoke(event: RegisteredEvent): Promise<InvokeResult> {
    let answer: InvokeCommandOutput | undefined;
    for (let tries = 1; answer === undefined; tries += 1) {
      try {
        answer = await this.#lambda.send(
          new InvokeCommand({
            FunctionName: this.#functionName,
            InvocationType: 'RequestResponse',
            Payload: Buffer.from(JSON.stringify(event)),
          }),
        );
      } catch (error) {
        const throttled = throttle(error);
        if (throttled !== null && tries < this.#tries) {
          const cap = Math.min(MAX_BACKOFF_MS, this.#backoffMs * 2 ** (tries - 1));
          await this.#sleep(Math.max(throttled.retryAfterMs ?? 0, Math.round(this.#random() * cap)));
          continue;
        }
        if (throttled !== null) {
          const e = new LambdaInvokeThrottledError(this.#functionName, throttled.reason, tries);
          return { ok: false, reason: `${e.code}: ${e.message} — remedy: ${e.remedy}` };
        }
        const name = error instanceof Error ? error.name : 'Error';
        const message = error instanceof Error ? error.message : String(error);
        return { ok: false, reason: `${name}: ${message}` };
      }
    }
    const payload = parsePayload(answer.Payload);
    if (answer.FunctionError !== undefined) {
      const failure = failureFrom(field(payload, 'errorType'), field(payload, 'errorMessage'));
      return { ok: false, reason: failure === undefined ? answer.FunctionError : failureSummary(failure) };
    }
    const outcome = field(payload, 'outcome');
    return outcome === undefined ? { ok: true } : { ok: true, outcome };
  }
}
