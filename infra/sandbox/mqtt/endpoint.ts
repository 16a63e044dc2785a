/**
 * The sandbox's MQTT-over-TLS endpoint: AWS IoT's device side, with connect-time JITR and IoT
 * policies enforced (aws-facts §2.1, §9.4, §9.5). MQTT 3.1.1 and 5 (aedes), TLS from Node.
 *
 * On CONNECT, the client certificate decides (the TLS handshake itself always completes):
 * - unknown, issued by an ACTIVE CA with auto-registration: registered PENDING_ACTIVATION, the
 *   registered event published, the connection closed without CONNACK;
 * - PENDING_ACTIVATION again: the event published again, closed again;
 * - ACTIVE: CONNACK if its policies allow iot:Connect for the client id, else closed;
 * - INACTIVE, REVOKED, expired, unknown CA, CA without auto-registration, no certificate:
 *   closed, nothing published.
 * Then: SUBSCRIBE without iot:Subscribe → SUBACK failure for that filter (0x80 on 3.1.1, 0x87 on
 * 5); PUBLISH without iot:Publish (or iot:RetainPublish for a retained message) → disconnected;
 * each delivery needs iot:Receive; QoS 2 is not supported (AWS IoT: QoS 0 and 1); a device whose
 * certificate leaves ACTIVE is disconnected.
 */
