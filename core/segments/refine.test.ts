import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refineSegments, type RefinedSegments } from './refine.ts';
import { testRefineInput } from './test-shop.ts';

function assertSane(result: RefinedSegments): void {
  const people = new Set(result.scores.keys());
  for (const [key, members] of result.memberships) for (const id of members) assert.ok(people.has(id), `${key} holds unknown ${id}`);
  const defined = new Set(result.definitions.map((d) => d.key));
  for (const key of result.memberships.keys()) assert.ok(defined.has(key), `membership of undefined segment ${key}`);
  for (const [id, s] of result.scores) {
    for (const [field, value] of Object.entries(s)) {
      if (typeof value === 'number') assert.ok(Number.isFinite(value), `${id}.${field} = ${value}`);
    }
    for (const p of [s.purchasePropensity, s.churnRisk, s.probabilityAlive]) if (p !== null) assert.ok(p >= 0 && p <= 1);
    if (s.predictedClv !== null) assert.ok(s.predictedClv >= 0);
  }
}

const membershipsOf = (r: RefinedSegments) => [...r.memberships].map(([k, v]) => [k, [...v].sort()] as const);

test('refine is deterministic: the same shop twice gives the same segments, names and scores', () => {
  const a = refineSegments(testRefineInput({ customers: 400, prospects: 20 }));
  const b = refineSegments(testRefineInput({ customers: 400, prospects: 20 }));
  assert.deepEqual(a.definitions, b.definitions);
  assert.deepEqual(membershipsOf(a), membershipsOf(b));
  assert.deepEqual([...a.scores], [...b.scores]);
  assertSane(a);
  assert.equal(a.report.clusters.status, 'done');
  assert.equal(a.report.propensity.status, 'done');
  assert.equal(a.report.churn.status, 'done');
  assert.equal(a.report.clv.status, 'done');
  // Every kind of segment is there.
  for (const kind of ['rfm', 'cluster', 'prediction', 'micro'] as const) assert.ok(a.definitions.some((d) => d.kind === kind), kind);
  // Prospects have no predictions; buyers do.
  const prospect = a.scores.get('email:prospect0@example.com');
  assert.equal(prospect?.purchasePropensity, null);
  assert.equal(prospect?.cluster, null);
  assert.equal(typeof a.scores.get('email:c1@example.com')?.purchasePropensity, 'number');
});

test('clusters keep their ids and names on a re-run with the previous model, and a small change moves few people', () => {
  const first = refineSegments(testRefineInput({ customers: 400 }));
  assert.ok(first.clusterModel);
  const again = refineSegments(testRefineInput({ customers: 400 }, { previousClusters: first.clusterModel }));
  const clusters = (r: RefinedSegments) => r.definitions.filter((d) => d.kind === 'cluster');
  assert.deepEqual(clusters(again), clusters(first));
  for (const d of clusters(first)) assert.deepEqual([...(again.memberships.get(d.key) ?? [])].sort(), [...(first.memberships.get(d.key) ?? [])].sort());
  // 4 % more customers: ids carry over and at most a few of the old people change cluster.
  const grown = refineSegments(testRefineInput({ customers: 416 }, { previousClusters: first.clusterModel }));
  let moved = 0;
  for (const [id, s] of first.scores) if (s.clusterId !== null && grown.scores.get(id)?.clusterId !== s.clusterId) moved++;
  assert.ok(moved <= 20, `${moved} of 400 people moved`);
  assert.deepEqual(clusters(grown).map((d) => d.key), clusters(first).map((d) => d.key));
});

test('micro-segments (cluster x propensity tier) are written only from the minimum size up', () => {
  const r = refineSegments(testRefineInput({ customers: 400 }));
  const micro = r.definitions.filter((d) => d.kind === 'micro');
  assert.ok(micro.length > 0);
  for (const d of micro) {
    const members = r.memberships.get(d.key) ?? new Set();
    assert.ok(members.size >= 50, `${d.key} has ${members.size}`);
    const [clusterId, tier] = [d.key.replace(/-propensity-.*$/, ''), d.key.replace(/^.*-propensity-/, '')];
    for (const id of members) {
      assert.equal(r.scores.get(id)?.clusterId, clusterId);
      assert.equal(r.scores.get(id)?.purchaseTier, tier);
    }
  }
  assert.deepEqual([...r.report.micro.kept.map((m) => m.key)], micro.map((d) => d.key));
  const strict = refineSegments(testRefineInput({ customers: 400 }, { options: { minMicroSize: 1000 } }));
  assert.equal(strict.definitions.filter((d) => d.kind === 'micro').length, 0);
  assert.ok(strict.report.micro.tooSmall.length > 0);
});

test('rule segments select by any catalogue field, cluster names included; a broken rule is reported, not written', () => {
  const base = refineSegments(testRefineInput({ customers: 400 }));
  const cluster = base.definitions.find((d) => d.kind === 'cluster');
  assert.ok(cluster);
  const name = cluster.name.replace(/^Cluster: /, '');
  const r = refineSegments(
    testRefineInput(
      { customers: 400 },
      {
        rules: [
          { key: 'in-cluster', name: 'In the cluster', rule: `cluster = '${name.replace(/'/g, "\\'")}'` },
          { key: 'wax-subscribers', name: 'Wax subscribers', rule: "product_types CONTAINS 'wax' AND email_subscribed = true AND orders_count >= 2" },
          { key: 'broken', name: 'Broken', rule: 'lifetime_value > 3' },
        ],
      },
    ),
  );
  assert.deepEqual([...(r.memberships.get('rule-in-cluster') ?? [])].sort(), [...(r.memberships.get(cluster.key) ?? [])].sort());
  const wax = r.memberships.get('rule-wax-subscribers') ?? new Set();
  assert.ok(wax.size > 0);
  const input = testRefineInput({ customers: 400 });
  for (const id of wax) {
    assert.ok(input.productTypes.get(id)?.includes('Wax'));
    assert.ok(input.people.find((p) => p.personId === id)?.marketingConsent);
  }
  const broken = r.report.rules.find((x) => x.key === 'broken');
  assert.ok(broken && 'error' in broken && /Unknown field 'lifetime_value'/.test(broken.error), JSON.stringify(broken));
  assert.equal(r.memberships.has('rule-broken'), false);
  assert.equal(r.definitions.some((d) => d.key === 'rule-broken'), false);
});

test('bad input: empty store, one customer, one order each, identical customers: no crash, reasons given, no NaN', () => {
  const cases = [
    testRefineInput({ customers: 0 }),
    testRefineInput({ customers: 1 }),
    testRefineInput({ customers: 0, prospects: 30 }),
    testRefineInput({ customers: 300, oneOrderEach: true }),
    testRefineInput({ customers: 300, identical: true }),
  ];
  for (const input of cases) {
    const r = refineSegments(input);
    assertSane(r);
    for (const step of [r.report.clusters, r.report.propensity, r.report.churn, r.report.clv]) {
      if (step.status === 'skipped') assert.ok(step.reason.length > 10, step.reason);
    }
  }
  const empty = refineSegments(cases[0] as never);
  assert.equal(empty.report.clusters.status, 'skipped');
  assert.equal(empty.definitions.filter((d) => d.kind !== 'rfm').length, 0);
  const identical = refineSegments(cases[4] as never);
  assert.equal(identical.report.clusters.status, 'skipped');
  const one = refineSegments(cases[1] as never);
  assert.equal(one.report.clusters.status, 'skipped');
  assert.match(one.report.clusters.status === 'skipped' ? one.report.clusters.reason : '', /at least 50/);
});
