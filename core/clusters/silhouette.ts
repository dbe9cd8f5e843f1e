// Mean silhouette on a fixed-size sample. The pairwise (Euclidean) distances of the sample are
// computed once, O(s^2 d), and reused for every candidate k, O(s^2) each; s is fixed (default
// 2,000), so the cost never grows with the store.
//
// s(i) = (b - a) / max(a, b), where a is the mean distance from i to the other sample points of
// its cluster and b the lowest mean distance to the sample points of another cluster; s(i) = 0
// when i is alone in its cluster within the sample (the usual convention).

/** Condensed upper-triangle distance matrix of a sample. */
export interface SampleDistances {
  size: number;
  /** Distance between i < j at `i * size - (i * (i + 1)) / 2 + (j - i - 1)`. */
  values: Float64Array;
}

export function sampleDistances(points: readonly (readonly number[])[]): SampleDistances {
  const size = points.length;
  const values = new Float64Array((size * (size - 1)) / 2);
  // The points copied into one flat array first (same numbers, read in order).
  const width = size === 0 ? 0 : (points[0] as number[]).length;
  const flat = new Float64Array(size * width);
  for (let i = 0; i < size; i++) {
    const point = points[i] as number[];
    if (point.length !== width) throw new RangeError('sample points differ in length');
    for (let d = 0; d < width; d++) flat[i * width + d] = point[d] as number;
  }
  let at = 0;
  for (let i = 0; i < size; i++) {
    const a = i * width;
    for (let j = i + 1; j < size; j++) {
      const b = j * width;
      let sum = 0;
      for (let d = 0; d < width; d++) {
        const delta = (flat[a + d] as number) - (flat[b + d] as number);
        sum += delta * delta;
      }
      values[at++] = Math.sqrt(sum);
    }
  }
  return { size, values };
}

/**
 * Mean silhouette of the sample under `labels` (0..k-1, one per sample point). null when fewer
 * than two clusters have sample points: the silhouette is then undefined.
 */
export function meanSilhouette(distances: SampleDistances, labels: ArrayLike<number>, k: number): number | null {
  const n = distances.size;
  if (labels.length !== n) throw new RangeError('one label per sample point');
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) counts[labels[i] as number] = (counts[labels[i] as number] as number) + 1;
  let present = 0;
  for (let c = 0; c < k; c++) if ((counts[c] as number) > 0) present += 1;
  if (present < 2) return null;

  // sums[i * k + c]: total distance from i to the sample points of cluster c.
  const sums = new Float64Array(n * k);
  const values = distances.values;
  let at = 0;
  for (let i = 0; i < n; i++) {
    const li = labels[i] as number;
    const rowI = i * k;
    for (let j = i + 1; j < n; j++) {
      const d = values[at++] as number;
      const a = rowI + (labels[j] as number);
      const b = j * k + li;
      sums[a] = (sums[a] as number) + d;
      sums[b] = (sums[b] as number) + d;
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const li = labels[i] as number;
    const own = counts[li] as number;
    if (own <= 1) continue;
    const a = (sums[i * k + li] as number) / (own - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      const count = counts[c] as number;
      if (c === li || count === 0) continue;
      const mean = (sums[i * k + c] as number) / count;
      if (mean < b) b = mean;
    }
    const denominator = Math.max(a, b);
    if (denominator > 0) total += (b - a) / denominator;
  }
  return total / n;
}
