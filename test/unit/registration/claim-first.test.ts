// The registration-state claim and DescribeCertificate: a republication (a device reconnecting
// while pending, >= 1 s after its registration), an event without a registration time, and any
// event while this container's DescribeCertificate budget is contended or while it knows the
// certificate claims first and stops on a settled item or a live lease without any IoT call. A
// first publication (within FIRST_PUBLICATION_WINDOW_MS of the registration) sends its
// DescribeCertificate with the claim; an exact copy of it that the claim stops costs that one
// DescribeCertificate and nothing else (counted as SpeculativeDescribeWasted).
import { describe, expect, it } from 'vitest';
import { createCertificateMemory } from '../../../lib/registration/certificate-memory.js';
import type { RegisteredEvent } from '../../../lib/registration/event.js';
import { registerCertificate } from '../../../lib/registration/register-certificate.js';
import type {
  ClaimRequest,
  ClaimResult,
  RegistrationStateStore,
  SettleRequest,
} from '../../../lib/registration-state/state-store.js';
import { expectJitrError } from '../../helpers/expect-jitr-error.js';
import { unavailable } from '../../helpers/fake-iot-registry.js';
import { createWorld, type World } from './world.js';

/** A registration-state store whose claim answers what the test says, when the test says. */
class ScriptedStore implements RegistrationStateStore {
  readonly calls: string[] = [];
  /** What the IoT fake had been sent when the claim arrived, and when it was answered. */
  readonly iotAtClaim: string[][] = [];
  answer: ClaimResult | Error = { kind: 'claimed', leaseUntil: Number.MAX_SAFE_INTEGER };
  readonly #held: (() => void)[] = [];
  /** Holds every claim until `letGo()`. */
  hold = false;

