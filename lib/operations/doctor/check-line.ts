/** One checklist line: a ✓ carries no remedy, a ✗ always does. */
import type { CheckResult } from './types.js';

export function line(section: string, ok: boolean, title: string, remedy: string): CheckResult {
  return ok ? { section, ok, title } : { section, ok, title, remedy };
}
