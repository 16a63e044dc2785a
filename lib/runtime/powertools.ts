/**
 * The container's Powertools Logger (JSON) and Metrics (EMF), and the adapter from the
 * use case's narrow metrics type (lib/observability.ts) onto EMF.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Config } from '../config/config.js';
import { METRIC_DIMENSION, type RegistrationMetrics } from '../observability.js';

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
