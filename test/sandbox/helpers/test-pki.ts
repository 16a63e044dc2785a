// Real certificates for the sandbox's own tests, made with the project's PKI module
// (lib/pki: node:crypto, DER) in memory; nothing is written to disk.
import { type Ca, createCa, issueDeviceCertificate } from '../../../lib/pki/certificates.js';

export interface TestCa {
  certificatePem: string;
  ca: Ca;
}

export interface TestPki {
  createCa(commonName: string): TestCa;
  /** A certificate with this subject CN, issued by `ca` (EC P-256). */
  issue(ca: TestCa, commonName: string): string;
  cleanup(): void;
}

export function createTestPki(): TestPki {
  return {
    createCa(commonName) {
      const ca = createCa({ keyType: 'ec', subject: [{ type: 'CN', value: commonName }] });
      return { certificatePem: ca.certificatePem, ca };
    },
    issue(ca, commonName) {
      return issueDeviceCertificate({
        ca: ca.ca,
        keyType: 'ec',
        subject: [{ type: 'CN', value: commonName }],
      }).certificatePem;
    },
    cleanup() {
      // Keys live in memory only.
    },
  };
}
