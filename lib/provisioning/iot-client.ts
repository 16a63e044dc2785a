/**
 * The retry policy of the IoTClient the SDK adapter uses: adaptive retry mode (client-side rate limiting on
 * top of the standard backoff, as the IoT quotas are low: 10 TPS for several APIs) and no
 * retries of hard limits. The client itself is built by the composition root (lib/runtime/).
 */
import type { IoTClientConfig } from '@aws-sdk/client-iot';
import { AdaptiveRetryStrategy } from '@smithy/core/retry';
import { isHardLimitError } from './translate-iot-error.js';

type Token = Awaited<ReturnType<AdaptiveRetryStrategy['acquireInitialRetryToken']>>;
type RefreshToken = Parameters<AdaptiveRetryStrategy['refreshRetryTokenForRetry']>[0];
type ErrorInfo = Parameters<AdaptiveRetryStrategy['refreshRetryTokenForRetry']>[1];

/** Default number of attempts per call (initial + 2 retries), the SDK's default. */
export const DEFAULT_IOT_MAX_ATTEMPTS = 3;

/**
 * The SDK's adaptive strategy, except that IoT's `LimitExceededException` for a hard limit is
 * not retried: SDK v3 classifies that name as throttling (aws-facts §8.1), but retrying "too many
 * policies attached" only burns the retry quota and delays the configuration error.
 */
export class HardLimitAwareRetryStrategy {
  readonly mode = 'adaptive';
  readonly #inner: AdaptiveRetryStrategy;

  constructor(maxAttempts: number = DEFAULT_IOT_MAX_ATTEMPTS) {
    this.#inner = new AdaptiveRetryStrategy(maxAttempts);
  }

  acquireInitialRetryToken(retryTokenScope: string): Promise<Token> {
    return this.#inner.acquireInitialRetryToken(retryTokenScope);
  }

  refreshRetryTokenForRetry(token: RefreshToken, errorInfo: ErrorInfo): Promise<Token> {
    if (isHardLimitError(errorInfo.error)) {
      // Rejecting tells the retry middleware to stop and rethrow the original error.
      return Promise.reject(errorInfo.error);
    }
    return this.#inner.refreshRetryTokenForRetry(token, errorInfo);
  }

  recordSuccess(token: RefreshToken): void {
    this.#inner.recordSuccess(token);
  }
}

/**
 * `config` with the adapter's retry policy: `maxAttempts` (a number) sizes the retry strategy;
 * a caller-supplied `retryStrategy` wins.
 * @example new IoTClient(withIotRetryPolicy({ region: 'eu-west-1' })) // in lib/runtime/ only
 */
export function withIotRetryPolicy(config: IoTClientConfig): IoTClientConfig {
  const maxAttempts = typeof config.maxAttempts === 'number' ? config.maxAttempts : DEFAULT_IOT_MAX_ATTEMPTS;
  return {
    ...config,
    retryMode: 'adaptive',
    retryStrategy: config.retryStrategy ?? new HardLimitAwareRetryStrategy(maxAttempts),
  };
}
