/**
 * The demo world on the local sandbox: one CA (registered, auto-registration on, no JITP
 * template) with its CRL in S3, the demo template in S3 with the thing type and groups it
 * needs, the built bundle deployed on the stack's default ingestion path (template.yaml's
 * `IngestionMode`: the queue, redrive to the DLQ) with the registration-state table.
 */
import { readFile } from 'node:fs/promises';
import {
  attemptConnect,
  type DeviceTarget,
  publishAcknowledged,
  subscribeCodes,
} from '../../lib/device/attempt.js';
import { ledgerFailureSource } from '../../lib/operations/recorded-failures.js';
import { formatPlan, formatReport } from '../../lib/operations/replay/format.js';
import type { CrlEntryInput } from '../../lib/pki/build-crl.js';
import { createTemplateResources, crlKey, uploadTemplate } from '../local-aws/aws-setup.js';
import { deployJitr, INGESTION_QUEUE } from '../local-aws/deployment.js';
import { addCa, localLedger, startLocalAws } from '../local-aws/local-aws.js';
import type { StackIngestion } from '../local-aws/stack-template.js';
import type { CleanupStack } from './cleanup.js';
import { issueDevice } from './devices.js';
import { replayCommand, replayWithCli } from './replay-cli.js';
import { DEMO_TEMPLATE_OPTIONS, demoTemplate } from './template.js';
import type { DemoWorld, Device, DeviceSession } from './world.js';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

export interface SandboxWorldOptions {
  cleanup: CleanupStack;
  log: (line: string) => void;
  /** Prints multi-line blocks (replay summaries). */
  print?: (text: string) => void;
}

