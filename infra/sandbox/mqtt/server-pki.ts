// The MQTT endpoint's own TLS identity: a sandbox CA (never registered with IoT) and a server
// certificate for localhost, 127.0.0.1 and ::1, plus the trust file clients pass as --ca/--cafile.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { oid, sequence, tlv } from '../../../lib/pki/der-writer.js';
import { createCa, issueDeviceCertificate } from '../../../lib/pki/index.js';

export interface ServerIdentity {
  keyPem: string;
  certificatePem: string;
  /** The sandbox server CA: what clients must trust. */
  caPem: string;
  /** Path of the trust file (the CA PEM) written for clients. */
  trustFile: string;
}

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

/** Creates the server CA and certificate (EC P-256) and writes `mqtt-server-ca.pem` into `dir`. */
export async function createServerIdentity(dir: string): Promise<ServerIdentity> {
  const ca = createCa({ keyType: 'ec', subject: 'O=JITR Sandbox,CN=JITR Sandbox MQTT Server CA', days: 30 });
  const san = sequence(
    tlv(0x82, Buffer.from('localhost', 'latin1')),
    tlv(0x87, Buffer.from([127, 0, 0, 1])),
    tlv(0x87, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])),
  );
  const server = issueDeviceCertificate({
    ca,
    subject: 'O=JITR Sandbox,CN=localhost',
    keyType: 'ec',
    days: 30,
    extensions: [
      { oid: '2.5.29.17', value: san },
      { oid: '2.5.29.37', value: sequence(oid(SERVER_AUTH)) },
    ],
  });
  const trustFile = join(dir, 'mqtt-server-ca.pem');
  await writeFile(trustFile, ca.certificatePem, { mode: 0o644 });
  return {
    keyPem: server.privateKeyPem,
    certificatePem: server.certificatePem,
    caPem: ca.certificatePem,
    trustFile,
  };
}
