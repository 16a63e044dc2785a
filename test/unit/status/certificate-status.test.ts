import { describe, expect, it } from 'vitest';
import { parseAccessDenied } from '../../../lib/provisioning/access-denied.js';
import { CertificateNotFoundError, IotAccessDeniedError } from '../../../lib/provisioning/errors.js';
import type { CertificateDescription } from '../../../lib/provisioning/iot-registry.js';
import { certificateStatus, type StatusIot } from '../../../lib/status/certificate-status.js';
import { activatedRecord, emptyRecord, FakeLedger } from '../../helpers/fake-ledger.js';

const CA = 'c'.repeat(64);
const ID = 'a'.repeat(64);
const ARN = `arn:aws:iot:us-east-1:123456789012:cert/${ID}`;

function iot(
  status: string | null,
  options: { things?: string[]; policies?: string[]; fail?: Partial<Record<keyof StatusIot, Error>> } = {},
): StatusIot & { calls: string[] } {
  const calls: string[] = [];
  const failIf = (name: keyof StatusIot) => {
    calls.push(name);
    const error = options.fail?.[name];
    if (error !== undefined) throw error;
  };
  return {
    calls,
    async describeCertificate(certificateId): Promise<CertificateDescription> {
      failIf('describeCertificate');
      if (status === null) throw new CertificateNotFoundError({ step: 'status' }, certificateId);
      return {
        certificateId,
        certificateArn: ARN,
        caCertificateId: CA,
        status: status as CertificateDescription['status'],
        certificatePem: '',
        creationDate: new Date('2026-06-01T00:00:00Z'),
      };
    },
    async listPrincipalThings() {
      failIf('listPrincipalThings');
      return options.things ?? ['lamp-1'];
    },
    async listAttachedPolicies() {
      failIf('listAttachedPolicies');
      return options.policies ?? ['p1'];
    },
    async listThingGroupsForThing() {
      failIf('listThingGroupsForThing');
      return ['g1', 'g2'];
    },
  };
}

async function ledgerWith(...records: Parameters<FakeLedger['recordOutcome']>[0][]) {
  const ledger = new FakeLedger();
  for (const r of records) await ledger.recordOutcome(r);
  return ledger;
}

