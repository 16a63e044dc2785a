// `jitr sandbox start`: the local AWS side on loopback until Ctrl-C.
import { startSandbox } from '../../infra/sandbox/index.js';

export interface SandboxStartOptions {
  port?: number;
  host?: string;
  region?: string;
  account?: string;
  quotas?: boolean;
  bucket?: string[];
  queue?: string[];
  deny?: string[];
  json?: boolean;
}

/**
 * Starts the sandbox, prints its endpoints and environment, and runs until `signal` aborts
 * (the CLI aborts it on SIGINT/SIGTERM). Every server is stopped before this resolves.
 */
export async function runSandboxStart(
  options: SandboxStartOptions,
  signal: AbortSignal,
  write: (text: string) => void,
): Promise<void> {
  const sandbox = await startSandbox({
    port: options.port ?? 0,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.account === undefined ? {} : { account: options.account }),
    quotas: options.quotas === true,
    buckets: options.bucket ?? [],
    queues: options.queue ?? [],
    faults: { deny: options.deny ?? [] },
  });
  try {
    const env = sandbox.env();
    if (options.json === true) {
      write(
        `${JSON.stringify({ endpoints: sandbox.endpoints, host: options.host ?? '127.0.0.1', region: sandbox.region, accountId: sandbox.accountId, env }, null, 2)}\n`,
      );
    } else {
      write(
        [
          `JITR sandbox on ${options.host ?? '127.0.0.1'}${options.host === undefined ? ' (loopback only)' : ''} (account ${sandbox.accountId}, region ${sandbox.region})`,
          `  IoT  ${sandbox.endpoints.iot}`,
          `  S3   ${sandbox.endpoints.s3}  (path-style; buckets: ${(options.bucket ?? []).join(', ') || 'none'})`,
          `  SQS  ${sandbox.endpoints.sqs}  (queues: ${(options.queue ?? []).join(', ') || 'none'})`,
          `  Lambda ${sandbox.endpoints.lambda}  (Invoke, GetFunctionConfiguration of functions deployed in process)`,
          `  IAM  ${sandbox.endpoints.iam}  (SimulatePrincipalPolicy from the deny list: ${(options.deny ?? []).join(', ') || 'none'})`,
          `  DynamoDB ${sandbox.endpoints.dynamodb}  (dynalite in memory; registration-state tables)`,
          '',
          '# environment for SDK clients and the handler:',
          ...Object.entries(env).map(([k, v]) => `export ${k}=${v}`),
          '',
          'Press Ctrl-C to stop.',
          '',
        ].join('\n'),
      );
    }
    if (!signal.aborted)
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    await sandbox.stop();
  }
}
