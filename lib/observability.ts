/**
 * The narrow logging and metrics types library code depends on, so that `lib/` never builds
 * Powertools objects itself and tests can pass fakes. The Powertools Logger (JSON) and Metrics
 * (EMF), one each per container, are built by the composition root (lib/runtime/powertools.ts).
 */
import type { Logger } from '@aws-lambda-powertools/logger';

/** The structural logger every library function accepts (Powertools' Logger satisfies it). */
export interface JitrLogger {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** Counters emitted once per event (no dimension besides `service`). */
export const COUNT_METRICS = [
  'CertificateActivated',
  'CertificateAlreadyActive',
  'CertificateRevoked',
  'CertificateSkipped',
  'EventDropped',
  'CrlMissing',
  'IotApiCalls',
  'DuplicateSuppressed',
  'SpeculativeDescribeWasted',
  'RegistrationStateUnavailable',
  'LedgerWriteFailed',
  'OperatorActionNeeded',
] as const;
export type CountMetric = (typeof COUNT_METRICS)[number];

/** Counters that carry one dimension naming why. */
export const DIMENSIONED_METRICS = ['CertificateRejected', 'ProvisioningFailed'] as const;
export type DimensionedMetric = (typeof DIMENSIONED_METRICS)[number];

export const DURATION_METRICS = ['TimeToActive', 'ProvisioningDuration'] as const;
export type DurationMetric = (typeof DURATION_METRICS)[number];

/** Dimension name of each dimensioned metric. */
export const METRIC_DIMENSION: Readonly<Record<DimensionedMetric, string>> = {
  CertificateRejected: 'Reason',
  ProvisioningFailed: 'ErrorCode',
};

/** What the registration use case emits; {@link powertoolsMetrics} maps it onto EMF. */
export interface RegistrationMetrics {
  count(name: CountMetric, value?: number): void;
  /**
   * Counted twice: with `service` only (the total, for alarms) and with the reason's dimension,
   * the latter in its own EMF blob so the dimension never leaks onto other metrics.
   */
  countWithReason(name: DimensionedMetric, reason: string): void;
  milliseconds(name: DurationMetric, value: number): void;
}

/** Keys put on every log line while one event is processed. */
export interface EventLogKeys {
  certificateId?: string;
  caCertificateId?: string;
}

/**
 * Runs `fn` with `certificateId`/`caCertificateId` on every log line of the shared logger,
 * removing them afterwards so they never leak onto the next event's lines.
 */
export async function withEventKeys<T>(logger: Logger, keys: EventLogKeys, fn: () => Promise<T>): Promise<T> {
  logger.appendKeys({ ...keys });
  try {
    return await fn();
  } finally {
    logger.removeKeys(Object.keys(keys));
  }
}
