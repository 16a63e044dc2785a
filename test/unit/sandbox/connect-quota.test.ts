// AWS IoT's CONNECT quota per client ID (1 per second): what makes a pending device's
// republications at least a second apart, whatever its backoff.
import { describe, expect, it } from 'vitest';
import {
  CONNECT_INTERVAL_PER_CLIENT_ID_MS,
  createConnectQuota,
} from '../../../infra/sandbox/iot/connect-quota.js';

describe('createConnectQuota', () => {
  it('accepts one CONNECT per client ID per second; refused ones do not start a new second', () => {
    const quota = createConnectQuota();
    const t0 = 1_000_000;
    expect([
      quota.admit('lamp-1', t0),
      quota.admit('lamp-1', t0 + 50),
      quota.admit('lamp-2', t0 + 50),
      quota.admit('lamp-1', t0 + 999),
      quota.admit('lamp-1', t0 + 1000),
      quota.admit('lamp-1', t0 + 1999),
      quota.admit('lamp-1', t0 + 2000),
    ]).toEqual([true, false, true, false, true, false, true]);
    expect(CONNECT_INTERVAL_PER_CLIENT_ID_MS).toBe(1000);
  });
});
