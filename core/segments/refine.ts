// Refine: from a shop's people, their order history and two feature snapshots to every segment
// the refinery writes back and every score it puts on a person. Pure and deterministic: the same
// input and seed give the same output. See segments.md for what each step does and why.
import { fitBgNbd } from '../clv/bg-nbd.ts';
import type { ClvModels } from '../clv/clv.ts';
import { fitGammaGamma } from '../clv/gamma-gamma.ts';
import type { PurchaseSummary } from '../clv/summary.ts';
import { findClusters } from '../clusters/cluster-run.ts';
import { createClusterAssigner, isClusterable, type ClusterModel } from '../clusters/cluster-model.ts';
import type { CustomerAggregate } from '../customer-aggregate.ts';
import { describeError } from '../errors.ts';
import type { FeatureTable } from '../features/feature-accumulator.ts';
import type { Person } from '../identity.ts';
import { MS_PER_DAY, toEpochMs } from '../instant.ts';
import type { Memberships, SegmentDefinition } from '../model.ts';
import type { FeatureRow as PredictRow } from '../predict/feature-rows.ts';
import { predictFromOrders, type OrderEvent, type PredictionTarget } from '../predict/time-split.ts';
import type { Tier } from '../predict/tiers.ts';
import { RFM_GROUPS, RFM_SEGMENTS, rfmMemberships, type RfmScore } from '../rfm.ts';
import { compileRule, DEFAULT_CATALOGUE, parseRule, type RuleRecord } from '../rules/index.ts';
import { applyClv, emptyScores, purchaseSummaryOf, roundOrNull, type PersonScores } from './person-scores.ts';
import { rfmBoundaries } from './rfm-boundaries.ts';
import { ruleRecordOf } from './rule-record.ts';
import { scoreWithKept, tierCutoffs, type KeptModel, type ScoringSnapshot } from './scoring-snapshot.ts';
import {
  churnDefinition,
  churnKey,
  clusterDefinition,
  microDefinition,
  propensityDefinition,
  propensityKey,
  ruleDefinition,
  TIERS,
} from './segment-definitions.ts';

export const REFINE_DEFAULTS = {
  /** Fewest people known at the training cutoff for a prediction model to be trained. */
  minTrainingPeople: 30,
  /** Prediction horizon N in days: propensity is P(order in the next N days). */
  horizonDays: 30,
  /** Smallest micro-segment written, so that no segment singles out a few people. */
  minMicroSize: 50,
  seed: 20_260_101,
} as const;

/** Counted orders of one person (not cancelled), ascending by time. */
export interface PersonOrderHistory {
  /** Epoch ms. */
  times: readonly number[];
  /** max(0, total - refunded) of each order. */
  amounts: readonly number[];
}

export interface StoredRule {
  key: string;
  name: string;
  rule: string;
}

export interface RefineInput {
  asOf: string;
  people: readonly Person[];
  /** Order aggregates as of asOf, keyed by person id. */
  aggregates: readonly CustomerAggregate[];
  rfm: readonly RfmScore[];
  /** Features as of asOf. */
  featuresNow: FeatureTable;
  /** Features as of asOf - horizonDays (the training snapshot of the time split). */
  featuresAtCutoff: FeatureTable;
  /** Person id -> counted orders (may include orders after asOf; they are ignored). */
  orders: ReadonlyMap<string, PersonOrderHistory>;
  /** Person id -> product types bought on or before asOf. */
  productTypes: ReadonlyMap<string, readonly string[]>;
  /** The cluster model the previous run kept, so that cluster ids and names stay. */
  previousClusters: ClusterModel | null;
  rules: readonly StoredRule[];
  options?: { horizonDays?: number; minMicroSize?: number; seed?: number; clusterMinPeople?: number };
  /** Told the name of each step as it starts (clusters, predictions, clv, segments), for progress and timing. */
  onStep?: (step: string) => void;
  /**
   * Score with the models a previous run trained instead of training new ones (the app decides
   * when: app/sync/model-refresh.ts): clusters assigned to the kept centroids, probabilities from
   * the kept models tiered at the kept cutoffs, CLV from the kept parameters, the kept
   * micro-segments. Everybody is scored exactly as real time scores one person between runs, so a
   * run after a small change writes only what the change moved. `definitions` are the previous
   * run's segment definitions (for the cluster descriptions).
   */
  kept?: { snapshot: ScoringSnapshot; definitions: readonly SegmentDefinition[] } | null;
}

export type StepOutcome<T> = ({ status: 'done' } & T) | { status: 'skipped'; reason: string };

