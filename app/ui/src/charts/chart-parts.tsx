// Shared pieces of the SVG charts: the accessible <svg> (role img, <title> and <desc>), axes with
// tick labels and grid lines, and a legend. Colours follow Polaris' data-visualisation palette.
import { useId, type ReactNode } from 'react';
import type { LinearScale } from '../../lib/scale.ts';

export const CHART_FONT = 'var(--p-font-family-sans, -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif)';
export const AXIS_COLOR = '#8a8a8a';
export const GRID_COLOR = '#ebebeb';
export const TEXT_COLOR = '#616161';
export const LABEL_COLOR = '#303030';

/** Series colours (first: the subject, second: the comparison). */
export const SERIES = { primary: '#2c6ecb', secondary: '#b5b5b5', accent: '#8051d6', positive: '#29845a', negative: '#e51c00', warning: '#b28400' } as const;

export interface ChartSvgProps {
  width: number;
  height: number;
  title: string;
  description?: string;
  testId?: string;
  children: ReactNode;
}

/** An <svg> that scales to its container's width, announced as one image with a title. */
export function ChartSvg({ width, height, title, description, testId, children }: ChartSvgProps) {
  const id = useId();
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      style={{ maxWidth: width, display: 'block', fontFamily: CHART_FONT, overflow: 'visible' }}
      role="img"
      aria-labelledby={`${id}-title`}
      aria-describedby={description ? `${id}-desc` : undefined}
      data-testid={testId}
    >
      <title id={`${id}-title`}>{title}</title>
      {description ? <desc id={`${id}-desc`}>{description}</desc> : null}
      {children}
    </svg>
  );
}

export interface AxisProps {
  scale: LinearScale;
  ticks: readonly number[];
  format: (value: number) => string;
  /** Where the axis line sits (y for a bottom axis, x for a left axis). */
  at: number;
  /** The other end of the grid lines; omit for no grid. */
  gridTo?: number;
  label?: string;
}

export function AxisBottom({ scale, ticks, format, at, gridTo, label }: AxisProps) {
  const [x0, x1] = scale.range;
  return (
    <g aria-hidden="true">
      {ticks.map((tick) => {
        const x = scale(tick);
        return (
          <g key={tick}>
            {gridTo !== undefined ? <line x1={x} x2={x} y1={gridTo} y2={at} stroke={GRID_COLOR} /> : null}
            <line x1={x} x2={x} y1={at} y2={at + 4} stroke={AXIS_COLOR} />
            <text x={x} y={at + 16} textAnchor="middle" fontSize={11} fill={TEXT_COLOR}>
              {format(tick)}
            </text>
          </g>
        );
      })}
      <line x1={x0} x2={x1} y1={at} y2={at} stroke={AXIS_COLOR} />
      {label ? (
        <text x={(x0 + x1) / 2} y={at + 34} textAnchor="middle" fontSize={12} fill={LABEL_COLOR}>
          {label}
        </text>
      ) : null}
    </g>
  );
}

export function AxisLeft({ scale, ticks, format, at, gridTo, label }: AxisProps) {
  const [y0, y1] = scale.range;
  return (
    <g aria-hidden="true">
      {ticks.map((tick) => {
        const y = scale(tick);
        return (
          <g key={tick}>
            {gridTo !== undefined ? <line x1={at} x2={gridTo} y1={y} y2={y} stroke={GRID_COLOR} /> : null}
            <line x1={at - 4} x2={at} y1={y} y2={y} stroke={AXIS_COLOR} />
            <text x={at - 7} y={y} dy="0.32em" textAnchor="end" fontSize={11} fill={TEXT_COLOR}>
              {format(tick)}
            </text>
          </g>
        );
      })}
      <line x1={at} x2={at} y1={y0} y2={y1} stroke={AXIS_COLOR} />
      {label ? (
        <text transform={`translate(${at - 44} ${(y0 + y1) / 2}) rotate(-90)`} textAnchor="middle" fontSize={12} fill={LABEL_COLOR}>
          {label}
        </text>
      ) : null}
    </g>
  );
}

export interface LegendItem {
  label: string;
  color: string;
  /** Dashed line instead of a filled square. */
  dashed?: boolean;
}

/** A legend in HTML (wraps, selectable text), placed above or below a chart. */
export function Legend({ items }: { items: readonly LegendItem[] }) {
  return (
    <ul style={{ display: 'flex', flexWrap: 'wrap', gap: '4px 16px', listStyle: 'none', margin: 0, padding: 0, fontSize: 12, color: TEXT_COLOR }}>
      {items.map((item) => (
        <li key={item.label} style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
          <svg width="14" height="10" aria-hidden="true">
            {item.dashed ? <line x1="0" x2="14" y1="5" y2="5" stroke={item.color} strokeWidth="2" strokeDasharray="3 2" /> : <rect width="10" height="10" rx="2" fill={item.color} />}
          </svg>
          {item.label}
        </li>
      ))}
    </ul>
  );
}

/** Cuts a label to fit roughly `maxChars` characters. */
export function clip(label: string, maxChars: number): string {
  return label.length <= maxChars ? label : `${label.slice(0, Math.max(1, maxChars - 1))}…`;
}
