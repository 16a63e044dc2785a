import { describe, expect, it } from 'vitest';
import { loadSweepConfig } from '../../../lib/config/sweep-config.js';

describe('loadSweepConfig', () => {
  it('defaults to half of a 10 TPS UpdateCertificate quota and no scheduled CAs', () => {
    expect(loadSweepConfig({})).toEqual({
      caCertificateIds: [],
      updateCertificateTps: 10,
      share: 0.5,
      ratePerSecond: 5,
    });
  });

  it('reads the share, the quota and the CAs; an explicit share wins', () => {
    const env = {
      SWEEP_UPDATE_SHARE: '0.2',
      IOT_UPDATE_CERTIFICATE_TPS: '50',
      SWEEP_CA_IDS: ` ${'A'.repeat(64)} ,`,
    };
    expect(loadSweepConfig(env)).toMatchObject({
      caCertificateIds: ['a'.repeat(64)],
      share: 0.2,
      ratePerSecond: 10,
    });
    expect(loadSweepConfig(env, { share: 1 }).ratePerSecond).toBe(50);
  });

  it.each([
    ['SWEEP_UPDATE_SHARE', '0'],
    ['SWEEP_UPDATE_SHARE', '1.5'],
    ['IOT_UPDATE_CERTIFICATE_TPS', '-1'],
    ['SWEEP_CA_IDS', 'nope'],
  ])('names %s=%s as invalid', (name, value) => {
    expect(() => loadSweepConfig({ [name]: value })).toThrow(
      expect.objectContaining({
        code: 'ConfigurationInvalid',
        details: expect.objectContaining({ variable: name }),
      }),
    );
  });
});
