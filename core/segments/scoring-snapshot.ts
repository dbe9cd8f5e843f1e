// What a batch run keeps so that one person can be re-scored between runs (after a webhook or a
// storefront event) exactly as the batch would have scored them: the RFM boundaries, the cluster
// model, the two prediction models with the probability each tier started at, the CLV models and
// which micro-segments exist. Plain data: stored as JSON, read back by the real-time scorer.
import type { ClusterModel } from '../clusters/cluster-model.ts';
import type { ClvModels } from '../clv/clv.ts';
import type { FeatureRow } from '../predict/feature-rows.ts';
import { scoreProbabilities, type TimeSplitModel } from '../predict/time-split.ts';
import type { Tier } from '../predict/tiers.ts';
import { roundOrNull } from './person-scores.ts';
import type { RfmBoundaries } from './rfm-boundaries.ts';

/** The lowest probability that got each tier in the batch; null when nobody got it. */
export interface TierCutoffs {
  high: number | null;
  medium: number | null;
}

export interface KeptModel {
  model: TimeSplitModel;
  cutoffs: TierCutoffs;
}

export interface ScoringSnapshot {
  kind: 'scoring-snapshot';
  version: 1;
  asOf: string;
  horizonDays: number;
  rfm: RfmBoundaries;
  clusters: ClusterModel | null;
  purchase: KeptModel | null;
  churn: KeptModel | null;
  clv: ClvModels | null;
  /** Micro-segment keys the batch wrote (cells at or above the minimum size). */
  microKeys: string[];
  /** The product types that had a feature column in the batch (FeatureOptions.categories). */
  categories: string[];
  /** What the models were trained on: the orders the shop's store held, and the people; absent in older snapshots. */
  trainedOn?: { orders: number; people: number };
}

export function isScoringSnapshot(value: unknown): value is ScoringSnapshot {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'scoring-snapshot' && (value as { version?: unknown }).version === 1;
}

/** Tier cutoffs from a batch's scored probabilities and tiers. */
export function tierCutoffs(scored: Iterable<{ probability: number; tier: Tier }>): TierCutoffs {
  const out: TierCutoffs = { high: null, medium: null };
  for (const { probability, tier } of scored) {
    if (tier === 'low') continue;
    const current = out[tier];
    if (current === null || probability < current) out[tier] = probability;
  }
  return out;
}

/**
 * A kept model's probabilities for rows (rounded to 4 places, as written) with their tiers at the
 * kept cutoffs; null where no probability comes out. The batch with kept models and the real-time
 * scorer both score through this.
 */
export function scoreWithKept(kept: KeptModel, rows: readonly FeatureRow[]): Array<{ probability: number; tier: Tier } | null> {
  return Array.from(scoreProbabilities(kept.model, rows), (raw) => {
    const probability = roundOrNull(raw, 4);
    return probability === null ? null : { probability, tier: tierOf(probability, kept.cutoffs) };
  });
}

/** The tier of a probability against batch cutoffs: the same tier a batch peer with it got. */
export function tierOf(probability: number, cutoffs: TierCutoffs): Tier {
  if (cutoffs.high !== null && probability >= cutoffs.high) return 'high';
  if (cutoffs.medium !== null && probability >= cutoffs.medium) return 'medium';
  return 'low';
}
