/**
 * Demo devices: an EC key and a certificate from the demo CA whose subject carries what the demo
 * template reads (C, O, CN, serialNumber). The end-to-end tests and benchmarks issue theirs the
 * same way.
 */
import { type Ca, issueDeviceCertificate } from '../../lib/pki/certificates.js';
import type { SubjectAttribute } from '../../lib/pki/names.js';
import type { Device, DeviceSubject } from './world.js';

/** The subject attributes of a demo device, most significant first. */
export function subjectAttributes(subject: DeviceSubject): SubjectAttribute[] {
  return [
    { type: 'C', value: 'JP' },
    ...(subject.organization === undefined ? [] : [{ type: 'O', value: subject.organization }]),
    { type: 'CN', value: subject.commonName },
    ...(subject.serialNumber === undefined ? [] : [{ type: 'serialNumber', value: subject.serialNumber }]),
  ];
}

/** Issues an EC device certificate signed by `ca`, named by its common name. */
export function issueDevice(ca: Ca, subject: DeviceSubject): Device {
  const issued = issueDeviceCertificate({ ca, subject: subjectAttributes(subject), keyType: 'ec' });
  return {
    name: subject.commonName,
    certificatePem: issued.certificatePem,
    certificateId: issued.certificateId,
    serialBytes: issued.serialBytes,
    privateKeyPem: issued.privateKeyPem,
  };
}
