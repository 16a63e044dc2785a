// The test harness over a deployed bundle: a device "connects" through the sandbox's JITR path
// (no MQTT client: the registered event goes straight to the function) and `jitr replay`'s
// engine runs in process against the deployed function. The demo and `jitr sandbox start --jitr`
// use infra/local-aws/deployment.ts alone (devices connect over MQTT, replay runs the CLI).

import { type Deployment, type DeployOptions, deployJitr } from '../../infra/local-aws/deployment.js';
import type { LocalAws } from '../../infra/local-aws/local-aws.js';
import { type ReplayReport, replayDlq } from '../../lib/operations/replay/engine.js';
import { registryStatusReader } from '../../lib/operations/replay/registry-status-reader.js';
import { SqsDlqQueue } from '../../lib/operations/replay/sqs-dlq-queue.js';
import { systemClock } from '../../lib/pacing/token-bucket.js';
import { SdkIotRegistry } from '../../lib/provisioning/sdk-iot-registry.js';
import { sandboxFunctionInvoker } from './sandbox-invoker.js';

export interface ConnectOutcome {
  outcome: string;
  certificateId: string;
  reason: string | undefined;
}

export interface TestDeployment extends Deployment {
  /** The device connects; resolves when the function is done with the event it caused (retries included). */
  connect(certificatePem: string): Promise<ConnectOutcome>;
  /** `jitr replay` (the operations engine) against the deployed function. */
  replay(certificateIds: readonly string[]): Promise<ReplayReport>;
}

/**
 * Deploys the bundle (as {@link deployJitr} does) and adds the harness's connect and replay, on
 * the stack's default ingestion path (template.yaml's `IngestionMode`) unless `ingestion` says
 * otherwise: tests about the direct path's own behaviour (asynchronous retries, destination
 * records) ask for `direct`.
 */
export async function deployForTest(aws: LocalAws, options: DeployOptions = {}): Promise<TestDeployment> {
  const deployment = await deployJitr(aws, options);
  const { fn } = deployment;
  return {
    ...deployment,
    async connect(certificatePem) {
      const result = await aws.sandbox.registerDevice(certificatePem, { wait: true });
      return { outcome: result.outcome, certificateId: result.certificateId, reason: result.reason };
    },
    replay(certificateIds) {
      return replayDlq(
        {
          queue: new SqsDlqQueue({
            sqs: aws.sqs,
            queueUrl: aws.queueUrl,
            visibilityTimeoutSeconds: 30,
            waitTimeSeconds: 0,
          }),
          invoker: sandboxFunctionInvoker(fn),
          certificates: registryStatusReader(new SdkIotRegistry(aws.iot)),
          clock: systemClock,
        },
        { max: 100, ratePerSecond: 10, dryRun: false, certificateIds },
      );
    },
  };
}
