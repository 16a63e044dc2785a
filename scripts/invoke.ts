// `npm run invoke -- -e events/registered.json [-n events/sandbox-env.json] [--function JitrFunction]`
//
// Runs the built handler (dist/handlers/<name>.cjs) once, the way `sam local invoke` does but
// without Docker: in a fresh Node process whose environment holds only what Lambda would set
// plus the variables template.yaml declares for the function (template values, with `Ref`s
// to parameters resolved to their defaults), overridden from the env-vars file's `Parameters`
// and then its `<logical ID>` object — and, as with SAM, a key the template does not declare
// is ignored (with a warning here). Prints the function's log lines, then its result.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  cloudFormationTags,
  loadSamTemplate as loadStackTemplate,
  type SamTemplate as StackTemplate,
} from '../infra/local-aws/stack-template.js';
import { DEFAULT_ACCOUNT, DEFAULT_REGION, lambdaFunctionArn } from '../lib/arn/arn.js';
import { CommandLineError, readInputFile } from '../lib/cli/errors.js';
import { EXIT_CODES, USAGE_ERROR_CODES } from '../lib/cli/exit-codes.js';
import { formatError } from '../lib/cli/output.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

interface SamFunction {
  Type: string;
  Properties: {
    Handler: string;
    Timeout?: number;
    MemorySize?: number;
    Environment?: { Variables?: Record<string, unknown> };
  };
}

type SamTemplate = Omit<StackTemplate, 'Resources'> & { Resources: Record<string, SamFunction> };

/** Reads template.yaml with its CloudFormation tags. */
export const loadSamTemplate = (path?: string): SamTemplate =>
  loadStackTemplate(path) as unknown as SamTemplate;
export { cloudFormationTags };

/** A template value as `sam local` sees it: literals and parameter defaults; anything else is empty. */
function templateValue(value: unknown, template: SamTemplate): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (typeof value === 'object' && value !== null && 'Ref' in value) {
    const name = String((value as { Ref: unknown }).Ref);
    const fallback = template.Parameters?.[name]?.Default;
    if (fallback !== undefined) return String(fallback);
  }
  return '';
}

export interface InvokeEnvironment {
  variables: Record<string, string>;
  ignored: string[];
}

/**
 * The function's environment as `sam local invoke --env-vars` builds it: declared variables
 * only; `Parameters` applies to every function, the logical-ID object wins.
 */
export function functionEnvironment(
  template: SamTemplate,
  logicalId: string,
  envVars: Record<string, Record<string, unknown>> = {},
): InvokeEnvironment {
  const fn = template.Resources[logicalId];
  if (fn === undefined || fn.Type !== 'AWS::Serverless::Function') {
    throw new Error(`template.yaml has no AWS::Serverless::Function ${logicalId}`);
  }
  const declared = fn.Properties.Environment?.Variables ?? {};
  const variables: Record<string, string> = {};
  for (const [name, value] of Object.entries(declared)) variables[name] = templateValue(value, template);
  const ignored: string[] = [];
  for (const scope of ['Parameters', logicalId]) {
    for (const [name, value] of Object.entries(envVars[scope] ?? {})) {
      if (name in declared) variables[name] = String(value);
      else ignored.push(`${scope}.${name}`);
    }
  }
  return { variables, ignored };
}

// Runs inside the child process: loads the bundle (module init = cold start), invokes once and
// sends the outcome to the parent over IPC, like the Lambda runtime reports it.
const RUNNER = `
const [bundle, exported, eventJson, contextJson] = process.argv.slice(1);
const context = JSON.parse(contextJson);
const deadline = Date.now() + context.timeoutMs;
context.getRemainingTimeInMillis = () => Math.max(0, deadline - Date.now());
const send = (message) => new Promise((resolve) => process.send(message, resolve));
(async () => {
  try {
    const result = await require(bundle)[exported](JSON.parse(eventJson), context);
    await send({ ok: true, result: result === undefined ? null : result });
  } catch (error) {
    await send({ ok: false, errorType: error && error.name, errorMessage: error && error.message });
  }
  process.exit(0);
})();
`;

interface Outcome {
  ok: boolean;
  result?: unknown;
  errorType?: string;
  errorMessage?: string;
}

const COMMAND = 'npm run invoke';
const USAGE = `usage: npm run invoke -- -e EVENT.json [-n ENV.json] [--function LogicalId] [--region R]

Runs the built handler on EVENT.json like sam local invoke (no Docker): only the variables
template.yaml declares, overridden by ENV.json (Parameters, then the function's object).

  -e, --event FILE      the event (e.g. events/registered.json)
  -n, --env-vars FILE   sam local's env-vars file (e.g. events/sandbox-env.json for the sandbox)
  --function ID         the function's logical id in template.yaml (default JitrFunction)
  --region R            the region in the Lambda context (default AWS_REGION, else us-east-1)

Exit codes: 0 the function returned, 1 it threw (or could not run), 2 usage error.
Example:
  $ npm run invoke -- -e events/registered.json -n events/sandbox-env.json
`;

