// Prediction tiers (high / medium / low) from calibrated probabilities.
//
// Default rule, 'relative' (rank and lift together), over the scored population:
// - high:   in the top 20 % (fewer than 20 % of rows have a strictly higher probability)
//           and p >= 1.5 x base rate, or, when that is out of reach (base rate above 1/3),
//           p at least halfway from the base rate to 1 (churn, where most past buyers lapse);
// - medium: not high, in the top 50 %, and p >= base rate;
// - low:    everyone else.
// and always p > 0 for high and medium. The rank keeps tiers a useful size whatever the
// store's base rate; the lift condition stops a model with no signal from calling anyone high:
// a base-rate model (everyone at the base rate) puts everyone in medium. Tied probabilities
// always share a tier, and a higher probability never gets a lower tier.
//
// 'threshold' rule: fixed probabilities, high if p >= high, medium if p >= medium.
import { RefineryError } from '../errors.ts';
import { selectInPlace } from '../features/stats.ts';

export type Tier = 'high' | 'medium' | 'low';

export type TierRule =
  | {
      kind: 'relative';
      /** Share of the population that may be high (top by probability). */
      highShare: number;
      /** Share that may be high or medium. */
      mediumShare: number;
      /** Minimum p / base rate for high. */
      highLift: number;
      /** Minimum p / base rate for medium. */
      mediumLift: number;
    }
  | { kind: 'threshold'; high: number; medium: number };

export const DEFAULT_TIER_RULE: TierRule = { kind: 'relative', highShare: 0.2, mediumShare: 0.5, highLift: 1.5, mediumLift: 1 };

export function assignTiers(probabilities: readonly number[], baseRate: number, rule: TierRule = DEFAULT_TIER_RULE): Tier[] {
  for (let i = 0; i < probabilities.length; i += 1) {
    const p = probabilities[i] as number;
    if (!(p >= 0 && p <= 1)) throw new RefineryError('VALIDATION', `probability ${i} is outside [0, 1]: ${p}`);
  }
  if (rule.kind === 'threshold') {
    if (!(rule.high >= rule.medium)) throw new RefineryError('VALIDATION', 'threshold rule: high must be >= medium');
    return probabilities.map((p) => (p >= rule.high ? 'high' : p >= rule.medium ? 'medium' : 'low'));
  }
  if (!(rule.highShare <= rule.mediumShare)) throw new RefineryError('VALIDATION', 'relative rule: highShare must be <= mediumShare');
  const n = probabilities.length;
  // "share < highShare", share = (rows with a strictly higher probability) / n, holds exactly
  // when that count is at most K, K the largest count with K / n < highShare; and "at most K rows
  // are higher" is "p >= the (K+1)-th highest probability". So each share condition is one
  // threshold, found by selection (no sort, no per-row search).
  const values = Float64Array.from(probabilities);
  const rankCut = (share: number): number => {
    let low = 0; // the smallest count k with !(k / n < share), by binary search over 0..n
    let high = n;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (mid / n < share) low = mid + 1;
      else high = mid;
    }
    const most = low - 1;
    if (most < 0) return Infinity; // nobody
    if (most >= n - 1) return -Infinity; // everyone: at most n - 1 rows are ever higher
    selectInPlace(values, n - 1 - most);
    return values[n - 1 - most] as number;
  };
  const highCut = rankCut(rule.highShare);
  const mediumCut = rankCut(rule.mediumShare);
  // A lift bar above 1 can never be met; then ask for half the remaining way to certainty.
  const highBar = Math.min(rule.highLift * baseRate, (baseRate + 1) / 2);
  return probabilities.map((p) => {
    if (p > 0 && p >= highCut && p >= highBar) return 'high';
    if (p > 0 && p >= mediumCut && p >= rule.mediumLift * baseRate) return 'medium';
    return 'low';
  });
}