export interface RefineReport {
  clusters: StepOutcome<{ k: number; silhouette: number; movedPeople: number | null; retiredClusterIds: string[] }>;
  propensity: StepOutcome<{ model: string; scored: number; trainedOn: number; baseRate: number; tiers: Record<Tier, number> }>;
  churn: StepOutcome<{ model: string; scored: number; trainedOn: number; baseRate: number; tiers: Record<Tier, number> }>;
  clv: StepOutcome<{ people: number; r: number; alpha: number; a: number; b: number; spendModel: boolean }>;
  micro: { minSize: number; kept: Array<{ key: string; size: number }>; tooSmall: Array<{ key: string; size: number }> };
  rules: Array<{ key: string; segmentKey: string; size: number } | { key: string; segmentKey: string; error: string }>;
}

export interface RefinedSegments {
  asOf: string;
  horizonDays: number;
  /** Every segment of the run, in display order: RFM, clusters, prediction tiers, micro, rules. */
  definitions: SegmentDefinition[];
  /** Segment key -> person ids. */
  memberships: Memberships;
  /** Person id -> scores (every person has an entry). */
  scores: Map<string, PersonScores>;
  /** Person id -> RFM segment key. */
  rfmGroupOf: Map<string, string>;
  /** The model to keep for the next run; null when the store had too few people to cluster. */
  clusterModel: ClusterModel | null;
  /** What real-time re-scoring needs until the next run (scoring-snapshot.ts). */
  snapshot: ScoringSnapshot;
  report: RefineReport;
}

/**
 * Feature rows of the people known at `atMs`: those with a counted order on or before it.
 * Someone whose first order comes later did not exist for the model then. Prospects (never
 * bought) are left out of the predictions: there is no history of when they became prospects.
 */
export function rowsKnownAt(table: FeatureTable, orders: ReadonlyMap<string, PersonOrderHistory>, atMs: number): PredictRow[] {
  return table.rows
    .filter((r) => (orders.get(r.personId)?.times[0] ?? Infinity) <= atMs)
    .map((r) => ({ id: r.personId, features: r.values }));
}

function predictionStep(
  target: PredictionTarget,
  input: RefineInput,
  horizonDays: number,
  events: readonly OrderEvent[],
  apply: (id: string, probability: number, tier: Tier) => void,
  keep: (kept: KeptModel) => void,
): RefineReport['propensity'] {
  const t = toEpochMs(input.asOf, 'asOf');
  const cutoffMs = t - horizonDays * MS_PER_DAY;
  const rowsAtCutoff = rowsKnownAt(input.featuresAtCutoff, input.orders, cutoffMs);
  if (rowsAtCutoff.length < REFINE_DEFAULTS.minTrainingPeople) {
    return { status: 'skipped', reason: `${rowsAtCutoff.length} people had ordered by ${new Date(cutoffMs).toISOString().slice(0, 10)} (one horizon back); a model needs at least ${REFINE_DEFAULTS.minTrainingPeople} to learn from` };
  }
  try {
    const result = predictFromOrders(target, {
      horizonDays,
      asOf: t,
      orders: events,
      rowsAtCutoff,
      rowsNow: rowsKnownAt(input.featuresNow, input.orders, t),
    });
    const c = result.model.classifier;
    if (c.kind === 'base-rate') {
      return { status: 'skipped', reason: `no signal to rank people by: ${result.report.model.reason ?? 'the model fell back to the base rate'}` };
    }
    const tiers: Record<Tier, number> = { high: 0, medium: 0, low: 0 };
    const written: Array<{ probability: number; tier: Tier }> = [];
    for (const s of result.scores) {
      const p = roundOrNull(s.probability, 4);
      if (p === null) continue;
      apply(s.id, p, s.tier);
      tiers[s.tier] += 1;
      written.push({ probability: p, tier: s.tier });
    }
    const scored = written.length;
    keep({ model: result.model, cutoffs: tierCutoffs(written) });
    return {
      status: 'done',
      model: 'calibrated Gaussian naive Bayes',
      scored,
      trainedOn: c.n,
      baseRate: c.baseRate,
      tiers,
    };
  } catch (error) {
    return { status: 'skipped', reason: describeError(error) };
  }
}

