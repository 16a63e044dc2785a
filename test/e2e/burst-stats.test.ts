// The burst benchmark's arithmetic (test/bench/burst/stats.ts).
import { describe, expect, it } from 'vitest';
import { percentile, quotaBounds } from '../bench/burst/stats.js';

describe('quotaBounds', () => {
  it('orders the APIs by the time their quota needs for the calls made', () => {
    // Act
    const bounds = quotaBounds(
      { DescribeCertificate: 200, UpdateCertificate: 100, CreateThing: 100, ListThings: 5, Unquoted: 9 },
      { DescribeCertificate: 10, UpdateCertificate: 10, CreateThing: 100, ListThings: 10 },
      100,
    );

    // Assess
    expect(bounds).toEqual([
      { api: 'DescribeCertificate', calls: 200, callsPerDevice: 2, tps: 10, seconds: 20 },
      { api: 'UpdateCertificate', calls: 100, callsPerDevice: 1, tps: 10, seconds: 10 },
      { api: 'CreateThing', calls: 100, callsPerDevice: 1, tps: 100, seconds: 1 },
      { api: 'ListThings', calls: 5, callsPerDevice: 0.05, tps: 10, seconds: 0.5 },
    ]);
  });
});

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const values = [50, 10, 40, 20, 30];
    expect([percentile(values, 50), percentile(values, 99), percentile(values, 0)]).toEqual([30, 50, 10]);
  });

  it('is NaN without values', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});
