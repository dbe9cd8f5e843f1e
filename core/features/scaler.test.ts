import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FeatureName, FeatureRow } from './feature-names.ts';
import { fitScaler, loadScaler, mapBetweenScalers } from './scaler.ts';

function row(personId: string, values: Partial<Record<FeatureName, number | null>>): FeatureRow {
  return { personId, values: values as Record<FeatureName, number | null> };
}

test('robust scaling: log1p for money and counts, median/IQR, identity for shares', () => {
  const rows = [0, 1, 3, 7, 15].map((spend, i) => row(`p${i}`, { monetaryTotal: spend, discountedShare: i / 4 }));
  const scaler = fitScaler(rows, ['monetaryTotal', 'discountedShare'], { clip: null });
  const [money, share] = scaler.model.columns;
  assert.ok(money && share);
  assert.equal(money.transform, 'log1p');
  assert.equal(share.transform, 'identity');
  // log1p values: 0, ln2, ln4, ln8, ln16 -> median ln4, IQR ln8 - ln2 = ln4.
  assert.ok(Math.abs(money.center - Math.log(4)) < 1e-12);
  assert.ok(Math.abs(money.scale - Math.log(4)) < 1e-12);
  assert.equal(share.center, 0.5);
  assert.equal(share.scale, 0.5);
  const out = scaler.transform(rows);
  assert.ok(Math.abs((out[4]?.[0] ?? 0) - 1) < 1e-12); // (ln16 - ln4) / ln4
  assert.deepEqual(
    out.map((r) => r[1]),
    [-1, -0.5, 0, 0.5, 1],
  );
});

test('constant and all-missing columns scale to 0, never NaN; IQR 0 uses scale 1', () => {
  const rows = Array.from({ length: 10 }, (_, i) =>
    row(`p${i}`, { orderCount: 1, emailOpens: null, refundRate: i === 9 ? 1 : 0 }),
  );
  const scaler = fitScaler(rows, ['orderCount', { feature: 'emailOpens', missingIndicator: true }, 'refundRate']);
  assert.deepEqual(scaler.model.outputNames, ['orderCount', 'emailOpens', 'emailOpens:missing', 'refundRate']);
  const refund = scaler.model.columns[2];
  assert.equal(refund?.scale, 1);
  const out = scaler.transform(rows);
  for (const vector of out) for (const value of vector) assert.ok(Number.isFinite(value));
  assert.deepEqual(out[0], [0, 0, 1, 0]);
  assert.deepEqual(out[9], [0, 0, 1, 1]);
  assert.equal(scaler.model.columns[1]?.missingShare, 1);
});

test('missing values take the column median; the indicator tells them apart', () => {
  const rows = [
    row('a', { emailOpenRate: 0.2 }),
    row('b', { emailOpenRate: 0.4 }),
    row('c', { emailOpenRate: 0.6 }),
    row('d', { emailOpenRate: null }),
  ];
  const scaler = fitScaler(rows, [{ feature: 'emailOpenRate', missingIndicator: true }]);
  const out = scaler.transform(rows).map((vector) => vector.map((value) => Math.round(value * 1e9) / 1e9));
  assert.deepEqual(out, [
    [-1, 0],
    [0, 0],
    [1, 0],
    [0, 1],
  ]);
  assert.deepEqual(scaler.transformValues({}), [0, 1], 'an absent feature is missing');
});

test('clip bounds extreme values; weight multiplies; the model survives JSON', () => {
  const rows = Array.from({ length: 9 }, (_, i) => row(`p${i}`, { 'category:A': i / 8 }));
  rows.push(row('whale', { 'category:A': 100 }));
  const scaler = fitScaler(rows, [{ feature: 'category:A', weight: 0.5 }], { clip: 3 });
  const out = scaler.transform(rows);
  assert.equal(out[9]?.[0], 1.5);
  const reloaded = loadScaler(JSON.parse(JSON.stringify(scaler.model)));
  assert.deepEqual(reloaded.transform(rows), out);
  assert.throws(() => fitScaler(rows, ['category:A', 'category:A']), /twice/);
  assert.throws(() => fitScaler(rows, ['nope' as FeatureName]), /Unknown feature/);
});

test('mapBetweenScalers re-expresses a vector in another fitted space', () => {
  const first = fitScaler(
    [1, 2, 3, 4, 5].map((n, i) => row(`p${i}`, { orderCount: n, visits: i % 2 === 0 ? null : n })),
    ['orderCount', { feature: 'visits', missingIndicator: true }],
    { clip: null },
  );
  const second = fitScaler(
    [2, 4, 6, 8, 10].map((n, i) => row(`p${i}`, { orderCount: n, refundRate: 0 })),
    ['refundRate', 'orderCount'],
    { clip: null },
  );
  const values = { orderCount: 7, visits: 3 };
  const mapped = mapBetweenScalers(first.model, second.model, first.transformValues(values));
  const direct = second.transformValues(values);
  assert.equal(mapped[0], null, 'refundRate is not in the first space');
  assert.ok(Math.abs((mapped[1] ?? 0) - (direct[1] ?? 0)) < 1e-12);
});
