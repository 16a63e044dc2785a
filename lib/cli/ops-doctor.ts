/** `jitr doctor`: checks a deployed JITR setup and prints a ✓/✗ checklist with remedies. */
import { type DoctorOptions, resolveTarget } from '../operations/doctor/resolve-target.js';
import { doctor, doctorExitCode, formatChecklist } from '../operations/doctor/run-doctor.js';
import { sdkDoctorPorts } from '../operations/doctor/sdk-doctor-ports.js';
import { sdkTargetReaders } from '../operations/doctor/sdk-target-readers.js';
import { ledgerFailureSource } from '../operations/recorded-failures.js';
import type { CliRuntime } from '../runtime/cli-runtime.js';

/** Runs `jitr doctor`; exit code 1 on any ✗. */
export async function runDoctor(options: DoctorOptions & { json?: boolean }, cli: CliRuntime): Promise<void> {
  const aws = cli.aws(options.region);
  const target = await resolveTarget(options, {
    ...sdkTargetReaders({ cloudformation: await aws.cloudformation(), lambda: await aws.lambda() }),
  });
  const ports = sdkDoctorPorts({
    iot: await aws.iot(),
    registry: await aws.iotRegistry(),
    s3: await aws.s3(),
    sqs: await aws.sqs(),
    iam: await aws.iam(),
    lambda: await aws.lambda(),
    // Bare events (queue path) in the DLQ are explained from the registration-state table.
    recorded: ledgerFailureSource(
      await cli.ledger({
        ...(options.region === undefined ? {} : { region: options.region }),
        ...(target.stateTable === undefined ? {} : { table: target.stateTable }),
      }),
    ),
  });
  const results = await doctor(target, ports, new Date());
  cli.out.line(options.json === true ? JSON.stringify(results, null, 2) : formatChecklist(results));
  if (doctorExitCode(results) === 1) process.exitCode = 1;
}
