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

/**
 * Put the k-th smallest value (0-based) of values[from..to] at position k, smaller or equal ones
 * before it and larger or equal ones after it (quickselect: a median-of-three pivot and a
 * three-way partition, so many ties cost nothing; a sort after too many rounds, so the worst case
 * stays O(n log n)). `values[from..to]` must hold no NaN. In place.
 */
export function selectInPlace(values: Float64Array, k: number, from = 0, to = values.length - 1): void {
  let low = from;
  let high = to;
  let rounds = 0;
  while (low < high) {
    if (++rounds > 64 || high - low < 16) {
      values.subarray(low, high + 1).sort();
      return;
    }
    const a = values[low] as number;
    const b = values[(low + high) >>> 1] as number;
    const c = values[high] as number;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let lt = low;
    let i = low;
    let gt = high;
    while (i <= gt) {
      const v = values[i] as number;
      if (v < pivot) {
        values[i] = values[lt] as number;
        values[lt] = v;
        lt += 1;
        i += 1;
      } else if (v > pivot) {
        values[i] = values[gt] as number;
        values[gt] = v;
        gt -= 1;
      } else {
        i += 1;
      }
    }
    if (k < lt) high = lt - 1;
    else if (k > gt) low = gt + 1;
    else return; // values[lt..gt] all equal the pivot, k among them
  }
}

/**
 * `quantileSorted(sorted, q)` for each q, where `sorted` is `values` sorted ascending, without
 * sorting: the needed order statistics are selected (O(n) per quantile). The same numbers as
 * sorting first. `values` (no NaN) is reordered in place.
 */
export function quantilesInPlace(values: Float64Array, qs: readonly number[]): number[] {
  const n = values.length;
  if (n === 0) return qs.map(() => Number.NaN);
  const positions = qs.map((q) => Math.min(1, Math.max(0, q)) * (n - 1));
  const order = qs.map((_, i) => i).sort((a, b) => (positions[a] as number) - (positions[b] as number));
  const out = new Array<number>(qs.length).fill(Number.NaN);
  let from = 0;
  for (const i of order) {
    const position = positions[i] as number;
    const low = Math.floor(position);
    const high = Math.min(n - 1, low + 1);
    // Everything before `from` is already <= values[from] and in its place.
    selectInPlace(values, low, from, n - 1);
    const lowValue = values[low] as number;
    let highValue = lowValue;
    if (high > low) {
      // The next order statistic: the smallest value after position low.
      highValue = Infinity;
      for (let j = low + 1; j < n; j++) if ((values[j] as number) < highValue) highValue = values[j] as number;
    }
    out[i] = lowValue + (highValue - lowValue) * (position - low);
    from = low;
  }
  return out;
}

/** The median of finite values as `median` in core/predict computes it (mean of the two middle ones); null for none. In place. */
export function medianInPlace(values: Float64Array): number | null {
  const n = values.length;
  if (n === 0) return null;
  const mid = Math.floor(n / 2);
  selectInPlace(values, mid);
  const upper = values[mid] as number;
  if (n % 2 === 1) return upper;
  // The largest value before position mid (all of them are <= values[mid]).
  let lower = -Infinity;
  for (let i = 0; i < mid; i++) if ((values[i] as number) > lower) lower = values[i] as number;
  return (lower + upper) / 2;
}
