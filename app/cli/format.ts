// Plain-text tables for the terminal.
import type { SegmentSummaryRow } from '../../core/segment-summary.ts';

export function table(headers: string[], rows: string[][], rightAligned: ReadonlySet<number> = new Set()): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [fmt(headers), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n');
}

export const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

export function segmentsTable(rows: SegmentSummaryRow[], extra?: { header: string; value: (row: SegmentSummaryRow) => string }): string {
  const headers = ['segment', 'key', 'customers', 'share', 'revenue share'];
  if (extra) headers.push(extra.header);
  return table(
    headers,
    rows.map((r) => {
      const cells = [r.name, r.key, r.size.toLocaleString('en'), percent(r.customerShare), percent(r.revenueShare)];
      if (extra) cells.push(extra.value(r));
      return cells;
    }),
    new Set([2, 3, 4, 5]),
  );
}
