// End-to-end harness: the sandbox on loopback with one CA (or more), the demo template in S3
// with its thing type and groups, and the built bundle deployed on the stack's default
// ingestion path (redrive to the DLQ), or the one a test asks for. Final state is read back
// through the real SDK (infra/demo/device-state.ts).

import type { DeviceState } from '../../infra/demo/device-state.js';
import { issueDevice as issueDemoDevice } from '../../infra/demo/devices.js';
import {
  DEMO_TEMPLATE_OPTIONS,
  type DemoTemplateOptions,
  demoPolicyDocument,
  demoTemplate,
} from '../../infra/demo/template.js';
import type { Device, DeviceSubject } from '../../infra/demo/world.js';
import { createTemplateResources, uploadTemplate } from '../../infra/local-aws/aws-setup.js';
import type { DeployOptions } from '../../infra/local-aws/deployment.js';
import {
  addCa,
  type CrlState,
  type LocalAws,
  type LocalCa,
  localLedger,
  startLocalAws,
} from '../../infra/local-aws/local-aws.js';
import type { IngestionMode } from '../../infra/local-aws/stack-template.js';
import type { QuotaOption } from '../../infra/sandbox/index.js';
import { policyNameForDocument } from '../../lib/template/index.js';
import { ensureHandlerBundle } from './e2e-bundle.js';
import { deployForTest, type TestDeployment } from './e2e-deployment.js';

/** The name AWS (and the handler) give the demo template's policy: a hash of its document. */
export const DEMO_POLICY_NAME = policyNameForDocument(demoPolicyDocument());

export interface E2eOptions {
  crl?: CrlState;
  /**
   * Extra handler environment, built after the CA and the demo template exist (and before the
   * bundle is deployed, so more CAs or templates can be set up here); `TEMPLATE_SOURCE`
   * defaults to the demo template in S3.
   */
  env?: (setup: {
    aws: LocalAws;
    ca: LocalCa;
    templateSource: string;
  }) => Record<string, string> | Promise<Record<string, string>>;
  containers?: number;
  retries?: number;
  quotas?: QuotaOption;
  /** Start the sandbox's MQTT-over-TLS endpoint too (devices connect for real). */
  mqtt?: boolean;
  /** The ingestion path (default: the stack's, as {@link deployForTest} explains). */
  ingestion?: IngestionMode;
}

export interface E2e {
  aws: LocalAws;
  ca: LocalCa;
  templateSource: string;
  deployment: TestDeployment;
  stop(): Promise<void>;
}

/** Starts the sandbox, sets up one CA and the demo template, deploys the bundle. */
export async function startE2e(options: E2eOptions = {}): Promise<E2e> {
  const bundle = await ensureHandlerBundle();
  const aws = await startLocalAws({
    ...(options.quotas === undefined ? {} : { quotas: options.quotas }),
    mqtt: options.mqtt === true,
  });
  try {
    const ca = await addCa(aws, { commonName: 'E2E Device CA', crl: options.crl ?? 'fresh' });
    await createTemplateResources(aws.iot, DEMO_TEMPLATE_OPTIONS);
    const templateSource = await uploadTemplate(aws.s3, aws.bucket, 'templates/demo.json', demoTemplate());
    const deployOptions: DeployOptions = {
      bundle,
      env: { TEMPLATE_SOURCE: templateSource, ...((await options.env?.({ aws, ca, templateSource })) ?? {}) },
      containers: options.containers ?? 2,
      retries: options.retries ?? 2,
      ...(options.ingestion === undefined ? {} : { ingestion: options.ingestion }),
    };
    const deployment = await deployForTest(aws, deployOptions);
    return {
      aws,
      ca,
      templateSource,
      deployment,
      async stop() {
        await deployment.fn.stop();
        await aws.stop();
      },
    };
  } catch (error) {
    await aws.stop();
    throw error;
  }
}

/** The ledger in the sandbox's registration-state table, through the real SDK; `close` it after. */
export function sandboxLedger(aws: LocalAws): ReturnType<typeof localLedger> {
  return localLedger(aws);
}

/** Issues an EC device certificate from `ca`. */
export function issueDevice(ca: LocalCa, subject: DeviceSubject): Device {
  return issueDemoDevice(ca.ca, subject);
}

/** The state a device provisioned by the demo template ends in. */
export function provisionedState(
  device: Device,
  subject: { serialNumber: string; organization?: string },
  template: DemoTemplateOptions = DEMO_TEMPLATE_OPTIONS,
): DeviceState {
  return {
    certificateId: device.certificateId,
    status: 'ACTIVE',
    things: [
      {
        thingName: device.name,
        thingTypeName: template.thingTypeName,
        attributes: {
          serialNumber: subject.serialNumber,
          organization: subject.organization ?? 'unknown',
          line: template.line,
        },
        groups: [...template.thingGroups].sort(),
      },
    ],
    policies: [DEMO_POLICY_NAME],
  };
}

/** The state of a device nothing was done for (beyond its status). */
export function untouchedState(device: Device, status: string): DeviceState {
  return { certificateId: device.certificateId, status, things: [], policies: [] };
}

/** DLQ bodies parsed, in queue order (peek: visibility untouched). */
export function dlqRecords(e2e: E2e): Array<Record<string, unknown>> {
  return e2e.aws.sandbox.sqs
    .peek(e2e.aws.queueUrl)
    .map((message) => JSON.parse(message.body) as Record<string, unknown>);
}

/** Certificate ids of the events in the DLQ's destination records. */
export function dlqCertificateIds(e2e: E2e): string[] {
  return dlqRecords(e2e).map((record) => {
    const payload = record.requestPayload as { certificateId?: unknown } | undefined;
    return String(payload?.certificateId);
  });
}
