// The handler's ledger write: after the outcome (activation first), awaited, and never able to
// change the outcome.
import { describe, expect, it } from 'vitest';
import { canonicalSerialHex } from '../../../lib/ledger/record.js';
import { ledgerEntry, templateHash } from '../../../lib/registration/ledger-entry.js';
import { registerCertificate } from '../../../lib/registration/register-certificate.js';
import { emptyTrace } from '../../../lib/registration/result.js';
import { FakeLedger } from '../../helpers/fake-ledger.js';
import { createWorld, NOW, RICH_TEMPLATE, type World } from './world.js';

function setUp(): { w: World; ledger: FakeLedger; iotCallsAtWrite: string[][] } {
  const w = createWorld();
  const ledger = new FakeLedger();
  const iotCallsAtWrite: string[][] = [];
  const original = ledger.recordOutcome.bind(ledger);
  ledger.recordOutcome = async (record) => {
    iotCallsAtWrite.push([...w.fake.log]);
    await original(record);
  };
  w.deps.ledger = ledger;
  return { w, ledger, iotCallsAtWrite };
}

describe('registerCertificate with a ledger', () => {
  it('records the settled activation after the certificate is active: serial, thing, policies, template, CRL, times', async () => {
    // Prepare
    const { w, ledger, iotCallsAtWrite } = setUp();
    w.template.value = RICH_TEMPLATE;
    const { event, serialHex } = w.device('O=Acme,CN=dev-ledger-1');

    // Act
    const result = await registerCertificate(event, w.deps);

    // Assess
    expect(result.outcome).toBe('activated');
    expect(iotCallsAtWrite).toHaveLength(1);
    expect(iotCallsAtWrite[0]?.at(-1)).toBe('updateCertificateStatus');
    expect(ledger.records.get(event.certificateId)).toEqual({
      certificateId: event.certificateId,
      caCertificateId: event.caCertificateId,
      serial: serialHex,
      thingName: 'dev-ledger-1',
      policies: result.policies,
      outcome: 'activated',
      reasonCode: null,
      step: 'activate',
      attempts: 1,
      templateSource: 'bundled:default',
      templateHash: templateHash(RICH_TEMPLATE),
      crlNumber: '42',
      registeredAt: new Date(NOW.getTime() - 2000).toISOString(),
      settledAt: NOW.toISOString(),
      timeToActiveMs: 2000,
      certificateStatus: 'ACTIVE',
      source: 'handler',
      lastError: null,
      revokedBySweep: null,
    });
    expect(ledger.serials.get(`${event.caCertificateId}#${canonicalSerialHex(serialHex)}`)).toBe(
      event.certificateId,
    );
  });

  it('sends the ledger record together with the registration-state settle, and returns only after both', async () => {
    // Prepare: both writes wait on a gate, so the test sees what is in flight at once.
    const { w, ledger } = setUp();
    const { event } = w.device('CN=dev-ledger-together');
    const log: string[] = [];
    const gate = () => {
      let open = () => {};
      const opened = new Promise<void>((resolve) => {
        open = resolve;
      });
      return { opened, open: () => open() };
    };
    const settleGate = gate();
    const ledgerGate = gate();
    w.deps.state = {
      claim: async (request) => ({ kind: 'claimed', leaseUntil: request.now + request.leaseMs }),
      settle: async () => {
        log.push('settle sent');
        await settleGate.opened;
        log.push('settle done');
      },
      release: async () => {},
    };
    const record = ledger.recordOutcome.bind(ledger);
    ledger.recordOutcome = async (r) => {
      log.push('ledger sent');
      await ledgerGate.opened;
      await record(r);
      log.push('ledger done');
    };
    const tick = () => new Promise((resolve) => setImmediate(resolve));

    // Act
    let returned = false;
    const running = registerCertificate(event, w.deps).then((result) => {
      returned = true;
      return result;
    });
    for (let i = 0; i < 50 && log.length < 2; i++) await tick();
    const inFlight = [...log];
    settleGate.open();
    for (let i = 0; i < 5; i++) await tick();
    const returnedBeforeLedger = returned;
    ledgerGate.open();
    const result = await running;

    // Assess
    expect(inFlight.sort()).toEqual(['ledger sent', 'settle sent']);
    expect(returnedBeforeLedger).toBe(false);
    expect(result.outcome).toBe('activated');
    expect(log.slice(2)).toEqual(['settle done', 'ledger done']);
    expect(ledger.records.get(event.certificateId)?.outcome).toBe('activated');
  });

  it('keeps the outcome when the ledger write fails, and logs and counts it', async () => {
    const { w, ledger } = setUp();
    ledger.failing = { methods: ['recordOutcome'], error: new Error('connect ECONNREFUSED') };
    const { event } = w.device('CN=dev-ledger-2');

    const result = await registerCertificate(event, w.deps);

    expect(result.outcome).toBe('activated');
    expect(w.status(event.certificateId)).toBe('ACTIVE');
    expect(w.metrics.emitted).toContain('LedgerWriteFailed=1');
    expect(
      w.logger.lines.find((l) => l.message === 'ledger write failed; the outcome stands')?.extra,
    ).toEqual({
      ledgerError: { code: 'UnexpectedError', message: 'connect ECONNREFUSED' },
    });
  });

  it('records a revoked certificate with the CRL evidence as its last error', async () => {
    const { w, ledger } = setUp();
    const { event, serialHex } = w.device('CN=dev-ledger-3');
    w.crl.revoked.add(serialHex);

    const result = await registerCertificate(event, w.deps);

    expect(result.outcome).toBe('revoked');
    expect(ledger.records.get(event.certificateId)).toMatchObject({
      outcome: 'revoked',
      reasonCode: 'CertificateRevoked',
      step: 'crl',
      certificateStatus: 'REVOKED',
      timeToActiveMs: null,
      lastError: { code: 'CertificateRevoked', step: 'crl' },
    });
  });

  it('records a retried failure as the last error, counting attempts, without a settled outcome', async () => {
    const { w, ledger } = setUp();
    w.template.value = { ...RICH_TEMPLATE, Resources: { ...RICH_TEMPLATE.Resources } };
    w.caStatus.value = 'INACTIVE';
    const { event } = w.device('CN=dev-ledger-4');

    await expect(registerCertificate(event, w.deps)).rejects.toMatchObject({ code: 'CaNotActive' });
    await expect(registerCertificate(event, w.deps)).rejects.toMatchObject({ code: 'CaNotActive' });

    expect(ledger.records.get(event.certificateId)).toMatchObject({
      outcome: 'failed',
      attempts: 2,
      lastError: { code: 'CaNotActive', at: NOW.toISOString() },
    });
    expect(ledger.records.get(event.certificateId)?.lastError?.remedy).toMatch(/\S/);
  });

  it('writes nothing for a duplicate of an active certificate', async () => {
    const { w, ledger } = setUp();
    const { event } = w.device('CN=dev-ledger-5');
    await registerCertificate(event, w.deps);
    const before = structuredClone(ledger.records.get(event.certificateId));

    const duplicate = await registerCertificate(event, w.deps);

    expect(duplicate.outcome).toBe('already-active');
    expect(ledger.records.get(event.certificateId)).toEqual(before);
  });
});

describe('templateHash', () => {
  it('hashes the canonical JSON: key order and text vs object do not matter', () => {
    expect(templateHash({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe(
      templateHash('{"a":[1,{"c":3,"d":2}],"b":1}'),
    );
    expect(templateHash('not json')).toBeNull();
    expect(templateHash(undefined)).toBeNull();
  });
});

describe('ledgerEntry', () => {
  it('says nothing for an event that did not parse', () => {
    const trace = emptyTrace(0, 0);
    expect(ledgerEntry(trace, null, new Error('x'), NOW)).toBeNull();
  });
});
