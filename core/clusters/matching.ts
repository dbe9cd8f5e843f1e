// Cluster identity across runs: new centroids are matched one-to-one to the previous run's
// centroids (Hungarian algorithm, minimum total squared distance), and a pair is kept only when
// the previous centroid still falls in the new cluster, i.e. its nearest new centroid is the one
// it was paired with (optionally also within a maximum distance). A kept pair carries the previous
// id and name over; unmatched new clusters get new ids; unmatched previous clusters are retired.
//
// Previous centroids may lack some coordinates (a feature the previous model did not have):
// distances are taken over the coordinates both have.

/**
 * Minimum-cost assignment for a rows x cols cost matrix (Hungarian algorithm with potentials,
 * O(r^2 c)). Returns, for each row, its column or -1 (when there are more rows than columns).
 * Deterministic: ties resolve to the lower index.
 */
export function hungarian(cost: readonly (readonly number[])[]): number[] {
  const rows = cost.length;
  const cols = rows === 0 ? 0 : (cost[0] as number[]).length;
  if (rows === 0) return [];
  if (cols === 0) return new Array<number>(rows).fill(-1);
  if (rows > cols) {
    const transposed = Array.from({ length: cols }, (_, c) => Array.from({ length: rows }, (_, r) => (cost[r] as number[])[c] as number));
    const byCol = hungarian(transposed);
    const result = new Array<number>(rows).fill(-1);
    byCol.forEach((r, c) => {
      if (r >= 0) result[r] = c;
    });
    return result;
  }
  // 1-based arrays as in the classic formulation; rows <= cols.
  const u = new Float64Array(rows + 1);
  const v = new Float64Array(cols + 1);
  const owner = new Int32Array(cols + 1); // owner[col] = row (1-based), 0 = free
  const way = new Int32Array(cols + 1);
  for (let r = 1; r <= rows; r++) {
    owner[0] = r;
    let col0 = 0;
    const minv = new Float64Array(cols + 1).fill(Number.POSITIVE_INFINITY);
    const used = new Uint8Array(cols + 1);
    do {
      used[col0] = 1;
      const r0 = owner[col0] as number;
      let delta = Number.POSITIVE_INFINITY;
      let col1 = 0;
      for (let c = 1; c <= cols; c++) {
        if (used[c]) continue;
        const current = ((cost[r0 - 1] as number[])[c - 1] as number) - (u[r0] as number) - (v[c] as number);
        if (current < (minv[c] as number)) {
          minv[c] = current;
          way[c] = col0;
        }
        if ((minv[c] as number) < delta) {
          delta = minv[c] as number;
          col1 = c;
        }
      }
      for (let c = 0; c <= cols; c++) {
        if (used[c]) {
          u[owner[c] as number] = (u[owner[c] as number] as number) + delta;
          v[c] = (v[c] as number) - delta;
        } else {
          minv[c] = (minv[c] as number) - delta;
        }
      }
      col0 = col1;
    } while (owner[col0] !== 0);
    do {
      const col1 = way[col0] as number;
      owner[col0] = owner[col1] as number;
      col0 = col1;
    } while (col0 !== 0);
  }
  const result = new Array<number>(rows).fill(-1);
  for (let c = 1; c <= cols; c++) if ((owner[c] as number) > 0) result[(owner[c] as number) - 1] = c - 1;
  return result;
}

/** Squared distance over the coordinates `a` has (null = absent). */
export function partialSquaredDistance(a: readonly (number | null)[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < b.length; i++) {
    const x = a[i];
    if (x === null || x === undefined) continue;
    const delta = x - (b[i] as number);
    sum += delta * delta;
  }
  return sum;
}

export interface MatchOptions {
  /** Also require the matched centroids to be at most this far apart (Euclidean); default none. */
  maxDistance?: number | null;
}

/**
 * For each new centroid, the index of the previous centroid it continues, or -1.
 * `previous` is expressed in the new space (see `mapBetweenScalers`).
 */
export function matchCentroids(
  previous: readonly (readonly (number | null)[])[],
  current: readonly (readonly number[])[],
  options: MatchOptions = {},
): number[] {
  const matches = new Array<number>(current.length).fill(-1);
  if (previous.length === 0 || current.length === 0) return matches;
  const cost = current.map((centroid) => previous.map((old) => partialSquaredDistance(old, centroid)));
  const assignment = hungarian(cost);
  const maxSquared = options.maxDistance == null ? Number.POSITIVE_INFINITY : options.maxDistance * options.maxDistance;
  assignment.forEach((old, index) => {
    if (old < 0) return;
    const distance = (cost[index] as number[])[old] as number;
    if (distance > maxSquared) return;
    // The previous centroid must still fall in this new cluster (its nearest new centroid).
    for (let other = 0; other < current.length; other++) {
      if (other !== index && ((cost[other] as number[])[old] as number) < distance) return;
    }
    matches[index] = old;
  });
  return matches;
}
