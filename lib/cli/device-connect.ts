// `jitr device connect` and `jitr device fleet`: real devices over MQTT/TLS. Loaded lazily.
import { createPrivateKey, randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { parseCertificate } from '../certificate/index.js';
import { type DeviceTarget, publishAcknowledged, subscribeCodes } from '../device/attempt.js';
import { type AttemptRecord, type ConnectReport, connectWithBackoff } from '../device/backoff.js';
import { percentile } from '../device/stats.js';
import { CommandLineError, readInputFile } from './errors.js';

/** The commands named in errors (`while: jitr device connect`). */
type DeviceCommand = 'jitr device connect' | 'jitr device fleet';

export interface ConnectOptions {
  endpoint: string;
  cert: string;
  key: string;
  ca?: string;
  clientId?: string;
  backoffInitialMs: string;
  backoffMaxMs: string;
  timeoutS: string;
  publish?: string;
  message?: string;
  subscribe?: string[];
  mqttVersion: string;
  json?: boolean;
}

export interface ConnectResultReport extends ConnectReport {
  endpoint: string;
  clientId: string;
  publish: { topic: string; acknowledged: boolean; error: string | null } | null;
  subscribe: Array<{ filter: string; code: number; granted: boolean }>;
}

/** `host[:port]` or `mqtts://host:port`; the port defaults to 8883 (MQTT over TLS). */
export function parseEndpoint(endpoint: string, command: DeviceCommand): { host: string; port: number } {
  const text = endpoint.replace(/^mqtts:\/\//, '').replace(/\/$/, '');
  const m = /^(\[[0-9a-fA-F:]+\]|[^:[\]/\s]+)(?::(\d{1,5}))?$/.exec(text);
  const port = m?.[2] === undefined ? 8883 : Number(m[2]);
  if (m === null || port < 1 || port > 65535)
    throw new CommandLineError({ kind: 'endpoint', value: endpoint }, command);
  return { host: (m[1] ?? '').replace(/^\[|\]$/g, ''), port };
}

function positive(value: string, option: string, command: DeviceCommand): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new CommandLineError({ kind: 'not-positive', option, value }, command);
  return n;
}

async function readText(file: string, option: string, command: DeviceCommand): Promise<string> {
  return (await readInputFile(file, option, command)).toString('utf8');
}

function mqttVersion(value: string, command: DeviceCommand): 4 | 5 {
  if (value === '3.1.1' || value === '4') return 4;
  if (value === '5') return 5;
  throw new CommandLineError(
    { kind: 'not-a-choice', option: '--mqtt-version', value, choices: ['3.1.1', '5'], firstIsDefault: true },
    command,
  );
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

export function attemptLine(r: AttemptRecord): string {
  return r.outcome === 'connected'
    ? `attempt ${r.attempt}: connected in ${r.ms} ms (at ${seconds(r.elapsedMs)})`
    : `attempt ${r.attempt}: refused (${r.reason}) after ${r.ms} ms (at ${seconds(r.elapsedMs)}); next attempt in ${seconds(r.nextDelayMs ?? 0)}`;
}

export async function runDeviceConnect(
  options: ConnectOptions,
  signal: AbortSignal,
  write: (text: string) => void,
): Promise<ConnectResultReport> {
  const command = 'jitr device connect';
  const { host, port } = parseEndpoint(options.endpoint, command);
  const cert = await readText(options.cert, '--cert', command);
  const key = await readText(options.key, '--key', command);
  const ca = options.ca === undefined ? undefined : await readText(options.ca, '--ca', command);
  checkKey(key, command);
  const clientId = options.clientId ?? commonName(cert, command);
  const target: DeviceTarget = {
    host,
    port,
    cert,
    key,
    ca,
    clientId,
    protocolVersion: mqttVersion(options.mqttVersion, command),
  };
  const backoff = {
    initialMs: positive(options.backoffInitialMs, '--backoff-initial-ms', command),
    maxMs: positive(options.backoffMaxMs, '--backoff-max-ms', command),
    timeoutMs: positive(options.timeoutS, '--timeout-s', command) * 1000,
  };
  const log = options.json === true ? (t: string) => process.stderr.write(t) : write;
  log(`connecting to ${host}:${port} as ${clientId}\n`);
  const report = await connectWithBackoff(target, backoff, {
    random: Math.random,
    sleep,
    now: () => performance.now(),
    onAttempt: (r) => log(`${attemptLine(r)}\n`),
    signal,
  });
  const result: ConnectResultReport = {
    endpoint: `${host}:${port}`,
    clientId,
    connected: report.connected,
    attempts: report.attempts,
    timeToConnectMs: report.timeToConnectMs === null ? null : Math.round(report.timeToConnectMs),
    publish: null,
    subscribe: [],
  };
  if (report.client === undefined) {
    log(`not connected within ${seconds(backoff.timeoutMs)} (${report.attempts.length} attempts)\n`);
    return result;
  }
  log(
    `time to first connect: ${seconds(report.timeToConnectMs ?? 0)} (${report.attempts.length} attempt${report.attempts.length === 1 ? '' : 's'})\n`,
  );
  try {
    await afterConnect(report.client, options, result, log);
  } finally {
    report.client.end(true);
  }
  return result;
}

async function afterConnect(
  client: MqttClient,
  options: ConnectOptions,
  result: ConnectResultReport,
  log: (t: string) => void,
): Promise<void> {
  for (const filter of options.subscribe ?? []) {
    const [code = 0x80] = client.connected ? await subscribeCodes(client, [filter]) : [0x80];
    const granted = code < 0x80;
    result.subscribe.push({ filter, code, granted });
    log(
      `subscribe ${filter}: ${granted ? `granted (QoS ${code})` : `refused (SUBACK 0x${code.toString(16)})`}\n`,
    );
  }
  if (options.publish !== undefined) {
    const message =
      options.message ?? JSON.stringify({ clientId: result.clientId, at: new Date().toISOString() });
    try {
      await publishAcknowledged(client, options.publish, message);
      result.publish = { topic: options.publish, acknowledged: true, error: null };
      log(`published to ${options.publish} (acknowledged)\n`);
    } catch (error) {
      result.publish = { topic: options.publish, acknowledged: false, error: (error as Error).message };
      log(`publish to ${options.publish} failed: ${(error as Error).message}\n`);
    }
  }
}

function checkKey(keyPem: string, command: DeviceCommand): void {
  try {
    createPrivateKey(keyPem);
  } catch {
    throw new CommandLineError({ kind: 'not-a-private-key', option: '--key' }, command);
  }
}

function commonName(certPem: string, command: DeviceCommand): string {
  let cn: string | undefined;
  try {
    cn = parseCertificate(certPem).subject.attributes.CN?.[0];
  } catch {
    throw new CommandLineError({ kind: 'not-a-certificate', option: '--cert' }, command);
  }
  if (cn === undefined || cn === '') throw new CommandLineError({ kind: 'no-client-id' }, command);
  return cn;
}

/** Exit status of `jitr device connect`: 0 connected (and everything asked for succeeded), 1 otherwise. */
export function connectExitCode(report: ConnectResultReport): number {
  if (!report.connected) return 1;
  if (report.publish !== null && !report.publish.acknowledged) return 1;
  return report.subscribe.every((s) => s.granted) ? 0 : 1;
}

export interface FleetOptions {
  dir: string;
  count: string;
  endpoint: string;
  ca?: string;
  subject?: string;
  backoffInitialMs: string;
  backoffMaxMs: string;
  timeoutS: string;
  mqttVersion: string;
  json?: boolean;
}

export interface FleetReport {
  endpoint: string;
  devices: number;
  connected: number;
  attempts: number;
  timeToConnectMs: { p50: number | null; p90: number | null; p99: number | null; max: number | null };
  wallMs: number;
}

/** Issues `count` device certificates from the CA in `dir` (in memory) and connects them all at once. */
export async function runDeviceFleet(
  options: FleetOptions,
  signal: AbortSignal,
  write: (text: string) => void,
): Promise<FleetReport> {
  const command = 'jitr device fleet';
  const { host, port } = parseEndpoint(options.endpoint, command);
  const count = positive(options.count, '--count', command);
  if (!Number.isInteger(count) || count > 10_000)
    throw new CommandLineError(
      { kind: 'count-out-of-range', option: '--count', value: options.count, max: 10_000 },
      command,
    );
  const ca = options.ca === undefined ? undefined : await readText(options.ca, '--ca', command);
  const { readCa } = await import('../pki/ca-store.js');
  const { issueDeviceCertificate, loadCa } = await import('../pki/certificates.js');
  const issuer = loadCa(await readCa(options.dir));
  const run = randomBytes(3).toString('hex');
  const subject = options.subject ?? `CN=fleet-${run}-{i},serialNumber=SN-${run}-{i}`;
  const backoff = {
    initialMs: positive(options.backoffInitialMs, '--backoff-initial-ms', command),
    maxMs: positive(options.backoffMaxMs, '--backoff-max-ms', command),
    timeoutMs: positive(options.timeoutS, '--timeout-s', command) * 1000,
  };
  const version = mqttVersion(options.mqttVersion, command);
  const log = options.json === true ? (t: string) => process.stderr.write(t) : write;
  const targets: DeviceTarget[] = [];
  for (let i = 1; i <= count; i += 1) {
    const issued = issueDeviceCertificate({
      ca: issuer,
      keyType: 'ec',
      subject: subject.replaceAll('{i}', String(i)),
    });
    targets.push({
      host,
      port,
      cert: issued.certificatePem,
      key: issued.privateKeyPem,
      ca,
      clientId: commonName(issued.certificatePem, command),
      protocolVersion: version,
    });
  }
  log(
    `${count} device certificates issued from ${options.dir}; connecting them at once to ${host}:${port}\n`,
  );
  const started = performance.now();
  const reports = await Promise.all(
    targets.map((target) =>
      connectWithBackoff(target, backoff, {
        random: Math.random,
        sleep,
        now: () => performance.now(),
        signal,
      }).then((r) => {
        r.client?.end(true);
        return r;
      }),
    ),
  );
  const times = reports.flatMap((r) => (r.timeToConnectMs === null ? [] : [Math.round(r.timeToConnectMs)]));
  const stat = (p: number): number | null => (times.length === 0 ? null : percentile(times, p));
  const report: FleetReport = {
    endpoint: `${host}:${port}`,
    devices: count,
    connected: times.length,
    attempts: reports.reduce((n, r) => n + r.attempts.length, 0),
    timeToConnectMs: { p50: stat(50), p90: stat(90), p99: stat(99), max: stat(100) },
    wallMs: Math.round(performance.now() - started),
  };
  if (options.json !== true) {
    const t = report.timeToConnectMs;
    const ms = (v: number | null): string => (v === null ? '-' : `${v} ms`);
    write(
      `${report.connected} of ${report.devices} connected in ${seconds(report.wallMs)} (${report.attempts} attempts)\n` +
        `time to first connect: p50 ${ms(t.p50)}, p90 ${ms(t.p90)}, p99 ${ms(t.p99)}, max ${ms(t.max)}\n`,
    );
  }
  return report;
}
