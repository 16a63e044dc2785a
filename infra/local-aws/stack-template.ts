/**
 * template.yaml as the local deployment reads it: the ingestion path and its settings (event
 * source, queue, asynchronous invoke config) resolved for the stack's parameter defaults, or for
 * overrides such as `{ IngestionMode: 'direct' }`. The sandbox deploys what the stack deploys:
 * there is no second copy of these numbers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, type Tags } from 'yaml';

/** The repository root: the nearest directory above this module with a package.json (works from sources and from the built CLI in dist/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find package.json above the sandbox deployment module');
    dir = parent;
  }
  return dir;
}

const SHORT_FORMS = [
  'GetAtt',
  'Sub',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'Select',
  'Split',
  'Join',
  'FindInMap',
];

/** `yaml` tags for CloudFormation's short forms (`!Ref x` → `{ Ref: x }`, …). */
export function cloudFormationTags(): Tags {
  const tags: Tags = [];
  for (const name of ['Ref', 'Condition', ...SHORT_FORMS, 'Base64', 'GetAZs', 'ImportValue', 'Cidr']) {
    const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
    const scalar = (value: string) => ({ [key]: name === 'GetAtt' ? value.split('.') : value });
    const collection = (value: { toJSON(): unknown }) => ({ [key]: value.toJSON() });
    tags.push({ tag: `!${name}`, resolve: scalar } as Tags[number]);
    tags.push({ tag: `!${name}`, collection: 'seq', resolve: collection } as unknown as Tags[number]);
    tags.push({ tag: `!${name}`, collection: 'map', resolve: collection } as unknown as Tags[number]);
  }
  return tags;
}

export interface SamResource {
  Type: string;
  Condition?: string;
  Properties: Record<string, unknown>;
}

export interface SamTemplate {
  Parameters?: Record<string, { Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, SamResource>;
}

/** Reads template.yaml with its CloudFormation tags. */
export function loadSamTemplate(path = join(packageRoot(), 'template.yaml')): SamTemplate {
  return parse(readFileSync(path, 'utf8'), { customTags: cloudFormationTags() }) as SamTemplate;
}

export type IngestionMode = 'queue' | 'direct';

/** The ingestion path as the stack deploys it (template.yaml, resolved for the parameters). */
export interface StackIngestion {
  mode: IngestionMode;
  /** JitrFunction's Timeout. */
  functionTimeoutSeconds: number;
  /** JitrFunction's EventInvokeConfig (the direct path's asynchronous invocations). */
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  /** The function's IOT_API_BUDGET_CONCURRENCY (containers sharing the quotas; 0 = none). */
  budgetConcurrency: number;
  /** The queue path: IngestionQueue and IngestionEventSource. */
  queue?: {
    visibilityTimeoutSeconds: number;
    maxReceiveCount: number;
    batchSize: number;
    maximumBatchingWindowSeconds: number;
    maximumConcurrency: number;
    reportBatchItemFailures: boolean;
  };
}

type Json = unknown;

const isObject = (value: Json): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Resolves Ref (parameters), Fn::If and conditions; leaves other intrinsics as they are. */
class Resolver {
  constructor(
    private readonly template: SamTemplate,
    private readonly parameters: Readonly<Record<string, string>>,
  ) {}

  value(value: Json): Json {
    if (Array.isArray(value)) return value.map((v) => this.value(v));
    if (!isObject(value)) return value;
    if ('Ref' in value) return this.ref(String(value.Ref));
    if ('Fn::If' in value) {
      const [condition, then, otherwise] = value['Fn::If'] as [string, Json, Json];
      return this.value(this.condition(condition) ? then : otherwise);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.value(v)]));
  }

  condition(name: string): boolean {
    const expression = this.template.Conditions?.[name];
    if (expression === undefined) throw new Error(`template.yaml has no condition ${name}`);
    return this.test(expression);
  }

  private ref(name: string): Json {
    if (name in this.parameters) return this.parameters[name];
    const parameter = this.template.Parameters?.[name];
    if (parameter !== undefined) return parameter.Default;
    if (name === 'AWS::NoValue') return undefined;
    return { Ref: name };
  }

  private test(expression: Json): boolean {
    if (!isObject(expression)) throw new Error(`not a condition: ${JSON.stringify(expression)}`);
    if ('Condition' in expression) return this.condition(String(expression.Condition));
    if ('Fn::Equals' in expression) {
      const [a, b] = expression['Fn::Equals'] as [Json, Json];
      return String(this.value(a)) === String(this.value(b));
    }
    if ('Fn::Not' in expression) return !this.test((expression['Fn::Not'] as Json[])[0]);
    if ('Fn::And' in expression) return (expression['Fn::And'] as Json[]).every((c) => this.test(c));
    if ('Fn::Or' in expression) return (expression['Fn::Or'] as Json[]).some((c) => this.test(c));
    throw new Error(`unsupported condition ${JSON.stringify(expression)}`);
  }
}