/** Scores with a kept prediction model at its kept tier cutoffs (RefineInput.kept). */
function keptPredictionStep(
  target: PredictionTarget,
  snapshot: ScoringSnapshot,
  input: RefineInput,
  apply: (id: string, probability: number, tier: Tier) => void,
  keep: (kept: KeptModel) => void,
): RefineReport['propensity'] {
  const kept = target === 'purchase' ? snapshot.purchase : snapshot.churn;
  if (!kept) return { status: 'skipped', reason: `the kept models have no ${target === 'purchase' ? 'purchase propensity' : 'churn'} model` };
  const c = kept.model.classifier;
  if (c.kind === 'base-rate') return { status: 'skipped', reason: 'the kept model is the base rate' };
  // The same people as a training run scores: those who had bought by the date.
  const rows = rowsKnownAt(input.featuresNow, input.orders, toEpochMs(input.asOf, 'asOf'));
  const results = scoreWithKept(kept, rows);
  const tiers: Record<Tier, number> = { high: 0, medium: 0, low: 0 };
  let scored = 0;
  rows.forEach((row, i) => {
    const result = results[i];
    if (!result) return;
    apply(row.id, result.probability, result.tier);
    tiers[result.tier] += 1;
    scored += 1;
  });
  keep(kept);
  return { status: 'done', model: `calibrated Gaussian naive Bayes (kept, trained as of ${snapshot.asOf.slice(0, 10)})`, scored, trainedOn: c.n, baseRate: c.baseRate, tiers };
}

/** CLV from the kept BG/NBD and Gamma-Gamma parameters (RefineInput.kept). */
function keptClvStep(input: RefineInput, snapshot: ScoringSnapshot, scoresOf: (id: string) => PersonScores): RefineReport['clv'] {
  const models = snapshot.clv;
  if (!models) return { status: 'skipped', reason: 'the kept models have no CLV model' };
  const asOfDay = Math.floor(toEpochMs(input.asOf, 'asOf') / MS_PER_DAY);
  let people = 0;
  for (const [id, history] of input.orders) {
    const summary = purchaseSummaryOf(history, asOfDay, models.unit);
    if (!summary) continue;
    applyClv(scoresOf(id), models, summary, asOfDay);
    people += 1;
  }
  return { status: 'done', people, ...models.bgNbd, spendModel: models.gammaGamma !== null };
}

function clvStep(input: RefineInput, scoresOf: (id: string) => PersonScores, keep: (models: ClvModels) => void): RefineReport['clv'] {
  const asOfDay = Math.floor(toEpochMs(input.asOf, 'asOf') / MS_PER_DAY);
  const summaries: Array<{ id: string; summary: PurchaseSummary }> = [];
  for (const [id, history] of input.orders) {
    const summary = purchaseSummaryOf(history, asOfDay, 'week');
    if (summary) summaries.push({ id, summary });
  }
  const only = summaries.map((s) => s.summary);
  const bg = fitBgNbd(only, { unit: 'week' });
  if (!bg.ok) return { status: 'skipped', reason: `BG/NBD not fitted (${bg.reason}): ${bg.detail}` };
  const gg = fitGammaGamma(only);
  const models: ClvModels = { bgNbd: bg.params, gammaGamma: gg.ok ? gg.params : null, unit: 'week' };
  keep(models);
  for (const { id, summary } of summaries) applyClv(scoresOf(id), models, summary, asOfDay);
  return { status: 'done', people: summaries.length, ...bg.params, spendModel: gg.ok };
}

/**
 * The record each person's rule segments are evaluated against (rule-record.ts), one person at a
 * time: the batch uses it for stored rules, the admin API for a rule's live size before saving.
 */
export function* personRuleRecords(
  input: Pick<RefineInput, 'people' | 'rfm' | 'aggregates' | 'featuresNow' | 'productTypes'>,
  scoresOf: (personId: string) => PersonScores,
): Generator<{ personId: string; record: RuleRecord }> {
  const rfmOf = new Map(input.rfm.map((r) => [r.customerId, r]));
  const aggregateOf = new Map(input.aggregates.map((a) => [a.customerId, a]));
  const featuresOf = new Map(input.featuresNow.rows.map((r) => [r.personId, r.values]));
  for (const person of input.people) {
    const record = ruleRecordOf({
      person,
      rfm: rfmOf.get(person.personId),
      aggregate: aggregateOf.get(person.personId),
      features: featuresOf.get(person.personId),
      scores: scoresOf(person.personId),
      productTypes: input.productTypes.get(person.personId) ?? [],
    });
    yield { personId: person.personId, record };
  }
}

