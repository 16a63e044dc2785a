import { describe, expect, it } from 'vitest';
import { progressBarText } from '../../../lib/cli/revocation-sweep.js';

describe('progressBarText (jitr revocation sweep --full)', () => {
  it('fills one cell per 5 % done, rounding down', () => {
    expect(progressBarText(0, 10)).toBe(`[${'░'.repeat(20)}]`);
    expect(progressBarText(1, 20)).toBe(`[█${'░'.repeat(19)}]`);
    expect(progressBarText(5, 10)).toBe(`[${'█'.repeat(10)}${'░'.repeat(10)}]`);
    expect(progressBarText(19, 20)).toBe(`[${'█'.repeat(19)}░]`);
    expect(progressBarText(20, 20)).toBe(`[${'█'.repeat(20)}]`);
  });

  it('is full when there is nothing to do, and never overflows', () => {
    expect(progressBarText(0, 0)).toBe(`[${'█'.repeat(20)}]`);
    expect(progressBarText(30, 20)).toBe(`[${'█'.repeat(20)}]`);
  });
});
