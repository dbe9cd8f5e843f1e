// What the refinery predicts and finds for one person, as written to the platforms (HubSpot
// properties, the customer block) and read by rules. Every number is finite or null: a value the
// models could not produce is null, never NaN.
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
