// Predicted customer lifetime value over a horizon (twelve months by default):
//   CLV = E[purchases in the horizon | history] (BG/NBD) × E[spend per purchase | history] (Gamma-Gamma)
// optionally discounted. Discounting: the horizon is cut into `steps` equal periods (monthly for
// twelve months); the expected purchases of period k, E[Y(t_k)] - E[Y(t_k-1)], are discounted to
// the middle of the period at the annual rate d: factor (1 + d)^(-(k - 1/2) · period / year).
// With d = 0 this is exactly E[Y(horizon)] × spend.
import { expectedNextPurchase, expectedPurchases, probabilityAlive } from './bg-nbd-predict.ts';
import type { NextPurchase } from './bg-nbd-predict.ts';
import type { BgNbdParams } from './bg-nbd.ts';
import { expectedSpend } from './gamma-gamma.ts';
import type { GammaGammaParams } from './gamma-gamma.ts';
import { DAYS_PER_YEAR, daysToUnits } from './summary.ts';
import type { ClvTimeUnit, PurchaseSummary } from './summary.ts';

export interface ClvModels {
  bgNbd: BgNbdParams;
  /** Null when the spend model could not be fitted: CLV is then null too. */
  gammaGamma: GammaGammaParams | null;
  /** Unit of the BG/NBD fit and the summaries. */
  unit: ClvTimeUnit;
}

export interface ClvOptions {
  /** Horizon in days. Default 365.25 (twelve months). */
  horizonDays?: number;
  /** Annual discount rate, e.g. 0.1 for 10 %. Default 0 (no discounting). */
  annualDiscountRate?: number;
  /** Periods the horizon is cut into for discounting. Default 12. */
  steps?: number;
}

export interface ClvPrediction {
  probabilityAlive: number;
  /** Expected purchase days in the horizon. */
  expectedPurchases: number;
  /** Expected spend per purchase day; null without a spend model. */
  expectedSpend: number | null;
  /** Expected revenue in the horizon, discounted when a rate is given; null without spend. */
  clv: number | null;
}

/** Expected purchases in the horizon, each period discounted to its middle (see the file header). */
export function discountedExpectedPurchases(
  params: BgNbdParams,
  summary: PurchaseSummary,
  horizonUnits: number,
  unit: ClvTimeUnit,
  annualDiscountRate: number,
  steps = 12,
): number {
  if (annualDiscountRate === 0) return expectedPurchases(params, horizonUnits, summary);
  const periodUnits = horizonUnits / steps;
  const periodYears = periodUnits / daysToUnits(DAYS_PER_YEAR, unit);
  let previous = 0;
  let total = 0;
  for (let k = 1; k <= steps; k += 1) {
    const cumulative = expectedPurchases(params, k * periodUnits, summary);
    total += (cumulative - previous) * Math.pow(1 + annualDiscountRate, -(k - 0.5) * periodYears);
    previous = cumulative;
  }
  return total;
}

/** Predicted CLV of one person over the horizon (twelve months by default). */
export function predictClv(models: ClvModels, summary: PurchaseSummary, options: ClvOptions = {}): ClvPrediction {
  const horizonDays = options.horizonDays ?? DAYS_PER_YEAR;
  const rate = options.annualDiscountRate ?? 0;
  const steps = options.steps ?? 12;
  const horizonUnits = daysToUnits(horizonDays, models.unit);
  const purchases = expectedPurchases(models.bgNbd, horizonUnits, summary);
  const spend = models.gammaGamma === null ? null : expectedSpend(models.gammaGamma, summary);
  const discounted =
    rate === 0 ? purchases : discountedExpectedPurchases(models.bgNbd, summary, horizonUnits, models.unit, rate, steps);
  return {
    probabilityAlive: probabilityAlive(models.bgNbd, summary),
    expectedPurchases: purchases,
    expectedSpend: spend,
    clv: spend === null ? null : discounted * spend,
  };
}

export interface PersonPrediction extends ClvPrediction {
  nextPurchase: NextPurchase | null;
}

/** Everything the app shows for one person: P(alive), purchases, spend, CLV and the next order. */
export function predictPerson(
  models: ClvModels,
  summary: PurchaseSummary,
  asOfDay: number,
  options: ClvOptions & { minProbabilityAlive?: number; maxWaitDays?: number } = {},
): PersonPrediction {
  const clv = predictClv(models, summary, options);
  const nextOptions = {
    asOfDay,
    unit: models.unit,
    ...(options.minProbabilityAlive === undefined ? {} : { minProbabilityAlive: options.minProbabilityAlive }),
    ...(options.maxWaitDays === undefined ? {} : { maxWaitDays: options.maxWaitDays }),
  };
  return { ...clv, nextPurchase: expectedNextPurchase(models.bgNbd, summary, nextOptions) };
}
