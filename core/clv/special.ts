// Special functions for the CLV models, written out so core/ needs no numerics package.
// Sources: Lanczos approximation with g = 7, n = 9 (the coefficients published with Numerical
// Recipes and reproduced in many places); digamma by recurrence plus its asymptotic series
// (Abramowitz & Stegun 6.3.5, 6.3.18).

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** ln |Γ(x)| for real x (not a non-positive integer); about 15 significant digits. */
export function logGamma(x: number): number {
  if (!Number.isFinite(x)) return x === Infinity ? Infinity : NaN;
  if (x < 0.5) {
    // Reflection: Γ(x) Γ(1 - x) = π / sin(π x).
    const s = Math.sin(Math.PI * x);
    if (s === 0) return Infinity;
    return Math.log(Math.PI / Math.abs(s)) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i += 1) sum += (LANCZOS[i] as number) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) - ln Γ(a + b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** ψ(x) = d/dx ln Γ(x), for x > 0. */
export function digamma(x: number): number {
  if (!(x > 0)) return NaN;
  let result = 0;
  let y = x;
  while (y < 10) {
    result -= 1 / y;
    y += 1;
  }
  const inv = 1 / y;
  const inv2 = inv * inv;
  // ln y - 1/(2y) - Σ B_2k / (2k y^2k)
  const series =
    inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132)))));
  return result + Math.log(y) - 0.5 * inv - series;
}

/**
 * Gauss hypergeometric 2F1(a, b; c; z) by its power series, for |z| < 1 and c not a non-positive
 * integer. Stops when a term no longer changes the sum (relative 1e-15) or after `maxTerms`.
 * Slow when z is close to 1. The predictions use their own transformed series (bg-nbd-predict.ts);
 * this one is the plain reference the tests compare them with.
 */
export function hyp2f1(a: number, b: number, c: number, z: number, maxTerms = 100_000): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < maxTerms; n += 1) {
    term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    sum += term;
    if (Math.abs(term) <= 1e-16 * Math.abs(sum) && n > 2) break;
    if (!Number.isFinite(sum)) break;
  }
  return sum;
}
