/** Parses the operations tools' durations: `90s`, `10m`, `2h`, `1d` or a plain number of seconds. */

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * @returns the duration in milliseconds, or null when `text` is not a duration.
 * @example parseDuration('10m') // 600000
 */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d{1,9})\s*([smhd]?)\s*$/.exec(text);
  if (match === null) return null;
  return Number(match[1]) * (UNIT_MS[match[2] || 's'] ?? 1000);
}
