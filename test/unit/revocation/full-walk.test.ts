import { describe, expect, it } from 'vitest';
import { buildCrl, issueDeviceCertificate } from '../../../lib/pki/index.js';
import type {
  CertificateDescription,
  CertificatePage,
  CertificateStatus,
  SettableCertificateStatus,
} from '../../../lib/provisioning/iot-registry.js';
import { type FullWalkDeps, type FullWalkProgress, fullWalk } from '../../../lib/revocation/full-walk.js';
import { activatedRecord, FakeLedger } from '../../helpers/fake-ledger.js';
import { ecCa, NOW } from '../../helpers/pki-fixtures.js';
import { load } from '../crl/crl-fixtures.js';
import { FakeClock } from '../operations/fakes.js';

const CA_ID = 'c'.repeat(64);
const ARN = (id: string) => `arn:aws:iot:us-east-1:123456789012:cert/${id}`;

/** A CA in AWS IoT with certificates (serial 01..n), listed 3 per page. */
class FakeCaIot {
  readonly certs: { id: string; pem: string; serial: string; status: CertificateStatus }[] = [];
  readonly calls: string[] = [];
  readonly updates: [string, SettableCertificateStatus][] = [];
  constructor(count: number, statusOf: (i: number) => CertificateStatus = () => 'ACTIVE') {
    for (let i = 1; i <= count; i++) {
      const serial = i.toString(16).padStart(2, '0');
      const issued = issueDeviceCertificate({
        ca: ecCa(),
        subject: `CN=dev-${i}`,
        serial,
        keyType: 'ec',
        now: NOW,
      });
      this.certs.push({ id: issued.certificateId, pem: issued.certificatePem, serial, status: statusOf(i) });
    }
  }
  async listCertificatesByCa(_ca: string, options: { marker?: string }): Promise<CertificatePage> {
    this.calls.push('list');
    const start = Number(options.marker ?? '0');
    const page = this.certs.slice(start, start + 3);
    return {
      certificates: page.map((c) => ({
        certificateId: c.id,
        certificateArn: ARN(c.id),
        status: c.status,
        creationDate: NOW,
      })),
      ...(start + 3 < this.certs.length ? { nextMarker: String(start + 3) } : {}),
    };
  }
  async describeCertificate(id: string): Promise<CertificateDescription> {
    this.calls.push(`describe ${id}`);
    const c = this.certs.find((x) => x.id === id);
    if (c === undefined) throw new Error('unknown');
    return {
      certificateId: id,
      certificateArn: ARN(id),
      caCertificateId: CA_ID,
      status: c.status,
      certificatePem: c.pem,
    };
  }
  async updateCertificateStatus(id: string, status: SettableCertificateStatus): Promise<void> {
    this.updates.push([id, status]);
    const c = this.certs.find((x) => x.id === id);
    if (c !== undefined) c.status = status;
  }
}

function deps(iot: FakeCaIot, ledger: FakeLedger, clock = new FakeClock()): FullWalkDeps {
  const quiet = () => undefined;
  return {
    iot,
    ledger,
    clock,
    logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    metrics: { count: quiet },
    rates: { list: 5, describe: 5, update: 5 },
  };
}

const crlRevoking = (...serials: string[]) =>
  load(
    buildCrl({
      ca: ecCa(),
      entries: serials.map((serial) => ({ serial, revocationDate: NOW })),
      thisUpdate: NOW,
      nextUpdate: new Date(NOW.getTime() + 86_400_000),
      crlNumber: 3,
    }),
    ecCa(),
  );

describe('fullWalk', () => {
  it('describes only the active certificates the ledger does not know, records them, and revokes the listed ones', async () => {
    // Prepare: 7 certificates; #2 and #5 are known to the ledger; #7 is INACTIVE.
    const iot = new FakeCaIot(7, (i) => (i === 7 ? 'INACTIVE' : 'ACTIVE'));
    const ledger = new FakeLedger();
    for (const i of [2, 5]) {
      const c = iot.certs[i - 1];
      if (c !== undefined) await ledger.recordOutcome(activatedRecord(c.id, CA_ID, c.serial));
    }
    const progress: FullWalkProgress[] = [];

    // Act
    const report = await fullWalk(deps(iot, ledger), {
      caCertificateId: CA_ID,
      crl: crlRevoking('02', '03', '07'),
      dryRun: false,
      onProgress: (p) => progress.push(p),
    });

    // Assess
    expect(report).toEqual({
      scanned: 7,
      active: 6,
      knownToLedger: 2,
      described: 4,
      revokedActive: 2,
      revoked: 2,
      failures: [],
      interrupted: false,
    });
    expect(iot.calls.filter((c) => c === 'list')).toHaveLength(3);
    expect(iot.calls.filter((c) => c.startsWith('describe'))).toHaveLength(4);
    expect(iot.updates.map(([id]) => id).sort()).toEqual([iot.certs[1]?.id, iot.certs[2]?.id].sort());
    expect(ledger.records.get(iot.certs[0]?.id as string)).toMatchObject({
      source: 'full-sweep',
      serial: '01',
      certificateStatus: 'ACTIVE',
    });
    expect(progress.filter((p) => p.phase === 'describe').at(-1)).toEqual({
      phase: 'describe',
      done: 4,
      total: 4,
      etaSeconds: 0,
    });
  });

  it('resumes: a second run describes nothing the first one recorded', async () => {
    const iot = new FakeCaIot(5);
    const ledger = new FakeLedger();
    await fullWalk(deps(iot, ledger), { caCertificateId: CA_ID, crl: crlRevoking('04'), dryRun: false });
    iot.calls.length = 0;
    const second = await fullWalk(deps(iot, ledger), {
      caCertificateId: CA_ID,
      crl: crlRevoking('04'),
      dryRun: false,
    });
    expect(second).toMatchObject({ active: 4, knownToLedger: 4, described: 0, revokedActive: 0, revoked: 0 });
    expect(iot.calls.every((c) => c === 'list')).toBe(true);
  });

  it('paces DescribeCertificate at its rate', async () => {
    const iot = new FakeCaIot(4);
    const clock = new FakeClock();
    await fullWalk(deps(iot, new FakeLedger(), clock), {
      caCertificateId: CA_ID,
      crl: crlRevoking(),
      dryRun: true,
    });
    // 2 list pages (the second waits 200 ms), then 4 describes at 5/s (three wait 200 ms).
    expect(clock.sleeps).toEqual([200, 200, 200, 200]);
  });

  it('changes and records nothing in a dry run', async () => {
    const iot = new FakeCaIot(3);
    const ledger = new FakeLedger();
    const report = await fullWalk(deps(iot, ledger), {
      caCertificateId: CA_ID,
      crl: crlRevoking('01'),
      dryRun: true,
    });
    expect(report).toMatchObject({ described: 3, revokedActive: 1, revoked: 0 });
    expect(iot.updates).toEqual([]);
    expect(ledger.records.size).toBe(0);
  });
});
