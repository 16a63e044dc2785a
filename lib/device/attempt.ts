// One MQTT-over-TLS connection attempt, as a device makes it (the `mqtt` client). The outcome is
// data: connected (CONNACK accepted) or refused (closed without CONNACK, CONNACK error, TLS error,
// timeout), with the time it took.
import { isIP } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export interface DeviceTarget {
  host: string;
  port: number;
  /** Client certificate (PEM) and its private key. */
  cert: string;
  key: string;
  /** Server trust (PEM); undefined = the runtime's trust store (Amazon's roots for AWS IoT). */
  ca: string | undefined;
  clientId: string;
  /** 4 = MQTT 3.1.1, 5 = MQTT 5. */
  protocolVersion: 4 | 5;
}

export type AttemptResult =
  | { outcome: 'connected'; ms: number; client: MqttClient }
  | { outcome: 'refused'; ms: number; reason: string };

export function attemptConnect(target: DeviceTarget, timeoutMs: number): Promise<AttemptResult> {
  const started = performance.now();
  const options: IClientOptions = {
    protocol: 'mqtts',
    host: target.host,
    port: target.port,
    cert: target.cert,
    key: target.key,
    ...(target.ca === undefined ? {} : { ca: target.ca }),
    // SNI: AWS IoT requires it for its endpoints; the sandbox accepts it but does not need it.
    ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
    rejectUnauthorized: true,
    clientId: target.clientId,
    protocolVersion: target.protocolVersion,
    clean: true,
    keepalive: 60,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
  };
  return new Promise((resolve) => {
    let settled = false;
    let lastError: string | undefined;
    const client = mqtt.connect(options);
    const finish = (result: AttemptResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (result.outcome === 'refused') client.end(true);
      resolve(result);
    };
    const ms = (): number => Math.round(performance.now() - started);
    const timer = setTimeout(
      () => finish({ outcome: 'refused', ms: ms(), reason: `no CONNACK within ${timeoutMs} ms` }),
      timeoutMs,
    );
    client.on('connect', () => finish({ outcome: 'connected', ms: ms(), client }));
    client.on('error', (error) => {
      lastError = error.message;
    });
    client.on('close', () =>
      finish({ outcome: 'refused', ms: ms(), reason: lastError ?? 'connection closed without CONNACK' }),
    );
  });
}

/** Publishes with QoS 1; resolves when the broker acknowledges, rejects when it closes the connection instead. */
export function publishAcknowledged(
  client: MqttClient,
  topic: string,
  message: string,
  timeoutMs = 5_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onClose = (): void =>
      done(new Error('the server closed the connection (not authorised to publish?)'));
    const timer = setTimeout(() => done(new Error(`no PUBACK within ${timeoutMs} ms`)), timeoutMs);
    const done = (error?: Error): void => {
      clearTimeout(timer);
      client.off('close', onClose);
      if (error === undefined) resolve();
      else reject(error);
    };
    client.once('close', onClose);
    client.publish(topic, message, { qos: 1 }, (error) => done(error ?? undefined));
  });
}

/** Subscribes; answers the SUBACK code per filter (0, 1: granted; 0x80 / 0x87: refused). */
export async function subscribeCodes(client: MqttClient, filters: string[]): Promise<number[]> {
  try {
    const granted = await client.subscribeAsync(filters, { qos: 1 });
    return granted.map((g) => g.qos);
  } catch (error) {
    // mqtt.js rejects when any code is a failure; the SUBACK is on the error.
    const packet = (error as { packet?: { granted?: unknown; reasonCode?: unknown } }).packet;
    const codes = packet?.granted;
    if (Array.isArray(codes))
      return codes.map((c) => (typeof c === 'number' ? c : (c as { qos: number }).qos));
    throw error;
  }
}
