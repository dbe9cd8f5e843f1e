// Platt scaling: P(positive | s) = sigmoid(a * s + b), fitted on held-out scores s (here the naive
// Bayes log-odds) by Newton's method with a backtracking line search (Lin, Lin & Weng, "A note
// on Platt's probabilistic outputs for support vector machines", 2007).
//
// Why Platt and not isotonic regression: naive Bayes is over-confident because it counts
// correlated features as independent evidence, which inflates its log-odds by a roughly
// constant factor; a slope a < 1 undoes exactly that. Two parameters are stable on the few
// hundred held-out customers a small store has (isotonic regression overfits below ~1,000),
// and a monotone map keeps the model's ranking, so AUC and lift are unchanged by calibration.
//
// Details:
// - Targets are Platt's smoothed ones, (N+ + 1) / (N+ + 2) for positives and 1 / (N- + 2) for
//   negatives, so a perfectly separated or one-class held-out set still gives finite a and b.
// - Scores are clipped to +-SCORE_LIMIT: naive Bayes can give log-odds of 1e6 for a value no
//   training row of a class had; beyond 50 the probability is 1 - 2e-22 anyway.
// - The slope is never negative: if held-out data says the ranking is backwards, the model is
//   no better than the base rate, so a = 0 and b is the (smoothed) base rate's log-odds.
import { RefineryError } from '../errors.ts';

export interface PlattCalibration {
  kind: 'platt';
  a: number;
  b: number;
  /** Held-out rows and positives it was fitted on. */
  n: number;
  positives: number;
  iterations: number;
  converged: boolean;
}

export const SCORE_LIMIT = 50;

/** The identity calibration: sigmoid(s) is the model's own probability. */
export const IDENTITY_CALIBRATION: PlattCalibration = { kind: 'platt', a: 1, b: 0, n: 0, positives: 0, iterations: 0, converged: true };

/** 1 / (1 + exp(-t)) without overflow. */
export function sigmoid(t: number): number {
  if (t >= 0) return 1 / (1 + Math.exp(-t));
  const e = Math.exp(t);
  return e / (1 + e);
}

export function clipScore(s: number): number {
  if (Number.isNaN(s)) throw new RefineryError('VALIDATION', 'score is NaN');
  return Math.min(SCORE_LIMIT, Math.max(-SCORE_LIMIT, s));
}

export function applyPlatt(calibration: PlattCalibration, score: number): number {
  return sigmoid(calibration.a * clipScore(score) + calibration.b);
}

/** -[t log p + (1 - t) log(1 - p)] with p = sigmoid(f), stable for any f. */
function loss(f: number, t: number): number {
  return (f >= 0 ? f + Math.log1p(Math.exp(-f)) : Math.log1p(Math.exp(f))) - t * f;
}

export function fitPlatt(
  scores: ArrayLike<number>,
  labels: ArrayLike<boolean>,
  options: {
    maxIterations?: number;
    /**
     * Where Newton's method starts (default a = 0, b = the smoothed base rate's log-odds); a fit
     * of nearly the same data converges in fewer steps from there, to the same optimum.
     */
    start?: { a: number; b: number } | null;
  } = {},
): PlattCalibration {
  const n = scores.length;
  if (n === 0) throw new RefineryError('VALIDATION', 'Platt scaling needs at least one held-out score');
  if (labels.length !== n) throw new RefineryError('VALIDATION', `${n} scores but ${labels.length} labels`);
  const maxIterations = options.maxIterations ?? 100;
  const s = new Float64Array(n);
  let positives = 0;
  for (let i = 0; i < n; i += 1) {
    s[i] = clipScore(scores[i] as number);
    if (labels[i] === true) positives += 1;
  }
  const negatives = n - positives;
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  const t = new Float64Array(n);
  let targetSum = 0;
  for (let i = 0; i < n; i += 1) {
    t[i] = labels[i] === true ? hi : lo;
    targetSum += t[i] as number;
  }
  const meanTarget = targetSum / n;
  const interceptOnly = (iterations: number, converged: boolean): PlattCalibration => ({
    kind: 'platt',
    a: 0,
    b: Math.log(meanTarget / (1 - meanTarget)),
    n,
    positives,
    iterations,
    converged,
  });

  const first = s[0] as number;
  if (s.every((v) => v === first)) return interceptOnly(0, true);

  const objective = (a: number, b: number): number => {
    let total = 0;
    for (let i = 0; i < n; i += 1) total += loss(a * (s[i] as number) + b, t[i] as number);
    return total;
  };

  const start = options.start ?? null;
  const usable = start !== null && Number.isFinite(start.a) && start.a >= 0 && Number.isFinite(start.b);
  let a = usable ? start.a : 0;
  let b = usable ? start.b : Math.log((positives + 1) / (negatives + 1));
  let f = objective(a, b);
  const ridge = 1e-12;
  let converged = false;
  let iterations = 0;
  for (; iterations < maxIterations; iterations += 1) {
    let ga = 0;
    let gb = 0;
    let haa = ridge;
    let hab = 0;
    let hbb = ridge;
    for (let i = 0; i < n; i += 1) {
      const si = s[i] as number;
      const p = sigmoid(a * si + b);
      const r = p - (t[i] as number);
      const w = p * (1 - p);
      ga += r * si;
      gb += r;
      haa += w * si * si;
      hab += w * si;
      hbb += w;
    }
    if (Math.abs(ga) < 1e-7 * n && Math.abs(gb) < 1e-7 * n) {
      converged = true;
      break;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = -(hbb * ga - hab * gb) / det;
    const db = -(-hab * ga + haa * gb) / det;
    const slope = ga * da + gb * db; // < 0: a descent direction
    let step = 1;
    let accepted = false;
    while (step >= 1e-10) {
      const na = a + step * da;
      const nb = b + step * db;
      const nf = objective(na, nb);
      if (nf <= f + 1e-4 * step * slope) {
        a = na;
        b = nb;
        f = nf;
        accepted = true;
        break;
      }
      step /= 2;
    }
    if (!accepted) {
      converged = Math.abs(ga) < 1e-5 * n && Math.abs(gb) < 1e-5 * n;
      break;
    }
  }
  if (!(a >= 0) || !Number.isFinite(b)) return interceptOnly(iterations, converged);
  return { kind: 'platt', a, b, n, positives, iterations, converged };
}
