/** `jitr doctor`: checks a deployed JITR setup and prints a ✓/✗ checklist with remedies. */
import { type DoctorOptions, resolveTarget } from '../operations/doctor/resolve-target.js';
import { doctor, doctorExitCode, formatChecklist } from '../operations/doctor/run-doctor.js';
import { sdkDoctorPorts } from '../operations/doctor/sdk-doctor-ports.js';
import { sdkTargetReaders } from '../operations/doctor/sdk-target-readers.js';
import { SdkIotRegistry } from '../provisioning/sdk-iot-registry.js';
import { createIotClient, createS3Client, iotTarget, s3Target } from '../runtime/aws-clients.js';
import type { CliRuntime } from '../runtime/cli-runtime.js';
import {
  createCloudFormationClient,
  createIamClient,
  createLambdaClient,
  createSqsClient,
} from '../runtime/operations-clients.js';

/** Runs `jitr doctor`; exit code 1 on any ✗. */
export async function runDoctor(options: DoctorOptions & { json?: boolean }, cli: CliRuntime): Promise<void> {
  const aws = cli.aws(options.region);
  const region = { region: aws.region };
  const target = await resolveTarget(options, {
    ...sdkTargetReaders({
      cloudformation: createCloudFormationClient(region),
      lambda: createLambdaClient(region),
    }),
  });
  const iot = createIotClient(iotTarget(aws));
  const ports = sdkDoctorPorts({
    iot,
    registry: new SdkIotRegistry(iot),
    s3: createS3Client(s3Target(aws)),
    sqs: createSqsClient(region),
    iam: createIamClient(region),
  });
  const results = await doctor(target, ports, new Date());
  cli.out.line(options.json === true ? JSON.stringify(results, null, 2) : formatChecklist(results));
  if (doctorExitCode(results) === 1) process.exitCode = 1;
}
