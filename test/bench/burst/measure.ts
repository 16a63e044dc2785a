/**
 * One burst run: N devices connect at once under AWS's default IoT quotas; the deployed bundle
 * runs on the stack's ingestion path (template.yaml: the queue by default) with the account's
 * Lambda concurrency C; Lambda's and SQS's waits are AWS's real ones unless compressed; devices
 * still pending reconnect with firmware backoff and each reconnect publishes the event again.
 */
import { readFile } from 'node:fs/promises';
import { subjectAttributes } from '../../../infra/demo/devices.js';
import { DEMO_TEMPLATE_OPTIONS, demoTemplate } from '../../../infra/demo/template.js';
import { createTemplateResources, uploadTemplate } from '../../../infra/local-aws/aws-setup.js';
import { deployJitr } from '../../../infra/local-aws/deployment.js';
import { addCa, type LocalAws, startLocalAws } from '../../../infra/local-aws/local-aws.js';
import type { IngestionMode } from '../../../infra/local-aws/stack-template.js';
import { CONNECT_THROTTLED_REASON, type RetryDelays } from '../../../infra/sandbox/index.js';
import { backoffDelay, connectWithBackoff } from '../../../lib/device/backoff.js';
import { type IssuedCertificate, issueDeviceCertificate } from '../../../lib/pki/certificates.js';
import { type ApiBound, percentile, quotaBounds } from './stats.js';

