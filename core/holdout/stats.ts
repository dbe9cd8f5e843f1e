// Small statistics for the lift report: the normal quantile, Wilson's interval for one
// proportion, Newcombe's interval for a difference of two proportions, and a normal interval with
// Welch's standard error for a difference of two means. Pure and closed-form: no iteration, no
// random numbers, finite for every valid input.
import { RefineryError } from '../errors.ts';

export interface Interval {
  lower: number;
  upper: number;
}

// Acklam's rational approximation of the inverse normal CDF: relative error below 1.2e-9, far
// finer than any interval here needs (1.959963985 for 95 %).
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

function at(list: readonly number[], i: number): number {
  return list[i] as number;
}

/** The standard normal quantile: z with P(Z <= z) = p, for 0 < p < 1. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RefineryError('VALIDATION', `probability must be strictly between 0 and 1, got ${String(p)}`);
  let x: number;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((at(C, 0) * q + at(C, 1)) * q + at(C, 2)) * q + at(C, 3)) * q + at(C, 4)) * q + at(C, 5)) /
      ((((at(D, 0) * q + at(D, 1)) * q + at(D, 2)) * q + at(D, 3)) * q + 1);
  } else if (p <= 1 - P_LOW) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((at(A, 0) * r + at(A, 1)) * r + at(A, 2)) * r + at(A, 3)) * r + at(A, 4)) * r + at(A, 5)) * q) /
      (((((at(B, 0) * r + at(B, 1)) * r + at(B, 2)) * r + at(B, 3)) * r + at(B, 4)) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((at(C, 0) * q + at(C, 1)) * q + at(C, 2)) * q + at(C, 3)) * q + at(C, 4)) * q + at(C, 5)) /
      ((((at(D, 0) * q + at(D, 1)) * q + at(D, 2)) * q + at(D, 3)) * q + 1);
  }
  return x;
}

/** z for a two-sided interval at `confidence` (0.95 -> 1.959964). 0.5 <= confidence < 1. */
export function twoSidedZ(confidence: number): number {
  if (!(confidence >= 0.5 && confidence < 1)) {
    throw new RefineryError('VALIDATION', `confidence must be at least 0.5 and below 1, got ${String(confidence)}`);
  }
  return normalQuantile(1 - (1 - confidence) / 2);
}

/**
 * Wilson's score interval for a proportion `successes / trials` (Wilson 1927). Stays inside [0, 1]
 * and behaves at 0 and n successes, unlike the Wald interval. trials = 0 gives [0, 1].
 */
export function wilsonInterval(successes: number, trials: number, z: number): Interval {
  if (trials <= 0) return { lower: 0, upper: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/**
 * Newcombe's hybrid score interval for p1 - p2 (Newcombe 1998, method 10): built from the two
 * Wilson intervals, L = d - sqrt((p1 - l1)^2 + (u2 - p2)^2), U = d + sqrt((u1 - p1)^2 + (p2 - l2)^2).
 * Good coverage with small counts and proportions near 0, where the Wald interval is too narrow.
 */
export function newcombeInterval(successes1: number, trials1: number, successes2: number, trials2: number, z: number): Interval {
  const p1 = trials1 > 0 ? successes1 / trials1 : 0;
  const p2 = trials2 > 0 ? successes2 / trials2 : 0;
  const w1 = wilsonInterval(successes1, trials1, z);
  const w2 = wilsonInterval(successes2, trials2, z);
  const d = p1 - p2;
  return {
    lower: Math.max(-1, d - Math.sqrt((p1 - w1.lower) ** 2 + (w2.upper - p2) ** 2)),
    upper: Math.min(1, d + Math.sqrt((w1.upper - p1) ** 2 + (p2 - w2.lower) ** 2)),
  };
}

/** Mean and unbiased variance of a sample, as given by the caller. */
export interface SampleMoments {
  n: number;
  mean: number;
  /** Unbiased sample variance (n - 1 in the denominator); 0 when n < 2. */
  variance: number;
}

/**
 * Interval for mean1 - mean2: difference +/- z * Welch's standard error
 * sqrt(var1 / n1 + var2 / n2), which does not assume equal variances. A normal (not Student t)
 * quantile: the lift report only computes it with at least 30 people per group.
 */
export function welchInterval(first: SampleMoments, second: SampleMoments, z: number): Interval & { standardError: number } {
  const standardError = Math.sqrt(
    (first.n > 0 ? first.variance / first.n : 0) + (second.n > 0 ? second.variance / second.n : 0),
  );
  const d = first.mean - second.mean;
  return { lower: d - z * standardError, upper: d + z * standardError, standardError };
}
