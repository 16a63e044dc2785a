// `jitr sandbox start --jitr`: the whole local AWS side of JITR in one command — IoT control
// plane, S3 with the CRL bucket, SQS with the DLQ, the built handler deployed behind the
// registered-event rule on the stack's ingestion path (template.yaml's default: the queue, or
// `--ingestion direct`), and the MQTT-over-TLS endpoint.
import {
  baseFunctionEnv,
  createRegistrationRule,
  deployJitr,
  INGESTION_QUEUE,
} from '../../infra/local-aws/deployment.js';
import { startLocalAws } from '../../infra/local-aws/local-aws.js';
import type { IngestionMode } from '../../infra/local-aws/stack-template.js';
import type { InvocationRecord, MqttEvent } from '../../infra/sandbox/index.js';
import { CommandLineError } from './errors.js';

export interface SandboxJitrOptions {
  port?: number;
  region?: string;
  account?: string;
  quotas?: boolean;
  deny?: string[];
  crlBucket: string;
  dlq: string;
  /** `queue` or `direct` (default: template.yaml's IngestionMode default). */
  ingestion?: string;
  json?: boolean;
}

export interface SandboxJitrInfo {
  endpoints: Record<string, string>;
  mqttTrustFile: string;
  crlBucket: string;
  deadLetterQueueUrl: string;
  /** The ingestion path the rule feeds the function by. */
  ingestion: IngestionMode;
  /** Queue path: the queue the rule writes to. */
  ingestionQueueUrl?: string;
  /** The registered-event topic rule (every CA's), as the stack creates it: what `jitr doctor --rule` reads. */
  ruleName: string;
  functionName: string;
  functionEnv: Record<string, string>;
  region: string;
  accountId: string;
  env: Record<string, string>;
}

function describeEvent(e: MqttEvent): string {
  const who = `${e.clientId || '(no client id)'}${e.certificateId === undefined ? '' : ` [${e.certificateId.slice(0, 12)}…]`}`;
  switch (e.kind) {
    case 'registered':
      return `mqtt: ${who} unknown certificate → registered PENDING_ACTIVATION, event published to the rule, connection closed`;
    case 'republished':
      return `mqtt: ${who} still PENDING_ACTIVATION → event published again, connection closed`;
    case 'connected':
      return `mqtt: ${who} connected (${e.detail})`;
    case 'denied':
      return `mqtt: ${who} denied ${e.detail}`;
    case 'refused':
      return `mqtt: ${who} refused: ${e.detail}`;
    default:
      return `mqtt: ${who} disconnected`;
  }
}

/** The certificate ids an invocation carried: the event's, or each record's of a batch. */
function certificatesOf(record: InvocationRecord): string[] {
  const event = record.event as { certificateId?: unknown; Records?: Array<{ body?: unknown }> };
  if (record.kind !== 'sqs') return [String(event.certificateId ?? '?')];
  return (event.Records ?? []).map((r) => {
    try {
      return String((JSON.parse(String(r.body)) as { certificateId?: unknown }).certificateId ?? '?');
    } catch {
      return '?';
    }
  });
}

function ingestionOption(value: string | undefined): IngestionMode | undefined {
  if (value === undefined || value === 'queue' || value === 'direct') return value;
  throw new CommandLineError(
    {
      kind: 'not-a-choice',
      option: '--ingestion',
      value,
      choices: ['queue', 'direct'],
      firstIsDefault: true,
    },
    'jitr sandbox start',
  );
}

