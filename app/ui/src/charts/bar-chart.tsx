// A horizontal bar chart: one bar per item, its label on the left and its value at the end, a
// value axis with grid lines below. Items may carry their own colour (e.g. by segment kind).
import { formatCompact } from '../../lib/format.ts';
import { linearScale, zeroBasedTicks } from '../../lib/scale.ts';
import { AxisBottom, ChartSvg, LABEL_COLOR, Legend, SERIES, TEXT_COLOR, clip, type LegendItem } from './chart-parts.tsx';

export interface BarItem {
  label: string;
  value: number;
  color?: string;
}

export interface BarChartProps {
  title: string;
  description?: string;
  items: readonly BarItem[];
  format?: (value: number) => string;
  axisFormat?: (value: number) => string;
  axisLabel?: string;
  legend?: readonly LegendItem[];
  width?: number;
  labelWidth?: number;
  testId?: string;
}

const ROW = 26;
const TOP = 6;

export function BarChart({ title, description, items, format = formatCompact, axisFormat = formatCompact, axisLabel, legend, width = 640, labelWidth = 190, testId }: BarChartProps) {
  const valueRoom = 64;
  const axisRoom = axisLabel ? 42 : 26;
  const height = TOP + items.length * ROW + axisRoom;
  const { max, ticks } = zeroBasedTicks(items.map((i) => i.value), 4);
  const x = linearScale([0, max], [labelWidth, width - valueRoom]);
  const bottom = TOP + items.length * ROW;
  const maxChars = Math.floor(labelWidth / 6.6);
  return (
    <div style={{ display: 'grid', gap: 8 }}>
      {legend ? <Legend items={legend} /> : null}
      <ChartSvg width={width} height={height} title={title} description={description ?? items.map((i) => `${i.label}: ${format(i.value)}`).join('; ')} testId={testId}>
        <AxisBottom scale={x} ticks={ticks} format={axisFormat} at={bottom} gridTo={TOP} label={axisLabel} />
        {items.map((item, i) => {
          const y = TOP + i * ROW;
          const barWidth = Math.max(item.value > 0 ? 1 : 0, x(item.value) - x(0));
          return (
            <g key={`${item.label}-${i}`}>
              <text x={labelWidth - 8} y={y + ROW / 2} dy="0.32em" textAnchor="end" fontSize={12} fill={LABEL_COLOR}>
                <title>{item.label}</title>
                {clip(item.label, maxChars)}
              </text>
              <rect x={x(0)} y={y + 5} width={barWidth} height={ROW - 10} rx={3} fill={item.color ?? SERIES.primary} />
              <text x={x(0) + barWidth + 6} y={y + ROW / 2} dy="0.32em" fontSize={11} fill={TEXT_COLOR}>
                {format(item.value)}
              </text>
            </g>
          );
        })}
      </ChartSvg>
    </div>
  );
}
