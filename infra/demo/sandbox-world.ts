/**
 * The demo world on the local sandbox: one CA (registered, auto-registration on, no JITP
 * template) with its CRL in S3, the demo template in S3 with the thing type and groups it
 * needs, the built bundle deployed with the DLQ as on-failure destination.
 */
import { formatPlan, formatReport } from '../../lib/operations/replay/format.js';
import type { CrlEntryInput } from '../../lib/pki/build-crl.js';
import { issueDeviceCertificate } from '../../lib/pki/certificates.js';
import type { SubjectAttribute } from '../../lib/pki/names.js';
import { createTemplateResources, uploadTemplate } from './aws-setup.js';
import type { CleanupStack } from './cleanup.js';
import { deployJitr } from './deployment.js';
import { addCa, startLocalAws } from './local-aws.js';
import { replayCommand, replayWithCli } from './replay-cli.js';
import { DEMO_TEMPLATE_OPTIONS, demoTemplate } from './template.js';
import type { DemoWorld, Device, DeviceSubject } from './world.js';

export interface SandboxWorldOptions {
  cleanup: CleanupStack;
  log: (line: string) => void;
  /** Prints multi-line blocks (replay summaries). */
  print?: (text: string) => void;
}

/** The subject attributes of a demo device, most significant first. */
export function subjectAttributes(subject: DeviceSubject): SubjectAttribute[] {
  return [
    { type: 'C', value: 'JP' },
    ...(subject.organization === undefined ? [] : [{ type: 'O', value: subject.organization }]),
    { type: 'CN', value: subject.commonName },
    ...(subject.serialNumber === undefined ? [] : [{ type: 'serialNumber', value: subject.serialNumber }]),
  ];
}

/** Starts everything; every server is registered on `cleanup` as soon as it runs. */
export async function startSandboxWorld(options: SandboxWorldOptions): Promise<DemoWorld> {
  const { cleanup, log } = options;
  const print = options.print ?? ((text: string) => process.stdout.write(text));
  const aws = await startLocalAws();
  cleanup.add('sandbox', () => aws.stop());
  log(
    `sandbox up: IoT ${aws.sandbox.endpoints.iot}, S3 ${aws.sandbox.endpoints.s3}, SQS ${aws.sandbox.endpoints.sqs}`,
  );

  const local = await addCa(aws, { commonName: 'JITR Demo Device CA' });
  log(
    `CA ${local.caCertificateId.slice(0, 12)}… registered: ACTIVE, auto-registration ENABLE, no JITP template`,
  );
  log(`CRL published to s3://${aws.bucket}/crl/${local.caCertificateId.slice(0, 12)}….crl (0 entries)`);

  await createTemplateResources(aws.iot, DEMO_TEMPLATE_OPTIONS);
  const templateSource = await uploadTemplate(aws.s3, aws.bucket, 'templates/demo.json', demoTemplate());
  log(
    `template ${templateSource}: thing type ${DEMO_TEMPLATE_OPTIONS.thingTypeName}, groups ${DEMO_TEMPLATE_OPTIONS.thingGroups.join(' + ')}, policy on \${iot:Connection.Thing.ThingName}`,
  );

  const deployment = await deployJitr(aws, {
    env: { TEMPLATE_SOURCE: templateSource },
    containers: 2,
    retries: 2,
  });
  cleanup.add('function', () => deployment.fn.stop());
  log('bundle dist/handlers/jitr.cjs deployed: 2 retries, on-failure destination = the DLQ');

  const revoked: CrlEntryInput[] = [];
  return {
    region: aws.sandbox.region,
    iot: aws.iot,
    caCertificateId: local.caCertificateId,
    async issueDevice(subject): Promise<Device> {
      const issued = issueDeviceCertificate({
        ca: local.ca,
        subject: subjectAttributes(subject),
        keyType: 'ec',
      });
      return {
        name: subject.commonName,
        certificatePem: issued.certificatePem,
        certificateId: issued.certificateId,
        serialBytes: issued.serialBytes,
      };
    },
    async revoke(device) {
      revoked.push({ serial: device.serialBytes, revocationDate: new Date(), reason: 'keyCompromise' });
      await local.publishCrl([...revoked]);
      log(
        `  ${device.name} revoked: CRL republished with ${revoked.length} entr${revoked.length === 1 ? 'y' : 'ies'}`,
      );
    },
    async register(device) {
      const result = await deployment.connect(device.certificatePem);
      if (result.outcome !== 'registered') {
        throw new Error(
          `${device.name}: AWS IoT answered ${result.outcome} (${result.reason ?? 'no reason'})`,
        );
      }
    },
    denyAction(action) {
      aws.sandbox.faults.deny(action);
      log(`  sandbox fault: the function's role now lacks ${action}`);
    },
    allowAction(action) {
      aws.sandbox.faults.allow(action);
    },
    async peekDlq() {
      return aws.sandbox.sqs.peek(aws.queueUrl).map((m) => ({ messageId: m.messageId, body: m.body }));
    },
    async replay(certificateIds) {
      const options = {
        queueUrl: aws.queueUrl,
        functionName: deployment.fn.name,
        certificateIds,
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

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.length === 0 ? line : `    ${line}`))
    .join('\n')
    .concat(text.endsWith('\n') ? '' : '\n');
}
