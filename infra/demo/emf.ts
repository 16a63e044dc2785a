/**
 * Reads CloudWatch Embedded Metric Format (EMF) blobs out of a function's log lines, the way
 * CloudWatch Logs would, and sums them per metric name and dimension set.
 */

export interface MetricDatum {
  namespace: string;
  name: string;
  unit: string;
  /** Dimension name → value, e.g. `{ service: 'jitr', ErrorCode: 'AccessDenied' }`. */
  dimensions: Record<string, string>;
  /** Number of values recorded. */
  count: number;
  sum: number;
  min: number;
  max: number;
}

interface MetricDirective {
  Namespace?: unknown;
  Dimensions?: unknown;
  Metrics?: unknown;
}

/**
 * Parses every EMF blob in `lines` (non-JSON and non-EMF lines are ignored) and aggregates
 * the values per (namespace, name, dimensions). Sorted by namespace, name, then dimensions.
 *
 * @example
 * summariseEmf(['{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"JITR",
 *   "Dimensions":[["service"]],"Metrics":[{"Name":"CertificateActivated","Unit":"Count"}]}]},
 *   "service":"jitr","CertificateActivated":1}']);
 * // [{ namespace: 'JITR', name: 'CertificateActivated', unit: 'Count', dimensions: { service: 'jitr' },
 * //    count: 1, sum: 1, min: 1, max: 1 }]
 */
export function summariseEmf(lines: Iterable<string>): MetricDatum[] {
  const byKey = new Map<string, MetricDatum>();
  for (const line of lines) {
    const blob = parseBlob(line);
    if (blob === null) continue;
    for (const directive of blob.directives) {
      const namespace = typeof directive.Namespace === 'string' ? directive.Namespace : '';
      for (const dimensionSet of dimensionSets(directive.Dimensions)) {
        const dimensions: Record<string, string> = {};
        for (const dimension of dimensionSet) {
          const value = blob.root[dimension];
          if (typeof value === 'string') dimensions[dimension] = value;
        }
        for (const metric of metricDefinitions(directive.Metrics)) {
          const values = numericValues(blob.root[metric.name]);
          if (values.length === 0) continue;
          const key = JSON.stringify([namespace, metric.name, Object.entries(dimensions).sort()]);
          const datum = byKey.get(key) ?? {
            namespace,
            name: metric.name,
            unit: metric.unit,
            dimensions,
            count: 0,
            sum: 0,
            min: Number.POSITIVE_INFINITY,
            max: Number.NEGATIVE_INFINITY,
          };
          for (const value of values) {
            datum.count += 1;
            datum.sum += value;
            datum.min = Math.min(datum.min, value);
            datum.max = Math.max(datum.max, value);
          }
          byKey.set(key, datum);
        }
      }
    }
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, datum]) => datum);
}

function parseBlob(line: string): { root: Record<string, unknown>; directives: MetricDirective[] } | null {
  const start = line.indexOf('{');
  if (start < 0 || !line.includes('"_aws"')) return null;
  let root: unknown;
  try {
    root = JSON.parse(line.slice(start));
  } catch {
    return null;
  }
  if (!isRecord(root) || !isRecord(root._aws)) return null;
  const directives = root._aws.CloudWatchMetrics;
  if (!Array.isArray(directives)) return null;
  return { root, directives: directives.filter(isRecord) };
}

function dimensionSets(value: unknown): string[][] {
  if (!Array.isArray(value) || value.length === 0) return [[]];
  return value
    .filter(Array.isArray)
    .map((set) => set.filter((name): name is string => typeof name === 'string'));
}

function metricDefinitions(value: unknown): { name: string; unit: string }[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter(isRecord)
    .flatMap((metric) =>
      typeof metric.Name === 'string'
        ? [{ name: metric.Name, unit: typeof metric.Unit === 'string' ? metric.Unit : 'None' }]
        : [],
    );
}

function numericValues(value: unknown): number[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((item): item is number => typeof item === 'number' && Number.isFinite(item));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
