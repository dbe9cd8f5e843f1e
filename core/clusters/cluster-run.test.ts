import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FeatureName, FeatureRow } from '../features/feature-names.ts';
import { createClusterAssigner } from './cluster-model.ts';
import { defaultClusterColumns, describeColumns, findClusters, type ClusterRun, type ClusterRunDone } from './cluster-run.ts';
import { mulberry32 } from '../prng.ts';
import { ARCHETYPES, syntheticStore } from './synthetic.ts';

function done(run: ClusterRun): ClusterRunDone {
  assert.equal(run.status, 'clustered', run.status === 'skipped' ? run.reason.message : '');
  return run as ClusterRunDone;
}

/** Everything a run returns except the assign function. */
function data(run: ClusterRunDone) {
  return JSON.parse(JSON.stringify({ model: run.model, report: run.report, memberships: run.memberships }));
}

/** Share of people in the majority planted group of their cluster. */
function purity(run: ClusterRunDone, truth: Map<string, number>): number {
  const counts = new Map<string, Map<number, number>>();
  for (const { personId, clusterId } of run.memberships) {
    const inner = counts.get(clusterId) ?? new Map<number, number>();
    const group = truth.get(personId) ?? -1;
    inner.set(group, (inner.get(group) ?? 0) + 1);
    counts.set(clusterId, inner);
  }
  let majority = 0;
  for (const inner of counts.values()) majority += Math.max(...inner.values());
  return majority / run.memberships.length;
}

