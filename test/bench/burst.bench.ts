// `npm run bench -- burst [--devices N] [--containers C] [--duplicates K] [--ingestion queue|direct]
// [--retry-delays aws|compressed] [--via api|mqtt]`: N devices (default 1,000) connect at once;
// AWS IoT's default API quotas are enforced by the sandbox; the built handler bundle runs on the
// stack's ingestion path (template.yaml; default queue) with Lambda scaling up to the account
// concurrency C (default 10); Lambda's and SQS's waits are AWS's real ones unless
// `--retry-delays compressed`; each device still pending reconnects with firmware backoff until
// its event was published K more times (AWS IoT's 1 CONNECT/s per client ID applies: a sooner
// reconnect is refused and publishes nothing, so republications are ≥ 1 s apart). Reports wall time against the quota bound (devices ÷
// 10 TPS), time-to-active percentiles, retries, throttling, IoT calls per activation, what
// duplicates cost and the DLQ; writes the JSON to test/bench/results/.

import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderTable } from '../../infra/demo/table.js';
import { parseRetryDelays } from '../../infra/sandbox/index.js';
import { type BurstResult, runBurst } from './burst/measure.js';

const here = dirname(fileURLToPath(import.meta.url));

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`--${name} expects a positive integer, got ${value}`);
  return n;
}

const fixed = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : '—');

/** The summary table and the per-API table. */
export function formatBurst(result: BurstResult): string {
  const rows: [string, string][] = [
    ['devices / Lambda concurrency', `${result.devices} / ${result.containers}`],
    ['ingestion path', result.ingestionMode],
    [
      'retry delays',
      result.retryDelays === 'aws'
        ? "AWS's real (1 min / 2 min async retries, throttle backoff 1 s … 5 min, visibility timeouts as deployed)"
        : 'COMPRESSED ÷ 600 (not what AWS does: 100 ms / 200 ms)',
    ],
    [
      'ACTIVE',
      `${result.active} of ${result.devices}${result.target.allActive ? '' : `  (${JSON.stringify(result.statuses)})`}`,
    ],
    ['DLQ messages', String(result.dlq)],
    ['wall time', `${fixed(result.wallSeconds, 2)} s`],
    ['quota bound (devices ÷ 10 TPS)', `${fixed(result.quotaBoundSeconds, 2)} s`],
    ['wall ÷ bound', `${fixed(result.ratio, 3)}  (target ≤ 1.15)`],
    [
      'time to active p50 / p99 / max',
      `${fixed(result.timeToActiveMs.p50, 0)} / ${fixed(result.timeToActiveMs.p99, 0)} / ${fixed(result.timeToActiveMs.max, 0)} ms`,
    ],
    [
      'IoT requests sent / throttled',
      `${result.requestsSent} / ${result.throttledTotal} (${fixed((100 * result.throttledTotal) / Math.max(1, result.requestsSent), 2)} %, target ≤ 5 %)`,
    ],
    ['IoT calls per activation', fixed(result.iotCallsPerActivation, 2)],
    [
      'duplicate events / DescribeCertificate per duplicate',
      `${result.duplicates.published} (up to ${result.duplicates.perDevice} per device) / ${fixed(result.describeCertificatePerDuplicate, 3)} (target ≤ 0.05)`,
    ],
    ...(result.via === 'api' && result.duplicates.perDevice > 0
      ? [
          [
            'reconnects refused (1 CONNECT/s per client ID)',
            `${result.duplicates.connectsThrottled} (they publish nothing; republications ≥ 1 s apart)`,
          ] as [string, string],
        ]
      : []),
    [
      'Lambda invocations / retries / throttles / failed',
      `${result.lambda.invocations} / ${result.lambda.retries} / ${result.lambda.throttles} / ${result.lambda.failed}`,
    ],
    ['containers started', String(result.lambda.containersStarted)],
    ...eventSourceRows(result),
    ...mqttRows(result),
  ];
  const summary = renderTable<[string, string]>(
    [
      { header: 'burst', value: (r) => r[0] },
      { header: 'value', value: (r) => r[1], maxWidth: 80 },
    ],
    rows,
  );
  const apis = renderTable(
    [
      { header: 'IoT API', value: (b: BurstResult['callBounds'][number]) => b.api },
      { header: 'TPS', value: (b) => String(b.tps), align: 'right' },
      { header: 'calls', value: (b) => String(b.calls), align: 'right' },
      { header: 'per device', value: (b) => fixed(b.callsPerDevice, 2), align: 'right' },
      { header: 'min s', value: (b) => fixed(b.seconds, 2), align: 'right' },
      { header: 'throttled', value: (b) => String(result.throttled[b.api] ?? 0), align: 'right' },
    ],
    result.callBounds,
  );
  const verdict = Object.entries(result.target)
    .map(([name, ok]) => `${name} ${ok ? '✓' : '✗'}`)
    .join('  ');
  return `${summary}\n${apis}\ntarget: ${verdict}\n`;
}

