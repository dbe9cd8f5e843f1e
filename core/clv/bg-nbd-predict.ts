// Predictions of a fitted BG/NBD model for one person. Times are in the unit of the fit.
// Source: Fader, Hardie & Lee (2005): the conditional expectation E[Y(t) | x, tx, T] and
// P(alive | x, tx, T); see README.md for the forms used here and why.
import type { BgNbdParams } from './bg-nbd.ts';
import { purchasesGivenAlive } from './purchases-given-alive.ts';
import { unitsToDays } from './summary.ts';
import type { ClvTimeUnit, PurchaseSummary } from './summary.ts';

/**
 * P(alive | x, tx, T): 1 for someone who never bought again (in BG/NBD people can only drop out
 * right after a repeat purchase), otherwise
 *   1 / (1 + a/(b+x-1) · ((α+T)/(α+tx))^(r+x)).
 * Computed through the log-odds, so it is 0 (not NaN) when the odds overflow.
 */
export function probabilityAlive(params: BgNbdParams, summary: PurchaseSummary): number {
  const { r, alpha, a, b } = params;
  const { x, T } = summary;
  if (x <= 0) return 1;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + summary.tx));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * Expected number of purchases in the next `t` units for a person with history (x, tx, T):
 *   E[Y(t) | x, tx, T] = (a+b+x-1)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x-1; z)]
 *                        · P(alive),     z = t / (α+T+t)
 * (FHL 2005, the conditional expectation), evaluated as purchases-given-alive.ts explains (a
 * transformed series, or a quadrature of the same quantity when z is close to 1). With
 * x = tx = T = 0 this is the unconditional E[X(t)] of a new customer. Never NaN: 0 when not
 * computable.
 */
export function expectedPurchases(params: BgNbdParams, t: number, summary: PurchaseSummary): number {
  if (!(t > 0)) return 0;
  const { r, alpha, a, b } = params;
  const givenAlive = purchasesGivenAlive(r, a, b, summary.x, t / (alpha + summary.T));
  const value = givenAlive * probabilityAlive(params, summary);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

export interface NextPurchase {
  /** Median wait to the next purchase, given the person is still active, in the fit's unit. */
  medianWait: number;
  /** The same in days. */
  medianWaitDays: number;
  /** asOfDay + the wait, rounded to a whole day and at least asOfDay + 1. */
  day: number;
  probabilityAlive: number;
}

export interface NextPurchaseOptions {
  asOfDay: number;
  unit: ClvTimeUnit;
  /** Below this P(alive) there is no next order to expect: null. Default 0.1. */
  minProbabilityAlive?: number;
  /** A median wait longer than this many days means "no time soon": null. Default 730 (two years). */
  maxWaitDays?: number;
}

/**
 * Expected next order date, defined as the MEDIAN time to the next purchase GIVEN THE PERSON IS
 * STILL ACTIVE. Given alive at T, the purchase rate has posterior Gamma(r+x, α+T) and the next
 * purchase comes after an exponential wait, so P(wait > s | alive) = ((α+T)/(α+T+s))^(r+x) and
 * the median is (α+T) · (2^(1/(r+x)) - 1). It is reported with P(alive), and is null when
 * P(alive) < minProbabilityAlive or the median wait exceeds maxWaitDays (the expected rate is ~0).
 */
export function expectedNextPurchase(
  params: BgNbdParams,
  summary: PurchaseSummary,
  options: NextPurchaseOptions,
): NextPurchase | null {
  const minAlive = options.minProbabilityAlive ?? 0.1;
  const maxWaitDays = options.maxWaitDays ?? 730;
  const alive = probabilityAlive(params, summary);
  if (!(alive >= minAlive)) return null;
  const shape = params.r + summary.x;
  const medianWait = (params.alpha + summary.T) * Math.expm1(Math.LN2 / shape);
  const medianWaitDays = unitsToDays(medianWait, options.unit);
  if (!Number.isFinite(medianWaitDays) || medianWaitDays > maxWaitDays) return null;
  return {
    medianWait,
    medianWaitDays,
    day: options.asOfDay + Math.max(1, Math.round(medianWaitDays)),
    probabilityAlive: alive,
  };
}