function membershipMap(run: ClusterRunDone): Map<string, string> {
  return new Map(run.memberships.map((m) => [m.personId, m.clusterId]));
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = mulberry32(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const store = syntheticStore({ people: 2000, seed: 7, prospects: 300 });

test('recovers four planted groups: k = 4, high purity, unique names, explanations in words', () => {
  const run = done(findClusters(store.rows, { seed: 1 }));
  assert.equal(run.report.k, 4);
  assert.equal(run.report.chosenBy, 'silhouette');
  assert.ok(purity(run, store.truth) > 0.97, `purity ${purity(run, store.truth)}`);
  assert.equal(run.report.clusteredPeople, 2000);
  assert.equal(run.report.unclusteredPeople, 300);
  assert.equal(run.report.sampleSize, 2000);
  assert.equal(run.report.candidates.length, 9);
  assert.ok(run.report.silhouette > 0.3);
  assert.ok(run.report.wcss > 0 && Number.isFinite(run.report.wcss));
  const names = run.report.clusters.map((c) => c.name);
  assert.equal(new Set(names.map((n) => n.toLowerCase())).size, names.length);
  for (const cluster of run.report.clusters) {
    assert.ok(cluster.highlights.length >= 2, cluster.name);
    assert.ok(cluster.explanation.length > 10);
    assert.ok(cluster.name.length <= 40, cluster.name);
  }
  assert.deepEqual(
    run.report.clusters.map((c) => c.id),
    ['cluster-1', 'cluster-2', 'cluster-3', 'cluster-4'],
  );
  const sizes = run.report.clusters.map((c) => c.size);
  assert.deepEqual(sizes, [...sizes].sort((a, b) => b - a), 'largest first');
  // The big spenders are said to be big spenders.
  const big = run.report.clusters.find((c) => /big spenders/i.test(c.name));
  assert.ok(big, names.join(' / '));
  assert.match(big.explanation, /spends \d+(\.\d)?× the store average/i);
  for (const c of run.report.clusters) console.log(`  ${c.id} ${c.size} "${c.name}": ${c.explanation}`);
});

test('deterministic: same rows and seed give identical output, whatever the row order', () => {
  const a = findClusters(store.rows, { seed: 5 });
  const b = findClusters(shuffled(store.rows, 99), { seed: 5 });
  assert.deepEqual(data(done(a)), data(done(b)));
  const c = done(findClusters(store.rows, { seed: 6 }));
  assert.equal(c.report.k, 4, 'another seed finds the same structure');
});

test('a re-run on unchanged data keeps ids, names and memberships', () => {
  const first = done(findClusters(store.rows, { seed: 1 }));
  const again = done(findClusters(store.rows, { seed: 1, previous: first.model }));
  assert.deepEqual(again.memberships, first.memberships);
  assert.deepEqual(
    again.model.clusters.map((c) => [c.id, c.name]),
    first.model.clusters.map((c) => [c.id, c.name]),
  );
  assert.equal(again.report.movedPeople, 0);
  assert.deepEqual(again.report.retiredClusterIds, []);
  assert.ok(again.report.clusters.every((c) => c.matchedPrevious));
  // A different seed shuffles k-means' labels, but identities follow the centroids.
  const otherSeed = done(findClusters(store.rows, { seed: 77, previous: first.model }));
  const before = membershipMap(first);
  let moved = 0;
  for (const m of otherSeed.memberships) if (before.get(m.personId) !== m.clusterId) moved += 1;
  assert.ok(moved / otherSeed.memberships.length < 0.01, `moved ${moved}`);
  assert.deepEqual(
    new Map(otherSeed.model.clusters.map((c) => [c.id, c.name])),
    new Map(first.model.clusters.map((c) => [c.id, c.name])),
  );
});

test('a small change moves few people and keeps every id', () => {
  const first = done(findClusters(store.rows, { seed: 1 }));
  const random = mulberry32(3);
  const changed: FeatureRow[] = [];
  store.rows.forEach((row, i) => {
    if (i % 100 === 0) return; // 1% leave
    if (i % 20 !== 0) {
      changed.push(row);
      return;
    }
    const values = { ...row.values };
    if (values.monetaryTotal !== null && values.orderCount !== 0) values.monetaryTotal *= 0.9 + random() * 0.3;
    if (values.recencyDays !== null) values.recencyDays += Math.round(random() * 7);
    changed.push({ personId: row.personId, values });
  });
  const newcomers = syntheticStore({ people: 20, seed: 8, prefix: 'q' }); // 1% join
  changed.push(...newcomers.rows);

  const second = done(findClusters(changed, { seed: 1, previous: first.model }));
  assert.equal(second.report.k, first.report.k);
  assert.deepEqual(second.report.retiredClusterIds, []);
  assert.deepEqual(
    new Map(second.model.clusters.map((c) => [c.id, c.name])),
    new Map(first.model.clusters.map((c) => [c.id, c.name])),
  );
  const before = membershipMap(first);
  let common = 0;
  let moved = 0;
  for (const m of second.memberships) {
    const old = before.get(m.personId);
    if (old === undefined) continue;
    common += 1;
    if (old !== m.clusterId) moved += 1;
  }
  assert.ok(moved / common < 0.01, `${moved} of ${common} moved`);
  assert.ok((second.report.movedPeople ?? 0) / second.memberships.length < 0.01);
  assert.equal(second.model.nextId, first.model.nextId, 'no new ids');
});

test('a new kind of customer gets a new id; one that disappears is retired', () => {
  // Three planted groups (no lapsed one-timers), then all four, then three again.
  const trio = [ARCHETYPES[0], ARCHETYPES[2], ARCHETYPES[3]].flatMap((g) => (g === undefined ? [] : [g]));
  const three = syntheticStore({ people: 1500, seed: 21, groups: trio });
  const first = done(findClusters(three.rows, { seed: 1 }));
  assert.equal(first.report.k, 3);
  assert.ok(purity(first, three.truth) > 0.97, 'three planted groups recovered too');
  const four = syntheticStore({ people: 2000, seed: 21, groups: ARCHETYPES });
  const second = done(findClusters(four.rows, { seed: 1, previous: first.model }));
  assert.equal(second.report.k, 4);
  const ids = second.model.clusters.map((c) => c.id).sort();
  assert.deepEqual(ids, ['cluster-1', 'cluster-2', 'cluster-3', 'cluster-4']);
  const fresh = second.report.clusters.filter((c) => !c.matchedPrevious);
  assert.equal(fresh.length, 1);
  assert.equal(fresh[0]?.id, 'cluster-4');
  assert.equal(second.model.nextId, 5);
  assert.ok(purity(second, four.truth) > 0.97);
  // The new cluster holds the lapsed one-timers (planted group 1).
  const lapsed = second.memberships.filter((m) => four.truth.get(m.personId) === 1);
  assert.ok(lapsed.filter((m) => m.clusterId === 'cluster-4').length / lapsed.length > 0.97);

  const third = done(findClusters(three.rows, { seed: 1, previous: second.model }));
  assert.equal(third.report.k, 3);
  assert.deepEqual(third.report.retiredClusterIds, ['cluster-4']);
  assert.deepEqual(
    third.model.clusters.map((c) => [c.id, c.name]),
    first.model.clusters.map((c) => [c.id, c.name]),
  );
  assert.equal(third.model.nextId, 5, 'ids are never reused');
});

test('tiny stores: no clusters below the minimum, with the reason as data', () => {
  const tiny = syntheticStore({ people: 49, seed: 2, prospects: 500 });
  const run = findClusters(tiny.rows, { seed: 1 });
  assert.equal(run.status, 'skipped');
  assert.ok(run.status === 'skipped');
  assert.equal(run.reason.code, 'TOO_FEW_PEOPLE');
  assert.equal(run.peopleWithOrders, 49);
  assert.equal(run.people, 549);
  assert.equal(run.minPeople, 50);
  assert.match(run.reason.message, /49 people with orders; clusters need at least 50/);
  assert.equal(findClusters([], { seed: 1 }).status, 'skipped');
  const fifty = syntheticStore({ people: 50, seed: 2 });
  const small = done(findClusters(fifty.rows, { seed: 1 }));
  assert.ok(small.report.k >= 2 && small.report.k <= 10);
  assert.equal(small.memberships.length, 50);
  assert.equal(done(findClusters(tiny.rows, { seed: 1, minPeople: 10 })).memberships.length, 49);
});

test('identical people cannot be clustered: NO_VARIATION', () => {
  const values = { ...(store.rows[0] as FeatureRow).values };
  const rows = Array.from({ length: 80 }, (_, i) => ({ personId: `same-${i}`, values }));
  const run = findClusters(rows, { seed: 1 });
  assert.equal(run.status, 'skipped');
  assert.ok(run.status === 'skipped' && run.reason.code === 'NO_VARIATION');
  // Two distinct kinds of people only: k = 2 at most.
  const pair = rows.map((row, i) => (i % 2 === 0 ? row : { personId: row.personId, values: { ...values, monetaryTotal: 5000 } }));
  assert.equal(done(findClusters(pair, { seed: 1 })).report.k, 2);
});

test('constant and all-unknown features do not produce NaN', () => {
  const rows = store.rows.map((row) => ({
    personId: row.personId,
    values: { ...row.values, refundRate: 0, emailOptOut: 0, emailOpenRate: null, visits: null } as Record<FeatureName, number | null>,
  }));
  const columns: FeatureName[] = ['recencyDays', 'frequency', 'monetaryTotal', 'refundRate', 'emailOptOut', 'discountedShare', 'tenureDays'];
  const run = done(findClusters(rows, { seed: 1, columns: [...columns, { feature: 'emailOpenRate', missingIndicator: true }, 'visits'] }));
  const numbers = JSON.stringify(run.model) + JSON.stringify(run.report);
  assert.ok(!/NaN|Infinity|null,"scale"/.test(numbers));
  for (const cluster of run.model.clusters) for (const x of cluster.centroid) assert.ok(Number.isFinite(x));
  assert.equal(run.report.k, 4);
  for (const cluster of run.report.clusters) {
    assert.ok(!cluster.highlights.some((h) => h.feature === 'refundRate' || h.feature === 'visits'), cluster.explanation);
  }
  // By default, columns no clustered person has a value for are left out.
  assert.ok(!defaultClusterColumns(rows).some((c) => c.feature === 'emailOpenRate' || c.feature === 'visits'));
});

test('assign: nearest cluster for one person, null without orders; the model survives JSON', () => {
  const run = done(findClusters(store.rows, { seed: 1 }));
  const byId = new Map(store.rows.map((row) => [row.personId, row]));
  const stored = createClusterAssigner(JSON.parse(JSON.stringify(run.model)));
  for (const m of run.memberships.slice(0, 300)) {
    const row = byId.get(m.personId) as FeatureRow;
    assert.equal(run.assign(row)?.clusterId, m.clusterId);
    assert.deepEqual(stored.assign(row), run.assign(row));
  }
  const prospect = store.rows.find((row) => row.values.orderCount === 0) as FeatureRow;
  assert.equal(run.assign(prospect), null);
  const one = run.assign(store.rows[0] as FeatureRow);
  assert.ok(one !== null && one.distance >= 0 && one.name.length > 0);
  assert.equal(stored.assign((store.rows[0] as FeatureRow).values)?.clusterId, one.clusterId);
  assert.ok(describeColumns(run.model).every((c) => c.meaning.length > 0));
});

test('options are checked', () => {
  assert.throws(() => findClusters(store.rows, { seed: 1, kRange: [1, 5] }), /kRange/);
  assert.throws(() => findClusters(store.rows, { seed: 1, kRange: [5, 3] }), /kRange/);
  assert.throws(() => findClusters(store.rows, { seed: 1, starts: 0 }), /starts/);
  assert.throws(() => findClusters(store.rows, { seed: 1, refineSampleSize: 0 }), /refineSampleSize/);
  assert.throws(() => findClusters(store.rows, { seed: 1, columns: ['nope' as FeatureName] }), /Unknown feature/);
});

test('centroids refined on a sample, then everyone assigned: the same clusters as refining on everyone', () => {
  const onEveryone = done(findClusters(store.rows, { seed: 1 }));
  const onSample = done(findClusters(store.rows, { seed: 1, refineSampleSize: 500 }));
  assert.equal(onSample.report.k, onEveryone.report.k);
  assert.equal(onSample.memberships.length, onEveryone.memberships.length);
  const before = membershipMap(onEveryone);
  const same = onSample.memberships.filter((m) => before.get(m.personId) === m.clusterId).length;
  assert.ok(same / onSample.memberships.length > 0.99, `${same} of ${onSample.memberships.length} in the same cluster`);
  assert.ok(onSample.report.wcss <= onEveryone.report.wcss * 1.01);
  // No more people than the refine sample: exactly the run that refines on everyone.
  assert.deepEqual(data(done(findClusters(store.rows, { seed: 1, refineSampleSize: 1_000_000 }))), data(onEveryone));
});

test('100,000 people cluster within a few seconds (timing printed, not asserted tightly)', () => {
  const big = syntheticStore({ people: 100_000, seed: 11 });
  const started = performance.now();
  const run = done(findClusters(big.rows, { seed: 1 }));
  const elapsed = performance.now() - started;
  const again = performance.now();
  const rerun = done(findClusters(big.rows, { seed: 1, previous: run.model }));
  const rerunElapsed = performance.now() - again;
  const assignStarted = performance.now();
  for (const row of big.rows.slice(0, 10_000)) run.assign(row);
  const assignElapsed = performance.now() - assignStarted;
  console.log(
    `  100,000 people: findClusters ${elapsed.toFixed(0)} ms (k = ${run.report.k}, silhouette ${run.report.silhouette.toFixed(3)}, ` +
      `purity ${purity(run, big.truth).toFixed(4)}); re-run with previous model ${rerunElapsed.toFixed(0)} ms ` +
      `(moved ${rerun.report.movedPeople}); assign ${(assignElapsed / 10).toFixed(1)} µs per person`,
  );
  assert.equal(run.report.k, 4);
  assert.ok(purity(run, big.truth) > 0.97);
  assert.equal(rerun.report.movedPeople, 0);
  assert.ok(elapsed < 30_000, 'generous bound: a regression to quadratic time would blow it');
});