export async function runSandboxJitr(
  options: SandboxJitrOptions,
  signal: AbortSignal,
  write: (text: string) => void,
): Promise<void> {
  const progress = options.json === true ? (t: string) => process.stderr.write(t) : write;
  const ingestion = ingestionOption(options.ingestion);
  const aws = await startLocalAws({
    mqtt: true,
    port: options.port ?? 0,
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.account === undefined ? {} : { account: options.account }),
    quotas: options.quotas === true,
    faults: { deny: options.deny ?? [] },
    bucket: options.crlBucket,
    queueName: options.dlq,
  });
  try {
    const mqtt = aws.sandbox.mqtt;
    if (mqtt === undefined) throw new Error('the MQTT endpoint did not start');
    const functionEnv = { ...baseFunctionEnv(aws), POWERTOOLS_LOG_LEVEL: 'WARN' };
    const deployment = await deployJitr(aws, {
      env: functionEnv,
      containers: 2,
      ...(ingestion === undefined ? {} : { ingestion }),
    });
    const ruleName = await createRegistrationRule(aws, deployment);
    const info: SandboxJitrInfo = {
      endpoints: { ...aws.sandbox.endpoints },
      mqttTrustFile: mqtt.trustFile,
      crlBucket: aws.bucket,
      deadLetterQueueUrl: aws.queueUrl,
      ingestion: deployment.ingestion.mode,
      ...(deployment.fn.eventSource === undefined
        ? {}
        : { ingestionQueueUrl: aws.sandbox.sqs.byUrl(INGESTION_QUEUE).url }),
      ruleName,
      functionName: deployment.fn.name,
      functionEnv,
      region: aws.sandbox.region,
      accountId: aws.sandbox.accountId,
      env: aws.sandbox.env(),
    };
    if (options.json === true) write(`${JSON.stringify(info, null, 2)}\n`);
    else write(formatInfo(info));
    let printed = 0;
    let settled = 0;
    const flush = (): void => {
      const events = mqtt.events();
      for (const e of events.slice(printed)) progress(`${describeEvent(e)}\n`);
      printed = events.length;
      for (const r of deployment.fn.invocations().slice(settled)) {
        if (r.status !== 'succeeded' && r.status !== 'failed') break;
        const ids = certificatesOf(r).map((id) => `${id.slice(0, 12)}…`);
        progress(
          r.kind === 'sqs'
            ? `lambda: ${deployment.fn.name} ${r.status} for a batch of ${ids.length} from the ingestion queue (${ids.join(', ')})\n`
            : `lambda: ${deployment.fn.name} ${r.status} for ${ids[0]} after ${r.attempts.length} attempt(s)${r.sentToDlq ? ' → DLQ' : ''}\n`,
        );
        settled += 1;
      }
    };
    const timer = setInterval(flush, 200);
    try {
      if (!signal.aborted)
        await new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => resolve(), { once: true }),
        );
    } finally {
      clearInterval(timer);
      flush();
      await deployment.fn.stop();
    }
  } finally {
    await aws.stop();
  }
}

function formatInfo(info: SandboxJitrInfo): string {
  return [
    `JITR sandbox on loopback (account ${info.accountId}, region ${info.region})`,
    `  MQTT   ${info.endpoints.mqtt}  (trust file ${info.mqttTrustFile})`,
    `  IoT    ${info.endpoints.iot}`,
    `  S3     ${info.endpoints.s3}  (CRL bucket ${info.crlBucket})`,
    `  SQS    ${info.endpoints.sqs}  (DLQ ${info.deadLetterQueueUrl}${info.ingestionQueueUrl === undefined ? '' : `; ingestion queue ${info.ingestionQueueUrl}`})`,
    `  Lambda ${info.endpoints.lambda}  (function ${info.functionName}: dist/handlers/jitr.cjs behind the registered-event rule, ${info.ingestion === 'queue' ? 'queue path: rule → ingestion queue → event source mapping' : 'direct path: asynchronous invoke'})`,
    `  Rule   ${info.ruleName}  (registered events of every CA; check the setup: jitr doctor --ca <caId> --function-name ${info.functionName} --rule ${info.ruleName} --queue-url ${info.deadLetterQueueUrl})`,
    `  IAM    ${info.endpoints.iam}`,
    '',
    '# environment for the AWS SDK, the AWS CLI (≥ 2.13) and jitr:',
    ...Object.entries(info.env).map(([k, v]) => `export ${k}=${v}`),
    `export CRL_BUCKET=${info.crlBucket}`,
    `export MQTT_ENDPOINT=${(info.endpoints.mqtt ?? '').replace(/^mqtts:\/\//, '')}`,
    `export MQTT_TRUST=${info.mqttTrustFile}`,
    '',
    'Devices connecting, and what the function did, are printed below. Press Ctrl-C to stop.',
    '',
  ].join('\n');
}
