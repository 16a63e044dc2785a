/** Plain-text tables for terminals: aligned columns, a header rule, wrapped long cells. */

export interface Column<Row> {
  header: string;
  /** Cell text; newlines start a new line inside the cell. */
  value: (row: Row) => string;
  /** Cells wider than this wrap (at spaces or commas when possible). Default 48. */
  maxWidth?: number;
  align?: 'left' | 'right';
}

/**
 * Renders rows as an aligned text table.
 *
 * @example
 * renderTable([{ header: 'device', value: (r) => r.name }], [{ name: 'dev-1' }]);
 * // 'device\n------\ndev-1\n'
 */
export function renderTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const cells = rows.map((row) =>
    columns.map((column) => wrapCell(column.value(row), column.maxWidth ?? 48)),
  );
  const widths = columns.map((column, index) =>
    Math.max(
      column.header.length,
      ...cells.map((row) => Math.max(...(row[index] ?? ['']).map(visibleLength))),
    ),
  );
  const line = (parts: readonly string[]): string =>
    parts
      .map((part, index) => pad(part, widths[index] ?? 0, columns[index]?.align ?? 'left'))
      .join('  ')
      .trimEnd();
  const out = [line(columns.map((column) => column.header)), line(widths.map((width) => '-'.repeat(width)))];
  for (const row of cells) {
    const height = Math.max(...row.map((cell) => cell.length));
    for (let i = 0; i < height; i += 1) out.push(line(row.map((cell) => cell[i] ?? '')));
  }
  return `${out.join('\n')}\n`;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleLength(text)));
  return align === 'right' ? fill + text : text + fill;
}

function visibleLength(text: string): number {
  return [...text].length;
}

/** Splits a cell into lines of at most `width` characters, preferring breaks after spaces or commas. */
export function wrapCell(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let rest = paragraph;
    while (visibleLength(rest) > width) {
      const head = rest.slice(0, width + 1);
      const breakAt = Math.max(head.lastIndexOf(' '), head.lastIndexOf(','));
      const cut = breakAt > width / 3 ? breakAt + 1 : width;
      lines.push(rest.slice(0, cut).trimEnd());
      rest = rest.slice(cut).trimStart();
    }
    lines.push(rest);
  }
  return lines;
}