/** Starts everything; every server is registered on `cleanup` as soon as it runs. */
export async function startSandboxWorld(options: SandboxWorldOptions): Promise<DemoWorld> {
  const { cleanup, log } = options;
  const print = options.print ?? ((text: string) => process.stdout.write(text));
  const aws = await startLocalAws({ mqtt: true });
  cleanup.add('sandbox', () => aws.stop());
  log(
    `sandbox up: IoT ${aws.sandbox.endpoints.iot}, S3 ${aws.sandbox.endpoints.s3}, SQS ${aws.sandbox.endpoints.sqs}`,
  );

  const local = await addCa(aws, { commonName: 'JITR Demo Device CA' });
  log(
    `CA ${local.caCertificateId.slice(0, 12)}… registered: ACTIVE, auto-registration ENABLE, no JITP template`,
  );
  log(`CRL published to s3://${aws.bucket}/${crlKey(`${local.caCertificateId.slice(0, 12)}…`)} (0 entries)`);

  await createTemplateResources(aws.iot, DEMO_TEMPLATE_OPTIONS);
  const templateSource = await uploadTemplate(aws.s3, aws.bucket, 'templates/demo.json', demoTemplate());
  log(
    `template ${templateSource}: thing type ${DEMO_TEMPLATE_OPTIONS.thingTypeName}, groups ${DEMO_TEMPLATE_OPTIONS.thingGroups.join(' + ')}, policy on \${iot:Connection.Thing.ThingName}`,
  );

  // The stack's default ingestion path, as template.yaml deploys it (no literal here).
  const deployment = await deployJitr(aws, {
    env: { TEMPLATE_SOURCE: templateSource },
    containers: 2,
  });
  cleanup.add('function', () => deployment.fn.stop());
  log(`bundle dist/handlers/jitr.cjs deployed: ${describeIngestion(deployment.ingestion)}`);
  const table = localLedger(aws);
  cleanup.add('ledger client', () => table.close());
  const recorded = ledgerFailureSource(table.ledger);

  const mqtt = aws.sandbox.mqtt;
  if (mqtt === undefined) throw new Error('the sandbox has no MQTT endpoint');
  const port = Number(new URL(aws.sandbox.endpoints.mqtt ?? '').port);
  const trust = await readFile(mqtt.trustFile, 'utf8');
  const target = (device: Device): DeviceTarget => ({
    host: '127.0.0.1',
    port,
    cert: device.certificatePem,
    key: device.privateKeyPem,
    ca: trust,
    clientId: device.name,
    protocolVersion: 4,
  });
  const firstAttempt = new Map<string, number>();
  const attempts = new Map<string, string[]>();
  log(
    `MQTT/TLS endpoint ${aws.sandbox.endpoints.mqtt}: devices connect for real (JITR on CONNECT, policies enforced)`,
  );

  const revoked: CrlEntryInput[] = [];
  return {
    region: aws.sandbox.region,
    iot: aws.iot,
    caCertificateId: local.caCertificateId,
    async issueDevice(subject): Promise<Device> {
      return issueDevice(local.ca, subject);
    },
    async revoke(device) {
      revoked.push({ serial: device.serialBytes, revocationDate: new Date(), reason: 'keyCompromise' });
      await local.publishCrl([...revoked]);
      log(
        `  ${device.name} revoked: CRL republished with ${revoked.length} entr${revoked.length === 1 ? 'y' : 'ies'}`,
      );
    },
    async register(device, { settle = true } = {}) {
      const before = mqtt.events().length;
      firstAttempt.set(device.certificateId, performance.now());
      const result = await attemptConnect(target(device), 5_000);
      if (result.outcome === 'connected') result.client.end(true);
      const seen = mqtt
        .events()
        .slice(before)
        .find((e) => e.certificateId === device.certificateId);
      if (result.outcome !== 'refused' || seen?.kind !== 'registered') {
        throw new Error(
          `${device.name}: the MQTT endpoint answered ${seen?.kind ?? result.outcome} (${seen?.detail ?? 'no detail'})`,
        );
      }
      attempts.set(device.certificateId, [
        `attempt 1: refused (${result.reason}) — JITR registered it, event published`,
      ]);
      log(
        `  ${device.name}: attempt 1 over MQTT/TLS refused, certificate registered PENDING_ACTIVATION, event published`,
      );
      if (settle) await aws.sandbox.lambda.idle();
    },
    async settled() {
      await aws.sandbox.lambda.idle();
    },
    async online(device, options = {}) {
      const lines = attempts.get(device.certificateId) ?? [];
      const result = await attemptConnect(target(device), 5_000);
      const t0 = firstAttempt.get(device.certificateId) ?? performance.now();
      const session: DeviceSession = {
        attempts: lines,
        connected: result.outcome === 'connected',
        timeToConnectMs: result.outcome === 'connected' ? Math.round(performance.now() - t0) : null,
        published: null,
        subscribeOtherCode: null,
      };
      if (result.outcome !== 'connected') {
        lines.push(`attempt ${lines.length + 1}: refused (${result.reason})`);
        log(`  ${device.name}: attempt ${lines.length} refused (${result.reason})`);
        return session;
      }
      lines.push(
        `attempt ${lines.length + 1}: connected; time to first connect ${seconds(session.timeToConnectMs ?? 0)}`,
      );
      log(
        `  ${device.name}: attempt ${lines.length} connected — time to first connect ${seconds(session.timeToConnectMs ?? 0)}`,
      );
      try {
        if (options.publish !== undefined) {
          session.published = await publishAcknowledged(
            result.client,
            options.publish,
            `hello from ${device.name}`,
          ).then(
            () => true,
            () => false,
          );
          log(
            `  ${device.name}: publish to ${options.publish} ${session.published ? 'acknowledged' : 'refused'}`,
          );
        }
        if (options.subscribe !== undefined) {
          const [code = 0x80] = await subscribeCodes(result.client, [options.subscribe]);
          session.subscribeOtherCode = code;
          log(
            `  ${device.name}: subscribe to ${options.subscribe} ${code >= 0x80 ? `refused by its policy (SUBACK 0x${code.toString(16)})` : `granted (QoS ${code})`}`,
          );
        }
      } finally {
        result.client.end(true);
      }
      return session;
    },
    denyAction(action) {
      aws.sandbox.faults.deny(action);
      log(`  sandbox fault: the function's role now lacks ${action}`);
    },
    allowAction(action) {
      aws.sandbox.faults.allow(action);
    },
    async peekDlq() {
      return aws.sandbox.sqs.peek(aws.queueUrl).map((m) => ({
        messageId: m.messageId,
        body: m.body,
        ...(m.deadLetterQueueSourceArn === undefined ? {} : { redrivenFrom: m.deadLetterQueueSourceArn }),
      }));
    },
    recordedFailures: (certificateIds) => recorded.read(certificateIds),
    async replay(certificateIds) {
      const options = {
        queueUrl: aws.queueUrl,
        functionName: deployment.fn.name,
        certificateIds,
        table: aws.stateTable,
        env: aws.sandbox.env(),
      };
      log(`  $ ${replayCommand(options).command}`);
      const run = await replayWithCli(options);
      if (run.report === null) {
        print(indent(run.stderr));
        return { succeeded: [], failed: [...certificateIds], exitCode: run.exitCode };
      }
      print(indent(`${formatPlan(run.report)}\n\n${formatReport(run.report)}\n`));
      const settled = run.report.results.filter((r) => r.outcome === 'activated' || r.outcome === 'rejected');
      return {
        succeeded: settled.map((r) => r.certificateId),
        failed: run.report.results
          .filter((r) => r.outcome !== 'activated' && r.outcome !== 'rejected')
          .map((r) => r.certificateId),
        exitCode: run.exitCode,
      };
    },
    functionOutput: () => deployment.output(),
  };
}

/** The ingestion path in one line, from what template.yaml deploys. */
function describeIngestion(ingestion: StackIngestion): string {
  const queue = ingestion.queue;
  if (queue === undefined)
    return `direct path (rule → asynchronous invoke), ${ingestion.maximumRetryAttempts} retries, on-failure destination = the DLQ`;
  return `the stack's default queue path: rule → SQS ${INGESTION_QUEUE} → event source (batch ${queue.batchSize}, maximum concurrency ${queue.maximumConcurrency}) → function; redrive to the DLQ after ${queue.maxReceiveCount} receives`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.length === 0 ? line : `    ${line}`))
    .join('\n')
    .concat(text.endsWith('\n') ? '' : '\n');
}
