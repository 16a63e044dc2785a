// The fast-path decision (claim ∥ DescribeCertificate) is a pure function of the event's two AWS
// timestamps, the window, the container's knowledge and the DescribeCertificate budget.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCertificateMemory } from '../../../lib/registration/certificate-memory.js';
import { decideFastPath, type FastPathFacts } from '../../../lib/registration/fast-path.js';

const REGISTERED = 1_552_061_705_277;

/** A first publication 8 ms after the registration (AWS's sample), everything free. */
function facts(overrides: Partial<FastPathFacts> = {}): FastPathFacts {
  return {
    timestamp: REGISTERED + 8,
    certificateRegistrationTimestamp: String(REGISTERED),
    windowMs: 250,
    knownInContainer: false,
    describeBudgetFree: true,
    ...overrides,
  };
}

describe('decideFastPath', () => {
  it.each([
    ['AWS sample: 8 ms after', {}, { path: 'fast' }],
    ['at the registration', { timestamp: REGISTERED }, { path: 'fast' }],
    ['exactly the window after', { timestamp: REGISTERED + 250 }, { path: 'fast' }],
    ['exactly the window before (clock skew)', { timestamp: REGISTERED - 250 }, { path: 'fast' }],
    [
      '1 ms past the window',
      { timestamp: REGISTERED + 251 },
      { path: 'claim-first', reason: 'republication' },
    ],
    [
      '1 ms before the window',
      { timestamp: REGISTERED - 251 },
      { path: 'claim-first', reason: 'republication' },
    ],
    [
      'a reconnect 1 s later',
      { timestamp: REGISTERED + 1000 },
      { path: 'claim-first', reason: 'republication' },
    ],
    [
      'window 0 (off), same ms',
      { timestamp: REGISTERED, windowMs: 0 },
      { path: 'claim-first', reason: 'window-off' },
    ],
    ['window negative', { windowMs: -1 }, { path: 'claim-first', reason: 'window-off' }],
    ['window NaN', { windowMs: Number.NaN }, { path: 'claim-first', reason: 'window-off' }],
    ['window 1000, 1000 ms after', { windowMs: 1000, timestamp: REGISTERED + 1000 }, { path: 'fast' }],
    [
      'null registration time',
      { certificateRegistrationTimestamp: null },
      { path: 'claim-first', reason: 'no-registration-time' },
    ],
    [
      'missing registration time',
      { certificateRegistrationTimestamp: undefined },
      { path: 'claim-first', reason: 'no-registration-time' },
    ],
    [
      'empty string',
      { certificateRegistrationTimestamp: '' },
      { path: 'claim-first', reason: 'no-registration-time' },
    ],
    [
      'garbage text',
      { certificateRegistrationTimestamp: 'yesterday' },
      { path: 'claim-first', reason: 'no-registration-time' },
    ],
    [
      'decimal text',
      { certificateRegistrationTimestamp: `${REGISTERED}.5` },
      { path: 'claim-first', reason: 'no-registration-time' },
    ],
    [
      'exponent text',
      { certificateRegistrationTimestamp: '1.5e12' },
      { path: 'claim-first', reason: 'no-registration-time' },
    ],
    [
      'negative text',
      { certificateRegistrationTimestamp: `-${REGISTERED}` },
      { path: 'claim-first', reason: 'no-registration-time' },
    ],
    [
      'padded text',
      { certificateRegistrationTimestamp: ` ${REGISTERED}` },
      { path: 'claim-first', reason: 'no-registration-time' },
    ],
    [
      '17 digits',
      { certificateRegistrationTimestamp: '12345678901234567' },
      { path: 'claim-first', reason: 'no-registration-time' },
    ],
    ['a number instead of text', { certificateRegistrationTimestamp: REGISTERED }, { path: 'fast' }],
    [
      'an object',
      { certificateRegistrationTimestamp: { ms: REGISTERED } },
      { path: 'claim-first', reason: 'no-registration-time' },
    ],
    ['timestamp as text', { timestamp: String(REGISTERED + 8) }, { path: 'fast' }],
    ['timestamp NaN', { timestamp: Number.NaN }, { path: 'claim-first', reason: 'no-registration-time' }],
    [
      'timestamp fractional',
      { timestamp: REGISTERED + 0.5 },
      { path: 'claim-first', reason: 'no-registration-time' },
    ],
    ['timestamp negative', { timestamp: -8 }, { path: 'claim-first', reason: 'no-registration-time' }],
    ['timestamp null', { timestamp: null }, { path: 'claim-first', reason: 'no-registration-time' }],
    [
      'known in the container',
      { knownInContainer: true },
      { path: 'claim-first', reason: 'known-in-container' },
    ],
    ['budget contended', { describeBudgetFree: false }, { path: 'claim-first', reason: 'quota-contended' }],
    [
      'republication while contended: the timestamps decide first',
      { timestamp: REGISTERED + 5000, describeBudgetFree: false },
      { path: 'claim-first', reason: 'republication' },
    ],
    [
      'known and contended',
      { knownInContainer: true, describeBudgetFree: false },
      { path: 'claim-first', reason: 'known-in-container' },
    ],
  ] as const)('%s', (_label, overrides, expected) => {
    expect(decideFastPath(facts(overrides as Partial<FastPathFacts>))).toEqual(expected);
  });

  it('never takes the fast path for an event published 1 s or more after the registration, whatever the window allows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 45 }),
        fc.integer({ min: 1000, max: 10 ** 9 }),
        fc.integer({ min: 0, max: 999 }),
        fc.boolean(),
        (registered, later, windowMs, before) => {
          const timestamp = before ? registered - later : registered + later;
          const decision = decideFastPath(
            facts({ timestamp, certificateRegistrationTimestamp: String(registered), windowMs }),
          );
          return decision.path === 'claim-first';
        },
      ),
    );
  });
});

describe('createCertificateMemory', () => {
  it('knows a certificate while it runs and after it settled, not after a failure', () => {
    const memory = createCertificateMemory();
    const id = 'A'.repeat(64);
    const before = memory.knows(id);
    memory.begin(id);
    const running = memory.knows(id.toLowerCase());
    memory.end(id, false);
    const afterFailure = memory.knows(id);
    memory.begin(id);
    memory.begin(id);
    memory.end(id, false);
    const oneStillRunning = memory.knows(id);
    memory.end(id, true);
    expect([before, running, afterFailure, oneStillRunning, memory.knows(id)]).toEqual([
      false,
      true,
      false,
      true,
      true,
    ]);
  });

  it('forgets the oldest settled certificates beyond its capacity', () => {
    const memory = createCertificateMemory(2);
    for (const id of ['a', 'b', 'c']) memory.settled(id);
    memory.settled('b'); // seen again: now the newest
    memory.settled('d');
    expect(['a', 'b', 'c', 'd'].map((id) => memory.knows(id))).toEqual([false, true, false, true]);
  });
});