function eventSourceRows(result: BurstResult): [string, string][] {
  const e = result.eventSource;
  if (e === undefined) return [];
  return [
    [
      'event source batches / records / throttles / most at once',
      `${e.batches} / ${e.records} / ${e.throttles} / ${e.maxConcurrentBatches}`,
    ],
  ];
}

function mqttRows(result: BurstResult): [string, string][] {
  const m = result.mqtt;
  if (m === undefined) return [['devices connect via', 'registerDevice (API)']];
  const t = m.timeToConnectMs;
  return [
    [
      'devices connect via',
      `MQTT/TLS, backoff ${m.backoff.initialMs} ms … ${m.backoff.maxMs} ms, full jitter`,
    ],
    ['connected', `${m.connected} of ${result.devices}`],
    ['connect attempts / registered events', `${m.attempts} / ${m.registeredEventsPublished}`],
    [
      'time to first connect p50 / p90 / p99 / max',
      `${fixed(t.p50, 0)} / ${fixed(t.p90, 0)} / ${fixed(t.p99, 0)} / ${fixed(t.max, 0)} ms`,
    ],
  ];
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      devices: { type: 'string' },
      containers: { type: 'string' },
      duplicates: { type: 'string' },
      ingestion: { type: 'string' },
      'retry-delays': { type: 'string' },
      via: { type: 'string' },
      'backoff-initial-ms': { type: 'string' },
      'backoff-max-ms': { type: 'string' },
    },
    strict: true,
  });
  const devices = positiveInteger('devices', values.devices, 1000);
  const containers = positiveInteger('containers', values.containers, 10);
  const duplicates =
    values.duplicates === undefined ? 0 : positiveInteger('duplicates', values.duplicates, 0);
  const via = values.via ?? 'api';
  if (via !== 'api' && via !== 'mqtt') throw new Error(`--via expects api or mqtt, got ${via}`);
  if (via === 'mqtt' && duplicates > 0)
    throw new Error('--duplicates is for --via api (MQTT devices reconnect on their own)');
  const ingestion = values.ingestion;
  if (ingestion !== undefined && ingestion !== 'queue' && ingestion !== 'direct')
    throw new Error(`--ingestion expects queue or direct, got ${ingestion}`);
  const retryDelays = parseRetryDelays(values['retry-delays'] ?? 'aws');
  const load = loadavg();
  const result = await runBurst({
    devices,
    containers,
    duplicates,
    retryDelays,
    ...(ingestion === undefined ? {} : { ingestion }),
    via,
    backoff: {
      initialMs: positiveInteger('backoff-initial-ms', values['backoff-initial-ms'], 1000),
      maxMs: positiveInteger('backoff-max-ms', values['backoff-max-ms'], 30_000),
    },
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(formatBurst(result));
  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  const name = [
    `burst-${devices}d-${containers}c`,
    duplicates > 0 ? `-${duplicates}dup` : '',
    `-${result.ingestionMode}`,
    result.retryDelays === 'compressed' ? '-compressed' : '',
    via === 'mqtt' ? '-mqtt' : '',
  ].join('');
  const file = join(dir, `${name}.json`);
  const machine = { loadAverageAtStart: load, loadAverageAtEnd: loadavg(), node: process.version };
  writeFileSync(file, `${JSON.stringify({ ...result, at: new Date().toISOString(), machine }, null, 2)}\n`);
  process.stdout.write(`results: ${file}\n`);
}
