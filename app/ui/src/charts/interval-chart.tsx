// Lift estimates with their confidence intervals: a point, a whisker from lower to upper, and the
// zero line (no effect). Each row has its own scale, centred on zero, since rows differ in unit.
import { linearScale } from '../../lib/scale.ts';
import { ChartSvg, LABEL_COLOR, SERIES, TEXT_COLOR } from './chart-parts.tsx';

export interface IntervalRow {
  label: string;
  estimate: number;
  lower: number;
  upper: number;
  format: (value: number) => string;
}

export function intervalColor(row: Pick<IntervalRow, 'lower' | 'upper'>): string {
  if (row.lower > 0) return SERIES.positive;
  if (row.upper < 0) return SERIES.negative;
  return SERIES.primary;
}

export function IntervalChart({ title, rows, width = 640 }: { title: string; rows: readonly IntervalRow[]; width?: number }) {
  const labelWidth = 170;
  const ROW = 46;
  const height = rows.length * ROW + 4;
  const description = rows.map((r) => `${r.label}: ${r.format(r.estimate)} (interval ${r.format(r.lower)} to ${r.format(r.upper)})`).join('; ');
  return (
    <ChartSvg width={width} height={height} title={title} description={description} testId="lift-interval-chart">
      {rows.map((row, i) => {
        const m = Math.max(Math.abs(row.lower), Math.abs(row.upper), Math.abs(row.estimate), 1e-9) * 1.15;
        const x = linearScale([-m, m], [labelWidth + 10, width - 20]);
        const cy = i * ROW + 18;
        const color = intervalColor(row);
        return (
          <g key={row.label}>
            <text x={labelWidth - 4} y={cy} dy="0.32em" textAnchor="end" fontSize={12} fill={LABEL_COLOR}>
              {row.label}
            </text>
            <line x1={x(0)} x2={x(0)} y1={cy - 14} y2={cy + 14} stroke="#8a8a8a" strokeDasharray="3 3" />
            <line x1={labelWidth + 10} x2={width - 20} y1={cy} y2={cy} stroke="#ebebeb" />
            <line x1={x(row.lower)} x2={x(row.upper)} y1={cy} y2={cy} stroke={color} strokeWidth={2.5} strokeLinecap="round" />
            <line x1={x(row.lower)} x2={x(row.lower)} y1={cy - 6} y2={cy + 6} stroke={color} strokeWidth={2} />
            <line x1={x(row.upper)} x2={x(row.upper)} y1={cy - 6} y2={cy + 6} stroke={color} strokeWidth={2} />
            <circle cx={x(row.estimate)} cy={cy} r={5} fill={color} stroke="#fff" strokeWidth={1.5} />
            <text x={x(row.lower)} y={cy + 20} textAnchor="middle" fontSize={10.5} fill={TEXT_COLOR}>
              {row.format(row.lower)}
            </text>
            <text x={x(row.upper)} y={cy + 20} textAnchor="middle" fontSize={10.5} fill={TEXT_COLOR}>
              {row.format(row.upper)}
            </text>
            <text x={x(row.estimate)} y={cy - 10} textAnchor="middle" fontSize={11} fontWeight={600} fill={LABEL_COLOR}>
              {row.format(row.estimate)}
            </text>
          </g>
        );
      })}
    </ChartSvg>
  );
}
