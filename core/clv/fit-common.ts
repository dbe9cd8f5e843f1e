// What the BG/NBD and Gamma-Gamma fits share: the failure value, the multi-start search on
// log-parameters and standard errors from the observed information.
import { invertSpd, minimizeBfgs, minimizeNelderMead, numericalHessian } from './optimize.ts';
import type { ObjectiveWithGradient } from './optimize.ts';

/** Expected failures are values: the caller shows `detail` and carries on without the model. */
export interface FitFailure {
  ok: false;
  reason: 'not-enough-data' | 'invalid-input' | 'no-convergence';
  detail: string;
}

/** Every parameter is searched as ln(parameter) in [-LOG_BOUND, LOG_BOUND] (about 6e-6 .. 1.6e5). */
export const LOG_BOUND = 12;

export interface SearchResult {
  /** Best log-parameters found. */
  theta: number[];
  /** Mean negative log-likelihood per weighted observation at theta. */
  meanNegLogLik: number;
  converged: boolean;
  iterations: number;
  evaluations: number;
  /** Parameters within 0.5 (in log) of the box: the likelihood wants them at 0 or infinity. */
  atBound: number[];
}

/**
 * Above this many people a fit runs its starts on a subsample of about this many (every k-th
 * person, in the order given) and continues only the best of them on everyone: see `coarse` in
 * `searchLogParameters`.
 */
export const COARSE_SEARCH_PEOPLE = 10_000;

/** Every k-th item, k = ceil(n / size), when there are more than 2 × size items; else null. */
export function everyKth<T>(items: readonly T[], size: number): T[] | null {
  if (items.length <= 2 * size) return null;
  const k = Math.ceil(items.length / size);
  const out: T[] = [];
  for (let i = 0; i < items.length; i += k) out.push(items[i] as T);
  return out;
}

export interface SearchOptions {
  /**
   * The same objective on a subsample of the people. When given, every start runs on it (cheap),
   * and only the best end point is handed to the search on `fg`, which converges there to the
   * same tolerance as always: the estimate is the maximum likelihood on all the data, the starts
   * only pick the basin. Should that search not converge, every start is run on `fg` as without
   * this option.
   */
  coarse?: ObjectiveWithGradient | null;
}

/**
 * Minimise `fg` (mean negative log-likelihood and its gradient in log-parameters) by BFGS from
 * each start, keeping the best; when the best did not converge, polish it with Nelder–Mead and
 * BFGS again. Deterministic: starts are tried in the order given.
 */
export function searchLogParameters(
  fg: ObjectiveWithGradient,
  starts: readonly (readonly number[])[],
  options: SearchOptions = {},
): SearchResult {
  const coarse = options.coarse ?? null;
  if (coarse !== null) {
    const first = searchFrom(coarse, starts, 1e-6, null);
    if (first.theta.length > 0) {
      // The subsample's curvature at its optimum seeds BFGS on everyone (both objectives are
      // per person), so it needs a few steps rather than relearning the curvature from scratch.
      const inverse = invertSpd(numericalHessian((t) => coarse(t).g, first.theta, 1e-4));
      const polished = searchFrom(fg, [first.theta], 1e-9, inverse);
      if (polished.converged) {
        return { ...polished, iterations: first.iterations + polished.iterations, evaluations: first.evaluations + polished.evaluations };
      }
    }
  }
  return searchFrom(fg, starts, 1e-9, null);
}

function searchFrom(
  fg: ObjectiveWithGradient,
  starts: readonly (readonly number[])[],
  gradTol: number,
  inverseHessian: number[][] | null,
): SearchResult {
  let best: { x: number[]; f: number; converged: boolean } | null = null;
  let iterations = 0;
  let evaluations = 0;
  for (const start of starts) {
    const r = minimizeBfgs(fg, start, { bound: LOG_BOUND, gradTol, maxIterations: 400, inverseHessian });
    iterations += r.iterations;
    evaluations += r.evaluations;
    if (Number.isFinite(r.f) && (best === null || r.f < best.f - 1e-12)) best = { x: r.x, f: r.f, converged: r.converged };
  }
  if (best !== null && !best.converged) {
    const nm = minimizeNelderMead((x) => fg(x).f, best.x, { bound: LOG_BOUND, fTol: 1e-13, maxEvaluations: 4000 });
    evaluations += nm.evaluations;
    iterations += nm.iterations;
    const again = minimizeBfgs(fg, nm.f < best.f ? nm.x : best.x, { bound: LOG_BOUND, gradTol, maxIterations: 400 });
    evaluations += again.evaluations;
    iterations += again.iterations;
    // Keep the lowest value; only a BFGS end point can claim convergence (a vanishing gradient).
    const candidates = [
      { x: again.x, f: again.f, converged: again.converged },
      { x: nm.x, f: nm.f, converged: false },
      best,
    ].filter((c) => Number.isFinite(c.f));
    candidates.sort((p, q) => p.f - q.f);
    best = candidates[0] ?? best;
  }
  if (best === null) {
    return { theta: [], meanNegLogLik: Infinity, converged: false, iterations, evaluations, atBound: [] };
  }
  const atBound: number[] = [];
  best.x.forEach((v, i) => {
    if (Math.abs(v) > LOG_BOUND - 0.5) atBound.push(i);
  });
  return { theta: best.x, meanNegLogLik: best.f, converged: best.converged, iterations, evaluations, atBound };
}

/**
 * Standard errors of the parameters (not their logs) from the observed information: the
 * Hessian of the total negative log-likelihood in log-parameters, inverted, then the delta
 * method (se(p) = p * se(ln p)). Null when the information matrix is singular.
 */
export function standardErrors(
  meanGrad: (theta: readonly number[]) => number[],
  theta: readonly number[],
  weight: number,
): number[] | null {
  const h = numericalHessian((t) => meanGrad(t).map((g) => g * weight), theta, 1e-4);
  const cov = invertSpd(h);
  if (cov === null) return null;
  const out = theta.map((t, i) => Math.exp(t) * Math.sqrt(((cov[i] as number[])[i] as number)));
  return out.every(Number.isFinite) ? out : null;
}
