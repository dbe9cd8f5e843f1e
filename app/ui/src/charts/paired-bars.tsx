// Paired horizontal bars: two values per row (a segment against the store, revenue share against
// customer share). Rows share one scale, or each row is scaled on its own when the rows are in
// different units (a feature profile); the values are always written next to the bars.
import { linearScale } from '../../lib/scale.ts';
import { ChartSvg, LABEL_COLOR, Legend, SERIES, TEXT_COLOR, clip } from './chart-parts.tsx';

export interface PairedRow {
  label: string;
  a: number | null;
  b: number | null;
  format: (value: number) => string;
}

export interface PairedBarsProps {
  title: string;
  rows: readonly PairedRow[];
  names: readonly [string, string];
  colors?: readonly [string, string];
  /** `common`: one scale for every row; `row`: each row against its own larger value. */
  scale?: 'common' | 'row';
  width?: number;
  labelWidth?: number;
  testId?: string;
}

const BAR = 11;
const GAP = 3;
const ROW = BAR * 2 + GAP + 14;

export function PairedBars({ title, rows, names, colors = [SERIES.primary, SERIES.secondary], scale = 'common', width = 640, labelWidth = 190, testId }: PairedBarsProps) {
  const valueRoom = 76;
  const height = rows.length * ROW + 4;
  const commonMax = Math.max(0, ...rows.flatMap((r) => [r.a ?? 0, r.b ?? 0]));
  const maxChars = Math.floor(labelWidth / 6.6);
  const describe = (v: number | null, r: PairedRow) => (v === null ? 'unknown' : r.format(v));
  const description = rows.map((r) => `${r.label}: ${names[0]} ${describe(r.a, r)}, ${names[1]} ${describe(r.b, r)}`).join('; ');
  return (
    <div style={{ display: 'grid', gap: 8 }}>
      <Legend items={[{ label: names[0], color: colors[0] }, { label: names[1], color: colors[1] }]} />
      <ChartSvg width={width} height={height} title={title} description={description} testId={testId}>
        <line x1={labelWidth} x2={labelWidth} y1={0} y2={height - 4} stroke="#d4d4d4" aria-hidden="true" />
        {rows.map((row, i) => {
          const top = i * ROW + 7;
          const max = scale === 'row' ? Math.max(row.a ?? 0, row.b ?? 0) : commonMax;
          const x = linearScale([0, max > 0 ? max : 1], [labelWidth, width - valueRoom]);
          const bars: Array<[number | null, string, number]> = [
            [row.a, colors[0], top],
            [row.b, colors[1], top + BAR + GAP],
          ];
          return (
            <g key={`${row.label}-${i}`}>
              <text x={labelWidth - 8} y={top + BAR + GAP / 2} dy="0.32em" textAnchor="end" fontSize={12} fill={LABEL_COLOR}>
                <title>{row.label}</title>
                {clip(row.label, maxChars)}
              </text>
              {bars.map(([value, color, y], j) => {
                const w = value === null ? 0 : Math.max(value > 0 ? 1 : 0, x(value) - x(0));
                return (
                  <g key={j}>
                    <rect x={labelWidth} y={y} width={w} height={BAR} rx={2} fill={color} />
                    <text x={labelWidth + w + 5} y={y + BAR / 2} dy="0.32em" fontSize={11} fill={TEXT_COLOR}>
                      {value === null ? 'n/a' : row.format(value)}
                    </text>
                  </g>
                );
              })}
            </g>
          );
        })}
      </ChartSvg>
    </div>
  );
}
