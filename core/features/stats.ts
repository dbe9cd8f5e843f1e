// Small numeric helpers shared by the scaler and the cluster explanations. Deterministic: no
// randomness, and sums run in a fixed order.

/**
 * Quantile q (0..1) of sorted values, linearly interpolated between order statistics (the
 * "type 7" definition used by R and NumPy by default). NaN for no values: callers decide.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const position = Math.min(1, Math.max(0, q)) * (n - 1);
  const low = Math.floor(position);
  const high = Math.min(n - 1, low + 1);
  const lowValue = sorted[low] as number;
  const highValue = sorted[high] as number;
  return lowValue + (highValue - lowValue) * (position - low);
}

/** Mean and population standard deviation of finite values; null for no values. */
export function meanAndStd(values: ArrayLike<number>): { mean: number; std: number } | null {
  const n = values.length;
  if (n === 0) return null;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const delta = (values[i] as number) - mean;
    squares += delta * delta;
  }
  return { mean, std: Math.sqrt(squares / n) };
}
