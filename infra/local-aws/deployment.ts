/**
 * Deploys the built handler bundle (dist/handlers/jitr.cjs, the artifact SAM ships) into the
 * sandbox's Lambda side, configured like template.yaml configures it, with the DLQ as the
 * on-failure destination (`jitr sandbox start --jitr`, the demo; the tests add their harness in
 * test/helpers/e2e-deployment.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTopicRuleCommand } from '@aws-sdk/client-iot';
import type { RetryDelays, SandboxFunction } from '../sandbox/index.js';
import type { LocalAws } from './local-aws.js';
import { type IngestionMode, packageRoot, type StackIngestion, stackIngestion } from './stack-template.js';

/** The handler bundle `npm run build` produces. */
export const HANDLER_BUNDLE = join(packageRoot(), 'dist', 'handlers', 'jitr.cjs');

export interface DeployOptions {
  /** Handler environment on top of {@link baseFunctionEnv} (e.g. TEMPLATE_SOURCE, CRL_MODE). */
  env?: Record<string, string>;
  /** The account's Lambda concurrency in the sandbox (default 2). */
  containers?: number;
  /** Async retries after a function error (direct path; default: template.yaml's MaximumRetryAttempts). */
  retries?: number;
  bundle?: string;
  /** The ingestion path (default: template.yaml's `IngestionMode` default). */
  ingestion?: IngestionMode;
  /**
   * Other stack parameters, as `sam deploy --parameter-overrides` gives them (e.g.
   * `{ QueueMaxReceiveCount: '1' }`); the deployment reads template.yaml with them.
   */
  parameters?: Readonly<Record<string, string>>;
  /** Lambda's and SQS's waits: `compressed` (default: tests and the demo stay fast) or `aws`. */
  retryDelays?: RetryDelays;
}

/** The topic rule `jitr sandbox start --jitr` creates (template.yaml's RegistrationRule). */
export const REGISTRATION_RULE = 'jitr_registered';

/** The queue the stack's IoT rule writes to on the queue path (IngestionQueue). */
export const INGESTION_QUEUE = 'jitr-ingest';

export interface Deployment {
  fn: SandboxFunction;
  /** The ingestion path and its settings, as template.yaml deploys it. */
  ingestion: StackIngestion;
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

/**
 * Deploys the bundle as template.yaml deploys it: on the queue path (the stack default) the
 * rule writes to an ingestion queue with the template's visibility timeout and redrive to the
 * DLQ, and an event source mapping with its batch size, window, maximum concurrency and
 * partial-batch responses feeds the function, which paces its IoT calls to quota ÷ that
 * concurrency; on the direct path the rule invokes it asynchronously with the template's
 * retries and maximum event age, the DLQ as on-failure destination.
 */
export async function deployJitr(aws: LocalAws, options: DeployOptions = {}): Promise<Deployment> {
  const bundle = options.bundle ?? HANDLER_BUNDLE;
  if (!existsSync(bundle)) throw new Error(`${bundle} does not exist: run \`npm run build\` first`);
  const ingestion = stackIngestion({
    ...options.parameters,
    ...(options.ingestion === undefined ? {} : { IngestionMode: options.ingestion }),
  });
  const queue = ingestion.queue;
  if (queue !== undefined) {
    aws.sandbox.sqs.create(INGESTION_QUEUE, {
      VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: aws.sandbox.sqs.byUrl(aws.queueUrl).arn,
        maxReceiveCount: queue.maxReceiveCount,
      }),
    });
  }
  const fn = aws.sandbox.deployFunction({
    bundle,
    env: {
      ...baseFunctionEnv(aws),
      IOT_API_BUDGET_CONCURRENCY: String(ingestion.budgetConcurrency),
      ...(options.env ?? {}),
    },
    containers: options.containers ?? 2,
    retries: options.retries ?? ingestion.maximumRetryAttempts,
    retryDelays: options.retryDelays ?? 'compressed',
    maximumEventAgeSeconds: ingestion.maximumEventAgeSeconds,
    timeoutMs: ingestion.functionTimeoutSeconds * 1000,
    dlqQueueUrl: aws.queueUrl,
    ...(queue === undefined
      ? {}
      : {
          eventSource: {
            queueUrl: INGESTION_QUEUE,
            batchSize: queue.batchSize,
            maximumBatchingWindowSeconds: queue.maximumBatchingWindowSeconds,
            maximumConcurrency: queue.maximumConcurrency,
            reportBatchItemFailures: queue.reportBatchItemFailures,
          },
        }),
  });
  return {
    fn,
    ingestion,
    output() {
      // Every write is one whole line (or several); split per write so containers never interleave.
      return fn
        .logs()
        .flatMap((line) => line.text.split('\n'))
        .filter((line) => line.length > 0);
    },
  };
}

/**
 * Creates template.yaml's RegistrationRule in the sandbox's IoT registry, as a stack deployed
 * with CaCertificateId '+' has it: every CA's registered events go to the ingestion queue (queue
 * path) or the function (direct path), and the DLQ is the error action. The sandbox hands
 * registered events to the function itself; the rule is what `jitr doctor --rule` reads.
 */
export async function createRegistrationRule(aws: LocalAws, deployment: Deployment): Promise<string> {
  const role = (name: string) => `arn:aws:iam::${aws.sandbox.accountId}:role/${name}`;
  const queueUrl = deployment.fn.eventSource?.queue.url;
  await aws.iot.send(
    new CreateTopicRuleCommand({
      ruleName: REGISTRATION_RULE,
      topicRulePayload: {
        description: 'Forwards certificate-registered events to the JITR function',
        sql: "SELECT * FROM '$aws/events/certificates/registered/+'",
        awsIotSqlVersion: '2016-03-23',
        ruleDisabled: false,
        actions: [
          queueUrl === undefined
            ? { lambda: { functionArn: deployment.fn.arn } }
            : { sqs: { queueUrl, roleArn: role('jitr-rule-queue-action'), useBase64: false } },
        ],
        errorAction: {
          sqs: { queueUrl: aws.queueUrl, roleArn: role('jitr-rule-error-action'), useBase64: false },
        },
      },
    }),
  );
  return REGISTRATION_RULE;
}
