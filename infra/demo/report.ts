/** What the demo prints: the story table, the DLQ diagnosis and the metrics the function emitted. */
import type { MetricDatum } from './emf.js';
import { renderTable } from './table.js';

export interface StoryResult {
  story: number;
  title: string;
  device: string;
  certificateId: string;
  /** Final certificate status read back through the SDK. */
  status: string;
  thing: string | null;
  groups: string[];
  policies: string[];
  /** Why it ended this way (error code and message, or "activated"). */
  reason: string;
  /** What the device saw over MQTT/TLS (refused → connected, publish, subscribe). */
  deviceSide: string;
  /** From the device's first attempt until connected (null: it did not connect). */
  timeToConnectMs: number | null;
  /** Each way the final state differs from what the story expects; empty = as expected. */
  problems: string[];
}

/** The diagnosis of one DLQ message: from its destination record, or (queue path) the table. */
export interface Diagnosis {
  certificateId: string;
  /** `RetriesExhausted` (direct), `redrive of <queue>` (queue), or the message's shape. */
  condition: string;
  attempts: number;
  errorType: string;
  code: string;
  /** The pipeline step that failed (the table's record says; a destination record does not). */
  step: string;
  /** Where the error was read: the DLQ message itself, or the registration-state table. */
  source: string;
  missingPermission: string;
  remedy: string;
  message: string;
}

const shortId = (id: string): string => (id.length > 12 ? `${id.slice(0, 12)}…` : id);

/** The main table: one row per story. */
export function renderStories(results: readonly StoryResult[]): string {
  return renderTable<StoryResult>(
    [
      { header: '#', value: (r) => String(r.story) },
      { header: 'device', value: (r) => `${r.device}\n${shortId(r.certificateId)}` },
      { header: 'final status', value: (r) => r.status },
      { header: 'thing', value: (r) => r.thing ?? '—' },
      { header: 'groups', value: (r) => (r.groups.length === 0 ? '—' : r.groups.join('\n')) },
      {
        header: 'policy',
        value: (r) => (r.policies.length === 0 ? '—' : r.policies.map(shortId).join('\n')),
      },
      { header: 'reason', value: (r) => r.reason, maxWidth: 46 },
      { header: 'device side (MQTT/TLS)', value: (r) => r.deviceSide, maxWidth: 34 },
      { header: 'check', value: (r) => (r.problems.length === 0 ? 'ok' : 'FAILED') },
    ],
    results,
  );
}

/** The DLQ diagnosis block printed for story 4. */
export function renderDiagnosis(diagnoses: readonly Diagnosis[]): string {
  if (diagnoses.length === 0) return '  (the DLQ is empty)\n';
  return diagnoses
    .map((d) =>
      [
        `  certificate        ${d.certificateId}`,
        `  condition          ${d.condition} after ${d.attempts} attempts`,
        `  error              ${d.code}${d.step === '—' ? '' : ` at step ${d.step}`} (${d.errorType === '—' ? `from ${d.source}` : d.errorType})`,
        `  missing permission ${d.missingPermission}`,
        `  remedy             ${d.remedy}`,
        `  message            ${d.message}`,
      ].join('\n'),
    )
    .join('\n\n')
    .concat('\n');
}

/** The metrics table, one row per metric and dimension set. */
export function renderMetrics(metrics: readonly MetricDatum[]): string {
  if (metrics.length === 0) return '  (no metrics were emitted)\n';
  return renderTable<MetricDatum>(
    [
      { header: 'metric', value: (m) => m.name },
      {
        header: 'dimensions',
        value: (m) =>
          Object.entries(m.dimensions)
            .filter(([name]) => name !== 'service')
            .map(([name, value]) => `${name}=${value}`)
            .join(', ') || '—',
      },
      { header: 'unit', value: (m) => m.unit },
      { header: 'count', value: (m) => String(m.count), align: 'right' },
      { header: 'sum', value: (m) => formatNumber(m.sum), align: 'right' },
      { header: 'max', value: (m) => formatNumber(m.max), align: 'right' },
    ],
    metrics,
  );
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
