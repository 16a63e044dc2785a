import { describe, expect, it } from 'vitest';
import { buildCrl } from '../../../lib/pki/index.js';
import { CertificateNotFoundError } from '../../../lib/provisioning/errors.js';
import { type SweepDeps, type SweepMetric, sweepCa } from '../../../lib/revocation/sweep.js';
import { activatedRecord, FakeLedger } from '../../helpers/fake-ledger.js';
import { ecCa, impostorEcCa, NOW } from '../../helpers/pki-fixtures.js';
import { CA_ID, crl, FakeCrlObjects, FakeIot, REVOKED_AT, revoked } from '../../helpers/sweep-fakes.js';
import { FakeClock } from '../operations/fakes.js';

/** 20 active devices with serials 01..14 (hex) in the ledger. */
function world() {
  const ledger = new FakeLedger();
  const ids: string[] = [];
  for (let i = 1; i <= 20; i++) {
    const id = i.toString(16).padStart(2, '0').repeat(32);
    ids.push(id);
    void ledger.recordOutcome(activatedRecord(id, CA_ID, i.toString(16).padStart(2, '0')));
  }
  const iot = new FakeIot(ecCa());
  const crls = new FakeCrlObjects();
  const clock = new FakeClock();
  clock.current = NOW.getTime();
  const metrics: SweepMetric[] = [];
  const logs: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const log =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]) =>
      logs.push({ level, message, fields: Object.assign({}, ...extra) });
  const deps: SweepDeps = {
    iot,
    crls,
    ledger,
    clock,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    metrics: { count: (name, value = 1) => metrics.push(...Array<SweepMetric>(value).fill(name)) },
    config: { maxStalenessSeconds: 3600, updatesPerSecond: 5 },
  };
  return { ledger, ids, iot, crls, clock, metrics, logs, deps };
}

