/**
 * Logging and metrics for the handler: one Powertools Logger (JSON) and one Powertools
 * Metrics (EMF) per container, plus the narrow types library code depends on, so that
 * `lib/` never imports Powertools and tests can pass fakes.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Config } from './config/config.js';

/** The structural logger every library function accepts (Powertools' Logger satisfies it). */
export interface JitrLogger {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** Counters emitted once per event (no dimension besides `service`). */
export type CountMetric =
  | 'CertificateActivated'
  | 'CertificateAlreadyActive'
  | 'CertificateRevoked'
  | 'CertificateSkipped'
  | 'EventDropped'
  | 'CrlMissing'
  | 'IotApiCalls'
  | 'DuplicateSuppressed'
  | 'RegistrationStateUnavailable';

/** Counters that carry one dimension naming why. */
export type DimensionedMetric = 'CertificateRejected' | 'ProvisioningFailed';
export type DurationMetric = 'TimeToActive' | 'ProvisioningDuration';

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

/**
 * Creates the container's logger and metrics. Call once at module scope.
 *
 * @example
 * const { logger, metrics } = createObservability(config.observability);
 */
export function createObservability(options: Config['observability']): { logger: Logger; metrics: Metrics } {
  const logger = new Logger({ serviceName: options.serviceName, logLevel: options.logLevel });
  const metrics = new Metrics({ namespace: options.metricsNamespace, serviceName: options.serviceName });
  return { logger, metrics };
}

/**
 * Adapts a Powertools Metrics instance to {@link RegistrationMetrics}. Plain counters and
 * durations are stored and flushed by the handler (`publishStoredMetrics()` in `finally`);
 * a metric with a per-event dimension goes out at once through `singleMetric()`, because a
 * dimension added to the shared instance would apply to every metric in the blob.
 */
export function powertoolsMetrics(metrics: Metrics): RegistrationMetrics {
  return {
    count(name, value = 1) {
      metrics.addMetric(name, MetricUnit.Count, value);
    },
    countWithReason(name, reason) {
      metrics.addMetric(name, MetricUnit.Count, 1);
      metrics
        .singleMetric()
        .addDimension(METRIC_DIMENSION[name], reason)
        .addMetric(name, MetricUnit.Count, 1);
    },
    milliseconds(name, value) {
      metrics.addMetric(name, MetricUnit.Milliseconds, Math.max(0, Math.round(value)));
    },
  };
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
