// The sweep's world without AWS: S3 as the sweep reads CRL objects, AWS IoT as the sweep calls it
// (every UpdateCertificate recorded with the time it was sent), CRLs built with real EC keys.
import type { CrlObjectVersion } from '../../lib/ledger/record.js';
import { buildCrl, type Ca, type CrlEntryInput } from '../../lib/pki/index.js';
import type {
  CaCertificateDescription,
  SettableCertificateStatus,
} from '../../lib/provisioning/iot-registry.js';
import type { CrlObject, CrlObjectSource } from '../../lib/revocation/crl-objects.js';
import { ecCa, NOW } from './pki-fixtures.js';

export const CA_ID = 'c'.repeat(64);
export const REVOKED_AT = new Date('2026-05-30T00:00:00Z');

/** S3 as the sweep sees it: the current object per CA and every version ever put. */
export class FakeCrlObjects implements CrlObjectSource {
  readonly versions = new Map<string, Uint8Array>();
  current_: CrlObject | null = null;
  put(bytes: Uint8Array): void {
    const versionId = `v${this.versions.size + 1}`;
    this.versions.set(versionId, bytes);
    this.current_ = {
      bytes,
      version: { bucket: 'crls', key: `crl/${CA_ID}.crl`, versionId, etag: `"${versionId}"` },
    };
  }
  async current(): Promise<CrlObject | null> {
    return this.current_;
  }
  async read(version: CrlObjectVersion): Promise<Uint8Array | null> {
    return version.versionId === null ? null : (this.versions.get(version.versionId) ?? null);
  }
}

export class FakeIot {
  readonly updates: [string, SettableCertificateStatus][] = [];
  /** When each UpdateCertificate was sent (epoch ms, `now()`). */
  readonly updateTimes: number[] = [];
  failFor = new Map<string, Error>();
  constructor(
    readonly ca: Ca,
    readonly now: () => number = Date.now,
  ) {}
  async describeCaCertificate(): Promise<CaCertificateDescription> {
    return {
      certificateId: CA_ID,
      certificateArn: `arn:aws:iot:us-east-1:123456789012:cacert/${CA_ID}`,
      status: 'ACTIVE',
      certificatePem: this.ca.certificatePem,
      autoRegistrationStatus: 'ENABLE',
      registrationConfig: null,
    };
  }
  async updateCertificateStatus(certificateId: string, status: SettableCertificateStatus): Promise<void> {
    this.updateTimes.push(this.now());
    const failure = this.failFor.get(certificateId);
    if (failure !== undefined) throw failure;
    this.updates.push([certificateId, status]);
  }
}

export function crl(entries: CrlEntryInput[], crlNumber: number | null, signer: Ca = ecCa()): Buffer {
  return buildCrl({
    ca: signer,
    entries,
    thisUpdate: NOW,
    nextUpdate: new Date(NOW.getTime() + 86_400_000),
    crlNumber,
  });
}

export const revoked = (serial: string, reason?: CrlEntryInput['reason']): CrlEntryInput => ({
  serial,
  revocationDate: REVOKED_AT,
  ...(reason === undefined ? {} : { reason }),
});