describe('certificateStatus', () => {
  it('reports an active, provisioned certificate as online with its thing, groups, policies and ledger record', async () => {
    const ledger = await ledgerWith(activatedRecord(ID, CA, '0091f0'));
    const report = await certificateStatus({ iot: iot('ACTIVE'), ledger }, ID.toUpperCase());
    expect(report).toMatchObject({
      certificateId: ID,
      certificate: {
        status: 'ACTIVE',
        caCertificateId: CA,
        certificateArn: ARN,
        creationDate: '2026-06-01T00:00:00.000Z',
      },
      things: [{ thingName: 'lamp-1', groups: ['g1', 'g2'] }],
      policies: ['p1'],
      ledger: { outcome: 'activated', serial: '0091f0', attempts: 1 },
      unreadable: [],
    });
    expect(report.diagnosis.online).toBe(true);
    expect(report.diagnosis.verdict).toBe('ACTIVE, attached to lamp-1 with 1 policy: AWS IoT accepts it');
  });

  it('explains a certificate the sweep revoked: which CRL, serial and reason', async () => {
    const ledger = await ledgerWith(activatedRecord(ID, CA, '0091f0'));
    await ledger.recordRevocation(ID, {
      crlNumber: '8',
      at: '2026-06-02T00:00:00.000Z',
      status: 'REVOKED',
      reason: 'keyCompromise',
      revocationDate: '2026-06-01T20:00:00.000Z',
    });
    const report = await certificateStatus({ iot: iot('REVOKED'), ledger }, ID);
    expect(report.diagnosis).toEqual({
      online: false,
      verdict:
        'REVOKED: the revocation sweep set it REVOKED at 2026-06-02T00:00:00.000Z: CRL number 8 lists serial 0091f0 (reason keyCompromise, revoked 2026-06-01T20:00:00.000Z)',
      next: [
        'REVOKED is final in AWS IoT: issue the device a new certificate (jitr pki issue-device) if it should come back.',
      ],
    });
  });

  it('gives the last error and its remedy for a registration that keeps failing', async () => {
    const ledger = new FakeLedger();
    await ledger.recordFailure(ID, CA, {
      code: 'ThingGroupNotFound',
      step: 'thing-groups',
      message: 'thing group plant-7 does not exist',
      remedy: 'Create the thing group plant-7, then replay.',
      at: '2026-06-01T00:00:00.000Z',
    });
    await ledger.recordFailure(ID, CA, {
      code: 'ThingGroupNotFound',
      step: 'thing-groups',
      message: 'thing group plant-7 does not exist',
      remedy: 'Create the thing group plant-7, then replay.',
      at: '2026-06-01T00:01:00.000Z',
    });
    const report = await certificateStatus(
      { iot: iot('PENDING_ACTIVATION', { things: [], policies: [] }), ledger },
      ID,
    );
    expect(report.diagnosis.verdict).toBe(
      'registration keeps failing (2 attempt(s)): ThingGroupNotFound at step thing-groups: thing group plant-7 does not exist',
    );
    expect(report.diagnosis.next[0]).toBe('Create the thing group plant-7, then replay.');
  });

  it('says the event never reached the function when a pending certificate has no ledger record', async () => {
    const report = await certificateStatus(
      { iot: iot('PENDING_ACTIVATION', { things: [], policies: [] }), ledger: new FakeLedger() },
      ID,
    );
    expect(report.ledger).toBeNull();
    expect(report.diagnosis.verdict).toBe(
      'PENDING_ACTIVATION and the handler never recorded an attempt: the registered event did not reach the function',
    );
    expect(report.diagnosis.next[1]).toBe(`Then: jitr reconcile --ca ${CA} --older-than 1m.`);
  });

  it('reports a certificate AWS IoT does not know, and reads nothing else about it', async () => {
    const fake = iot(null);
    const report = await certificateStatus({ iot: fake, ledger: null }, ID);
    expect(report).toMatchObject({
      certificate: null,
      things: null,
      policies: null,
      ledger: 'not-configured',
      unreadable: [],
    });
    expect(report.diagnosis.online).toBe(false);
    expect(fake.calls).toEqual(['describeCertificate']);
  });

  it('is never online when a part could not be read, and names the part with its code and remedy', async () => {
    const denied = new IotAccessDeniedError(
      { step: 'status' },
      'ListAttachedPolicies',
      parseAccessDenied('not authorized to perform iot:ListAttachedPolicies', 'iot:ListAttachedPolicies'),
    );
    const ledger = new FakeLedger();
    ledger.failing = { methods: ['get'], error: new Error('connect ECONNREFUSED') };
    const report = await certificateStatus(
      { iot: iot('ACTIVE', { fail: { listAttachedPolicies: denied } }), ledger },
      ID,
    );
    expect(report.diagnosis.online).toBe(false);
    expect(report.unreadable).toEqual([
      { part: 'ledger', code: 'UnexpectedError', message: 'connect ECONNREFUSED', remedy: null },
      {
        part: 'policies',
        code: 'AccessDenied',
        message:
          "ListAttachedPolicies was denied: the function's role may not perform iot:ListAttachedPolicies on *",
        remedy: denied.remedy,
      },
    ]);
  });

  it.each([
    { name: 'no policy', things: ['t'], policies: [], verdict: /no policy is attached/ },
    { name: 'no thing', things: [], policies: ['p'], verdict: /attached to no thing/ },
  ])('flags an ACTIVE certificate with $name', async ({ things, policies, verdict }) => {
    const report = await certificateStatus({ iot: iot('ACTIVE', { things, policies }), ledger: null }, ID);
    expect(report.diagnosis.online).toBe(false);
    expect(report.diagnosis.verdict).toMatch(verdict);
  });

  it('explains a rejected certificate with the code and remedy the handler recorded', async () => {
    const ledger = await ledgerWith({
      ...emptyRecord(ID, CA),
      outcome: 'rejected',
      reasonCode: 'CertificateExpired',
      certificateStatus: 'INACTIVE',
      lastError: {
        code: 'CertificateExpired',
        step: 'check-certificate',
        message: 'expired on 2026-01-01',
        remedy: 'Issue a new certificate.',
        at: '2026-06-01T00:00:00.000Z',
      },
    });
    const report = await certificateStatus(
      { iot: iot('INACTIVE', { things: [], policies: [] }), ledger },
      ID,
    );
    expect(report.diagnosis.verdict).toBe(
      'INACTIVE: the handler rejected it (CertificateExpired: expired on 2026-01-01)',
    );
    expect(report.diagnosis.next).toEqual(['Issue a new certificate.']);
  });
});
