import type { CliRuntime } from '../runtime/cli-runtime.js';
import { action } from './output.js';
import type { JitrCommand } from './program.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Runs `fn` with an AbortSignal that Ctrl-C / SIGTERM abort; the exit code is 130 when interrupted. */
async function interruptible(fn: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await fn(controller.signal);
    if (controller.signal.aborted) process.exitCode = 130;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

const BACKOFF_HELP = 'exponential backoff with full jitter between attempts';

/** Registers jitr device …: real devices over MQTT/TLS (the sandbox or AWS IoT). Implementations load lazily. */
export function registerDeviceCommands(program: JitrCommand, cli: CliRuntime): void {
  const device = program
    .command('device')
    .description(
      'Devices over MQTT/TLS: connect like firmware does (JITR: refused, then connected), or a fleet at once.',
    );

  device
    .command('connect')
    .description(
      'Connect as a device, retrying with backoff until connected; print each attempt and the time to first connect.',
    )
    .requiredOption('--endpoint <host[:port]>', 'AWS IoT ATS endpoint or the sandbox (port default 8883)')
    .requiredOption('--cert <file>', 'device certificate (PEM)')
    .requiredOption('--key <file>', "the device's private key (PEM)")
    .option('--ca <file>', "server trust (PEM); default the runtime's trust store (Amazon's roots)")
    .option('--client-id <id>', "MQTT client id (default: the certificate's CN)")
    .option('--backoff-initial-ms <ms>', `first backoff cap; ${BACKOFF_HELP}`, '1000')
    .option('--backoff-max-ms <ms>', 'largest backoff cap', '30000')
    .option('--timeout-s <s>', 'give up after this many seconds (exit 1)', '120')
    .option('--publish <topic>', 'once connected, publish to this topic with QoS 1 and wait for PUBACK')
    .option('--message <text>', 'the message for --publish (default: a small JSON document)')
    .option(
      '--subscribe <filter>',
      'once connected, subscribe to this filter (repeatable); refused = exit 1',
      collect,
    )
    .option('--mqtt-version <v>', '3.1.1 or 5', '3.1.1')
    .option('--json', 'print the report as JSON on stdout (attempts go to stderr)')
    .example(
      'npx jitr device connect --endpoint 127.0.0.1:8883 --ca mqtt-server-ca.pem --cert /tmp/jitr-pki/devices/lamp-1.pem --key /tmp/jitr-pki/devices/lamp-1.key --publish devices/lamp-1/hello',
    )
    .addHelpText(
      'after',
      '\nExit code: 0 connected (and the publish/subscribe asked for succeeded), 1 not connected before --timeout-s or refused, 2 usage error, 130 interrupted.',
    )
    .action(
      action(async (options) => {
        const { connectExitCode, runDeviceConnect } = await import('./device-connect.js');
        await interruptible(async (signal) => {
          const report = await runDeviceConnect(options, signal, cli.out.text);
          if (options.json === true) cli.out.json(report);
          process.exitCode = connectExitCode(report);
        });
      }),
    );

  device
    .command('fleet')
    .description(
      'Issue N device certificates from a CA directory, connect them all at once, report time-to-connect percentiles.',
    )
    .requiredOption('--dir <dir>', 'CA directory made by jitr pki create-ca (ca.pem, ca.key)')
    .requiredOption('--count <n>', 'number of devices')
    .requiredOption('--endpoint <host[:port]>', 'AWS IoT ATS endpoint or the sandbox (port default 8883)')
    .option('--ca <file>', "server trust (PEM); default the runtime's trust store")
    .option(
      '--subject <dn>',
      'device subject, {i} = 1…N (default CN=fleet-<run>-{i},serialNumber=SN-<run>-{i})',
    )
    .option('--backoff-initial-ms <ms>', `first backoff cap; ${BACKOFF_HELP}`, '1000')
    .option('--backoff-max-ms <ms>', 'largest backoff cap', '30000')
    .option('--timeout-s <s>', 'give up after this many seconds', '120')
    .option('--mqtt-version <v>', '3.1.1 or 5', '3.1.1')
    .option('--json', 'print the report as JSON')
    .example(
      'npx jitr device fleet --dir /tmp/jitr-pki --count 50 --endpoint 127.0.0.1:8883 --ca mqtt-server-ca.pem --json',
    )
    .addHelpText('after', '\nExit code: 0 all connected, 1 some did not, 2 usage error, 130 interrupted.')
    .action(
      action(async (options) => {
        const { runDeviceFleet } = await import('./device-connect.js');
        await interruptible(async (signal) => {
          const report = await runDeviceFleet(options, signal, cli.out.text);
          if (options.json === true) cli.out.json(report);
          process.exitCode = report.connected === report.devices ? 0 : 1;
        });
      }),
    );
}
