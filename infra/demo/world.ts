/**
 * The demo's view of a running local AWS side: what the stories need, and nothing of how the
 * sandbox provides it (see sandbox-world.ts for the implementation).
 */
import type { IoTClient } from '@aws-sdk/client-iot';
import type { RecordedFailures } from '../../lib/operations/recorded-failures.js';

export interface DeviceSubject {
  commonName: string;
  organization?: string;
  /** The subject serialNumber attribute (2.5.4.5); omitted = the certificate lacks it. */
  serialNumber?: string;
}

export interface Device {
  name: string;
  certificatePem: string;
  /** The AWS certificate id: lowercase hex SHA-256 of the DER. */
  certificateId: string;
  /** DER INTEGER content bytes of the X.509 serial (what a CRL entry lists). */
  serialBytes: Uint8Array;
  /** The device's private key (PEM), for its MQTT/TLS connections. */
  privateKeyPem: string;
}

/** What a device saw on the MQTT endpoint after its first (JITR) attempt. */
export interface DeviceSession {
  /** One line per attempt, the first (refused, registered) included. */
  attempts: string[];
  connected: boolean;
  /** From the first attempt's start until CONNACK accepted; null when it never connected. */
  timeToConnectMs: number | null;
  /** Whether the publish to its own topic was acknowledged (null: not tried). */
  published: boolean | null;
  /** The SUBACK code for another device's topics (null: not tried). */
  subscribeOtherCode: number | null;
}

export interface OnlineOptions {
  /** Publish here (QoS 1) once connected. */
  publish?: string;
  /** Then try to subscribe to this filter (another device's topics). */
  subscribe?: string;
}

/** One message in the DLQ, still in the queue. */
export interface DlqEntry {
  messageId: string;
  body: string;
  /** The source queue's ARN when SQS redrive moved it here (the queue path). */
  redrivenFrom?: string;
}

export interface ReplaySummary {
  /** Certificate ids replayed and now ACTIVE or definitively rejected (their messages deleted). */
  succeeded: string[];
  /** Certificate ids whose replay failed (messages left in the queue). */
  failed: string[];
  exitCode: number;
}

export interface DemoWorld {
  readonly region: string;
  readonly iot: IoTClient;
  readonly caCertificateId: string;
  /** Issues a device certificate signed by the demo CA. */
  issueDevice(subject: DeviceSubject): Promise<Device>;
  /** Puts the device on the CA's CRL and republishes the CRL to S3. */
  revoke(device: Device): Promise<void>;
  /**
   * The device connects for the first time over MQTT/TLS: AWS IoT registers its certificate,
   * publishes the registered event to the stack's ingestion path and closes the connection.
   * Resolves once the function is done with the event (success, or every try failed and the
   * event is in the DLQ) — or, with `settle: false`, once the event is published.
   */
  register(device: Device, options?: { settle?: boolean }): Promise<void>;
  /** Resolves once the function is done with every event published so far. */
  settled(): Promise<void>;
  /** The device reconnects (after register): connected or refused, then publishes / subscribes. */
  online(device: Device, options?: OnlineOptions): Promise<DeviceSession>;
  /** Makes the function's role lack / regain an IAM action (sandbox fault). */
  denyAction(action: string): void;
  allowAction(action: string): void;
  /** Every message currently in the DLQ, without consuming it. */
  peekDlq(): Promise<DlqEntry[]>;
  /** What the registration-state table recorded for these certificates (why bare events failed). */
  recordedFailures(certificateIds: readonly string[]): Promise<RecordedFailures>;
  /** `jitr replay` restricted to these certificate ids. */
  replay(certificateIds: string[]): Promise<ReplaySummary>;
  /** Every line the function printed so far (JSON logs and EMF blobs). */
  functionOutput(): string[];
}
