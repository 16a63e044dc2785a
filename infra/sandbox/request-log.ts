/**
 * The sandbox's request log: when each AWS request arrived and when it was answered, for the
 * latency bench's round trips (a request that starts after another one was answered may depend
 * on it; requests in flight together are one round trip). Off unless a caller starts it.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

export type LoggedService = 'iot' | 'dynamodb' | 's3';

export interface RequestSpan {
  service: LoggedService;
  operation: string;
  /** performance.now() when the request arrived. */
  startedAt: number;
  /** performance.now() when the answer was sent; null while in flight. */
  endedAt: number | null;
}

export class RequestLog {
  #spans: RequestSpan[] | null = null;

  /** Starts a new log (dropping the previous one); returns the live list of spans. */
  start(): RequestSpan[] {
    this.#spans = [];
    return this.#spans;
  }

  stop(): void {
    this.#spans = null;
  }

  /** Notes a request that just arrived; `res` ends its span. */
  note(service: LoggedService, operation: string, res: ServerResponse): void {
    const spans = this.#spans;
    if (spans === null) return;
    const span: RequestSpan = { service, operation, startedAt: performance.now(), endedAt: null };
    spans.push(span);
    res.once('finish', () => {
      span.endedAt = performance.now();
    });
  }
}

/**
 * Puts the latency fault and the request log in front of a third-party server's own request
 * handlers (dynalite, s3rver), which know nothing of either.
 */
export function instrumentServer(
  server: Server,
  service: LoggedService,
  options: {
    latencyMs: () => number;
    log?: RequestLog;
    operationOf: (req: IncomingMessage) => string;
  },
): void {
  const handlers = server.listeners('request') as Array<(...args: unknown[]) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    options.log?.note(service, options.operationOf(req), res);
    const run = () => {
      for (const handler of handlers) handler.call(server, req, res);
    };
    const ms = options.latencyMs();
    if (ms > 0) setTimeout(run, ms);
    else run();
  });
}

/**
 * The operation of a RPC-style request (`X-Amz-Target: DynamoDB_20120810.UpdateItem`), or of a
 * REST one by its method (`GET` for S3 GetObject).
 */
export function operationOf(req: IncomingMessage): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.indexOf('.') + 1);
  return req.method ?? 'UNKNOWN';
}
