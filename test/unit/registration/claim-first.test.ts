// The registration-state claim goes out before any IoT call: a duplicate (a republication
// while the device reconnects, or Lambda delivering the same event again) that finds the
// certificate settled or leased stops without any IoT call; the reads follow the claim, all
// at once.
import { describe, expect, it } from 'vitest';
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
  #release: (() => void) | null = null;
  /** Holds every claim until `letGo()`. */
  hold = false;

  constructor(private readonly iotLog: string[]) {}

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    this.calls.push(`claim ${request.registeredAt}`);
    this.iotAtClaim.push([...this.iotLog]);
    if (this.hold) await new Promise<void>((resolve) => (this.#release = resolve));
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
  letGo(): void {
    this.#release?.();
  }
}

function setUp(): { w: World; store: ScriptedStore } {
  const w = createWorld();
  const store = new ScriptedStore(w.fake.log);
  w.deps.state = store;
  return { w, store };
}

/** The device's event as AWS publishes it the first time (8 ms apart, as observed). */
function firstPublication(event: RegisteredEvent): RegisteredEvent {
  return { ...event, timestamp: Number(event.certificateRegistrationTimestamp) + 8 };
}

describe('registerCertificate with the registration-state table', () => {
  it('claims before any IoT call, then sends the reads', async () => {
    // Prepare
    const { w, store } = setUp();
    const event = firstPublication(w.device('CN=first-1').event);
    store.hold = true;
    // Act
    const running = registerCertificate(event, w.deps);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const sentWhileClaiming = [...w.fake.log];
    store.letGo();
    const result = await running;
    // Assess
    expect(sentWhileClaiming).toEqual([]);
    expect(result.outcome).toBe('activated');
    expect(store.calls).toEqual([`claim ${event.certificateRegistrationTimestamp}`, 'settle activated']);
    expect(w.fake.log.slice(0, 2)).toEqual(['describeCertificate', 'describeCaCertificate']);
  });

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
  });

  it('stops a second copy of the first publication on a settled item without any IoT call', async () => {
    // Prepare: e.g. Lambda delivered the first publication twice and the other copy settled it.
    const { w, store } = setUp();
    const event = firstPublication(w.device('CN=first-2').event);
    store.answer = { kind: 'settled', outcome: 'activated', code: null, settledAt: 1 };
    // Act
    const result = await registerCertificate(event, w.deps);
    // Assess
    expect(result.outcome).toBe('duplicate');
    expect(w.fake.log).toEqual([]);
    expect(w.metrics.emitted).toEqual(['DuplicateSuppressed=1', 'IotApiCalls=0']);
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
