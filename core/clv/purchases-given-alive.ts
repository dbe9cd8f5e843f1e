// E[purchases in the next t units | history, still active] under BG/NBD, two ways.
//
// Given alive at T, the purchase rate has posterior Gamma(s = r+x, rate α+T) and the dropout
// probability posterior Beta(a, β = b+x); for fixed (λ, p) the expected count in t is
// (1 - e^(-λpt))/p. Averaging over λ:
//   E = ∫_0^1 g(p) Beta(p; a, β) dp,   g(p) = (1 - (1 + p·k)^(-s)) / p,   k = t/(α+T)      (I)
// which FHL (2005) give in closed form (their E[Y(t) | x, tx, T] divided by P(alive)):
//   E = (a+b+x-1)/(a-1) · [1 - (1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z)],   z = t/(α+T+t).
//
// `bySeries` evaluates the closed form after Euler's transformation (A&S 15.3.3)
//   (1-z)^(r+x) 2F1(r+x, b+x; C; z) = (1-z)^(a-1) 2F1(C-r-x, a-1; C; z),  C = a+b+x-1,
// and with the a = 1 singularity removed: writing ε = a-1, L = ln(1-z),
//   E = C · (-expm1(εL)/ε) - e^(εL) · Σ_{n>=1} h_n,
//   h_1 = (a+b-1-r)·z,  h_(n+1) = h_n · (a+b-1-r+n)(a+n-1) z / ((C+n)(n+1)).
// Fast (tens to hundreds of terms) unless z is close to 1, where the terms decay like z^n.
//
// `byQuadrature` integrates (I) numerically; used when z is close to 1 (a horizon much longer
// than α+T). [0, 1/2] is mapped by p = e^(-y) and [1/2, 1] by p = 1 - e^(-y); both are smooth in
// y and integrated with 8-point Gauss-Legendre on panels of width 1/2, with the far tails
// (p·k < e^-25, resp. 1-p < e^-40) added in closed form.
import { logBeta } from './special.ts';

/** Above this z the series is slow; the quadrature takes over. */
export const SERIES_MAX_Z = 0.995;

export function purchasesGivenAliveBySeries(r: number, a: number, b: number, x: number, k: number): number {
  const z = k / (1 + k);
  const logOneMinusZ = -Math.log1p(k);
  const eps = a - 1;
  const epsL = eps * logOneMinusZ;
  // -expm1(εL)/ε, with its limit -L at ε = 0.
  const term1 = Math.abs(epsL) < 1e-10 ? -logOneMinusZ * (1 + epsL / 2) : -Math.expm1(epsL) / eps;
  const c = a + b + x - 1;
  const p = a + b - 1 - r;
  let term = p * z;
  let sum = term;
  for (let n = 1; n < 1_000_000; n += 1) {
    const ratio = ((p + n) * (a + n - 1) * z) / ((c + n) * (n + 1));
    term *= ratio;
    sum += term;
    if (Math.abs(term) <= 1e-16 * Math.abs(sum) + 1e-300) break;
    if (ratio < 1 && Math.abs(term * ratio) / (1 - ratio) <= 1e-15 * Math.abs(sum)) {
      sum += (term * ratio) / (1 - ratio);
      break;
    }
  }
  return c * term1 - Math.exp(epsL) * sum;
}

const GL_NODES = [-0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498,
  0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363];
const GL_WEIGHTS = [0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620,
  0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763];

function integrate(f: (y: number) => number, from: number, to: number, width = 0.5): number {
  const panels = Math.max(1, Math.ceil((to - from) / width));
  const h = (to - from) / panels;
  let total = 0;
  for (let i = 0; i < panels; i += 1) {
    const mid = from + (i + 0.5) * h;
    let s = 0;
    for (let j = 0; j < 8; j += 1) s += (GL_WEIGHTS[j] as number) * f(mid + 0.5 * h * (GL_NODES[j] as number));
    total += 0.5 * h * s;
  }
  return total;
}

export function purchasesGivenAliveByQuadrature(r: number, a: number, b: number, x: number, k: number): number {
  const s = r + x;
  const beta = b + x;
  const logB = logBeta(a, beta);
  // g(p) = (1 - (1 + p k)^-s) / p
  const g = (p: number): number => -Math.expm1(-s * Math.log1p(p * k)) / p;
  // p in (0, 1/2]: p = e^-y, dp = p dy; Beta density · dp = e^(-a y) (1 - e^-y)^(β-1) / B dy
  const y0 = Math.max(Math.log(k), 0) + 25 + Math.log1p(s);
  const low = integrate((y) => g(Math.exp(-y)) * Math.exp(-a * y + (beta - 1) * Math.log1p(-Math.exp(-y)) - logB), Math.LN2, y0);
  // beyond y0, p·k < e^-25: g = s·k to ~1e-11, (1 - p)^(β-1) = 1
  const lowTail = s * k * Math.exp(-a * y0 - logB) / a;
  // p in [1/2, 1): p = 1 - e^-y, dp = (1 - p) dy; density · dp = p^(a-1) e^(-β y) / B dy
  const y1 = 40;
  const high = integrate((y) => {
    const p = -Math.expm1(-y);
    return g(p) * Math.exp((a - 1) * Math.log(p) - beta * y - logB);
  }, Math.LN2, y1);
  const highTail = g(1) * Math.exp(-beta * y1 - logB) / beta;
  return low + lowTail + high + highTail;
}

/** E[purchases in the next t units | alive] with k = t/(α+T), by whichever method suits z. */
export function purchasesGivenAlive(r: number, a: number, b: number, x: number, k: number): number {
  return k / (1 + k) <= SERIES_MAX_Z
    ? purchasesGivenAliveBySeries(r, a, b, x, k)
    : purchasesGivenAliveByQuadrature(r, a, b, x, k);
}
