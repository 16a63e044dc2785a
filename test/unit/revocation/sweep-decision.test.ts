import { describe, expect, it } from 'vitest';
import { decideSweep, sweepStatusFor, sweepUpdateRate } from '../../../lib/revocation/sweep-decision.js';

const state = { lastSweptCrlNumber: '7', lastSweptCrlSha256: 'aa' };

describe('decideSweep', () => {
  it.each([
    {
      name: 'first sweep',
      crl: { crlNumber: '1', sha256: 'bb' },
      state: null,
      want: { kind: 'sweep', first: true },
    },
    {
      name: 'newer number',
      crl: { crlNumber: '8', sha256: 'bb' },
      state,
      want: { kind: 'sweep', first: false },
    },
    {
      name: 'the same object again',
      crl: { crlNumber: '7', sha256: 'aa' },
      state,
      want: { kind: 'already-swept' },
    },
    {
      name: 'same number, other bytes',
      crl: { crlNumber: '7', sha256: 'bb' },
      state,
      want: { kind: 'not-newer', crlNumber: '7', lastSweptCrlNumber: '7' },
    },
    {
      name: 'older number',
      crl: { crlNumber: '6', sha256: 'aa' },
      state,
      want: { kind: 'not-newer', crlNumber: '6', lastSweptCrlNumber: '7' },
    },
    { name: 'no number', crl: { crlNumber: null, sha256: 'bb' }, state, want: { kind: 'no-crl-number' } },
    {
      name: 'numbers beyond 2^53 compare exactly',
      crl: { crlNumber: '9007199254740993', sha256: 'bb' },
      state: { lastSweptCrlNumber: '9007199254740992', lastSweptCrlSha256: 'aa' },
      want: { kind: 'sweep', first: false },
    },
  ])('$name', ({ crl, state: s, want }) => {
    expect(decideSweep(crl, s)).toEqual(want);
  });
});

describe('sweepStatusFor', () => {
  it('gives INACTIVE for a hold (it may be lifted) and REVOKED for every other reason', () => {
    expect(sweepStatusFor('certificateHold')).toBe('INACTIVE');
    expect(sweepStatusFor('keyCompromise')).toBe('REVOKED');
    expect(sweepStatusFor(null)).toBe('REVOKED');
  });
});

describe('sweepUpdateRate', () => {
  it('is the share of the quota, and refuses shares outside (0, 1]', () => {
    expect(sweepUpdateRate(10, 0.5)).toBe(5);
    expect(sweepUpdateRate(50, 0.2)).toBe(10);
    expect(() => sweepUpdateRate(10, 0)).toThrow(RangeError);
    expect(() => sweepUpdateRate(10, 1.5)).toThrow(RangeError);
    expect(() => sweepUpdateRate(0, 0.5)).toThrow(RangeError);
  });
});