describe('sweepCa', () => {
  it('revokes exactly the ACTIVE certificates a newer CRL lists, at the configured rate, and records why', async () => {
    // Prepare
    const w = world();
    w.crls.put(crl([], 1));
    await sweepCa(w.deps, { caCertificateId: CA_ID, dryRun: false });
    w.crls.put(
      crl([revoked('03', 'keyCompromise'), revoked('07'), revoked('0c', 'superseded'), revoked('ff')], 2),
    );
    const sleepsBefore = w.clock.sleeps.length;

    // Act
    const report = await sweepCa(w.deps, { caCertificateId: CA_ID, dryRun: false });

    // Assess
    expect(report).toMatchObject({
      result: 'swept',
      crlNumber: '2',
      lastSweptCrlNumber: '1',
      diffBaseCrlNumber: '1',
      newlyRevoked: 4,
      inLedger: 3,
      revokedActive: 3,
      revoked: 3,
      failures: [],
      refusal: null,
    });
    expect(w.iot.updates.sort()).toEqual([
      [w.ids[2], 'REVOKED'],
      [w.ids[6], 'REVOKED'],
      [w.ids[11], 'REVOKED'],
    ]);
    expect(w.ledger.records.get(w.ids[2] as string)?.revokedBySweep).toEqual({
      crlNumber: '2',
      at: NOW.toISOString(),
      status: 'REVOKED',
      reason: 'keyCompromise',
      revocationDate: REVOKED_AT.toISOString(),
    });
    expect([...w.ledger.records.values()].filter((r) => r.certificateStatus === 'ACTIVE')).toHaveLength(17);
    expect(w.metrics.filter((m) => m === 'CertificateRevokedBySweep')).toHaveLength(3);
    // 5 per second: three updates are two 200 ms gaps apart.
    expect(w.clock.sleeps.slice(sleepsBefore)).toEqual([200, 200]);
    expect(w.ledger.states.get(CA_ID)?.lastSweptCrlNumber).toBe('2');
    expect(w.logs.filter((l) => l.message === 'revocation sweep summary')).toHaveLength(2);
  });

  it('changes nothing for the same CRL again, without an alarm', async () => {
    const w = world();
    const bytes = crl([revoked('03')], 5);
    w.crls.put(bytes);
    await sweepCa(w.deps, { caCertificateId: CA_ID, dryRun: false });
    w.crls.put(bytes);
    const reads = w.ledger.reads.length;

    const report = await sweepCa(w.deps, { caCertificateId: CA_ID, dryRun: false });

    expect(report.result).toBe('already-swept');
    expect(w.iot.updates).toHaveLength(1);
    expect(w.ledger.reads).toHaveLength(reads);
    expect(w.metrics).not.toContain('RevocationSweepRefused');
  });

  it.each([
    { name: 'an older CRL number', bytes: () => crl([revoked('04')], 4), code: 'CrlNotNewer' },
    { name: 'the same number with other content', bytes: () => crl([revoked('04')], 5), code: 'CrlNotNewer' },
    {
      name: 'a forged CRL (another key, same CA name)',
      bytes: () => crl([revoked('04')], 9, impostorEcCa()),
      code: 'CrlIssuerMismatch',
    },
    { name: 'a CRL without a number', bytes: () => crl([revoked('04')], null), code: 'CrlNumberMissing' },
    { name: 'bytes that are no CRL', bytes: () => Buffer.from('not a crl'), code: 'CrlMalformed' },
  ])('refuses $name: nothing changes and the alarm metric is emitted', async ({ bytes, code }) => {
    // Prepare
    const w = world();
    w.crls.put(crl([revoked('03')], 5));
    await sweepCa(w.deps, { caCertificateId: CA_ID, dryRun: false });
    const state = structuredClone(w.ledger.states.get(CA_ID));
    w.crls.put(bytes());

    // Act
    const report = await sweepCa(w.deps, { caCertificateId: CA_ID, dryRun: false });

    // Assess
    expect(report.result).toBe('refused');
    expect(report.refusal?.code).toBe(code);
    expect(report.refusal?.remedy).toMatch(/\S/);
    expect(w.iot.updates).toEqual([[w.ids[2], 'REVOKED']]);
    expect(w.ledger.states.get(CA_ID)).toEqual(state);
    expect(w.metrics.filter((m) => m === 'RevocationSweepRefused')).toHaveLength(1);
    expect(w.logs.at(-1)).toMatchObject({ level: 'error', message: 'revocation sweep summary' });
  });

  it('refuses a stale CRL as the handler does', async () => {
    const w = world();
    w.crls.put(
      buildCrl({
        ca: ecCa(),
        entries: [revoked('03')],
        thisUpdate: new Date(NOW.getTime() - 9 * 86_400_000),
        nextUpdate: new Date(NOW.getTime() - 2 * 86_400_000),
        crlNumber: 3,
      }),
    );
    const report = await sweepCa(w.deps, { caCertificateId: CA_ID, dryRun: false });
    expect(report.refusal?.code).toBe('CrlStale');
    expect(w.iot.updates).toEqual([]);
  });

  it('takes every serial as a candidate on the first sweep and when no earlier CRL can be read', async () => {
    const w = world();
    w.crls.put(crl([revoked('01'), revoked('02')], 1));
    const first = await sweepCa(w.deps, { caCertificateId: CA_ID, dryRun: false });
    expect(first).toMatchObject({ diffBaseCrlNumber: null, newlyRevoked: 2, revoked: 2 });

    // An unversioned bucket: the swept object was overwritten and cannot be read again.
    w.crls.versions.clear();
    w.crls.put(crl([revoked('01'), revoked('02'), revoked('05')], 2));
    const second = await sweepCa(w.deps, { caCertificateId: CA_ID, dryRun: false });
    // 01 and 02 are looked up again but the ledger shows them revoked by a sweep: no update.
    expect(second).toMatchObject({
      diffBaseCrlNumber: null,
      newlyRevoked: 3,
      inLedger: 3,
      revokedActive: 1,
      revoked: 1,
    });
    expect(w.iot.updates.map(([id]) => id)).toEqual([w.ids[0], w.ids[1], w.ids[4]]);
  });

  it('diffs against the CRL swept before the last one, so a device activated meanwhile is still found', async () => {
    // Prepare: CRL 1 (empty) and CRL 2 (revokes 09) are swept while 09 is not in the ledger yet.
    const w = world();
    const late = w.ids[8] as string;
    const record = w.ledger.records.get(late);
    w.ledger.records.delete(late);
    w.ledger.serials.delete(`${CA_ID}#09`);
    w.crls.put(crl([], 1));
    await sweepCa(w.deps, { caCertificateId: CA_ID, dryRun: false });
    w.crls.put(crl([revoked('09')], 2));
    await sweepCa(w.deps, { caCertificateId: CA_ID, dryRun: false });
    // The handler, still on a cached CRL 1, activates 09 and writes its record after sweep 2.
    if (record !== undefined) await w.ledger.recordOutcome(record);
    w.crls.put(crl([revoked('09'), revoked('0a')], 3));

    // Act
    const report = await sweepCa(w.deps, { caCertificateId: CA_ID, dryRun: false });

    // Assess
    expect(report).toMatchObject({ diffBaseCrlNumber: '1', newlyRevoked: 2, revoked: 2 });
    expect(w.iot.updates.map(([id]) => id).sort()).toEqual([late, w.ids[9]].sort());
  });

  it('sets a certificate on hold INACTIVE, not REVOKED', async () => {
    const w = world();
    w.crls.put(crl([revoked('04', 'certificateHold')], 1));
    await sweepCa(w.deps, { caCertificateId: CA_ID, dryRun: false });
    expect(w.iot.updates).toEqual([[w.ids[3], 'INACTIVE']]);
    expect(w.ledger.records.get(w.ids[3] as string)?.revokedBySweep?.status).toBe('INACTIVE');
  });

  it('reports what it would do in a dry run and changes nothing', async () => {
    const w = world();
    w.crls.put(crl([revoked('03'), revoked('04')], 1));
    const report = await sweepCa(w.deps, { caCertificateId: CA_ID, dryRun: true });
    expect(report).toMatchObject({ result: 'dry-run', revokedActive: 2, revoked: 0 });
    expect(w.iot.updates).toEqual([]);
    expect(w.ledger.states.size).toBe(0);
  });

  it('saves nothing when a certificate fails, so the next run takes it again and skips the others', async () => {
    // Prepare
    const w = world();
    const gone = new CertificateNotFoundError({ step: 'sweep' }, w.ids[4] as string);
    w.iot.failFor.set(w.ids[4] as string, gone);
    w.crls.put(crl([revoked('03'), revoked('05')], 1));

    // Act
    const first = await sweepCa(w.deps, { caCertificateId: CA_ID, dryRun: false });
    w.iot.failFor.clear();
    const second = await sweepCa(w.deps, { caCertificateId: CA_ID, dryRun: false });

    // Assess
    expect(first).toMatchObject({ result: 'incomplete', revoked: 1 });
    expect(first.failures).toEqual([
      {
        certificateId: w.ids[4],
        code: 'CertificateNotFound',
        message: `certificate ${w.ids[4]} does not exist`,
      },
    ]);
    expect(w.metrics).toContain('RevocationSweepFailed');
    expect(second).toMatchObject({ result: 'swept', revokedActive: 1, revoked: 1 });
    expect(w.iot.updates.map(([id]) => id)).toEqual([w.ids[2], w.ids[4]]);
  });

  it('stops between certificates when aborted and saves nothing', async () => {
    const w = world();
    w.crls.put(crl([revoked('03'), revoked('04'), revoked('05')], 1));
    const controller = new AbortController();
    const report = await sweepCa(w.deps, {
      caCertificateId: CA_ID,
      dryRun: false,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.revoked === 1) controller.abort();
      },
    });
    expect(report.result).toBe('interrupted');
    expect(w.iot.updates.length).toBeLessThan(3);
    expect(w.ledger.states.size).toBe(0);
  });

  it('does nothing when the CA has no CRL object', async () => {
    const w = world();
    const report = await sweepCa(w.deps, { caCertificateId: CA_ID, dryRun: false });
    expect(report.result).toBe('no-crl');
    expect(w.iot.updates).toEqual([]);
  });
});
