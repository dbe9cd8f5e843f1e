// "Did you mean": the closest known name to a misspelt one, by edit distance.

/**
 * Optimal string alignment distance (Levenshtein plus swaps of two neighbours), ignoring letter
 * case. Stops early and returns `limit + 1` once the distance must exceed `limit`.
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (Math.abs(s.length - t.length) > limit) return limit + 1;
  let before: number[] = [];
  let previous: number[] = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i += 1) {
    const current: number[] = [i];
    let rowMin = i;
    for (let j = 1; j <= t.length; j += 1) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, (before[j - 2] as number) + 1);
      current.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > limit) return limit + 1;
    before = previous;
    previous = current;
  }
  return previous[t.length] as number;
}

/**
 * The candidate closest to `input`, or undefined when none is close: within a third of the
 * length (at least 1, at most 3 edits), or, for inputs of 4+ characters, containing the input
 * (`propensity` -> `purchase_propensity`). Ties go to the earlier candidate.
 */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(input.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  let containing: string | undefined;
  const folded = input.toLowerCase();
  for (const candidate of candidates) {
    const distance = editDistance(input, candidate, limit);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
    if (folded.length >= 4 && candidate.toLowerCase().includes(folded) && (containing === undefined || candidate.length < containing.length)) {
      containing = candidate;
    }
  }
  return best ?? containing;
}
