/**
 * One burst run: N devices connect at once under AWS's default IoT quotas; the deployed bundle
 * runs in C concurrent containers (each its own SDK client and adaptive rate limiter).
 */
import { readFile } from 'node:fs/promises';
import { subjectAttributes } from '../../../infra/demo/devices.js';
import { DEMO_TEMPLATE_OPTIONS, demoTemplate } from '../../../infra/demo/template.js';
import { createTemplateResources, uploadTemplate } from '../../../infra/local-aws/aws-setup.js';
import { deployJitr } from '../../../infra/local-aws/deployment.js';
import { addCa, type LocalAws, startLocalAws } from '../../../infra/local-aws/local-aws.js';
import { connectWithBackoff } from '../../../lib/device/backoff.js';
import { type IssuedCertificate, issueDeviceCertificate } from '../../../lib/pki/certificates.js';
import { type ApiBound, percentile, quotaBounds } from './stats.js';

export interface BurstOptions {
  devices: number;
  containers: number;
  bundle?: string;
  log?: (line: string) => void;
  /**
   * How devices connect: `api` (default) = the sandbox's registerDevice, once per device;
   * `mqtt` = real MQTT/TLS clients that retry with firmware backoff until connected (every
   * retry while pending publishes the event again, as on AWS).
   */
  via?: 'api' | 'mqtt';
  /** With `via: 'mqtt'`: the devices' backoff (default 1000 / 30000 ms, the `jitr device connect` defaults). */
  backoff?: { initialMs: number; maxMs: number };
}

/** With `via: 'mqtt'`: what the devices saw. */
export interface MqttBurstResult {
  connected: number;
  /** Connection attempts of all devices (the refused ones each published the event again). */
  attempts: number;
  registeredEventsPublished: number;
  timeToConnectMs: { p50: number; p90: number; p99: number; max: number };
  backoff: { initialMs: number; maxMs: number };
}

export interface BurstResult {
  devices: number;
  containers: number;
  active: number;
  statuses: Record<string, number>;
  dlq: number;
  wallSeconds: number;
  quotaBoundSeconds: number;
  /** wall ÷ quota-bound minimum (target ≤ 1.2). */
  ratio: number;
  tightestApi: string;
  timeToActiveMs: { p50: number; p99: number; max: number };
  /** Lambda async retries (attempts beyond the first). */
  lambdaRetries: number;
  invocationsFailed: number;
  /** Calls answered with ThrottlingException, per IoT API (the SDK retries them). */
  throttled: Record<string, number>;
  throttledTotal: number;
  /** Calls answered normally, per IoT API. */
  answered: Record<string, number>;
  iotCallsPerActiveDevice: number;
  /** Including throttled calls. */
  iotRequestsPerActiveDevice: number;
  bounds: ApiBound[];
  quotas: Record<string, number>;
  coldStarts: number;
  target: { allActive: boolean; dlqEmpty: boolean; withinRatio: boolean };
  via: 'api' | 'mqtt';
  /** Present with `via: 'mqtt'`. */
  mqtt?: MqttBurstResult;
}

/** The CN (thing name and MQTT client id) of burst device `i`. */
const deviceName = (i: number): string => `burst-${String(i).padStart(6, '0')}`;

function withoutPrefix(map: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [action, count] of Object.entries(map)) {
    if (action.startsWith('iot:')) out[action.slice('iot:'.length)] = count;
  }
  return out;
}

function sum(map: Record<string, number>): number {
  return Object.values(map).reduce((a, b) => a + b, 0);
}

