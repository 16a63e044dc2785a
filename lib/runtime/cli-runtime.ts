/**
 * The `jitr` CLI's part of the composition root. lib/cli/main.ts builds it once from the
 * process environment; command modules receive it with their parsed options and never read
 * `process.env`. Cheap to build: SDK clients and the registration runtime load on demand, so
 * `jitr crl inspect` never pays for the AWS SDK.
 */
import { loadAwsSettings } from '../config/config.js';
import { type Env, readDefaulted, readVariable } from '../config/declare.js';
import { CRL_MAX_STALENESS, REGISTRATION_STATE_TABLE } from '../config/variables.js';
import type { LedgerReader } from '../ledger/ports.js';
import { type CliAws, cliAws } from './cli-aws.js';
import { type ResultOutput, resultOutput } from './result-output.js';
import type { Runtime } from './runtime.js';
import type { SweepRuntime, SweepRuntimeOptions } from './sweep-runtime.js';

export interface CliRuntime {
  /** Where the command's result goes (stdout). */
  readonly out: ResultOutput;
  /**
   * The SDK clients and IoT port in `region` (a `--region` option; else the environment's),
   * with the custom endpoints from the environment; each client is built on its first use.
   */
  aws(region?: string): CliAws;
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
  /**
   * The revocation sweep's runtime (`jitr revocation sweep`): options win over the environment.
   * @throws {@link ConfigurationInvalidError} when no ledger table is configured or a variable is malformed.
   */
  sweep(options: Omit<SweepRuntimeOptions, 'aws'> & { region?: string }): Promise<SweepRuntime>;
  /** The ledger on `table` (else REGISTRATION_STATE_TABLE), or null when neither is set (`jitr status`). */
  ledger(options: { region?: string; table?: string }): Promise<LedgerReader | null>;
}

/**
 * `stdout` writes a command's result (main.ts passes the real stdout it reserved; default: the
 * process's stdout at call time).
 * @example const cli = createCliRuntime(process.env, reserveStdoutForResults()); // lib/cli/main.ts only
 */
export function createCliRuntime(env: Env, stdout?: (text: string) => void): CliRuntime {
  const settings = (region: string | undefined) => {
    const aws = loadAwsSettings(env);
    return region === undefined ? aws : { ...aws, region };
  };
  const aws = (region?: string): CliAws => cliAws(settings(region));
  return {
    out: resultOutput(stdout),
    aws,
    crlMaxStalenessSeconds: () => readDefaulted(env, CRL_MAX_STALENESS),
    async registration(region) {
      const { createRuntimeFromEnv } = await import('./runtime.js');
      const overrides = region === undefined ? {} : { AWS_REGION: region };
      return createRuntimeFromEnv({ POWERTOOLS_LOG_LEVEL: 'WARN', ...env, ...overrides }, { metrics: 'off' });
    },
    async sweep({ region, ...options }) {
      const { createSweepRuntime } = await import('./sweep-runtime.js');
      return createSweepRuntime(
        { POWERTOOLS_LOG_LEVEL: 'WARN', ...env },
        { ...options, aws: settings(region), metrics: 'off' },
      );
    },
    async ledger({ region, table }) {
      const tableName = table ?? readVariable(env, REGISTRATION_STATE_TABLE) ?? null;
      if (tableName === null) return null;
      const [{ DynamoDbLedger }, client] = await Promise.all([
        import('../ledger/dynamodb-ledger.js'),
        aws(region).dynamodb(),
      ]);
      return new DynamoDbLedger({ client, tableName });
    },
  };
}