import type { X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { Aedes, type Client } from 'aedes';
import type { IotAction } from '../../../lib/policy/index.js';
import type { IotStore } from '../iot/model.js';
import type { ConnectResult } from '../lambda/registration.js';
import { authorize, type DeviceIdentity, deviceIdentity } from './authorizer.js';
import type { ServerIdentity } from './server-pki.js';

/** One thing the endpoint did, for logs, tests and the demo. */
export interface MqttEvent {
  at: number;
  kind: 'refused' | 'registered' | 'republished' | 'connected' | 'denied' | 'disconnected';
  clientId: string;
  certificateId: string | undefined;
  /** For `denied`: the action and resource; for `refused`: why. */
  detail: string;
}

export interface MqttEndpointOptions {
  store: IotStore;
  identity: ServerIdentity;
  /** A device presented this certificate on CONNECT: AWS IoT's JITR step, event publishing included. */
  deviceConnects: (certificatePem: string) => ConnectResult;
  port?: number;
  /** How often connected devices are re-checked (certificate still ACTIVE), ms. */
  recheckMs?: number;
  onEvent?: (event: MqttEvent) => void;
}

export interface MqttEndpoint {
  port: number;
  /** `mqtts://127.0.0.1:<port>` */
  url: string;
  trustFile: string;
  events(): MqttEvent[];
  /** Publishes a message to subscribers (as AWS IoT does for its reserved topics). */
  publish(topic: string, payload: string): Promise<void>;
  stop(): Promise<void>;
}

const NOT_AUTHORIZED_V5 = 0x87;

export async function startMqttEndpoint(options: MqttEndpointOptions): Promise<MqttEndpoint> {
  const { store } = options;
  const events: MqttEvent[] = [];
  const devices = new WeakMap<Client, DeviceIdentity>();
  const connected = new Set<Client>();
  const record = (event: Omit<MqttEvent, 'at'>): void => {
    const full = { at: Date.now(), ...event };
    events.push(full);
    options.onEvent?.(full);
  };
  const broker = await Aedes.createBroker({
    // AWS IoT: 1,200 s at most; a CONNECT must arrive soon after the handshake.
    connectTimeout: 10_000,
  });

  const refuse = (
    client: Client,
    callback: (error: Error | null, success: boolean) => void,
    why: string,
  ): void => {
    // No CONNACK: the device sees the connection closed, as AWS IoT does on JITR.
    callback(new Error(why), false);
    client.conn.destroy();
  };

  broker.preConnect = (client, packet, callback) => {
    try {
      decideConnect(client, packet.clientId ?? '', callback);
    } catch (error) {
      // A certificate the registry or the parser cannot read is refused, never a crash.
      const why = `certificate not usable: ${error instanceof Error ? error.message : String(error)}`;
      record({ kind: 'refused', clientId: packet.clientId ?? '', certificateId: undefined, detail: why });
      refuse(client, callback, why);
    }
  };

  const decideConnect = (
    client: Client,
    clientId: string,
    callback: (error: Error | null, success: boolean) => void,
  ): void => {
    const socket = client.conn as unknown as TLSSocket;
    const peer: X509Certificate | undefined =
      typeof socket.getPeerX509Certificate === 'function' ? socket.getPeerX509Certificate() : undefined;
    if (peer === undefined) {
      record({ kind: 'refused', clientId, certificateId: undefined, detail: 'no client certificate' });
      refuse(client, callback, 'no client certificate');
      return;
    }
    const now = Date.now();
    if (Date.parse(peer.validTo) < now || Date.parse(peer.validFrom) > now) {
      record({
        kind: 'refused',
        clientId,
        certificateId: undefined,
        detail: 'certificate outside its validity period',
      });
      refuse(client, callback, 'certificate outside its validity period');
      return;
    }
    const pem = peer.toString();
    const result = options.deviceConnects(pem);
    const certificateId = result.certificateId;
    if (result.outcome === 'registered' || result.outcome === 'republished') {
      record({
        kind: result.outcome,
        clientId,
        certificateId,
        detail: 'PENDING_ACTIVATION: event published, closed',
      });
      refuse(client, callback, 'certificate pending activation');
      return;
    }
    if (result.outcome === 'refused') {
      record({ kind: 'refused', clientId, certificateId, detail: result.reason ?? 'refused' });
      refuse(client, callback, result.reason ?? 'refused');
      return;
    }
    const device: DeviceIdentity = deviceIdentity(certificateId, pem, clientId);
    const auth = authorize(store, device, 'iot:Connect', clientId);
    if (!auth.allowed) {
      record({
        kind: 'denied',
        clientId,
        certificateId,
        detail: `iot:Connect client/${clientId}${errorText(auth.error)}`,
      });
      refuse(client, callback, 'not authorized to connect');
      return;
    }
    devices.set(client, device);
    callback(null, true);
  };

  broker.on('clientReady', (client) => {
    const device = devices.get(client);
    connected.add(client);
    record({
      kind: 'connected',
      clientId: client.id,
      certificateId: device?.certificateId,
      detail: `MQTT ${client.version === 5 ? '5' : '3.1.1'}`,
    });
  });
  broker.on('clientDisconnect', (client) => {
    if (connected.delete(client))
      record({
        kind: 'disconnected',
        clientId: client.id,
        certificateId: devices.get(client)?.certificateId,
        detail: '',
      });
  });

  const allowed = (client: Client, action: IotAction, name: string): boolean => {
    const device = devices.get(client);
    if (device === undefined) return false;
    const auth = authorize(store, device, action, name);
    if (!auth.allowed)
      record({
        kind: 'denied',
        clientId: client.id,
        certificateId: device.certificateId,
        detail: `${action} ${name}${errorText(auth.error)}`,
      });
    return auth.allowed;
  };

  broker.authorizePublish = (client, packet, callback) => {
    if (client === null) return callback(null); // the broker's own messages (reserved topics)
    const ok =
      packet.qos !== 2 &&
      allowed(client, 'iot:Publish', packet.topic) &&
      (!packet.retain || allowed(client, 'iot:RetainPublish', packet.topic));
    if (ok) return callback(null);
    // AWS IoT closes the connection on an unauthorised PUBLISH; MQTT 5 says why first.
    if (client.version === 5) client.disconnect({ reasonCode: NOT_AUTHORIZED_V5 });
    else client.close();
    callback(new Error('not authorized to publish'));
  };

  broker.authorizeSubscribe = (client, subscription, callback) => {
    if (!allowed(client, 'iot:Subscribe', subscription.topic)) return callback(null, null); // SUBACK 0x80 / 0x87
    callback(null, { ...subscription, qos: subscription.qos === 2 ? 1 : subscription.qos });
  };

  broker.authorizeForward = (client, packet) =>
    allowed(client, 'iot:Receive', packet.topic) ? packet : null;

  // A certificate that leaves ACTIVE (revoked, deactivated) loses its connection, as on AWS.
  const recheck = setInterval(() => {
    for (const client of connected) {
      const device = devices.get(client);
      const status = device === undefined ? undefined : store.certificates.get(device.certificateId)?.status;
      if (status !== 'ACTIVE') {
        record({
          kind: 'refused',
          clientId: client.id,
          certificateId: device?.certificateId,
          detail: `certificate is ${status ?? 'unknown'}: disconnected`,
        });
        connected.delete(client);
        client.close();
      }
    }
  }, options.recheckMs ?? 250);
  recheck.unref();

  const sockets = new Set<TLSSocket>();
  const server: Server = createServer(
    {
      key: options.identity.keyPem,
      cert: options.identity.certificatePem,
      requestCert: true,
      // Every client certificate is judged on CONNECT against the registry, not by a trust store.
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      broker.handle(socket);
    },
  );
  server.on('tlsClientError', () => {});
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
  let stopped = false;
  return {
    port,
    url: `mqtts://127.0.0.1:${port}`,
    trustFile: options.identity.trustFile,
    events: () => [...events],
    publish: (topic, payload) =>
      new Promise((resolve, reject) =>
        broker.publish(
          { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain: false, dup: false },
          (error) => (error === undefined || error === null ? resolve() : reject(error)),
        ),
      ),
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(recheck);
      for (const client of connected) client.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}

function errorText(error: { code: string; message: string } | undefined): string {
  return error === undefined ? '' : ` (${error.code}: ${error.message})`;
}