/** Runs one burst and measures it. */
export async function runBurst(options: BurstOptions): Promise<BurstResult> {
  const log = options.log ?? (() => undefined);
  const via = options.via ?? 'api';
  const aws = await startLocalAws({ quotas: true, mqtt: via === 'mqtt' });
  try {
    const local = await addCa(aws, { commonName: 'Burst Device CA' });
    await createTemplateResources(aws.iot, DEMO_TEMPLATE_OPTIONS);
    const templateSource = await uploadTemplate(aws.s3, aws.bucket, 'templates/demo.json', demoTemplate());
    log(`issuing ${options.devices} device certificates…`);
    const devices = Array.from({ length: options.devices }, (_, i) => {
      const name = deviceName(i);
      return issueDeviceCertificate({
        ca: local.ca,
        subject: subjectAttributes({
          commonName: name,
          serialNumber: `SN-${i}`,
          organization: 'Example-Corp',
        }),
        keyType: 'ec',
      });
    });
    const deployment = await deployJitr(aws, {
      env: {
        TEMPLATE_SOURCE: templateSource,
        // Warm containers keep the CRL and the template (the production defaults).
        CRL_REFRESH_SECONDS: '300',
        TEMPLATE_REFRESH_SECONDS: '300',
        POWERTOOLS_LOG_LEVEL: 'WARN',
      },
      containers: options.containers,
      retries: 2,
      ...(options.bundle === undefined ? {} : { bundle: options.bundle }),
    });
    try {
      // Setup calls (CA registration, groups) are not part of the burst.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      aws.sandbox.faults.resetCounters();
      log(`burst: ${options.devices} devices connect at once, ${options.containers} containers…`);
      const started = performance.now();
      let mqtt: MqttBurstResult | undefined;
      if (via === 'mqtt') {
        mqtt = await connectOverMqtt(
          aws,
          devices,
          options.backoff ?? { initialMs: 1000, maxMs: 30_000 },
          log,
        );
      } else {
        const connects = await Promise.all(devices.map((d) => aws.sandbox.registerDevice(d.certificatePem)));
        const refused = connects.filter((c) => c.outcome !== 'registered');
        if (refused.length > 0)
          throw new Error(`${refused.length} devices were refused: ${refused[0]?.reason}`);
      }
      await aws.sandbox.lambda.idle();
      const wallSeconds = (performance.now() - started) / 1000;

      const statuses: Record<string, number> = {};
      const timeToActive: number[] = [];
      for (const device of devices) {
        const record = aws.sandbox.iot.store.certificates.get(device.certificateId);
        const status = record?.status ?? 'MISSING';
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (record !== undefined && status === 'ACTIVE')
          timeToActive.push(record.lastModifiedDate - record.creationDate);
      }
      const counters = aws.sandbox.counters();
      const throttled = withoutPrefix(counters.throttled);
      const calls = withoutPrefix(counters.calls);
      const answered: Record<string, number> = {};
      for (const [api, count] of Object.entries(calls)) {
        answered[api] = count - (throttled[api] ?? 0) - (withoutPrefix(counters.failed)[api] ?? 0);
      }
      const quotas = aws.sandbox.faults.quotas();
      const bounds = quotaBounds(answered, quotas, options.devices);
      const tightest = bounds[0];
      const quotaBoundSeconds = tightest?.seconds ?? 0;
      const invocations = deployment.fn.invocations();
      const active = statuses.ACTIVE ?? 0;
      const dlq = aws.sandbox.sqs.peek(aws.queueUrl).length;
      const ratio = quotaBoundSeconds > 0 ? wallSeconds / quotaBoundSeconds : Number.NaN;
      return {
        devices: options.devices,
        containers: options.containers,
        active,
        statuses,
        dlq,
        wallSeconds,
        quotaBoundSeconds,
        ratio,
        tightestApi: tightest?.api ?? '—',
        timeToActiveMs: {
          p50: percentile(timeToActive, 50),
          p99: percentile(timeToActive, 99),
          max: percentile(timeToActive, 100),
        },
        lambdaRetries: invocations.reduce((n, r) => n + Math.max(0, r.attempts.length - 1), 0),
        invocationsFailed: invocations.filter((r) => r.status === 'failed').length,
        throttled,
        throttledTotal: sum(throttled),
        answered,
        iotCallsPerActiveDevice: active > 0 ? sum(answered) / active : Number.NaN,
        iotRequestsPerActiveDevice: active > 0 ? sum(calls) / active : Number.NaN,
        bounds,
        quotas,
        coldStarts: deployment.fn.containerCount,
        target: {
          allActive: active === options.devices,
          dlqEmpty: dlq === 0,
          withinRatio: ratio <= 1.2,
        },
        via,
        ...(mqtt === undefined ? {} : { mqtt }),
      };
    } finally {
      await deployment.fn.stop();
    }
  } finally {
    await aws.stop();
  }
}

/** Every device connects over MQTT/TLS at once and retries with backoff until connected. */
async function connectOverMqtt(
  aws: LocalAws,
  devices: readonly IssuedCertificate[],
  backoff: { initialMs: number; maxMs: number },
  log: (line: string) => void,
): Promise<MqttBurstResult> {
  const endpoint = aws.sandbox.mqtt;
  if (endpoint === undefined) throw new Error('the sandbox has no MQTT endpoint');
  const port = Number(new URL(endpoint.url).port);
  const ca = await readFile(endpoint.trustFile, 'utf8');
  const before = aws.sandbox.lambda.published().length;
  const reports = await Promise.all(
    devices.map(async (d, i) => {
      const clientId = deviceName(i);
      const report = await connectWithBackoff(
        {
          host: '127.0.0.1',
          port,
          cert: d.certificatePem,
          key: d.privateKeyPem,
          ca,
          clientId,
          protocolVersion: 4,
        },
        { ...backoff, timeoutMs: 30 * 60_000 },
        {
          random: Math.random,
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          now: () => performance.now(),
        },
      );
      report.client?.end(true);
      return report;
    }),
  );
  const times = reports.flatMap((r) => (r.timeToConnectMs === null ? [] : [r.timeToConnectMs]));
  log(`mqtt: ${times.length} of ${devices.length} devices connected`);
  return {
    connected: times.length,
    attempts: reports.reduce((n, r) => n + r.attempts.length, 0),
    registeredEventsPublished: aws.sandbox.lambda.published().length - before,
    timeToConnectMs: {
      p50: percentile(times, 50),
      p90: percentile(times, 90),
      p99: percentile(times, 99),
      max: percentile(times, 100),
    },
    backoff,
  };
}
