// Small deterministic minimisers for the CLV fits. Both work on an unconstrained vector (the fits
// pass log-parameters) inside a box: outside the box the objective is +Infinity, which both
// methods treat as "step too far". No randomness: the same start gives the same answer.

export type Objective = (x: readonly number[]) => number;
/** Value and gradient together (the fits compute both in one pass over the data). */
export type ObjectiveWithGradient = (x: readonly number[]) => { f: number; g: number[] };

export interface MinimizeResult {
  x: number[];
  f: number;
  iterations: number;
  evaluations: number;
  /** Largest gradient component at the end (NaN for Nelder–Mead, which has none). */
  gradientNorm: number;
  converged: boolean;
}

export interface BoxOptions {
  /** Same bound for every coordinate; the box is [-bound, bound]. */
  bound: number;
}

function inBox(x: readonly number[], bound: number): boolean {
  for (const v of x) if (!(Math.abs(v) <= bound)) return false;
  return true;
}

function maxAbs(v: readonly number[]): number {
  let m = 0;
  for (const x of v) m = Math.max(m, Math.abs(x));
  return m;
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i += 1) s += (a[i] as number) * (b[i] as number);
  return s;
}

/**
 * BFGS with an Armijo backtracking line search and a capped step (at most `maxStep` in any
 * coordinate per iteration). Converges when the largest gradient component is below `gradTol`.
 */
export function minimizeBfgs(
  fg: ObjectiveWithGradient,
  x0: readonly number[],
  options: BoxOptions & {
    gradTol?: number;
    maxIterations?: number;
    maxStep?: number;
    /**
     * A first approximation of the inverse Hessian at x0 (symmetric positive definite), e.g. from
     * a fit of the same model on a subsample; default: the identity, rescaled after the first step.
     */
    inverseHessian?: readonly (readonly number[])[] | null;
  },
): MinimizeResult {
  const { bound } = options;
  const gradTol = options.gradTol ?? 1e-8;
  const maxIterations = options.maxIterations ?? 300;
  const maxStep = options.maxStep ?? 2;
  const n = x0.length;
  const evalAt = (x: readonly number[]): { f: number; g: number[] } => {
    if (!inBox(x, bound)) return { f: Infinity, g: new Array<number>(n).fill(0) };
    const r = fg(x);
    return Number.isFinite(r.f) && r.g.every(Number.isFinite) ? r : { f: Infinity, g: r.g };
  };
  let x = x0.map((v) => Math.max(-bound, Math.min(bound, v)));
  let cur = evalAt(x);
  let evaluations = 1;
  if (!Number.isFinite(cur.f)) {
    return { x, f: cur.f, iterations: 0, evaluations, gradientNorm: NaN, converged: false };
  }
  // Inverse Hessian approximation, row-major.
  const given = options.inverseHessian ?? null;
  let h: number[][] =
    given !== null && given.length === n
      ? given.map((row) => row.slice(0, n))
      : Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations; iterations += 1) {
    if (maxAbs(cur.g) < gradTol) {
      converged = true;
      break;
    }
    let d = h.map((row) => -dot(row, cur.g));
    if (!(dot(d, cur.g) < 0)) {
      // Not a descent direction: reset to steepest descent.
      h = h.map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
      d = cur.g.map((v) => -v);
    }
    const big = maxAbs(d);
    if (big > maxStep) d = d.map((v) => (v * maxStep) / big);
    const slope = dot(d, cur.g);
    let step = 1;
    let next: { f: number; g: number[] } | null = null;
    let xNext: number[] = x;
    for (let k = 0; k < 60; k += 1) {
      xNext = x.map((v, i) => v + step * (d[i] as number));
      const trial = evalAt(xNext);
      evaluations += 1;
      if (trial.f <= cur.f + 1e-4 * step * slope) {
        next = trial;
        break;
      }
      step *= 0.5;
    }
    if (next === null) break; // no decrease possible along d: at a (possibly boundary) minimum
    const s = xNext.map((v, i) => v - (x[i] as number));
    const y = next.g.map((v, i) => v - (cur.g[i] as number));
    const sy = dot(s, y);
    const fPrev = cur.f;
    x = xNext;
    cur = next;
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (iterations === 0 && given === null) {
        // Scale the first approximation to the curvature seen (Nocedal & Wright 6.20).
        const scale = sy / dot(y, y);
        h = h.map((row) => row.map((v) => v * scale));
      }
      const hy = h.map((row) => dot(row, y));
      const yhy = dot(y, hy);
      const rho = 1 / sy;
      h = h.map((row, i) =>
        row.map(
          (v, j) =>
            v +
            ((sy + yhy) * (s[i] as number) * (s[j] as number)) * rho * rho -
            ((hy[i] as number) * (s[j] as number) + (s[i] as number) * (hy[j] as number)) * rho,
        ),
      );
    }
    if (Math.abs(fPrev - cur.f) <= 1e-15 * Math.max(1, Math.abs(cur.f)) && maxAbs(cur.g) < gradTol * 1e3) {
      converged = true;
      iterations += 1;
      break;
    }
  }
  return { x, f: cur.f, iterations, evaluations, gradientNorm: maxAbs(cur.g), converged };
}