export interface BurstOptions {
  devices: number;
  /** The account's Lambda concurrency (the sandbox scales up to it). */
  containers: number;
  /** With `via: 'api'`: each device's event is published up to this many more times while it is pending (default 0). */
  duplicates?: number;
  /** Lambda's and SQS's waits: `aws` (default: 1 min / 2 min retries, real visibility timeouts) or `compressed` (÷ 600). */
  retryDelays?: RetryDelays;
  /** The ingestion path (default: template.yaml's default). */
  ingestion?: IngestionMode;
  bundle?: string;
  log?: (line: string) => void;
  /**
   * How devices connect: `api` (default) = the sandbox's registerDevice, once per device;
   * `mqtt` = real MQTT/TLS clients that retry with firmware backoff until connected (every
   * retry while pending publishes the event again, as on AWS).
   */
  via?: 'api' | 'mqtt';
  /** The devices' reconnect backoff (default 1000 / 30000 ms, the `jitr device connect` defaults). */
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

/**
 * The result, its first keys in the order issue 11 fixes (more follow). Requests are IoT
 * control-plane requests (the calls that count against the quotas).
 */
export interface BurstResult {
  devices: number;
  active: number;
  /** Messages in the DLQ at the end. */
  dlq: number;
  wallSeconds: number;
  /** devices ÷ 10 TPS: one DescribeCertificate, one UpdateCertificate (and, exclusive, one ListThingPrincipals) per device at their quotas. */
  quotaBoundSeconds: number;
  /** wall ÷ quota bound (target ≤ 1.15). */
  ratio: number;
  /** IoT requests sent, throttled ones included. */
  requestsSent: number;
  /** IoT requests answered with ThrottlingException. */
  throttledTotal: number;
  /** IoT requests answered normally ÷ ACTIVE devices. */
  iotCallsPerActivation: number;
  /** DescribeCertificate answered beyond one per device ÷ duplicate events published (target ≤ 0.05). */
  describeCertificatePerDuplicate: number;
  /** From registration to ACTIVE, per device. */
  timeToActiveMs: { p50: number; p99: number; max: number };
  ingestionMode: IngestionMode;
  retryDelays: RetryDelays;
  containers: number;
  /**
   * Duplicates asked for per device, the duplicate events actually published (only while
   * pending), and the reconnects AWS's 1 CONNECT/s per client ID refused (they publish nothing).
   */
  duplicates: { perDevice: number; published: number; connectsThrottled: number };
  statuses: Record<string, number>;
  /** Lambda invocations: async attempts beyond the first, throttles (no container under the limit), failed ones. */
  lambda: {
    invocations: number;
    retries: number;
    throttles: number;
    failed: number;
    containersStarted: number;
  };
  /** Queue path: the event source mapping's batches, records handed over, throttles, most concurrent batches. */
  eventSource?: {
    batches: number;
    records: number;
    throttles: number;
    failedBatches: number;
    maxConcurrentBatches: number;
  };
  /** Calls answered with ThrottlingException, per IoT API (the SDK retries them). */
  throttled: Record<string, number>;
  /** Calls answered normally, per IoT API. */
  answered: Record<string, number>;
  /** The least time each API's quota allows for the calls the run made, tightest first. */
  callBounds: ApiBound[];
  tightestApi: string;
  quotas: Record<string, number>;
  target: {
    allActive: boolean;
    dlqEmpty: boolean;
    withinRatio: boolean;
    throttledWithin5Percent: boolean;
    duplicatesNearlyFree: boolean;
  };
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
      retryDelays: options.retryDelays ?? 'aws',
      ...(options.ingestion === undefined ? {} : { ingestion: options.ingestion }),
      ...(options.bundle === undefined ? {} : { bundle: options.bundle }),
    });
    const ingestionMode = deployment.ingestion.mode;
    const retryDelays = deployment.fn.timing.profile;
    const backoff = options.backoff ?? { initialMs: 1000, maxMs: 30_000 };
    try {
      // Setup calls (CA registration, groups) are not part of the burst.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      aws.sandbox.faults.resetCounters();
      log(
        `burst: ${options.devices} devices connect at once; ${ingestionMode} path, Lambda concurrency ${options.containers}, ${retryDelays === 'aws' ? "AWS's real retry delays (1 min / 2 min, visibility timeouts as deployed)" : 'COMPRESSED retry delays (÷ 600)'}…`,
      );
      const started = performance.now();
      let mqtt: MqttBurstResult | undefined;
      let duplicatesPublished = 0;
      let connectsThrottled = 0;
      if (via === 'mqtt') {
        mqtt = await connectOverMqtt(aws, devices, backoff, log);
        duplicatesPublished = mqtt.registeredEventsPublished - options.devices;
      } else {
        const api = await connectOverApi(aws, devices, options.duplicates ?? 0, backoff);
        duplicatesPublished = api.published;
        connectsThrottled = api.connectsThrottled;
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
      const callBounds = quotaBounds(answered, quotas, options.devices);
      const quotaBoundSeconds = options.devices / perDeviceTps(quotas, functionEnv(deployment.fn));
      const invocations = deployment.fn.invocations();
      const active = statuses.ACTIVE ?? 0;
      const dlq = aws.sandbox.sqs.peek(aws.queueUrl).length;
      const ratio = wallSeconds / quotaBoundSeconds;
      const requestsSent = sum(calls);
      const throttledTotal = sum(throttled);
      const describeCertificatePerDuplicate =
        duplicatesPublished > 0
          ? Math.max(0, (answered.DescribeCertificate ?? 0) - options.devices) / duplicatesPublished
          : 0;
      const source = deployment.fn.eventSource?.stats;
      return {
        devices: options.devices,
        active,
        dlq,
        wallSeconds,
        quotaBoundSeconds,
        ratio,
        requestsSent,
        throttledTotal,
        iotCallsPerActivation: active > 0 ? sum(answered) / active : Number.NaN,
        describeCertificatePerDuplicate,
        timeToActiveMs: {
          p50: percentile(timeToActive, 50),
          p99: percentile(timeToActive, 99),
          max: percentile(timeToActive, 100),
        },
        ingestionMode,
        retryDelays,
        containers: options.containers,
        duplicates: { perDevice: options.duplicates ?? 0, published: duplicatesPublished, connectsThrottled },
        statuses,
        lambda: {
          invocations: invocations.length,
          retries: invocations.reduce((n, r) => n + Math.max(0, r.attempts.length - 1), 0),
          throttles: invocations.reduce((n, r) => n + r.throttles, 0) + (source?.throttles ?? 0),
          failed: invocations.filter((r) => r.status === 'failed').length,
          containersStarted: deployment.fn.containerCount,
        },
        ...(source === undefined ? {} : { eventSource: { ...source } }),
        throttled,
        answered,
        callBounds,
        tightestApi: callBounds[0]?.api ?? '—',
        quotas,
        target: {
          allActive: active === options.devices,
          dlqEmpty: dlq === 0,
          withinRatio: ratio <= 1.15,
          throttledWithin5Percent: throttledTotal <= 0.05 * requestsSent,
          duplicatesNearlyFree: describeCertificatePerDuplicate <= 0.05,
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

/** The function's environment as deployed (what the handler reads). */
function functionEnv(fn: { configuration(): Record<string, unknown> }): Record<string, string> {
  const environment = fn.configuration().Environment as { Variables?: Record<string, string> } | undefined;
  return environment?.Variables ?? {};
}

/**
 * Activations per second the quotas allow: every device needs one DescribeCertificate, one
 * UpdateCertificate and, in `exclusive` ownership (the default), one ListThingPrincipals.
 */
function perDeviceTps(quotas: Record<string, number>, env: Record<string, string>): number {
  const apis = ['DescribeCertificate', 'UpdateCertificate'];
  if ((env.THING_PRINCIPAL_POLICY ?? 'exclusive') === 'exclusive') apis.push('ListThingPrincipals');
  return Math.min(...apis.map((api) => quotas[api] ?? Number.POSITIVE_INFINITY));
}

/**
 * Every device connects at once (registerDevice); one still pending reconnects with firmware
 * backoff (full jitter) until AWS published its event `duplicates` more times, or it is active.
 * The sandbox applies AWS IoT's 1 CONNECT per second per client ID (the device's CN): a sooner
 * reconnect is refused and publishes nothing, and the device backs off again. So, as on AWS,
 * republications are at least a second apart in wall-clock time (`timestamp` = now,
 * `certificateRegistrationTimestamp` = the first registration), whatever the backoff or the
 * retry-delay profile (which compresses Lambda's and SQS's waits, never the devices' clock).
 */
async function connectOverApi(
  aws: LocalAws,
  devices: readonly IssuedCertificate[],
  duplicates: number,
  backoff: { initialMs: number; maxMs: number },
): Promise<{ published: number; connectsThrottled: number }> {
  let published = 0;
  let connectsThrottled = 0;
  await Promise.all(
    devices.map(async (d, i) => {
      const clientId = deviceName(i);
      const first = await aws.sandbox.registerDevice(d.certificatePem, { clientId });
      if (first.outcome !== 'registered') throw new Error(`a device was refused: ${first.reason}`);
      let republished = 0;
      for (let n = 0; republished < duplicates; n += 1) {
        await new Promise((r) => setTimeout(r, backoffDelay(n, backoff, Math.random)));
        const again = await aws.sandbox.registerDevice(d.certificatePem, { clientId });
        if (again.outcome === 'republished') republished += 1;
        else if (again.reason === CONNECT_THROTTLED_REASON) connectsThrottled += 1;
        else return;
      }
      published += republished;
    }),
  );
  return { published, connectsThrottled };
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
