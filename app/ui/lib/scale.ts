// Scales and ticks for the SVG charts: a linear scale, "nice" tick values (1, 2, 2.5, 5 x 10^n)
// and a band scale for bars. Pure.

export interface LinearScale {
  (value: number): number;
  domain: readonly [number, number];
  range: readonly [number, number];
}

/** Maps domain onto range linearly; a zero-width domain maps everything to the middle of the range. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const scale = ((value: number) => (span === 0 ? (r0 + r1) / 2 : r0 + ((value - d0) / span) * (r1 - r0))) as LinearScale;
  scale.domain = domain;
  scale.range = range;
  return scale;
}

/** The tick step for about `count` ticks over [min, max]: 1, 2, 2.5 or 5 times a power of ten. */
export function niceStep(min: number, max: number, count = 5): number {
  const span = Math.abs(max - min);
  if (!Number.isFinite(span) || span === 0) return 1;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** Tick values covering [min, max], starting and ending on multiples of the step. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min > max) [min, max] = [max, min];
  if (min === max) {
    if (min === 0) return [0, 1];
    const pad = Math.abs(min) * 0.1;
    return niceTicks(min - pad, max + pad, count);
  }
  const step = niceStep(min, max, count);
  const start = Math.floor(min / step + 1e-9) * step;
  const end = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; start + i * step <= end + step * 1e-9; i += 1) {
    // Round away floating noise (0.30000000000000004) to the step's precision.
    const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
    ticks.push(Number((start + i * step).toFixed(decimals)));
  }
  return ticks;
}

/** The domain [0, top tick] of a chart of non-negative values, with its ticks. */
export function zeroBasedTicks(values: readonly number[], count = 5): { max: number; ticks: number[] } {
  const finite = values.filter((v) => Number.isFinite(v));
  const top = finite.length === 0 ? 0 : Math.max(0, ...finite);
  const ticks = niceTicks(0, top === 0 ? 1 : top, count);
  return { max: ticks[ticks.length - 1] ?? 1, ticks };
}

export interface BandScale {
  /** Left edge of band i. */
  start(index: number): number;
  /** Centre of band i. */
  center(index: number): number;
  bandwidth: number;
  step: number;
}

/** n equal bands over the range with `padding` (0..1) of each step left empty between bands. */
export function bandScale(n: number, range: readonly [number, number], padding = 0.2): BandScale {
  const [r0, r1] = range;
  const count = Math.max(1, n);
  const step = (r1 - r0) / count;
  const bandwidth = step * (1 - Math.min(Math.max(padding, 0), 0.95));
  const offset = (step - bandwidth) / 2;
  return {
    start: (index) => r0 + index * step + offset,
    center: (index) => r0 + index * step + step / 2,
    bandwidth,
    step,
  };
}

/** An SVG path through the points ("M x y L x y ..."); empty for no points. */
export function linePath(points: ReadonlyArray<readonly [number, number]>): string {
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${round2(x)} ${round2(y)}`).join(' ');
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
