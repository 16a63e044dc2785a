/** Human-readable renderings of a replay plan and report (pure; the CLI prints them). */
import { textTable } from '../text-table.js';
import type { CertificateOutcome, ReplayPlan, ReplayReport } from './engine.js';

const MAX_LISTED = 20;

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
    for (const remedy of group.remedies) lines.push(`${' '.repeat(15)}remedy: ${remedy}`);
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