export function refineSegments(input: RefineInput): RefinedSegments {
  const horizonDays = input.options?.horizonDays ?? REFINE_DEFAULTS.horizonDays;
  const minMicroSize = input.options?.minMicroSize ?? REFINE_DEFAULTS.minMicroSize;
  const seed = input.options?.seed ?? REFINE_DEFAULTS.seed;
  const t = toEpochMs(input.asOf, 'asOf');

  const scores = new Map<string, PersonScores>(input.people.map((p) => [p.personId, emptyScores()]));
  const scoresOf = (id: string): PersonScores => {
    let s = scores.get(id);
    if (!s) scores.set(id, (s = emptyScores()));
    return s;
  };
  const definitions: SegmentDefinition[] = [...RFM_SEGMENTS];
  const memberships: Memberships = rfmMemberships(input.rfm);
  const add = (key: string, personId: string) => {
    let set = memberships.get(key);
    if (!set) memberships.set(key, (set = new Set()));
    set.add(personId);
  };

  const announce = input.onStep ?? (() => {});
  // Clusters, matched to the previous model.
  announce('clusters');
  let clusterModel: ClusterModel | null;
  let clusterReport: RefineReport['clusters'];
  const keptSnapshot = input.kept?.snapshot ?? null;
  const clusterName = new Map<string, string>();
  /** The clusters whose micro-segments can exist this run. */
  let clustered: Array<{ id: string; name: string }> = [];
  const run = keptSnapshot
    ? null
    : findClusters(input.featuresNow.rows, {
        seed,
        previous: input.previousClusters,
        ...(input.options?.clusterMinPeople === undefined ? {} : { minPeople: input.options.clusterMinPeople }),
      });
  if (keptSnapshot) {
    clusterModel = keptSnapshot.clusters;
    if (clusterModel && clusterModel.clusters.length > 0) {
      const described = new Map((input.kept?.definitions ?? []).map((d) => [d.key, d.description]));
      for (const c of clusterModel.clusters) {
        clusterName.set(c.id, c.name);
        definitions.push(clusterDefinition({ id: c.id, name: c.name, explanation: described.get(c.id) ?? `Behaviour cluster ${c.name}.` }));
        memberships.set(c.id, new Set());
      }
      const assigner = createClusterAssigner(clusterModel);
      for (const row of input.featuresNow.rows) {
        if (!isClusterable(row.values)) continue;
        const assigned = assigner.assign(row.values);
        if (!assigned) continue;
        const s = scoresOf(row.personId);
        s.clusterId = assigned.clusterId;
        s.cluster = assigned.name;
        add(assigned.clusterId, row.personId);
      }
      clustered = clusterModel.clusters.map((c) => ({ id: c.id, name: c.name }));
      clusterReport = { status: 'done', k: clusterModel.clusters.length, silhouette: clusterModel.silhouette ?? 0, movedPeople: null, retiredClusterIds: [] };
    } else {
      clusterReport = { status: 'skipped', reason: 'the kept models have no clusters' };
    }
  } else if (run?.status === 'clustered') {
    clustered = run.report.clusters.map((c) => ({ id: c.id, name: c.name }));
    clusterModel = { ...run.model, silhouette: run.report.silhouette };
    for (const c of run.report.clusters) {
      clusterName.set(c.id, c.name);
      definitions.push(clusterDefinition(c));
      memberships.set(c.id, new Set());
    }
    for (const m of run.memberships) {
      const s = scoresOf(m.personId);
      s.clusterId = m.clusterId;
      s.cluster = clusterName.get(m.clusterId) ?? null;
      add(m.clusterId, m.personId);
    }
    clusterReport = { status: 'done', k: run.report.k, silhouette: run.report.silhouette, movedPeople: run.report.movedPeople, retiredClusterIds: run.report.retiredClusterIds };
  } else {
    // Too few people or no variation: no clusters this run. The previous model is kept so that
    // ids survive a temporary dip.
    clusterModel = input.previousClusters;
    clusterReport = { status: 'skipped', reason: run?.status === 'skipped' ? run.reason.message : 'no clusters' };
  }

  // Purchase propensity and churn risk, on a time split of the shop's own history.
  announce('predictions');
  const events: OrderEvent[] = [];
  for (const [id, history] of input.orders) for (const at of history.times) if (at <= t) events.push({ customerId: id, placedAt: at });
  const kept: { purchase: KeptModel | null; churn: KeptModel | null; clv: ClvModels | null } = { purchase: null, churn: null, clv: null };
  const tierSegments = (target: PredictionTarget, set: (s: PersonScores, p: number, tier: Tier) => void, tierOf: (s: PersonScores) => Tier | null) => {
    const keep = (model: KeptModel) => {
      kept[target === 'purchase' ? 'purchase' : 'churn'] = model;
    };
    const apply = (id: string, p: number, tier: Tier) => set(scoresOf(id), p, tier);
    const step = keptSnapshot ? keptPredictionStep(target, keptSnapshot, input, apply, keep) : predictionStep(target, input, horizonDays, events, apply, keep);
    if (step.status !== 'done') return step;
    const keyOf = target === 'purchase' ? propensityKey : churnKey;
    for (const tier of TIERS) {
      definitions.push(target === 'purchase' ? propensityDefinition(tier, horizonDays) : churnDefinition(tier, horizonDays));
      memberships.set(keyOf(tier), new Set());
    }
    for (const [id, s] of scores) {
      const tier = tierOf(s);
      if (tier) add(keyOf(tier), id);
    }
    return step;
  };
  const propensity = tierSegments(
    'purchase',
    (s, p, tier) => Object.assign(s, { purchasePropensity: p, purchaseTier: tier }),
    (s) => s.purchaseTier,
  );
  const churn = tierSegments(
    'churn',
    (s, p, tier) => Object.assign(s, { churnRisk: p, churnTier: tier }),
    (s) => s.churnTier,
  );

  // Expected purchases, P(alive), next order date and 12-month CLV.
  announce('clv');
  const clv = keptSnapshot ? keptClvStep(input, keptSnapshot, scoresOf) : clvStep(input, scoresOf, (models) => {
    kept.clv = models;
  });

  // Micro-segments: cluster x purchase tier, above the minimum size.
  announce('segments');
  const micro: RefineReport['micro'] = { minSize: minMicroSize, kept: [], tooSmall: [] };
  if (clustered.length > 0 && propensity.status === 'done') {
    const cells = new Map<string, string[]>();
    for (const [id, s] of scores) {
      if (!s.clusterId || !s.purchaseTier) continue;
      const cell = `${s.clusterId}\u0000${s.purchaseTier}`;
      const list = cells.get(cell);
      if (list) list.push(id);
      else cells.set(cell, [id]);
    }
    for (const c of clustered) {
      for (const tier of TIERS) {
        const members = cells.get(`${c.id}\u0000${tier}`) ?? [];
        const definition = microDefinition(c, tier);
        // With kept models the micro-segments are those the models' run kept, whatever their size now.
        if (keptSnapshot ? !keptSnapshot.microKeys.includes(definition.key) : members.length < minMicroSize) {
          micro.tooSmall.push({ key: definition.key, size: members.length });
          continue;
        }
        definitions.push(definition);
        memberships.set(definition.key, new Set(members));
        micro.kept.push({ key: definition.key, size: members.length });
      }
    }
  }

  // Rule segments.
  const rules: RefineReport['rules'] = [];
  if (input.rules.length > 0) {
    const compiled: Array<{ segmentKey: string; predicate: (r: Record<string, unknown>) => boolean; members: Set<string>; key: string }> = [];
    for (const stored of input.rules) {
      const definition = ruleDefinition(stored);
      const parsed = parseRule(stored.rule, DEFAULT_CATALOGUE);
      if (!parsed.ok) {
        rules.push({ key: stored.key, segmentKey: definition.key, error: parsed.errors.map((e) => `${e.message} (line ${e.position.line}, column ${e.position.column})`).join('; ') });
        continue;
      }
      definitions.push(definition);
      const members = new Set<string>();
      memberships.set(definition.key, members);
      compiled.push({ segmentKey: definition.key, predicate: compileRule(parsed.rule, { asOf: t }), members, key: stored.key });
    }
    for (const { personId, record } of personRuleRecords(input, scoresOf)) {
      for (const c of compiled) if (c.predicate(record)) c.members.add(personId);
    }
    for (const c of compiled) rules.push({ key: c.key, segmentKey: c.segmentKey, size: c.members.size });
  }

  return {
    asOf: new Date(t).toISOString(),
    horizonDays,
    definitions,
    memberships,
    scores,
    rfmGroupOf: new Map(input.rfm.map((s) => [s.customerId, RFM_GROUPS[s.group].key])),
    clusterModel,
    snapshot: keptSnapshot ?? {
      kind: 'scoring-snapshot',
      version: 1,
      asOf: new Date(t).toISOString(),
      horizonDays,
      rfm: rfmBoundaries(input.rfm, input.aggregates, t),
      clusters: clusterModel,
      purchase: kept.purchase,
      churn: kept.churn,
      clv: kept.clv,
      microKeys: micro.kept.map((m) => m.key),
      categories: [...input.featuresNow.categories],
    },
    report: { clusters: clusterReport, propensity, churn, clv, micro, rules },
  };
}
