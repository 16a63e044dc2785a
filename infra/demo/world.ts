/**
 * The demo's view of a running local AWS side: what the stories need, and nothing of how the
 * sandbox provides it (see sandbox-world.ts for the implementation).
 */
import type { IoTClient } from '@aws-sdk/client-iot';

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
}

/** One message in the DLQ, still in the queue. */
export interface DlqEntry {
  messageId: string;
  body: string;
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
   * The device connects for the first time: AWS IoT registers its certificate and publishes the
   * registered event to the function. Resolves once the function is done with the event
   * (success, or every retry failed and the destination record is in the DLQ).
   */
  register(device: Device): Promise<void>;
  /** Makes the function's role lack / regain an IAM action (sandbox fault). */
  denyAction(action: string): void;
  allowAction(action: string): void;
  /** Every message currently in the DLQ, without consuming it. */
  peekDlq(): Promise<DlqEntry[]>;
  /** `jitr replay` restricted to these certificate ids. */
  replay(certificateIds: string[]): Promise<ReplaySummary>;
  /** Every line the function printed so far (JSON logs and EMF blobs). */
  functionOutput(): string[];
}
