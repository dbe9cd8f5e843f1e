// Calibration: mean predicted probability against the observed rate per bin, with the diagonal of
// perfect calibration. Points are sized by how many people fall in the bin.
import type { CalibrationBin } from '../../../../core/predict/metrics.ts';
import { formatNumber, formatPercent } from '../../lib/format.ts';
import { linePath, linearScale, niceTicks } from '../../lib/scale.ts';
import { AxisBottom, AxisLeft, ChartSvg, Legend, SERIES } from './chart-parts.tsx';

export function calibrationDomain(bins: readonly CalibrationBin[]): number {
  const top = Math.max(0, ...bins.flatMap((b) => [b.meanPredicted, b.observedRate]));
  const ticks = niceTicks(0, Math.max(0.1, Math.min(1, top)), 5);
  return Math.min(1, ticks[ticks.length - 1] ?? 1);
}

export function CalibrationChart({ bins, width = 420, height = 340 }: { bins: readonly CalibrationBin[]; width?: number; height?: number }) {
  const margin = { left: 58, right: 14, top: 10, bottom: 48 };
  const top = calibrationDomain(bins);
  const ticks = niceTicks(0, top, 5);
  const x = linearScale([0, top], [margin.left, width - margin.right]);
  const y = linearScale([0, top], [height - margin.bottom, margin.top]);
  const maxCount = Math.max(1, ...bins.map((b) => b.count));
  const points = bins.filter((b) => b.count > 0).map((b) => [x(b.meanPredicted), y(b.observedRate)] as const);
  const pct = (v: number) => formatPercent(v, top < 0.2 ? 1 : 0);
  const description = bins.map((b) => `bin ${b.bin + 1}: predicted ${formatPercent(b.meanPredicted)}, observed ${formatPercent(b.observedRate)}, ${formatNumber(b.count)} people`).join('; ');
  return (
    <div style={{ display: 'grid', gap: 8 }}>
      <Legend
        items={[
          { label: 'Observed rate per bin', color: SERIES.primary },
          { label: 'Perfect calibration', color: '#8a8a8a', dashed: true },
        ]}
      />
      <ChartSvg width={width} height={height} title="Calibration: predicted probability against observed purchase rate" description={description} testId="calibration-chart">
        <AxisBottom scale={x} ticks={ticks} format={pct} at={height - margin.bottom} gridTo={margin.top} label="Predicted probability" />
        <AxisLeft scale={y} ticks={ticks} format={pct} at={margin.left} gridTo={width - margin.right} label="Observed rate" />
        <line x1={x(0)} y1={y(0)} x2={x(top)} y2={y(top)} stroke="#8a8a8a" strokeDasharray="5 4" strokeWidth={1.5} data-testid="calibration-diagonal" />
        <path d={linePath(points)} fill="none" stroke={SERIES.primary} strokeWidth={1.5} strokeOpacity={0.6} />
        {bins
          .filter((b) => b.count > 0)
          .map((b) => (
            <circle key={b.bin} cx={x(b.meanPredicted)} cy={y(b.observedRate)} r={3 + 5 * Math.sqrt(b.count / maxCount)} fill={SERIES.primary} fillOpacity={0.85} stroke="#fff" strokeWidth={1}>
              <title>{`Predicted ${formatPercent(b.meanPredicted)}, observed ${formatPercent(b.observedRate)} (${formatNumber(b.count)} people)`}</title>
            </circle>
          ))}
      </ChartSvg>
    </div>
  );
}
