/**
 * Finds what doctor checks: explicit options win; with `--stack`, the stack's outputs and
 * resources (CloudFormation) name the function, rule, DLQ and bucket; the function's
 * configuration (Lambda) gives its role and the handler's own settings (CRL and template).
 */
import { accountOfArn, regionOfArn } from '../../arn/arn.js';
import { valueOrDefault } from '../../config/declare.js';
import { CRL_KEY_TEMPLATE, CRL_MAX_STALENESS, TEMPLATE_SOURCE } from '../../config/variables.js';
import { describeFailure } from '../../errors/system-errors.js';
import type { DoctorTarget } from './ports.js';

export interface DoctorOptions {
  ca?: string;
  stack?: string;
  functionName?: string;
  rule?: string;
  queueUrl?: string;
  crlBucket?: string;
  crlKeyTemplate?: string;
  crlMaxStaleness?: number;
  template?: string;
  role?: string;
  /** The registration-state table (default: the function's REGISTRATION_STATE_TABLE, or the stack's). */
  table?: string;
  region?: string;
}

export interface StackFacts {
  outputs: Record<string, string>;
  resources: { logicalId: string; type: string; physicalId: string }[];
}

export interface FunctionFacts {
  functionArn: string;
  roleArn: string;
  environment: Record<string, string>;
}

export interface TargetReaders {
  stack(name: string): Promise<StackFacts>;
  /** null when the function does not exist. */
  functionConfiguration(name: string): Promise<FunctionFacts | null>;
}

/** An environment value, or undefined when unset or empty (CloudFormation writes '' for "none"). */
function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function byType(stack: StackFacts | null, type: string): string | undefined {
  return stack?.resources.find((r) => r.type === type)?.physicalId;
}

/** The region and account of a function ARN (`arn:aws:lambda:<region>:<account>:function:<name>`). */
function arnParts(arn: string | null): { region: string | null; account: string | null } {
  return arn === null
    ? { region: null, account: null }
    : { region: regionOfArn(arn), account: accountOfArn(arn) };
}

/**
 * Resolves the doctor target.
 * @example const target = await resolveTarget({ stack: 'jitr' }, readers);
 */
export async function resolveTarget(options: DoctorOptions, readers: TargetReaders): Promise<DoctorTarget> {
  const unread: DoctorTarget['unread'] = [];
  let stack: StackFacts | null = null;
  if (options.stack !== undefined) {
    const name = options.stack;
    try {
      stack = await readers.stack(name);
    } catch (error) {
      const e = describeFailure(error, 'jitr doctor');
      unread.push({
        section: 'stack',
        title: `stack ${name} can be read (its outputs name the function, rule, DLQ and bucket)`,
        remedy: `DescribeStacks failed: ${e.code}: ${e.message}. ${e.remedy}`,
      });
    }
  }
  const out = stack?.outputs ?? {};
  const functionName =
    options.functionName ??
    out.FunctionName ??
    out.FunctionArn ??
    byType(stack, 'AWS::Lambda::Function') ??
    null;
  let fn: FunctionFacts | null = null;
  if (functionName !== null) {
    try {
      fn = await readers.functionConfiguration(functionName);
      if (fn === null) {
        unread.push({
          section: 'function',
          title: `function ${functionName} exists`,
          remedy:
            'Pass the deployed function (--function-name, or --stack): its role and settings (template, CRL) are what doctor checks.',
        });
      }
    } catch (error) {
      const e = describeFailure(error, 'jitr doctor');
      unread.push({
        section: 'function',
        title: `function ${functionName} can be read (its role and settings)`,
        remedy: `GetFunctionConfiguration failed: ${e.code}: ${e.message}. ${e.remedy}`,
      });
    }
  }
  const env = fn?.environment ?? {};
  const caId = options.ca?.toLowerCase() ?? null;
  const crlBucket =
    options.crlBucket ??
    nonEmpty(env.CRL_BUCKET) ??
    nonEmpty(out.CrlBucketName) ??
    byType(stack, 'AWS::S3::Bucket') ??
    null;
  let templateSource = options.template ?? null;
  if (templateSource === null && fn !== null) {
    let byCa: Record<string, unknown> = {};
    try {
      byCa = JSON.parse(env.TEMPLATE_SOURCE_BY_CA ?? '{}') as Record<string, unknown>;
    } catch {
      // The handler itself refuses such a configuration; doctor falls back to TEMPLATE_SOURCE.
    }
    const perCa = caId === null ? undefined : byCa[caId];
    templateSource =
      typeof perCa === 'string' ? perCa : (nonEmpty(env.TEMPLATE_SOURCE) ?? TEMPLATE_SOURCE.default);
  }
  const functionArn = fn?.functionArn ?? (functionName?.startsWith('arn:') ? functionName : null);
  const { region, account } = arnParts(functionArn);
  const stateTable =
    options.table ??
    nonEmpty(env.REGISTRATION_STATE_TABLE) ??
    nonEmpty(out.RegistrationStateTableName) ??
    byType(stack, 'AWS::DynamoDB::Table');
  return {
    caCertificateId: caId,
    ruleName: options.rule ?? out.RuleName ?? byType(stack, 'AWS::IoT::TopicRule') ?? null,
    functionArn,
    roleArn: options.role ?? fn?.roleArn ?? null,
    queueUrl: options.queueUrl ?? out.DeadLetterQueueUrl ?? byType(stack, 'AWS::SQS::Queue') ?? null,
    crl:
      crlBucket === null
        ? null
        : {
            bucket: crlBucket,
            keyTemplate: options.crlKeyTemplate ?? valueOrDefault(CRL_KEY_TEMPLATE, env.CRL_KEY_TEMPLATE),
            maxStalenessSeconds:
              options.crlMaxStaleness ?? valueOrDefault(CRL_MAX_STALENESS, env.CRL_MAX_STALENESS),
            ...(env.CRL_MODE === 'optional' ? { optional: true } : {}),
          },
    templateSource,
    region: options.region ?? region,
    account,
    ...(stateTable === undefined ? {} : { stateTable }),
    unread,
  };
}
