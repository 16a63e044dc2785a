/** The Lambda adapter of the replay engine's {@link EventInvoker} port: a synchronous Invoke. */
import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { failureFrom, failureSummary } from '../dlq-message.js';
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

export class LambdaInvoker implements EventInvoker {
  readonly #lambda: LambdaClient;
  readonly #functionName: string;

  constructor(lambda: LambdaClient, functionName: string) {
    this.#lambda = lambda;
    this.#functionName = functionName;
  }

  /**
   * Invokes the function with `RequestResponse`. A `FunctionError` (the handler threw, timed
   * out or crashed) is a failure whose reason is the grouping key of the runtime's error; an
   * SDK error (unknown function, no `lambda:InvokeFunction`) is a failure naming it.
   */
  async invoke(event: RegisteredEvent): Promise<InvokeResult> {
    let answer: InvokeCommandOutput;
    try {
      answer = await this.#lambda.send(
        new InvokeCommand({
          FunctionName: this.#functionName,
          InvocationType: 'RequestResponse',
          Payload: Buffer.from(JSON.stringify(event)),
        }),
      );
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, reason: `${name}: ${message}` };
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
