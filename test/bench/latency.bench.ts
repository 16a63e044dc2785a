// `npm run bench -- latency [--devices N] [--latency-ms 50]`: warm sequential round trips per
// activation. Every AWS call the sandbox answers (IoT, DynamoDB; S3 too, but a warm container
// has the CRL and the template cached) waits --latency-ms first; one container, the demo
// template (two groups, one policy), each ownership mode. Devices register one after another;
// for each, the summary line's step timings give the time up to and including the activation
// (UpdateCertificate) and the time after it (the registration-state settle), and its IoT call
// count. Round trips ≈ time ÷ latency (the calls' own overhead makes it a little higher). Targets (issue 11): shared ≤ 4 round trips and
// ≤ 7 IoT calls, exclusive ≤ 6 and ≤ 9. Writes test/bench/results/latency.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { subjectAttributes } from '../../infra/demo/devices.js';
import { DEMO_TEMPLATE_OPTIONS, demoTemplate } from '../../infra/demo/template.js';
import { createTemplateResources, uploadTemplate } from '../../infra/local-aws/aws-setup.js';
import { addCa, startLocalAws } from '../../infra/local-aws/local-aws.js';
import { issueDeviceCertificate } from '../../lib/pki/certificates.js';
import { deployForTest } from '../helpers/e2e-deployment.js';
import { percentile } from './burst/stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const TARGETS = { shared: { roundTrips: 4, iotCalls: 7 }, exclusive: { roundTrips: 6, iotCalls: 9 } };
/** Steps of the summary line up to the activation, in order. */
const UP_TO_ACTIVATION = [
  'claim',
  'describe-certificate',
  'describe-ca',
  'check-certificate',
  'crl',
  'template-load',
  'template-render',
  'execute-plan',
  'activate',
];

interface Summary {
  message?: string;
  outcome?: string;
  certificateId?: string;
  timingsMs?: Record<string, number>;
  durationMs?: number;
  iotApiCalls?: number;
}

function eventCertificateId(event: unknown): string {
  return typeof event === 'object' && event !== null && 'certificateId' in event
    ? String(event.certificateId)
    : '';
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { devices: { type: 'string' }, 'latency-ms': { type: 'string' } },
    strict: true,
  });
  const devices = Number(values.devices ?? '5');
  const latencyMs = Number(values['latency-ms'] ?? '50');
  const aws = await startLocalAws({ quotas: false });
  const modes: Record<string, unknown> = {};
  try {
    const local = await addCa(aws, { commonName: 'Latency Device CA' });
    await createTemplateResources(aws.iot, DEMO_TEMPLATE_OPTIONS);
    const templateSource = await uploadTemplate(aws.s3, aws.bucket, 'templates/demo.json', demoTemplate());
    let serial = 0;
    const device = () => {
      serial += 1;
      const name = `latency-${String(serial).padStart(4, '0')}`;
      return issueDeviceCertificate({
        ca: local.ca,
        subject: subjectAttributes({
          commonName: name,
          serialNumber: `SN-${serial}`,
          organization: 'Example-Corp',
        }),
        keyType: 'ec',
      });
    };
    for (const mode of ['shared', 'exclusive'] as const) {
      aws.sandbox.faults.setLatency(null);
      const deployment = await deployForTest(aws, {
        env: {
          TEMPLATE_SOURCE: templateSource,
          THING_PRINCIPAL_POLICY: mode,
          CRL_REFRESH_SECONDS: '300',
          TEMPLATE_REFRESH_SECONDS: '300',
          POWERTOOLS_LOG_LEVEL: 'INFO',
        },
        containers: 1,
        retries: 0,
        // One event at a time, unpaced: the handler's own round trips, not the queue's pacing.
        ingestion: 'direct',
      });
      try {
        // Warm: the container, the CA, the CRL, the template and the policy are cached.
        await deployment.connect(device().certificatePem);
        aws.sandbox.faults.setLatency({ fixedMs: latencyMs });
        const ids: string[] = [];
        for (let i = 0; i < devices; i += 1) {
          const d = device();
          ids.push(d.certificateId);
          await deployment.connect(d.certificatePem);
        }
        const summaries = deployment
          .output()
          .map((line) => {
            try {
              return JSON.parse(line) as Summary;
            } catch {
              return {} as Summary;
            }
          })
          .filter((s) => s.message === 'registration summary' && ids.includes(s.certificateId ?? ''));
        const upTo = summaries.map((s) =>
          UP_TO_ACTIVATION.reduce((sum, step) => sum + (s.timingsMs?.[step] ?? 0), 0),
        );
        const after = summaries.map((s, i) => (s.durationMs ?? 0) - (upTo[i] ?? 0));
        const calls = summaries.map((s) => s.iotApiCalls ?? Number.NaN);
        // The whole invocation as the function ran it, including what runs after the summary
        // line (the ledger write): what a container is busy for, and what Lambda bills.
        const invocationMs = deployment.fn
          .invocations()
          .filter((r) => ids.includes(eventCertificateId(r.event)))
          .flatMap((r) => r.attempts.map((a) => a.durationMs));
        const p50 = percentile(upTo, 50);
        // Time ÷ latency: each sequential round trip costs the latency plus the local overhead
        // of the call (a few ms on a loaded machine), so this slightly overstates round trips.
        const roundTrips = Math.round((p50 / latencyMs) * 10) / 10;
        const iotCalls = percentile(calls, 50);
        modes[mode] = {
          activated: summaries.filter((s) => s.outcome === 'activated').length,
          msToActivationP50: Math.round(p50),
          roundTripsToActivation: roundTrips,
          iotCallsPerActivation: iotCalls,
          msAfterActivationP50: Math.round(percentile(after, 50)),
          msInvocationP50: Math.round(percentile(invocationMs, 50)),
          stepsMsP50: Object.fromEntries(
            UP_TO_ACTIVATION.map((step) => [
              step,
              percentile(
                summaries.map((s) => s.timingsMs?.[step] ?? 0),
                50,
              ),
            ]),
          ),
          target: {
            ...TARGETS[mode],
            roundTripsOk: Math.floor(roundTrips) <= TARGETS[mode].roundTrips,
            iotCallsOk: iotCalls <= TARGETS[mode].iotCalls,
          },
        };
      } finally {
        await deployment.fn.stop();
      }
    }
  } finally {
    await aws.stop();
  }
  const result = { at: new Date().toISOString(), node: process.version, latencyMs, devices, modes };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latency.json'), `${JSON.stringify(result, null, 2)}\n`);
}
