/**
 * AWS IoT's CONNECT quota per client ID: 1 request per second, not adjustable (aws-facts §9.4
 * "Backoff"; older iot/…/limits-iot.html). A device whose reconnect comes sooner is throttled:
 * the connection is refused and — the certificate never being presented to JITR — no registered
 * event is published. So a pending device's republications are at least a second apart in
 * wall-clock time, whatever its backoff: the quota is a limit, never compressed.
 */

/** Minimum time between two accepted CONNECTs of one client ID. */
export const CONNECT_INTERVAL_PER_CLIENT_ID_MS = 1000;

/** Why a throttled CONNECT was refused (the `reason` of the sandbox's connect result). */
export const CONNECT_THROTTLED_REASON =
  'CONNECT throttled: AWS IoT accepts 1 CONNECT per second per client ID';

export interface ConnectQuota {
  /** Whether a CONNECT of `clientId` at `now` (epoch ms) is accepted; accepted ones start a new second. */
  admit(clientId: string, now: number): boolean;
}

/** @example const quota = createConnectQuota(); quota.admit('lamp-1', Date.now()); */
export function createConnectQuota(): ConnectQuota {
  const lastAccepted = new Map<string, number>();
  return {
    admit(clientId, now) {
      const last = lastAccepted.get(clientId);
      if (last !== undefined && now - last < CONNECT_INTERVAL_PER_CLIENT_ID_MS) return false;
      lastAccepted.set(clientId, now);
      return true;
    },
  };
}
