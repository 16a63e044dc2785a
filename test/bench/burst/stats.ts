/** Pure arithmetic of the burst benchmark: quota-bound minimum time and percentiles. */

export interface ApiBound {
  api: string;
  /** Calls the run made to this API. */
  calls: number;
  callsPerDevice: number;
  /** Default TPS quota enforced for this API. */
  tps: number;
  /** calls ÷ tps: the least time the quota allows for these calls. */
  seconds: number;
}

/**
 * For every API with a quota that the run called, the least time the quota allows for the
 * calls made (calls ÷ TPS), tightest first. The first entry is the quota-bound minimum of the
 * whole run: no schedule can finish faster than its tightest API allows.
 *
 * @example
 * quotaBounds({ DescribeCertificate: 100, CreateThing: 100 }, { DescribeCertificate: 10, CreateThing: 100 }, 100);
 * // [{ api: 'DescribeCertificate', calls: 100, callsPerDevice: 1, tps: 10, seconds: 10 }, { api: 'CreateThing', … seconds: 1 }]
 */
export function quotaBounds(
  callsByApi: Readonly<Record<string, number>>,
  tpsByApi: Readonly<Record<string, number>>,
  devices: number,
): ApiBound[] {
  const bounds: ApiBound[] = [];
  for (const [api, calls] of Object.entries(callsByApi)) {
    const tps = tpsByApi[api];
    if (tps === undefined || tps <= 0 || calls <= 0) continue;
    bounds.push({ api, calls, callsPerDevice: devices > 0 ? calls / devices : 0, tps, seconds: calls / tps });
  }
  return bounds.sort((a, b) => b.seconds - a.seconds || a.api.localeCompare(b.api));
}

/** Nearest-rank percentile; shared with `jitr device fleet`. */
export { percentile } from '../../../lib/device/stats.js';
