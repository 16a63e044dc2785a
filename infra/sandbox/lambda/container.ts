import { Worker } from 'node:worker_threads';
import { WORKER_SOURCE } from './worker-source.js';

/** The error payload the Node.js runtime returns for a failed invocation. */
export interface ErrorPayload {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

export type AttemptOutcome = { ok: true; value: unknown } | { ok: false; error: ErrorPayload };

export interface LogLine {
  /** Request id of the invocation that printed it (null during init). */
  requestId: string | null;
  stream: 'stdout' | 'stderr';
  text: string;
}

interface WorkerMessage {
  type: 'log' | 'ready' | 'result';
  id?: string | null;
  stream?: 'stdout' | 'stderr';
  text?: string;
  ok?: boolean;
  value?: unknown;
  error?: ErrorPayload;
  initMs?: number;
}

export interface InvokeContext {
  awsRequestId: string;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
  deadlineMs: number;
}

/**
 * One Lambda execution environment: a worker thread with its own env and module state,
 * running one invocation at a time.
 */
export class Container {
  readonly ready: Promise<{ initMs: number }>;
  private pending: { id: string; resolve: (o: AttemptOutcome) => void } | null = null;
  private readonly worker: Worker;
  private dead = false;

  constructor(
    readonly index: number,
    bundle: string,
    handlerName: string,
    env: Record<string, string>,
    private readonly onLog: (line: LogLine) => void,
  ) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, env, workerData: { bundle, handlerName } });
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (msg: WorkerMessage) => {
        if (msg.type === 'ready') resolve({ initMs: msg.initMs ?? 0 });
        else if (msg.type === 'log') {
          this.onLog({ requestId: msg.id ?? null, stream: msg.stream ?? 'stdout', text: msg.text ?? '' });
        } else if (msg.type === 'result') {
          const p = this.pending;
          if (p === null || p.id !== msg.id) return;
          this.pending = null;
          p.resolve(
            msg.ok === true
              ? { ok: true, value: msg.value }
              : { ok: false, error: msg.error as ErrorPayload },
          );
        }
      });
      this.worker.on('error', (error) => {
        reject(error);
        this.fail({ errorType: 'Runtime.ExitError', errorMessage: String(error), trace: [] });
      });
      this.worker.on('exit', (code) => {
        this.fail({
          errorType: 'Runtime.ExitError',
          errorMessage: `RequestId: exited with code ${code}`,
          trace: [],
        });
      });
    });
    // A crash before ready is reported through invoke(); avoid an unhandled rejection here.
    this.ready.catch(() => undefined);
  }

  get busy(): boolean {
    return this.pending !== null;
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Runs one invocation; a timeout kills the container (as Lambda does) and reports Sandbox.Timedout. */
  async invoke(event: unknown, context: InvokeContext, timeoutMs: number): Promise<AttemptOutcome> {
    if (this.dead)
      return {
        ok: false,
        error: { errorType: 'Runtime.ExitError', errorMessage: 'container exited', trace: [] },
      };
    await this.ready.catch(() => undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const seconds = (timeoutMs / 1000).toFixed(2);
        this.fail({
          errorType: 'Sandbox.Timedout',
          errorMessage: `${new Date().toISOString()} ${context.awsRequestId} Task timed out after ${seconds} seconds`,
          trace: [],
        });
        void this.worker.terminate();
      }, timeoutMs);
      this.pending = {
        id: context.awsRequestId,
        resolve: (o) => {
          clearTimeout(timer);
          resolve(o);
        },
      };
      this.worker.postMessage({ type: 'invoke', id: context.awsRequestId, event, context });
    });
  }

  private fail(error: ErrorPayload): void {
    this.dead = true;
    const p = this.pending;
    this.pending = null;
    p?.resolve({ ok: false, error });
  }

  async stop(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }
}
