import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FeatureName, FeatureRow } from '../features/feature-names.ts';
import { ago, candidateNames, duration, nameTerm, phrase, ratioWords, type FeatureFigures } from './cluster-words.ts';
import { describeClusters, nameClusters, type ClusterDescription } from './explain.ts';

function figures(extra: Partial<FeatureFigures>): FeatureFigures {
  return { clusterMean: 0, clusterMedian: 0, clusterP25: 0, clusterP75: 0, storeMean: 0, storeMedian: 0, ...extra };
}

function row(personId: string, values: Partial<Record<FeatureName, number | null>>): FeatureRow {
  return { personId, values: values as Record<FeatureName, number | null> };
}

test('durations and ratios in words', () => {
  assert.equal(ago(0), 'today');
  assert.equal(ago(1), 'yesterday');
  assert.equal(ago(5), '5 days ago');
  assert.equal(ago(14), '2 weeks ago');
  assert.equal(duration(90), '3 months');
  assert.equal(duration(548), '1.5 years');
  assert.equal(duration(365.25 * 4), '4 years');
  assert.equal(ratioWords(3.04, 'the store average'), '3× the store average');
  assert.equal(ratioWords(2.46, 'the store average'), '2.5× the store average');
  assert.equal(ratioWords(0.4, 'the store average'), '40% of the store average');
  assert.equal(ratioWords(1.05, 'the store average'), 'about the store average');
});

test('phrases use raw numbers', () => {
  assert.equal(phrase('orderCount', 'high', figures({ clusterP25: 6, clusterP75: 11 })), '6+ orders');
  assert.equal(phrase('orderCount', 'low', figures({ clusterP25: 1, clusterP75: 1 })), '1 order');
  assert.equal(phrase('orderCount', 'low', figures({ clusterP25: 1, clusterP75: 2 })), 'at most 2 orders');
  assert.equal(phrase('recencyDays', 'low', figures({ clusterMedian: 15 })), 'last order 2 weeks ago');
  assert.equal(phrase('monetaryTotal', 'high', figures({ clusterMean: 300, storeMean: 100 })), 'spends 3× the store average');
  assert.equal(phrase('category:Boards', 'high', figures({ clusterMean: 0.62, storeMean: 0.2 })), '62% of spend on Boards (store: 20%)');
  assert.equal(phrase('frequency', 'low', figures({ clusterP25: 1, clusterP75: 1 })), 'bought once');
});

test('names: noun from buying behaviour, adjective from the next concept, unique within a run', () => {
  const lapsed = nameTerm('recencyDays', 'high', figures({}));
  const once = nameTerm('orderCount', 'low', figures({ clusterP75: 1 }));
  const spenders = nameTerm('monetaryTotal', 'high', figures({}));
  const frequent = nameTerm('frequency', 'high', figures({}));
  const email = nameTerm('emailOpenRate', 'high', figures({}));
  assert.ok(lapsed && once && spenders && frequent && email);
  assert.equal(candidateNames([lapsed, once])[0], 'Lapsed one-timers');
  assert.equal(candidateNames([spenders, frequent])[0], 'Frequent big spenders');
  assert.equal(candidateNames([email, spenders])[0], 'Email-engaged big spenders');
  assert.deepEqual(candidateNames([]), ['Typical customers']);
  assert.equal(nameTerm('category:Wax', 'low', figures({})), null);

  const same: ClusterDescription = { highlights: [], explanation: '', terms: [spenders, frequent, lapsed] };
  const names = nameClusters([same, same, same, same], [null, null, null, 'Frequent big spenders']);
  assert.equal(new Set(names.map((n) => n.toLowerCase())).size, 4);
  assert.equal(names[3], 'Frequent big spenders');
  assert.notEqual(names[0], 'Frequent big spenders', 'a kept name is reserved');
});

test('describeClusters: top features by z, raw numbers, features known for under half a cluster left out', () => {
  const rows: FeatureRow[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 40; i++) {
    const vip = i < 10;
    rows.push(
      row(`p${i}`, {
        orderCount: vip ? 8 + (i % 3) : 1,
        monetaryTotal: vip ? 900 : 30 + i,
        recencyDays: vip ? 10 : 200 + i,
        refundRate: 0,
        // Known for only 2 of the 30 others: must not describe them.
        meanDaysBetween: vip ? 30 : i < 12 ? 400 : null,
        emailOpenRate: vip ? 0.5 : null,
      }),
    );
    labels.push(vip ? 0 : 1);
  }
  const features = [
    { feature: 'orderCount' as const, transform: 'log1p' as const, missingIndicator: false },
    { feature: 'monetaryTotal' as const, transform: 'log1p' as const, missingIndicator: false },
    { feature: 'recencyDays' as const, transform: 'log1p' as const, missingIndicator: false },
    { feature: 'refundRate' as const, transform: 'identity' as const, missingIndicator: false },
    { feature: 'meanDaysBetween' as const, transform: 'log1p' as const, missingIndicator: false },
    { feature: 'emailOpenRate' as const, transform: 'identity' as const, missingIndicator: true },
  ];
  const [vip, rest] = describeClusters(rows, labels, 2, features);
  assert.ok(vip && rest);
  assert.equal(vip.highlights.length, 3);
  assert.equal(vip.explanation, '100% with HubSpot email data (store: 25%), last order 10 days ago, 8+ orders');
  assert.ok(!rest.highlights.some((h) => h.feature === 'meanDaysBetween'), rest.explanation);
  assert.ok(!vip.highlights.some((h) => h.feature === 'refundRate'), 'constant feature never highlighted');
  assert.deepEqual(describeClusters(rows, labels, 2, features), [vip, rest], 'deterministic');
  const all = describeClusters(rows, labels, 2, features.slice(3, 4));
  assert.equal(all[0]?.explanation, 'Close to the store on every measure');
});
