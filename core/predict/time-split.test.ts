import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MS_PER_DAY } from '../instant.ts';
import type { FeatureRow, LabelledFeatureRow } from './feature-rows.ts';
import { auc, backtestReport } from './metrics.ts';
import { labelChurn, labelPurchase, orderTimesByCustomer, predictFromOrders, runTimeSplit, scoreRows, type OrderEvent } from './time-split.ts';
import { logistic, normalFrom, seededRandom } from './test-support.ts';

/**
 * A synthetic snapshot: each person has a hidden engagement e ~ N(0, 1); the features are noisy,
 * skewed views of it (recency, orders in 90 days, email clicks, 10 % of clicks unknown), and the
 * label is Bernoulli(logistic(-1.5 + 1.3 e)), so the label depends on the features.
 */
function snapshot(seed: number, n: number): LabelledFeatureRow[] {
  const random = seededRandom(seed);
  const normal = normalFrom(random);
  const poisson = (mean: number): number => {
    let k = 0;
    let p = Math.exp(-mean);
    let cdf = p;
    const u = random();
    while (u > cdf && k < 1000) {
      k += 1;
      p *= mean / k;
      cdf += p;
    }
    return k;
  };
  return Array.from({ length: n }, (_, i) => {
    const e = normal();
    return {
      id: `s${seed}-${String(i).padStart(5, '0')}`,
      features: {
        recencyDays: Math.round(30 * Math.exp(-0.6 * e + 0.5 * normal())),
        orders90: poisson(Math.exp(0.5 * e)),
        emailClicks: random() < 0.1 ? null : poisson(Math.exp(0.4 * e + 0.3 * normal())),
        tenureDays: Math.round(400 * random()),
      },
      label: random() < logistic(-1.5 + 1.3 * e),
    };
  });
}

test('synthetic time split: clear signal, calibrated out of time, tiers follow the rule', () => {
  const earlier = snapshot(1, 3000); // rows as of T - 2N, labels in (T - 2N, T - N]
  const training = snapshot(2, 3000); // rows as of T - N, labels in (T - N, T]
  const now = snapshot(3, 3000); // rows as of T (their labels are the future: used to check)
  const result = runTimeSplit({
    target: 'purchase',
    horizonDays: 30,
    training,
    scoring: now.map(({ id, features }) => ({ id, features })),
    backtest: { training: earlier, test: training },
  });
  const { report, scores } = result;
  assert.equal(report.model.kind, 'naive-bayes');
  assert.deepEqual(report.features, ['emailClicks', 'orders90', 'recencyDays', 'tenureDays']);
  assert.ok(report.training.imputed.emailClicks !== undefined && report.training.imputed.emailClicks > 200, 'missing clicks imputed');
  assert.ok(report.scoring.imputedCells > 200);

  const oot = report.outOfTime;
  assert.ok(oot !== null);
  assert.ok((oot.auc ?? 0) > 0.7, `out-of-time AUC ${oot.auc}`);
  assert.ok((oot.topDecileLift ?? 0) > 1.8, `top-decile lift ${oot.topDecileLift}`);
  assert.ok((oot.brierSkill ?? 0) > 0.1, `Brier skill ${oot.brierSkill}`);
  assert.ok((oot.calibrationError ?? 1) < 0.04, `calibration error ${oot.calibrationError}`);
  for (const bin of oot.calibration) {
    if (bin.count >= 100) {
      assert.ok(Math.abs(bin.meanPredicted - bin.observedRate) < 0.08, `bin ${bin.bin}: predicted ${bin.meanPredicted}, observed ${bin.observedRate}`);
    }
  }
  assert.ok((report.crossValidated.calibrated.auc ?? 0) > 0.7);

  // Scores at T against what then happened.
  const probabilities = scores.map((s) => s.probability);
  for (const p of probabilities) assert.ok(Number.isFinite(p) && p >= 0 && p <= 1);
  assert.ok((auc(probabilities, now.map((r) => r.label)) ?? 0) > 0.7);
  const future = backtestReport(probabilities, now.map((r) => r.label));
  assert.ok((future.calibrationError ?? 1) < 0.04, `calibration at T: ${future.calibrationError}`);

  // Tiers: high <= 20 % (no ties here), each high at >= 1.5 x base rate, tiers ordered by probability.
  const base = report.training.baseRate;
  const high = scores.filter((s) => s.tier === 'high');
  assert.ok(high.length > 0 && high.length <= 0.2 * scores.length);
  for (const s of high) assert.ok(s.probability >= 1.5 * base);
  const minHigh = Math.min(...high.map((s) => s.probability));
  for (const s of scores.filter((x) => x.tier !== 'high')) assert.ok(s.probability <= minHigh);
  assert.equal(report.scoring.tiers.high + report.scoring.tiers.medium + report.scoring.tiers.low, scores.length);

  // The stored model re-scores one customer exactly as the batch did.
  const one = now[17];
  assert.ok(one !== undefined);
  const again = scoreRows(result.model, [{ id: one.id, features: one.features }]);
  assert.equal(again[0]?.probability, scores[17]?.probability);
  // ... also after a JSON round trip (the model is plain data, stored between runs).
  const stored = JSON.parse(JSON.stringify(result.model)) as typeof result.model;
  assert.equal(scoreRows(stored, [{ id: one.id, features: one.features }])[0]?.probability, scores[17]?.probability);
});

