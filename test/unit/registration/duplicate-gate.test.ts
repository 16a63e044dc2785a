// The use case's side of the registration-state table: what is claimed, settled, released,
// and that every store failure falls back (counted) instead of failing the registration.
import { describe, expect, it } from 'vitest';
import type { CountMetric, RegistrationMetrics } from '../../../lib/observability.js';
import { claim, conclude } from '../../../lib/registration/duplicate-gate.js';
import type { RegisteredEvent } from '../../../lib/registration/event.js';
import type { RegistrationResult } from '../../../lib/registration/result.js';
import type {
  ClaimRequest,
  ClaimResult,
  RegistrationStateStore,
  SettleRequest,
} from '../../../lib/registration-state/state-store.js';
import { isFinalOutcome } from '../../../lib/registration-state/state-store.js';

const event: RegisteredEvent = {
  certificateId: 'a'.repeat(64),
  caCertificateId: 'c'.repeat(64),
  timestamp: 2000,
  certificateStatus: 'PENDING_ACTIVATION',
  awsAccountId: '123456789012',
  certificateRegistrationTimestamp: '1500',
};
const delivery = { id: 'req-1', leaseMs: 35_000 };

function fakeStore(answer: ClaimResult | Error) {
  const calls: string[] = [];
  const store: RegistrationStateStore = {
    async claim(request: ClaimRequest) {
      calls.push(`claim ${request.owner} ${request.now} ${request.leaseMs} ${request.registeredAt}`);
      if (answer instanceof Error) throw answer;
      return answer;
    },
    async settle(request: SettleRequest) {
      calls.push(`settle ${request.outcome} ${request.code}`);
      if (answer instanceof Error) throw answer;
    },
    async release(certificateId: string, owner: string) {
      calls.push(`release ${certificateId.slice(0, 4)} ${owner}`);
      if (answer instanceof Error) throw answer;
    },
  };
  return { store, calls };
}

function deps(state: RegistrationStateStore) {
  const counted: CountMetric[] = [];
  const metrics: RegistrationMetrics = {
    count: (name) => counted.push(name),
    countWithReason: () => undefined,
    milliseconds: () => undefined,
  };
  const logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  };
  return { state, clock: () => new Date(10_000), logger, metrics, counted };
}

const outcome = (
  name: RegistrationResult['outcome'],
  certificateStatus: string | null,
): RegistrationResult => ({
  outcome: name,
  certificateId: event.certificateId,
  caCertificateId: event.caCertificateId,
  certificateStatus,
  thingName: null,
  policies: [],
  code: null,
});

describe('duplicate gate', () => {
  it('claims with the delivery id, its lease and the registration time', async () => {
    const { store, calls } = fakeStore({ kind: 'claimed', leaseUntil: 45_000 });
    expect(await claim(event, delivery, deps(store))).toEqual({ kind: 'proceed', claimed: true });
    expect(calls).toEqual(['claim req-1 10000 35000 1500']);
  });

  it('stops a duplicate that finds a settled outcome or a live lease', async () => {
    const settled = fakeStore({
      kind: 'settled',
      outcome: 'rejected',
      code: 'CertificateExpired',
      settledAt: 1,
    });
    expect(await claim(event, delivery, deps(settled.store))).toEqual({
      kind: 'duplicate',
      reason: 'settled',
      outcome: 'rejected',
      code: 'CertificateExpired',
    });
    const leased = fakeStore({ kind: 'leased', owner: 'req-0', leaseUntil: 20_000 });
    expect(await claim(event, delivery, deps(leased.store))).toEqual({
      kind: 'duplicate',
      reason: 'in-progress',
      outcome: null,
      code: null,
    });
  });

  it('proceeds without the table, counting RegistrationStateUnavailable, when the store fails', async () => {
    const { store } = fakeStore(new Error('ProvisionedThroughputExceededException'));
    const d = deps(store);
    expect(await claim(event, delivery, d)).toEqual({ kind: 'proceed', claimed: false });
    await conclude(event, delivery, false, outcome('activated', 'ACTIVE'), d);
    expect(d.counted).toEqual(['RegistrationStateUnavailable', 'RegistrationStateUnavailable']);
  });

  it('settles final outcomes and releases the lease after a failure or a dropped event', async () => {
    const { store, calls } = fakeStore({ kind: 'claimed', leaseUntil: 1 });
    const d = deps(store);
    await conclude(event, delivery, true, outcome('activated', 'ACTIVE'), d);
    await conclude(event, delivery, true, null, d);
    await conclude(event, delivery, true, outcome('dropped', 'PENDING_ACTIVATION'), d);
    await conclude(event, delivery, false, null, d);
    expect(calls).toEqual(['settle activated null', 'release aaaa req-1', 'release aaaa req-1']);
    expect(d.counted).toEqual([]);
  });

  it.each([
    ['activated', 'ACTIVE', true],
    ['provisioned-inactive', 'INACTIVE', true],
    ['already-active', 'ACTIVE', true],
    ['skipped', 'REVOKED', true],
    ['revoked', 'REVOKED', true],
    ['rejected', 'INACTIVE', true],
    ['rejected', 'PENDING_ACTIVATION', false],
    ['dropped', 'PENDING_ACTIVATION', false],
    ['dropped', null, false],
    ['duplicate', null, false],
  ])('treats %s (certificate %s) as final: %s', (name, status, final) => {
    expect(isFinalOutcome(name, status)).toBe(final);
  });
});
