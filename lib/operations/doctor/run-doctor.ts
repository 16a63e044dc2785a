/** `jitr doctor`'s core: gather, check, render the checklist. */
import { checkCrl, checkPermissions, checkTemplateAndReferences } from './checks-content.js';
import { checkCa, checkDlq, checkRule } from './checks-setup.js';
import { gatherFacts } from './gather.js';
import type { DoctorPorts, DoctorTarget } from './ports.js';
import type { CheckResult, DoctorFacts, TemplateReferences } from './types.js';

/** Every check, in checklist order. Pure. */
export function runChecks(facts: DoctorFacts, references: TemplateReferences | null): CheckResult[] {
  const unread: CheckResult[] = facts.unread.map((u) => ({ ...u, ok: false }));
  const checked = [
    ...checkCa(facts),
    ...checkRule(facts),
    ...checkCrl(facts),
    ...checkTemplateAndReferences(facts, references),
    ...checkPermissions(facts),
    ...checkDlq(facts),
  ];
  // Section order of the checklist; a read that failed or a check that could not run sits in its section.
  const order = ['stack', 'function', 'ca', 'rule', 'crl', 'template', 'role', 'dlq'];
  const rank = (r: CheckResult) => {
    const i = order.indexOf(r.section);
    return i < 0 ? order.length : i;
  };
  return [...unread, ...checked]
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i)
    .map(({ r }) => r);
}

/**
 * Gathers the facts for `target` and checks them.
 * @example const results = await doctor(target, ports, new Date()); process.exitCode = doctorExitCode(results);
 */
export async function doctor(target: DoctorTarget, ports: DoctorPorts, now: Date): Promise<CheckResult[]> {
  const { facts, references } = await gatherFacts(target, ports, now);
  return runChecks(facts, references);
}

/** 1 when any line is ✗. */
export function doctorExitCode(results: readonly CheckResult[]): 0 | 1 {
  return results.some((r) => !r.ok) ? 1 : 0;
}

/** The checklist: `✓ title` or `✗ title` with `→ remedy` under it. */
export function formatChecklist(results: readonly CheckResult[]): string {
  const lines: string[] = [];
  let section = '';
  for (const r of results) {
    if (r.section !== section) {
      section = r.section;
      lines.push(`${section}:`);
    }
    lines.push(`  ${r.ok ? '✓' : '✗'} ${r.title}`);
    if (!r.ok && r.remedy !== undefined) lines.push(`      → ${r.remedy}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  lines.push(failed === 0 ? 'All checks passed.' : `${failed} check${failed === 1 ? '' : 's'} failed.`);
  return lines.join('\n');
}
