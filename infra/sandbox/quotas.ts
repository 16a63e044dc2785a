// The sandbox enforces the same quota table the handler paces itself by (one source).
export { DEFAULT_IOT_TPS } from '../../lib/provisioning/iot-quotas.js';

/** A token bucket: `rate` tokens per second, burst of one second's worth. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly rate: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = rate;
    this.last = now();
  }

  /** Takes a token if one is available. */
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.rate, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}