async function readJson(file: string, option: string): Promise<unknown> {
  const text = (await readInputFile(file, option, COMMAND)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CommandLineError(
      { kind: 'not-json', option, file, reason: error instanceof Error ? error.message : String(error) },
      COMMAND,
    );
  }
}

async function main(argv: string[]): Promise<number> {
  let values: { event?: string; 'env-vars'?: string; function: string; region: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        event: { type: 'string', short: 'e' },
        'env-vars': { type: 'string', short: 'n' },
        function: { type: 'string', default: 'JitrFunction' },
        region: { type: 'string', default: process.env.AWS_REGION ?? DEFAULT_REGION },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // parseArgs throws for an unknown option or a missing value: a usage error, not a crash.
    throw new CommandLineError(
      { kind: 'parser', said: error instanceof Error ? error.message : String(error) },
      COMMAND,
    );
  }
  if (values.help === true) {
    process.stdout.write(USAGE);
    return EXIT_CODES.ok;
  }
  if (values.event === undefined) {
    throw new CommandLineError({ kind: 'required', option: '-e EVENT.json' }, COMMAND);
  }
  const event = JSON.stringify(await readJson(values.event, '-e'));
  const envVars =
    values['env-vars'] === undefined
      ? {}
      : ((await readJson(values['env-vars'], '-n')) as Record<string, Record<string, unknown>>);
  const template = loadSamTemplate();
  const logicalId = values.function;
  if (!(logicalId in template.Resources)) {
    throw new CommandLineError({ kind: 'unknown-function', logicalId }, COMMAND);
  }
  const { variables, ignored } = functionEnvironment(template, logicalId, envVars);
  for (const key of ignored) {
    process.stderr.write(
      `warning: ${key} is not declared in template.yaml for ${logicalId}; ignored (as sam local does)\n`,
    );
  }
  const fn = template.Resources[logicalId] as SamFunction;
  const [file, exported = 'handler'] = fn.Properties.Handler.split('.');
  const bundle = join(ROOT, 'dist', 'handlers', `${basename(file ?? 'jitr')}.cjs`);
  if (!existsSync(bundle)) {
    process.stderr.write(
      formatError(new CommandLineError({ kind: 'bundle-missing', bundle }, COMMAND), COMMAND),
    );
    return EXIT_CODES.failed;
  }
  const functionName = `local-${logicalId}`;
  const memory = String(fn.Properties.MemorySize ?? 128);
  const region = values.region;
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: lambdaFunctionArn(region, DEFAULT_ACCOUNT, functionName),
    memoryLimitInMB: memory,
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    timeoutMs: (fn.Properties.Timeout ?? 3) * 1000,
  };
  // What the Lambda runtime sets, plus credentials from the host (as sam local passes them).
  const passThrough = [
    'PATH',
    'HOME',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
  ];
  const env: Record<string, string> = {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: memory,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: context.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: context.logStreamName,
    LAMBDA_TASK_ROOT: join(ROOT, 'dist', 'handlers'),
    TZ: ':UTC',
    // Stands in for nodejs22.x, where the SDK has no Node-version warning to give.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const name of passThrough) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, variables);
  const child = spawn(
    process.execPath,
    ['--no-warnings', '-e', RUNNER, bundle, exported, event, JSON.stringify(context)],
    { env, cwd: env.LAMBDA_TASK_ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  let outcome: Outcome | null = null;
  child.on('message', (message) => {
    outcome = message as Outcome;
  });
  child.stdout?.on('data', (chunk: Buffer) => process.stdout.write(chunk));
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  const final = outcome as Outcome | null;
  if (final === null) {
    process.stderr.write(`the function process exited (${code}) without a result\n`);
    return 1;
  }
  process.stdout.write('\n');
  if (final.ok) {
    process.stdout.write(`${JSON.stringify(final.result)}\n`);
    return 0;
  }
  process.stdout.write(
    `${JSON.stringify({ errorType: final.errorType, errorMessage: final.errorMessage })}\n`,
  );
  return 1;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  // Stands in for nodejs22.x tooling: the SDK's Node-version warning is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    // Code, what it was doing, remedy: never a stack trace.
    process.stderr.write(formatError(error, COMMAND));
    const code = (error as { code?: unknown }).code;
    process.exitCode =
      typeof code === 'string' && USAGE_ERROR_CODES.has(code) ? EXIT_CODES.usage : EXIT_CODES.failed;
  }
}
