// A sparkline of a segment's size over past runs: a line, its last point marked, no axes.
import type { TrendPoint } from '../../../server/api/api-types.ts';
import { formatDate, formatNumber } from '../../lib/format.ts';
import { linePath, linearScale } from '../../lib/scale.ts';
import { ChartSvg, SERIES } from './chart-parts.tsx';

export function Sparkline({ points, label, width = 112, height = 28 }: { points: readonly TrendPoint[]; label: string; width?: number; height?: number }) {
  if (points.length === 0) return <span style={{ color: '#8a8a8a' }}>—</span>;
  const sizes = points.map((p) => p.size);
  const min = Math.min(...sizes);
  const max = Math.max(...sizes);
  const pad = 3;
  const x = linearScale([0, Math.max(1, points.length - 1)], [pad, width - pad]);
  const y = linearScale([min, max === min ? min + 1 : max], [height - pad, pad]);
  const xy = points.map((p, i) => [x(i), max === min ? height / 2 : y(p.size)] as const);
  const last = xy[xy.length - 1] ?? ([0, 0] as const);
  const first = points[0];
  const end = points[points.length - 1];
  const title = `${label}: ${formatNumber(first?.size)} on ${formatDate(first?.at)} to ${formatNumber(end?.size)} on ${formatDate(end?.at)} (${points.length} runs)`;
  return (
    <span style={{ display: 'inline-block', width }}>
      <ChartSvg width={width} height={height} title={title} testId="sparkline">
        <path d={linePath(xy)} fill="none" stroke={SERIES.primary} strokeWidth={1.5} strokeLinejoin="round" strokeLinecap="round" />
        <circle cx={last[0]} cy={last[1]} r={2.5} fill={SERIES.primary} />
      </ChartSvg>
    </span>
  );
}
