// `npm run bench -- burst [--devices N] [--containers C] [--via api|mqtt]`: N devices (default 1,000) connect at
// once; AWS IoT's default API quotas are enforced by the sandbox; the built handler bundle runs
// in C concurrent containers (default 10), each with its own SDK client. Reports wall time
// against the quota-bound minimum (the calls the run made to each API ÷ that API's TPS; the
// tightest API bounds the run), time-to-active percentiles, retries, throttling, IoT calls per
// activated device and the DLQ; writes the JSON to test/bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderTable } from '../../infra/demo/table.js';
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
    ['devices / containers', `${result.devices} / ${result.containers}`],
    [
      'ACTIVE',
      `${result.active} of ${result.devices}${result.target.allActive ? '' : `  (${JSON.stringify(result.statuses)})`}`,
    ],
    ['DLQ messages', String(result.dlq)],
    ['wall time', `${fixed(result.wallSeconds, 2)} s`],
    ['quota-bound minimum', `${fixed(result.quotaBoundSeconds, 2)} s  (${result.tightestApi})`],
    ['wall ÷ minimum', `${fixed(result.ratio, 2)}  (target ≤ 1.20)`],
    [
      'time to active p50 / p99 / max',
      `${fixed(result.timeToActiveMs.p50, 0)} / ${fixed(result.timeToActiveMs.p99, 0)} / ${fixed(result.timeToActiveMs.max, 0)} ms`,
    ],
    ['Lambda retries / failed invocations', `${result.lambdaRetries} / ${result.invocationsFailed}`],
    ['throttled IoT calls (SDK retried)', String(result.throttledTotal)],
    [
      'IoT calls per ACTIVE device',
      `${fixed(result.iotCallsPerActiveDevice, 2)} answered, ${fixed(result.iotRequestsPerActiveDevice, 2)} sent`,
    ],
    ['containers started', String(result.coldStarts)],
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
      { header: 'IoT API', value: (b: BurstResult['bounds'][number]) => b.api },
      { header: 'TPS', value: (b) => String(b.tps), align: 'right' },
      { header: 'calls', value: (b) => String(b.calls), align: 'right' },
      { header: 'per device', value: (b) => fixed(b.callsPerDevice, 2), align: 'right' },
      { header: 'min s', value: (b) => fixed(b.seconds, 2), align: 'right' },
      { header: 'throttled', value: (b) => String(result.throttled[b.api] ?? 0), align: 'right' },
    ],
    result.bounds,
  );
  const verdict = Object.entries(result.target)
    .map(([name, ok]) => `${name} ${ok ? '✓' : '✗'}`)
    .join('  ');
  return `${summary}\n${apis}\ntarget: ${verdict}\n`;
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
      via: { type: 'string' },
      'backoff-initial-ms': { type: 'string' },
      'backoff-max-ms': { type: 'string' },
    },
    strict: true,
  });
  const devices = positiveInteger('devices', values.devices, 1000);
  const containers = positiveInteger('containers', values.containers, 10);
  const via = values.via ?? 'api';
  if (via !== 'api' && via !== 'mqtt') throw new Error(`--via expects api or mqtt, got ${via}`);
  const result = await runBurst({
    devices,
    containers,
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
  const file = join(dir, `burst-${devices}d-${containers}c${via === 'mqtt' ? '-mqtt' : ''}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), node: process.version, ...result }, null, 2)}\n`,
  );
  process.stdout.write(`results: ${file}\n`);
}