  constructor(private readonly iotLog: string[]) {}

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    this.calls.push(`claim ${request.registeredAt}`);
    this.iotAtClaim.push([...this.iotLog]);
    if (this.hold) await new Promise<void>((resolve) => this.#held.push(resolve));
    this.iotAtClaim.push([...this.iotLog]);
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
  async settle(request: SettleRequest): Promise<void> {
    this.calls.push(`settle ${request.outcome}`);
  }
  async release(): Promise<void> {
    this.calls.push('release');
  }
  /** Answers the claim held last. */
  letGo(): void {
    this.#held.pop()?.();
  }
}

function setUp(windowMs?: number): { w: World; store: ScriptedStore } {
  const w = createWorld();
  const store = new ScriptedStore(w.fake.log);
  w.deps.state = store;
  w.deps.memory = createCertificateMemory();
  if (windowMs !== undefined) {
    w.deps.config = {
      ...w.deps.config,
      registrationState: { tableName: 't', firstPublicationWindowMs: windowMs },
    };
  }
  return { w, store };
}

/** The device's event as AWS publishes it the first time (8 ms apart, as observed). */
function firstPublication(event: RegisteredEvent): RegisteredEvent {
  return { ...event, timestamp: Number(event.certificateRegistrationTimestamp) + 8 };
}

/** Runs the event while the claim is held; returns the IoT calls sent before the claim answered. */
async function sentWhileClaiming(
  w: World,
  store: ScriptedStore,
  event: RegisteredEvent,
): Promise<{ sent: string[]; result: Awaited<ReturnType<typeof registerCertificate>> }> {
  store.hold = true;
  const running = registerCertificate(event, w.deps);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const sent = [...w.fake.log];
  store.letGo();
  return { sent, result: await running };
}

describe('registerCertificate with the registration-state table: claim first', () => {
  it('claims a republication first and stops on a settled item without any IoT call', async () => {
    // Prepare
    const { w, store } = setUp();
    const { event } = w.device('CN=again-1'); // timestamp 1 s after the registration
    store.answer = { kind: 'settled', outcome: 'activated', code: null, settledAt: 1 };
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect(result.outcome).toBe('duplicate');
    expect(w.fake.log).toEqual([]);
    expect(store.iotAtClaim).toEqual([[], []]);
    expect(w.metrics.emitted).toEqual(['DuplicateSuppressed=1', 'IotApiCalls=0']);
    expect(w.logger.summary().extra.iotApiCalls).toBe(0);
    expect(w.logger.summary().extra.claimPath).toEqual({ path: 'claim-first', reason: 'republication' });
  });

  it('stops a republication on another delivery’s live lease without any IoT call', async () => {
    // Prepare
    const { w, store } = setUp();
    const { event } = w.device('CN=again-2');
    store.answer = { kind: 'leased', owner: 'other-request', leaseUntil: Number.MAX_SAFE_INTEGER };
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect(result.outcome).toBe('duplicate');
    expect(w.fake.log).toEqual([]);
    expect(store.calls).toEqual([`claim ${event.certificateRegistrationTimestamp}`]);
  });

  it('claims a republication 251 ms after the registration first, then sends the reads', async () => {
    // Prepare
    const { w, store } = setUp();
    const { event } = w.device('CN=again-3');
    const late = { ...event, timestamp: Number(event.certificateRegistrationTimestamp) + 251 };
    // Act
    const { sent, result } = await sentWhileClaiming(w, store, late);
    // Assess
    expect([sent, result.outcome]).toEqual([[], 'activated']);
    expect(store.calls).toEqual([`claim ${event.certificateRegistrationTimestamp}`, 'settle activated']);
    expect(w.fake.log.slice(0, 2)).toEqual(['describeCertificate', 'describeCaCertificate']);
  });

  it('claims first when AWS sent no registration time', async () => {
    // Prepare
    const { w, store } = setUp();
    const event = { ...w.device('CN=nulltime-1').event, certificateRegistrationTimestamp: null };
    store.answer = { kind: 'settled', outcome: 'activated', code: null, settledAt: 1 };
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect(result.outcome).toBe('duplicate');
    expect(w.fake.log).toEqual([]);
    expect(w.logger.summary().extra.claimPath).toEqual({
      path: 'claim-first',
      reason: 'no-registration-time',
    });
  });

  it('claims a first publication first when FIRST_PUBLICATION_WINDOW_MS is 0', async () => {
    // Prepare
    const { w, store } = setUp(0);
    const event = firstPublication(w.device('CN=off-1').event);
    // Act
    const { sent, result } = await sentWhileClaiming(w, store, event);
    // Assess
    expect([sent, result.outcome]).toEqual([[], 'activated']);
    expect(w.logger.summary().extra.claimPath).toEqual({ path: 'claim-first', reason: 'window-off' });
  });

  it('claims a first publication first while the DescribeCertificate budget is contended (a burst)', async () => {
    // Prepare
    const { w, store } = setUp();
    const event = firstPublication(w.device('CN=busy-1').event);
    w.fake.busy.add('DescribeCertificate');
    store.answer = { kind: 'settled', outcome: 'activated', code: null, settledAt: 1 };
    // Act
    const { sent, result } = await sentWhileClaiming(w, store, event);
    // Assess
    expect([sent, result.outcome, w.fake.log]).toEqual([[], 'duplicate', []]);
    expect(w.logger.summary().extra.claimPath).toEqual({ path: 'claim-first', reason: 'quota-contended' });
  });

  it('claims a copy of the first publication first in the container that settled it: no IoT call', async () => {
    // Prepare: the first copy ran here and activated the certificate.
    const { w, store } = setUp();
    const event = firstPublication(w.device('CN=known-1').event);
    expect((await registerCertificate(event, w.deps)).outcome).toBe('activated');
    const callsAfterFirst = w.fake.log.length;
    store.answer = { kind: 'settled', outcome: 'activated', code: null, settledAt: 1 };
    // Act
    const second = await registerCertificate(event, w.deps);
    // Assess
    expect([second.outcome, w.fake.log.length - callsAfterFirst]).toEqual(['duplicate', 0]);
    expect(w.logger.summary().extra.claimPath).toEqual({ path: 'claim-first', reason: 'known-in-container' });
  });

  it('claims a copy first while this container is registering the certificate', async () => {
    // Prepare: the first copy holds its claim; a second copy arrives in the same container.
    const { w, store } = setUp();
    const event = firstPublication(w.device('CN=known-2').event);
    store.hold = true;
    const first = registerCertificate(event, w.deps);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Act
    const second = registerCertificate(event, w.deps);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const sent = [...w.fake.log];
    store.answer = { kind: 'leased', owner: 'first', leaseUntil: Number.MAX_SAFE_INTEGER };
    store.letGo(); // answers the second claim (the first stays held until the test lets it go)
    const secondResult = await second;
    const sentBySecond = w.fake.log.length - sent.length;
    store.answer = { kind: 'claimed', leaseUntil: Number.MAX_SAFE_INTEGER };
    store.letGo();
    // Assess: only the first copy's speculative DescribeCertificate went out.
    expect([sent, secondResult.outcome, sentBySecond]).toEqual([['describeCertificate'], 'duplicate', 0]);
    expect((await first).outcome).toBe('activated');
  });

  it('remembers a certificate the table said is settled, not one another delivery holds', async () => {
    // Prepare: two republications stopped by the claim, one on a settled item, one on a lease.
    const { w, store } = setUp();
    const settled = w.device('CN=remember-1').event;
    const leased = w.device('CN=remember-2').event;
    store.answer = { kind: 'settled', outcome: 'activated', code: null, settledAt: 1 };
    await registerCertificate(settled, w.deps);
    store.answer = { kind: 'leased', owner: 'other-request', leaseUntil: Number.MAX_SAFE_INTEGER };
    await registerCertificate(leased, w.deps);
    store.answer = { kind: 'settled', outcome: 'activated', code: null, settledAt: 1 };
    // Act: a copy of the settled certificate's first publication arrives later.
    const copy = await registerCertificate(firstPublication(settled), w.deps);
    // Assess
    expect([w.deps.memory?.knows(settled.certificateId), w.deps.memory?.knows(leased.certificateId)]).toEqual(
      [true, false],
    );
    expect([copy.outcome, w.fake.log]).toEqual(['duplicate', []]);
    expect(w.logger.summary().extra.claimPath).toEqual({ path: 'claim-first', reason: 'known-in-container' });
  });
});

describe('registerCertificate with the registration-state table: a first publication', () => {
  it('sends DescribeCertificate with the claim; the CA read (cold) waits for the claim', async () => {
    // Prepare
    const { w, store } = setUp();
    const event = firstPublication(w.device('CN=first-1').event);
    // Act
    const { sent, result } = await sentWhileClaiming(w, store, event);
    // Assess
    expect([sent, result.outcome]).toEqual([['describeCertificate'], 'activated']);
    expect(store.calls).toEqual([`claim ${event.certificateRegistrationTimestamp}`, 'settle activated']);
    expect(w.fake.log.slice(0, 2)).toEqual(['describeCertificate', 'describeCaCertificate']);
    expect(w.logger.summary().extra.claimPath).toEqual({ path: 'fast' });
    expect(w.metrics.emitted).not.toContain('SpeculativeDescribeWasted=1');
  });

  it('sends the CA, CRL and template reads with the claim in a warm container', async () => {
    // Prepare: the CA is cached from an earlier device; the template source says it calls no IoT.
    const { w, store } = setUp();
    await registerCertificate(firstPublication(w.device('CN=warm-0').event), w.deps);
    const source = w.deps.templates;
    let templateReads = 0;
    w.deps.templates = {
      forCa: (caCertificateId) => {
        templateReads += 1;
        return source.forCa(caCertificateId);
      },
      callsIot: () => false,
    };
    const crlBefore = w.crl.calls;
    const logBefore = w.fake.log.length;
    const event = firstPublication(w.device('CN=warm-1').event);
    // Act
    store.hold = true;
    const running = registerCertificate(event, w.deps);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const whileClaiming = { iot: w.fake.log.slice(logBefore), crl: w.crl.calls - crlBefore, templateReads };
    store.letGo();
    // Assess
    expect(whileClaiming).toEqual({ iot: ['describeCertificate'], crl: 1, templateReads: 1 });
    expect((await running).outcome).toBe('activated');
  });

  it('an exact copy that finds the outcome settled costs its one DescribeCertificate and nothing else', async () => {
    // Prepare: e.g. Lambda delivered the first publication twice and the other copy settled it.
    const { w, store } = setUp();
    const event = firstPublication(w.device('CN=first-2').event);
    store.answer = { kind: 'settled', outcome: 'activated', code: null, settledAt: 1 };
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect(result.outcome).toBe('duplicate');
    expect(w.fake.log).toEqual(['describeCertificate']);
    expect(store.calls).toEqual([`claim ${event.certificateRegistrationTimestamp}`]);
    expect(w.metrics.emitted).toEqual([
      'DuplicateSuppressed=1',
      'SpeculativeDescribeWasted=1',
      'IotApiCalls=1',
    ]);
  });

  it('an exact copy that finds another delivery’s lease costs its one DescribeCertificate and nothing else', async () => {
    // Prepare
    const { w, store } = setUp();
    const event = firstPublication(w.device('CN=first-3').event);
    store.answer = { kind: 'leased', owner: 'other-request', leaseUntil: Number.MAX_SAFE_INTEGER };
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect([result.outcome, w.fake.log, store.calls]).toEqual([
      'duplicate',
      ['describeCertificate'],
      [`claim ${event.certificateRegistrationTimestamp}`],
    ]);
    expect(w.metrics.emitted).toEqual([
      'DuplicateSuppressed=1',
      'SpeculativeDescribeWasted=1',
      'IotApiCalls=1',
    ]);
  });

  it('fails an event whose DescribeCertificate failed, and releases its claim', async () => {
    // Prepare
    const { w, store } = setUp();
    const event = firstPublication(w.device('CN=first-4').event);
    w.fake.failOn('describeCertificate', unavailable('describeCertificate'));
    // Act
    const error = await expectJitrError(registerCertificate(event, w.deps));
    // Assess
    expect([error.code, error.disposition]).toEqual(['AwsUnavailable', 'transient']);
    expect(store.calls).toEqual([`claim ${event.certificateRegistrationTimestamp}`, 'release']);
    expect(w.fake.log).toEqual(['describeCertificate', 'describeCaCertificate']);
  });

  it('runs without the table when DynamoDB fails, and counts it', async () => {
    // Prepare
    const { w, store } = setUp();
    const event = firstPublication(w.device('CN=first-5').event);
    store.answer = new Error('DynamoDB is down');
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect(result.outcome).toBe('activated');
    expect(w.status(event.certificateId)).toBe('ACTIVE');
    expect(w.metrics.emitted.filter((m) => m.startsWith('RegistrationStateUnavailable'))).toEqual([
      'RegistrationStateUnavailable=1',
    ]);
  });
});

describe('registerCertificate reads', () => {
  it('sends the CA, CRL and template reads with DescribeCertificate, before its answer', async () => {
    // Prepare: a cold container; DescribeCertificate answers only when the test lets it.
    const w = createWorld();
    const { event } = w.device('CN=reads-1');
    let templateReads = 0;
    const source = w.deps.templates;
    w.deps.templates = {
      forCa: (caCertificateId) => {
        templateReads += 1;
        return source.forCa(caCertificateId);
      },
    };
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const describe = w.fake.describeCertificate.bind(w.fake);
    w.fake.describeCertificate = async (certificateId: string) => {
      const description = describe(certificateId);
      await answered;
      return description;
    };
    // Act
    const running = registerCertificate(event, w.deps);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const beforeAnswer = { iot: [...w.fake.log], crl: w.crl.calls, templates: templateReads };
    answer();
    const result = await running;
    // Assess
    expect(beforeAnswer).toEqual({
      iot: ['describeCertificate', 'describeCaCertificate'],
      crl: 1,
      templates: 1,
    });
    expect(result.outcome).toBe('activated');
    expect([w.crl.calls, templateReads]).toEqual([1, 1]);
  });
});
