// Real-time re-scoring of one person between batch runs, against the batch's scoring snapshot:
// RFM group from the batch boundaries, nearest cluster of the stored model, the stored prediction
// models tiered at the batch's cutoffs, CLV from the stored BG/NBD and Gamma-Gamma parameters,
// micro-segments the batch wrote, and every rule segment. The result is the person's segment keys
// and scores, as the batch would have given them with the same data.
import { createClusterAssigner } from '../clusters/cluster-model.ts';
import type { CustomerAggregate } from '../customer-aggregate.ts';
import type { FeatureName } from '../features/feature-names.ts';
import type { Person } from '../identity.ts';
import { MS_PER_DAY, toEpochMs } from '../instant.ts';
import type { Tier } from '../predict/tiers.ts';
import { RFM_GROUPS } from '../rfm.ts';
import { compileRule, DEFAULT_CATALOGUE, parseRule } from '../rules/index.ts';
import { applyClv, emptyScores, purchaseSummaryOf, type PersonScores } from './person-scores.ts';
import type { PersonOrderHistory, StoredRule } from './refine.ts';
import { scoreRfmAgainst } from './rfm-boundaries.ts';
import { ruleRecordOf } from './rule-record.ts';
import { scoreWithKept, type KeptModel, type ScoringSnapshot } from './scoring-snapshot.ts';
import { churnKey, microKey, propensityKey, ruleSegmentKey } from './segment-definitions.ts';

export interface PersonData {
  person: Person;
  /** Order aggregate as of asOf, keyed by the person id. */
  aggregate: CustomerAggregate;
  /** Feature values as of asOf, computed with the batch's feature columns. */
  features: Readonly<Partial<Record<FeatureName, number | null>>>;
  orders: PersonOrderHistory;
  productTypes: readonly string[];
}

export interface PersonRescore {
  personId: string;
  /** Segment keys the person belongs to, sorted (before holdouts). */
  segmentKeys: string[];
  rfmKey: string;
  scores: PersonScores;
  /** Rules that could not be applied, with why. */
  ruleErrors: Array<{ key: string; error: string }>;
}

function predict(kept: KeptModel | null, id: string, features: PersonData['features']): { p: number; tier: Tier } | null {
  const result = kept ? scoreWithKept(kept, [{ id, features: features as Record<string, number | null> }])[0] : null;
  return result ? { p: result.probability, tier: result.tier } : null;
}

export function rescorePerson(snapshot: ScoringSnapshot, data: PersonData, rules: readonly StoredRule[], asOf: string): PersonRescore {
  const id = data.person.personId;
  const t = toEpochMs(asOf, 'asOf');
  const keys = new Set<string>();
  const scores = emptyScores();

  const rfm = scoreRfmAgainst(data.aggregate, snapshot.rfm, t);
  const rfmKey = RFM_GROUPS[rfm.group].key;
  keys.add(rfmKey);

  const bought = data.orders.times.some((at) => at <= t);
  if (snapshot.clusters && bought) {
    const assigned = createClusterAssigner(snapshot.clusters).assign(data.features);
    if (assigned) {
      scores.clusterId = assigned.clusterId;
      scores.cluster = assigned.name;
      keys.add(assigned.clusterId);
    }
  }
  // Predictions apply to people with an order on or before the date, as in the batch.
  if (bought) {
    const purchase = predict(snapshot.purchase, id, data.features);
    if (purchase) {
      scores.purchasePropensity = purchase.p;
      scores.purchaseTier = purchase.tier;
      keys.add(propensityKey(purchase.tier));
      if (scores.clusterId && snapshot.microKeys.includes(microKey(scores.clusterId, purchase.tier))) keys.add(microKey(scores.clusterId, purchase.tier));
    }
    const churn = predict(snapshot.churn, id, data.features);
    if (churn) {
      scores.churnRisk = churn.p;
      scores.churnTier = churn.tier;
      keys.add(churnKey(churn.tier));
    }
    if (snapshot.clv) {
      const asOfDay = Math.floor(t / MS_PER_DAY);
      const summary = purchaseSummaryOf(data.orders, asOfDay, snapshot.clv.unit);
      if (summary) applyClv(scores, snapshot.clv, summary, asOfDay);
    }
  }

  const ruleErrors: PersonRescore['ruleErrors'] = [];
  if (rules.length > 0) {
    const record = ruleRecordOf({ person: data.person, rfm, aggregate: data.aggregate, features: data.features, scores, productTypes: data.productTypes });
    for (const rule of rules) {
      const parsed = parseRule(rule.rule, DEFAULT_CATALOGUE);
      if (!parsed.ok) {
        ruleErrors.push({ key: rule.key, error: parsed.errors.map((e) => e.message).join('; ') });
        continue;
      }
      if (compileRule(parsed.rule, { asOf: t })(record)) keys.add(ruleSegmentKey(rule.key));
    }
  }
  return { personId: id, segmentKeys: [...keys].sort(), rfmKey, scores, ruleErrors };
}