/**
 * Nelder–Mead simplex (standard coefficients 1, 2, 0.5, 0.5), started from x0 with steps of
 * `initialStep` along each axis. Stops when the simplex's values agree to `fTol` (absolute).
 */
export function minimizeNelderMead(
  f: Objective,
  x0: readonly number[],
  options: BoxOptions & { fTol?: number; maxEvaluations?: number; initialStep?: number },
): MinimizeResult {
  const { bound } = options;
  const fTol = options.fTol ?? 1e-12;
  const maxEvaluations = options.maxEvaluations ?? 5000;
  const initialStep = options.initialStep ?? 0.5;
  const n = x0.length;
  let evaluations = 0;
  const value = (x: readonly number[]): number => {
    evaluations += 1;
    if (!inBox(x, bound)) return Infinity;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const start = x0.map((v) => Math.max(-bound, Math.min(bound, v)));
  let simplex: { x: number[]; f: number }[] = [{ x: start, f: value(start) }];
  for (let i = 0; i < n; i += 1) {
    const x = start.slice();
    const moved = (x[i] as number) + initialStep;
    x[i] = moved > bound ? (x[i] as number) - initialStep : moved;
    simplex.push({ x, f: value(x) });
  }
  let iterations = 0;
  let converged = false;
  while (evaluations < maxEvaluations) {
    simplex = simplex.slice().sort((p, q) => p.f - q.f);
    const best = simplex[0] as { x: number[]; f: number };
    const worst = simplex[n] as { x: number[]; f: number };
    const second = simplex[n - 1] as { x: number[]; f: number };
    if (Number.isFinite(worst.f) && Math.abs(worst.f - best.f) <= fTol) {
      converged = true;
      break;
    }
    iterations += 1;
    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k += 1) {
      const p = simplex[k] as { x: number[] };
      for (let i = 0; i < n; i += 1) centroid[i] = (centroid[i] as number) + (p.x[i] as number) / n;
    }
    const along = (t: number): number[] => centroid.map((c, i) => c + t * (c - (worst.x[i] as number)));
    const xr = along(1);
    const fr = value(xr);
    if (fr < best.f) {
      const xe = along(2);
      const fe = value(xe);
      simplex[n] = fe < fr ? { x: xe, f: fe } : { x: xr, f: fr };
    } else if (fr < second.f) {
      simplex[n] = { x: xr, f: fr };
    } else {
      const outside = fr < worst.f;
      const xc = along(outside ? 0.5 : -0.5);
      const fc = value(xc);
      if (fc < (outside ? fr : worst.f)) {
        simplex[n] = { x: xc, f: fc };
      } else {
        // Shrink towards the best point.
        for (let k = 1; k <= n; k += 1) {
          const p = simplex[k] as { x: number[] };
          const x = p.x.map((v, i) => (best.x[i] as number) + 0.5 * (v - (best.x[i] as number)));
          simplex[k] = { x, f: value(x) };
        }
      }
    }
  }
  simplex.sort((p, q) => p.f - q.f);
  const best = simplex[0] as { x: number[]; f: number };
  return { x: best.x, f: best.f, iterations, evaluations, gradientNorm: NaN, converged };
}

/**
 * Inverse of a symmetric positive-definite matrix by Cholesky; null when it is not positive
 * definite (the fit's information matrix is then singular: a parameter is not identified).
 */
export function invertSpd(m: readonly (readonly number[])[]): number[][] | null {
  const n = m.length;
  const l: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let s = (m[i] as number[])[j] as number;
      for (let k = 0; k < j; k += 1) s -= ((l[i] as number[])[k] as number) * ((l[j] as number[])[k] as number);
      if (i === j) {
        if (!(s > 0)) return null;
        (l[i] as number[])[i] = Math.sqrt(s);
      } else {
        (l[i] as number[])[j] = s / ((l[j] as number[])[j] as number);
      }
    }
  }
  // Solve L L^T X = I column by column.
  const inv: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let c = 0; c < n; c += 1) {
    const y = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i += 1) {
      let s = i === c ? 1 : 0;
      for (let k = 0; k < i; k += 1) s -= ((l[i] as number[])[k] as number) * (y[k] as number);
      y[i] = s / ((l[i] as number[])[i] as number);
    }
    for (let i = n - 1; i >= 0; i -= 1) {
      let s = y[i] as number;
      for (let k = i + 1; k < n; k += 1) s -= ((l[k] as number[])[i] as number) * ((inv[k] as number[])[c] as number);
      (inv[i] as number[])[c] = s / ((l[i] as number[])[i] as number);
    }
  }
  return inv;
}

/**
 * Hessian of a function from its analytic gradient, by central differences (step h), made
 * symmetric. Used for standard errors at the optimum.
 */
export function numericalHessian(grad: (x: readonly number[]) => number[], x: readonly number[], h = 1e-4): number[][] {
  const n = x.length;
  const cols: number[][] = [];
  for (let j = 0; j < n; j += 1) {
    const up = x.slice();
    const down = x.slice();
    up[j] = (up[j] as number) + h;
    down[j] = (down[j] as number) - h;
    const gu = grad(up);
    const gd = grad(down);
    cols.push(gu.map((v, i) => (v - (gd[i] as number)) / (2 * h)));
  }
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => 0.5 * (((cols[j] as number[])[i] as number) + ((cols[i] as number[])[j] as number))),
  );
}
