import { describe, expect, it } from 'vitest';
import { ConfigurationInvalidError } from '../../../lib/config/errors.js';
import { caIdsFromScheduleInput, loadReconcileConfig } from '../../../lib/config/reconcile-config.js';

const CA = 'a'.repeat(64);
const CB = 'b'.repeat(64);

describe('loadReconcileConfig', () => {
  it('reads every variable', () => {
    // Act
    const config = loadReconcileConfig({
      RECONCILE_CA_IDS: ` ${CA.toUpperCase()}, ${CB} `,
      RECONCILE_OLDER_THAN: '2h',
      RECONCILE_MAX: '50',
      RECONCILE_RATE: '5',
    });
    // Assess
    expect(config).toEqual({ caCertificateIds: [CA, CB], olderThanMs: 7_200_000, max: 50, ratePerSecond: 5 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('defaults to no CA, 10 minutes, 500 certificates, 2 per second', () => {
    // Act / Assess
    expect(loadReconcileConfig({})).toEqual({
      caCertificateIds: [],
      olderThanMs: 600_000,
      max: 500,
      ratePerSecond: 2,
    });
  });

  it.each([
    ['RECONCILE_CA_IDS', 'abc'],
    ['RECONCILE_OLDER_THAN', 'soon'],
    ['RECONCILE_MAX', '0'],
    ['RECONCILE_RATE', '50'],
  ])('names %s when it is malformed', (variable, value) => {
    // Act
    let thrown: unknown;
    try {
      loadReconcileConfig({ [variable]: value });
    } catch (error) {
      thrown = error;
    }
    // Assess
    expect(thrown).toBeInstanceOf(ConfigurationInvalidError);
    expect((thrown as ConfigurationInvalidError).variable).toBe(variable);
  });
});

describe('caIdsFromScheduleInput', () => {
  it('takes valid CA ids from the schedule input and ignores anything else', () => {
    // Act / Assess
    expect(caIdsFromScheduleInput({ caCertificateIds: [CA.toUpperCase()] })).toEqual([CA]);
    expect(caIdsFromScheduleInput({ caCertificateIds: ['nope'] })).toBeNull();
    expect(caIdsFromScheduleInput({ 'detail-type': 'Scheduled Event' })).toBeNull();
    expect(caIdsFromScheduleInput(null)).toBeNull();
  });
});
