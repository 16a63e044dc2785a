/**
 * Deploys the built handler bundle (dist/handlers/jitr.cjs, the artifact SAM ships) into the
 * sandbox's Lambda side, configured like template.yaml configures it, with the DLQ as the
 * on-failure destination (`jitr sandbox start --jitr`, the demo; the tests add their harness in
 * test/helpers/e2e-deployment.ts).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SandboxFunction } from '../sandbox/index.js';
import type { LocalAws } from './local-aws.js';

/** The repository root: the nearest directory above this module with a package.json (works from sources and from the built CLI in dist/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find package.json above the sandbox deployment module');
    dir = parent;
  }
  return dir;
}

/** The handler bundle `npm run build` produces. */
export const HANDLER_BUNDLE = join(packageRoot(), 'dist', 'handlers', 'jitr.cjs');

export interface DeployOptions {
  /** Handler environment on top of {@link baseFunctionEnv} (e.g. TEMPLATE_SOURCE, CRL_MODE). */
  env?: Record<string, string>;
  containers?: number;
  retries?: number;
  bundle?: string;
}

export interface Deployment {
  fn: SandboxFunction;
  /** Every line the function printed, split into lines. */
  output(): string[];
}

/** The handler configuration every deployment starts from (CRLs and templates re-read on every event). */
export function baseFunctionEnv(aws: LocalAws): Record<string, string> {
  return {
    CRL_BUCKET: aws.bucket,
    CRL_MODE: 'required',
    CRL_REFRESH_SECONDS: '0',
    TEMPLATE_REFRESH_SECONDS: '0',
    POWERTOOLS_SERVICE_NAME: 'jitr',
    POWERTOOLS_METRICS_NAMESPACE: 'JITR',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    // The stack sets it to its RegistrationStateTable: duplicates cost no IoT call.
    REGISTRATION_STATE_TABLE: aws.stateTable,
  };
}

/** Deploys the bundle with the DLQ as on-failure destination. */
export async function deployJitr(aws: LocalAws, options: DeployOptions = {}): Promise<Deployment> {
  const bundle = options.bundle ?? HANDLER_BUNDLE;
  if (!existsSync(bundle)) throw new Error(`${bundle} does not exist: run \`npm run build\` first`);
  const fn = aws.sandbox.deployFunction({
    bundle,
    env: { ...baseFunctionEnv(aws), ...(options.env ?? {}) },
    containers: options.containers ?? 2,
    retries: options.retries ?? 2,
    dlqQueueUrl: aws.queueUrl,
  });
  return {
    fn,
    output() {
      // Every write is one whole line (or several); split per write so containers never interleave.
      return fn
        .logs()
        .flatMap((line) => line.text.split('\n'))
        .filter((line) => line.length > 0);
    },
  };
}