function numberAt(value: Json, what: string): number {
  const n = Number(value);
  if (value === undefined || value === '' || !Number.isFinite(n)) {
    throw new Error(`template.yaml: ${what} is not a number (${JSON.stringify(value)})`);
  }
  return n;
}

/**
 * The ingestion path template.yaml deploys for these parameter values (defaults otherwise).
 * @example stackIngestion().mode // 'queue' (the stack default); stackIngestion({ IngestionMode: 'direct' })
 */
export function stackIngestion(
  parameters: Readonly<Record<string, string>> = {},
  template: SamTemplate = loadSamTemplate(),
): StackIngestion {
  const resolver = new Resolver(template, parameters);
  const resource = (id: string): Record<string, Json> | undefined => {
    const r = template.Resources[id];
    if (r === undefined) throw new Error(`template.yaml has no resource ${id}`);
    if (r.Condition !== undefined && !resolver.condition(r.Condition)) return undefined;
    return resolver.value(r.Properties) as Record<string, Json>;
  };
  const fn = resource('JitrFunction') ?? {};
  const invokeConfig = (fn.EventInvokeConfig ?? {}) as Record<string, Json>;
  const variables = ((fn.Environment as Record<string, Json> | undefined)?.Variables ?? {}) as Record<
    string,
    Json
  >;
  const queue = resource('IngestionQueue');
  const source = resource('IngestionEventSource');
  const mode = String(resolver.value({ Ref: 'IngestionMode' }));
  if (mode !== 'queue' && mode !== 'direct')
    throw new Error(`IngestionMode must be queue or direct, got ${mode}`);
  const result: StackIngestion = {
    mode,
    functionTimeoutSeconds: numberAt(fn.Timeout, 'JitrFunction Timeout'),
    maximumRetryAttempts: numberAt(invokeConfig.MaximumRetryAttempts, 'MaximumRetryAttempts'),
    maximumEventAgeSeconds: numberAt(invokeConfig.MaximumEventAgeInSeconds, 'MaximumEventAgeInSeconds'),
    budgetConcurrency: numberAt(variables.IOT_API_BUDGET_CONCURRENCY, 'IOT_API_BUDGET_CONCURRENCY'),
  };
  if (queue === undefined || source === undefined) {
    if (mode === 'queue')
      throw new Error('template.yaml: queue mode without IngestionQueue and IngestionEventSource');
    return result;
  }
  const redrive = (queue.RedrivePolicy ?? {}) as Record<string, Json>;
  const scaling = (source.ScalingConfig ?? {}) as Record<string, Json>;
  const responseTypes = Array.isArray(source.FunctionResponseTypes) ? source.FunctionResponseTypes : [];
  result.queue = {
    visibilityTimeoutSeconds: numberAt(queue.VisibilityTimeout, 'IngestionQueue VisibilityTimeout'),
    maxReceiveCount: numberAt(redrive.maxReceiveCount, 'IngestionQueue maxReceiveCount'),
    batchSize: numberAt(source.BatchSize, 'IngestionEventSource BatchSize'),
    maximumBatchingWindowSeconds: numberAt(
      source.MaximumBatchingWindowInSeconds ?? 0,
      'IngestionEventSource MaximumBatchingWindowInSeconds',
    ),
    maximumConcurrency: numberAt(scaling.MaximumConcurrency, 'IngestionEventSource MaximumConcurrency'),
    reportBatchItemFailures: responseTypes.includes('ReportBatchItemFailures'),
  };
  return result;
}
