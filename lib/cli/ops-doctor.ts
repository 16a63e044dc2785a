/** `jitr doctor`: checks a deployed JITR setup and prints a ✓/✗ checklist with remedies. */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type DoctorOptions, resolveTarget } from '../operations/doctor/resolve-target.js';
import { doctor, doctorExitCode, formatChecklist } from '../operations/doctor/run-doctor.js';
import { sdkDoctorPorts } from '../operations/doctor/sdk-doctor-ports.js';
import { sdkTargetReaders } from '../operations/doctor/sdk-target-readers.js';
import { createIotClient } from '../provisioning/iot-client.js';
import { SdkIotRegistry } from '../provisioning/sdk-iot-registry.js';

/** Runs `jitr doctor`; exit code 1 on any ✗. */
export async function runDoctor(options: DoctorOptions & { json?: boolean }): Promise<void> {
  const region = options.region === undefined ? {} : { region: options.region };
  const lambda = new LambdaClient(region);
  const target = await resolveTarget(options, {
    ...sdkTargetReaders({ cloudformation: new CloudFormationClient(region), lambda }),
  });
  const iot = createIotClient(region);
  const ports = sdkDoctorPorts({
    iot,
    registry: new SdkIotRegistry(iot),
    // A custom S3 endpoint (sandbox, MinIO) only answers path-style requests.
    s3: new S3Client({ ...region, forcePathStyle: process.env.AWS_ENDPOINT_URL_S3 !== undefined }),
    sqs: new SQSClient(region),
    iam: new IAMClient(region),
  });
  const results = await doctor(target, ports, new Date());
  process.stdout.write(
    `${options.json === true ? JSON.stringify(results, null, 2) : formatChecklist(results)}\n`,
  );
  if (doctorExitCode(results) === 1) process.exitCode = 1;
}
