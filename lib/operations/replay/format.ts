/** Human-readable renderings of a replay plan and report (pure; the CLI prints them). */
import { textTable } from '../text-table.js';
import type { CertificateOutcome, ReasonGroup, ReplayPlan, ReplayReport } from './engine.js';

const MAX_LISTED = 20;

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/**
 * Where a group's explanation comes from, when it is not the messages themselves: events a
 * queue's redrive moved here (they hold only the event) and failures read from the
 * registration-state table. Null for a group of self-describing records (the direct path).
 */
function groupSource(group: ReasonGroup): string | null {
  const parts: string[] = [];
  if (group.redrivenFrom !== undefined)
    parts.push(`moved here by the redrive of ${group.redrivenFrom.join(', ')} (the bare event, no error)`);
  if (group.fromTable !== undefined)
    parts.push(
      `${plural(group.fromTable, 'error', 'errors')} as the handler recorded ${group.fromTable === 1 ? 'it' : 'them'} in the registration-state table`,
    );
  return parts.length === 0 ? null : parts.join('; ');
}

/**
 * The summary printed before acting: "412 events: ThingGroupNotFound", …, each group
 * followed by each distinct remedy its DLQ records carry.
 */
export function formatPlan(plan: ReplayPlan): string {
  const lines = [`${plan.received} message${plan.received === 1 ? '' : 's'} received from the DLQ`];
  for (const group of plan.groups) {
    lines.push(
      `  ${String(group.count).padStart(5)} event${group.count === 1 ? ': ' : 's:'} ${group.reason}`,
    );
    const pad = ' '.repeat(15);
    if (group.steps !== undefined) lines.push(`${pad}step: ${group.steps.join(', ')}`);
    for (const remedy of group.remedies) lines.push(`${pad}remedy: ${remedy}`);
    const source = groupSource(group);
    if (source !== null) lines.push(`${pad}source: ${source}`);
  }
  if (plan.unknown.length > 0) {
    lines.push(`${plan.unknown.length} undecodable message(s), left in the queue:`);
    for (const u of plan.unknown.slice(0, MAX_LISTED)) lines.push(`  ${u.messageId}: ${u.reason}`);
    if (plan.unknown.length > MAX_LISTED) lines.push(`  … and ${plan.unknown.length - MAX_LISTED} more`);
  }
  if (plan.skipped > 0) lines.push(`${plan.skipped} message(s) for other certificates left in the queue`);
  lines.push(`${plan.certificates} distinct certificate(s) to replay`);
  return lines.join('\n');
}

const ORDER: CertificateOutcome[] = ['activated', 'rejected', 'deleted', 'failed', 'not-processed'];

/** The summary table printed at the end, then the failures with their reasons. */
export function formatReport(report: ReplayReport): string {
  const rows = ORDER.map((outcome) => {
    const results = report.results.filter((r) => r.outcome === outcome);
    const messages = results.reduce((n, r) => n + r.messages, 0);
    const deleted = results.reduce((n, r) => n + r.deleted, 0);
    return [outcome, String(results.length), String(messages), String(deleted)];
  });
  rows.push(['undecodable', '-', String(report.unknown.length), '0']);
  const parts = [textTable(['outcome', 'certificates', 'messages', 'deleted'], rows)];
  const failed = report.results.filter((r) => r.outcome === 'failed');
  if (failed.length > 0) {
    parts.push(
      textTable(
        ['failed certificate', 'status', 'reason'],
        failed.slice(0, MAX_LISTED).map((r) => [r.certificateId, r.status ?? '?', r.reason ?? '']),
      ),
    );
    if (failed.length > MAX_LISTED)
      parts.push(`… and ${failed.length - MAX_LISTED} more failed certificates`);
  }
  if (report.interrupted) parts.push('Interrupted: unprocessed messages were left in the queue.');
  return parts.join('\n\n');
}
