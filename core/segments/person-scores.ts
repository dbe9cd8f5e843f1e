// What the refinery predicts and finds for one person, as written to the platforms (HubSpot
// properties, the customer block) and read by rules. Every number is finite or null: a value the
// models could not produce is null, never NaN.
import { predictPerson, type ClvModels } from '../clv/clv.ts';
import { summarize, type ClvTimeUnit, type PurchaseSummary } from '../clv/summary.ts';
import { MS_PER_DAY } from '../instant.ts';
import type { Tier } from '../predict/tiers.ts';

export interface PersonScores {
  clusterId: string | null;
  /** Cluster name, null for a person without orders or when the store has no clusters. */
  cluster: string | null;
  /** P(order in the next horizon), 0 to 1. */
  purchasePropensity: number | null;
  purchaseTier: Tier | null;
  /** P(no order in the next horizon) for past buyers, 0 to 1; null for people who never bought. */
  churnRisk: number | null;
  churnTier: Tier | null;
  /** Expected spend over the next twelve months (BG/NBD x Gamma-Gamma), in the shop currency. */
  predictedClv: number | null;
  /** Expected purchase days over the next twelve months. */
  expectedPurchases: number | null;
  probabilityAlive: number | null;
  /** Expected next order day, YYYY-MM-DD. */
  nextOrderDate: string | null;
}

export function emptyScores(): PersonScores {
  return {
    clusterId: null,
    cluster: null,
    purchasePropensity: null,
    purchaseTier: null,
    churnRisk: null,
    churnTier: null,
    predictedClv: null,
    expectedPurchases: null,
    probabilityAlive: null,
    nextOrderDate: null,
  };
}

/** A finite number rounded to `digits` decimals, or null. */
export function roundOrNull(value: number | null | undefined, digits: number): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  const rounded = Math.round(value * f) / f;
  return Object.is(rounded, -0) ? 0 : rounded;
}

/** A person's purchase summary for the CLV models (purchase days up to asOfDay), or null before their first. */
export function purchaseSummaryOf(history: { times: readonly number[]; amounts: readonly number[] }, asOfDay: number, unit: ClvTimeUnit): PurchaseSummary | null {
  return summarize(history.times.map((at) => Math.floor(at / MS_PER_DAY)), history.amounts, asOfDay, unit);
}

/** Sets P(alive), expected purchases, 12-month CLV and the next order day, rounded as written. */
export function applyClv(scores: PersonScores, models: ClvModels, summary: PurchaseSummary, asOfDay: number): void {
  const p = predictPerson(models, summary, asOfDay);
  scores.probabilityAlive = roundOrNull(p.probabilityAlive, 4);
  scores.expectedPurchases = roundOrNull(p.expectedPurchases, 3);
  scores.predictedClv = p.clv === null ? null : roundOrNull(Math.max(0, p.clv), 2);
  scores.nextOrderDate = p.nextPurchase ? new Date(p.nextPurchase.day * MS_PER_DAY).toISOString().slice(0, 10) : null;
}
