/**
 * The `jitr` CLI's part of the composition root. lib/cli/main.ts builds it once from the
 * process environment; command modules receive it with their parsed options and never read
 * `process.env`. Cheap to build: SDK clients and the registration runtime load on demand, so
 * `jitr crl inspect` never pays for the AWS SDK.
 */
import { type AwsSettings, loadAwsSettings } from '../config/config.js';
import { type Env, readDefaulted } from '../config/declare.js';
import { CRL_MAX_STALENESS } from '../config/variables.js';
import type { Runtime } from './runtime.js';

export interface CliRuntime {
  /** Region and custom endpoints from the environment; `region` (a `--region` option) wins. */
  aws(region?: string): AwsSettings;
  /**
   * `CRL_MAX_STALENESS` from the environment, else its declared default.
   * @throws {@link ConfigurationInvalidError} when the variable is malformed.
   */
  crlMaxStalenessSeconds(): number;
  /**
   * The handler's runtime in this process, configured by the same environment variables as the
   * function, logging at WARN unless POWERTOOLS_LOG_LEVEL says otherwise and printing no EMF:
   * the command's report is what stdout is for.
   * @throws {@link ConfigurationInvalidError} when the environment does not configure the handler.
   */
  registration(region?: string): Promise<Runtime>;
}

/** @example const cli = createCliRuntime(process.env); // lib/cli/main.ts only */
export function createCliRuntime(env: Env): CliRuntime {
  return {
    aws(region) {
      const settings = loadAwsSettings(env);
      return region === undefined ? settings : { ...settings, region };
    },
    crlMaxStalenessSeconds: () => readDefaulted(env, CRL_MAX_STALENESS),
    async registration(region) {
      const { createRuntimeFromEnv } = await import('./runtime.js');
      const overrides = region === undefined ? {} : { AWS_REGION: region };
      return createRuntimeFromEnv({ POWERTOOLS_LOG_LEVEL: 'WARN', ...env, ...overrides }, { metrics: 'off' });
    },
  };
}