test('deterministic: same rows in another order give the same probabilities', () => {
  const training = snapshot(4, 800);
  const scoring: FeatureRow[] = snapshot(5, 200).map(({ id, features }) => ({ id, features }));
  const a = runTimeSplit({ target: 'purchase', horizonDays: 30, training, scoring });
  const b = runTimeSplit({ target: 'purchase', horizonDays: 30, training: [...training].reverse(), scoring });
  assert.deepEqual(b.model, a.model);
  assert.deepEqual(b.scores, a.scores);
  assert.deepEqual(b.report, a.report);
});

test('one class in training: base rate for everyone, with the reason in the report', () => {
  const training = snapshot(6, 50).map((r) => ({ ...r, label: false }));
  const result = runTimeSplit({ target: 'purchase', horizonDays: 30, training, scoring: training });
  assert.equal(result.report.model.kind, 'base-rate');
  assert.match(result.report.model.reason ?? '', /only one class/);
  assert.ok(result.scores.every((s) => s.probability === 0 && s.tier === 'low'));
});

// ---- End to end from an order history --------------------------------------------------------

const T = Date.parse('2025-01-01T00:00:00Z');
const HORIZON = 60;

/** Customers ordering as Poisson processes over the 420 days to T, rates lognormal (median 1 / 90 days). */
function orderHistory(seed: number, customers: number): { orders: OrderEvent[]; ids: string[] } {
  const random = seededRandom(seed);
  const normal = normalFrom(random);
  const start = T - 420 * MS_PER_DAY;
  const orders: OrderEvent[] = [];
  const ids: string[] = [];
  for (let c = 0; c < customers; c += 1) {
    const id = `gid://shopify/Customer/${1000 + c}`;
    ids.push(id);
    const ratePerDay = Math.exp(Math.log(1 / 90) + 1.1 * normal());
    let t = start;
    for (;;) {
      t += (-Math.log(1 - random()) / ratePerDay) * MS_PER_DAY;
      if (t > T) break;
      orders.push({ customerId: id, placedAt: new Date(Math.round(t)).toISOString() });
    }
  }
  orders.push({ customerId: null, placedAt: new Date(T - MS_PER_DAY).toISOString() }); // a guest order
  return { orders, ids };
}

/** What the features module would compute as of `asOf` (the caller's job, here for the test). */
function featuresAsOf(ids: readonly string[], orders: ReadonlyMap<string, readonly number[]>, asOf: number): FeatureRow[] {
  return ids.map((id) => {
    const past = (orders.get(id) ?? []).filter((t) => t <= asOf);
    const last = past.at(-1);
    return {
      id,
      features: {
        orders180: past.filter((t) => t > asOf - 180 * MS_PER_DAY).length,
        ordersAll: past.length,
        daysSinceLast: last === undefined ? null : Math.floor((asOf - last) / MS_PER_DAY),
      },
    };
  });
}

test('from orders: purchase propensity and churn, each on its own label, backtested out of time', () => {
  const { orders, ids } = orderHistory(21, 2500);
  const times = orderTimesByCustomer(orders);
  const cutoff = T - HORIZON * MS_PER_DAY;
  const input = {
    horizonDays: HORIZON,
    asOf: T,
    orders,
    rowsAtCutoff: featuresAsOf(ids, times, cutoff),
    rowsNow: featuresAsOf(ids, times, T),
    rowsTwoHorizonsBack: featuresAsOf(ids, times, cutoff - HORIZON * MS_PER_DAY),
  };
  const purchase = predictFromOrders('purchase', input);
  const churn = predictFromOrders('churn', input);

  // Labels: purchase over everyone; churn over people who had ordered by the cutoff only.
  const purchaseLabels = labelPurchase(input.rowsAtCutoff, times, cutoff, HORIZON);
  const churnLabels = labelChurn(input.rowsAtCutoff, times, cutoff, HORIZON);
  assert.equal(purchase.report.training.n, ids.length);
  assert.equal(churn.report.training.n, churnLabels.length);
  assert.ok(churnLabels.length < ids.length);
  const buyersBefore = new Set(churnLabels.map((r) => r.id));
  for (const r of purchaseLabels) {
    if (buyersBefore.has(r.id)) assert.equal(churnLabels.find((c) => c.id === r.id)?.label, !r.label);
  }

  // Never-buyers get no churn score; everyone gets a purchase score.
  assert.equal(purchase.scores.length, ids.length);
  assert.deepEqual(purchase.notScored, []);
  const neverBought = ids.filter((id) => (times.get(id) ?? []).length === 0);
  assert.deepEqual([...churn.notScored].sort(), [...neverBought].sort());
  assert.equal(churn.scores.length + churn.notScored.length, ids.length);

  for (const result of [purchase, churn]) {
    const oot = result.report.outOfTime;
    assert.ok(oot !== null);
    assert.ok((oot.auc ?? 0) > 0.65, `${result.report.target}: out-of-time AUC ${oot.auc}`);
    assert.ok((oot.calibrationError ?? 1) < 0.06, `${result.report.target}: calibration error ${oot.calibrationError}`);
    assert.equal(result.report.model.kind, 'naive-bayes');
    for (const s of result.scores) assert.ok(Number.isFinite(s.probability) && s.probability >= 0 && s.probability <= 1);
  }

  // Deterministic: orders and rows in another order give identical results.
  const again = predictFromOrders('churn', {
    ...input,
    orders: [...orders].reverse(),
    rowsAtCutoff: [...input.rowsAtCutoff].reverse(),
    rowsTwoHorizonsBack: [...input.rowsTwoHorizonsBack].reverse(),
  });
  assert.deepEqual(again.model, churn.model);
  assert.deepEqual(again.report, churn.report);
  assert.deepEqual(again.scores, churn.scores);
});
