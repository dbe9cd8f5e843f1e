// Clusters, predictions, micro-segments, rule segments and holdouts through a whole sync against
// both emulators: what reaches Shopify tags and HubSpot lists and properties, what is held out,
// what the lift report measures afterwards.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { liftReport } from '../../app/analysis/lift-report.ts';
import { runSync } from '../../app/sync/run-sync.ts';
import type { Store } from '../../app/store/store.ts';
import { REFINERY_PROPERTIES } from '../../connectors/hubspot/platform.ts';
import { DEFAULT_TAG_PREFIX } from '../../core/segment-tags.ts';
import { connectPortal, useBothEmulators } from '../support/both-platforms.ts';
import { NO_HOLDOUT, startHarness, type Harness } from '../support/harness.ts';
import { addPortal, makeContacts } from '../support/hubspot-harness.ts';
import { makeCustomers, makeOrders } from '../support/seed-fixtures.ts';

const emulators = useBothEmulators();

const CUSTOMERS = 300;
const numberOf = (personId: string) => Number(personId.match(/person(\d+)@/)?.[1]);

async function connect(h: Harness, holdout: { share: number; salt: string }): Promise<{ portalId: number }> {
  const portal = await addPortal(emulators.hubspot, { contacts: makeContacts(CUSTOMERS) });
  await connectPortal(h, emulators.hubspot, portal, { holdout });
  return portal;
}

async function listOf(store: Store, shop: string, key: string): Promise<string> {
  const remote = (await store.getRemoteSegments(shop, 'hubspot')).find((r) => r.segmentKey === key);
  assert.ok(remote, `a HubSpot list for ${key}`);
  return remote.remoteId;
}

test('every kind of segment reaches both platforms, scores fill the HubSpot properties (never NaN), cluster ids survive a re-run', async () => {
  const { shopify, hubspot } = emulators;
  const customers = makeCustomers(CUSTOMERS);
  const h = await startHarness({ emulator: shopify, customers, orders: makeOrders(customers, new Date().toISOString()) });
  try {
    const portal = await connect(h, NO_HOLDOUT);
    const first = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(first.errors, []);
    const refinement = first.refinement;
    assert.ok(refinement);
    assert.equal(refinement.clusters.status, 'done', JSON.stringify(refinement.clusters));
    assert.equal(refinement.propensity.status, 'done', JSON.stringify(refinement.propensity));
    assert.equal(refinement.clv.status, 'done', JSON.stringify(refinement.clv));
    const snapshot = await h.store.listSegmentSnapshot(h.shop);
    const kinds = new Set(snapshot.map((s) => s.definition.kind));
    for (const kind of ['rfm', 'cluster', 'prediction']) assert.ok(kinds.has(kind as never), `${kind} segments`);
    for (const s of snapshot.filter((x) => x.definition.kind === 'micro')) assert.ok(s.size >= 50, `${s.definition.key} has ${s.size}`);

    // Shopify: every segment with members has its tag on exactly those customers and a native segment.
    const tagged = new Map<string, number>();
    for (const c of shopify.listCustomers(h.shop)) for (const t of c.tags) tagged.set(t, (tagged.get(t) ?? 0) + 1);
    for (const s of snapshot) assert.equal(tagged.get(`${DEFAULT_TAG_PREFIX}${s.definition.key}`) ?? 0, s.size, `${s.definition.key} tags`);
    assert.equal(shopify.listSegments(h.shop).length, snapshot.length);

    // HubSpot: one list per segment, and the score properties on every contact, numbers or empty.
    for (const s of snapshot) {
      assert.equal(hubspot.listMembers(portal.portalId, await listOf(h.store, h.shop, s.definition.key)).length, s.size, `${s.definition.key} list`);
    }
    let withScores = 0;
    for (const contact of hubspot.listContacts(portal.portalId)) {
      for (const name of [REFINERY_PROPERTIES.purchasePropensity, REFINERY_PROPERTIES.churnRisk, REFINERY_PROPERTIES.predictedClv]) {
        const value = contact.properties[name] ?? '';
        assert.ok(value === '' || Number.isFinite(Number(value)), `${name} = ${value}`);
        assert.ok(!/nan|infinity/i.test(value));
      }
      const p = contact.properties[REFINERY_PROPERTIES.purchasePropensity] ?? '';
      if (p !== '') {
        withScores++;
        assert.ok(Number(p) >= 0 && Number(p) <= 1);
        assert.ok((contact.properties[REFINERY_PROPERTIES.cluster] ?? '') !== '', 'a buyer has a cluster');
      }
    }
    assert.ok(withScores >= 200, `${withScores} contacts carry a purchase propensity`);

    // A re-run on unchanged data scores with the kept models and writes nothing.
    const second = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(second.errors, []);
    assert.equal(second.models?.retrained, false, second.models?.reason);
    assert.deepEqual(second.wrote.shopify, { tagsAdded: 0, tagsRemoved: 0, segmentsCreated: 0, segmentsUpdated: 0, segmentsDeleted: 0 });
    assert.equal(second.wrote.hubspot.contactsUpserted, 0);
    // A full re-run trains again: every cluster id and name survive, nobody moves, nothing is written.
    const third = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10, full: true });
    assert.deepEqual(third.errors, []);
    assert.equal(third.models?.retrained, true);
    assert.deepEqual(third.wrote.shopify, { tagsAdded: 0, tagsRemoved: 0, segmentsCreated: 0, segmentsUpdated: 0, segmentsDeleted: 0 });
    assert.equal(third.refinement?.clusters.status === 'done' ? third.refinement.clusters.movedPeople : null, 0);
    const clusters = (rows: typeof snapshot) => rows.filter((s) => s.definition.kind === 'cluster').map((s) => [s.definition.key, s.definition.name, s.size]);
    assert.deepEqual(clusters(await h.store.listSegmentSnapshot(h.shop)), clusters(snapshot));
  } finally {
    await h.close();
  }
});

test('a rule segment is written as a tag and a list; removing the rule takes them away', async () => {
  const { shopify, hubspot } = emulators;
  const customers = makeCustomers(120);
  const h = await startHarness({ emulator: shopify, customers, orders: makeOrders(customers, new Date().toISOString()) });
  try {
    const portal = await connect(h, NO_HOLDOUT);
    const now = new Date().toISOString();
    await h.store.saveRuleSegment(h.shop, { key: 'frequent-subscribers', name: 'Frequent subscribers', rule: 'orders_count >= 4 AND email_subscribed = true', createdAt: now, updatedAt: now });
    const first = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(first.errors, []);
    // makeOrders gives customer k (0-based) k % 6 orders; makeCustomers subscribes all but every
    // third; makeContacts opts every eleventh contact out of email, which withdraws consent.
    const expected = customers.filter((c, k) => k % 6 >= 4 && k % 3 !== 0 && (c.id ?? 0) % 11 !== 0).map((c) => `gid://shopify/Customer/${c.id}`).sort();
    const tag = `${DEFAULT_TAG_PREFIX}rule-frequent-subscribers`;
    const withTag = shopify.listCustomers(h.shop).filter((c) => c.tags.includes(tag)).map((c) => c.id).sort();
    assert.deepEqual(withTag, expected);
    const listId = await listOf(h.store, h.shop, 'rule-frequent-subscribers');
    assert.equal(hubspot.listMembers(portal.portalId, listId).length, expected.length);
    assert.ok(shopify.listSegments(h.shop).some((s) => s.name === 'Refinery · Frequent subscribers'));

    assert.equal(await h.store.deleteRuleSegment(h.shop, 'frequent-subscribers'), true);
    const second = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(second.errors, []);
    assert.equal(shopify.listCustomers(h.shop).filter((c) => c.tags.includes(tag)).length, 0, 'tags of a removed rule are taken away');
    assert.equal(second.wrote.shopify.segmentsDeleted, 1);
    assert.equal(second.wrote.hubspot.listsDeleted, 1);
    assert.ok(!shopify.listSegments(h.shop).some((s) => s.name === 'Refinery · Frequent subscribers'), 'its native segment is deleted');
    assert.ok(!hubspot.listLists(portal.portalId).some((l) => l.listId === listId), 'its list is deleted');
    assert.deepEqual((await h.store.getRemoteSegments(h.shop, 'shopify')).filter((r) => r.segmentKey === 'rule-frequent-subscribers'), []);
    const third = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.equal(third.wrote.shopify.segmentsDeleted + third.wrote.hubspot.listsDeleted, 0, 'deleted once');
  } finally {
    await h.close();
  }
});

test('holdouts: a share of each segment stays out of tags and lists, recorded once at first write-back, then measured', async () => {
  const { shopify, hubspot } = emulators;
  const customers = makeCustomers(CUSTOMERS);
  const h = await startHarness({ emulator: shopify, customers, orders: makeOrders(customers, new Date().toISOString()) });
  try {
    const portal = await connect(h, { share: 0.2, salt: 'holdout-test' });
    const first = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(first.errors, []);
    const cohorts = await h.store.listHoldoutCohorts(h.shop);
    const snapshot = await h.store.listSegmentSnapshot(h.shop);
    assert.equal(first.holdout?.cohortsStarted, cohorts.length);
    assert.equal(cohorts.length, snapshot.filter((s) => s.size > 0).length, 'one cohort per segment with members');
    let held = 0;
    let total = 0;
    const contactIdOf = new Map(hubspot.listContacts(portal.portalId).map((c) => [c.properties.email, c.id]));
    for (const cohort of cohorts) {
      const size = snapshot.find((s) => s.definition.key === cohort.segmentKey)?.size;
      assert.equal(cohort.treated.length + cohort.holdout.length, size, `${cohort.segmentKey}: every member is treated or held out`);
      held += cohort.holdout.length;
      total += size ?? 0;
      const tag = `${DEFAULT_TAG_PREFIX}${cohort.segmentKey}`;
      const members = new Set(hubspot.listMembers(portal.portalId, await listOf(h.store, h.shop, cohort.segmentKey)));
      for (const [group, people] of [['treated', cohort.treated], ['holdout', cohort.holdout]] as const) {
        for (const personId of people) {
          const n = numberOf(personId);
          if (!(n >= 1 && n <= CUSTOMERS)) continue;
          assert.equal(shopify.customerTags(h.shop, `gid://shopify/Customer/${n}`).includes(tag), group === 'treated', `${personId} ${group} in ${cohort.segmentKey} (tag)`);
          const contactId = contactIdOf.get(`person${n}@example.com`);
          if (contactId) assert.equal(members.has(contactId), group === 'treated', `${personId} ${group} in ${cohort.segmentKey} (list)`);
        }
      }
    }
    assert.ok(held / total > 0.14 && held / total < 0.26, `held out ${held} of ${total}`);
    assert.equal(first.holdout?.heldOutMemberships, held);

    // The cohorts are kept as they were: a second run starts none and changes none.
    const second = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.equal(second.holdout?.cohortsStarted, 0);
    assert.deepEqual(await h.store.listHoldoutCohorts(h.shop), cohorts);

    // Orders after the first write-back: customers 1..150 buy once more. The lift report counts
    // them as converters in whichever group they were.
    const later = new Date(Date.now() + 60_000).toISOString();
    await shopify.seed(h.shop, {
      orders: customers.slice(0, 150).map((c, i) => ({ id: 100_000 + i, customerId: c.id ?? null, email: c.email, createdAt: later, processedAt: later, updatedAt: later, currency: 'USD', lineItems: [{ title: 'Tea', quantity: 1, price: 20 }] })),
    });
    await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    const rows = await liftReport(h.store, h.shop, { asOf: new Date(Date.now() + 120_000).toISOString() });
    assert.equal(rows.length, cohorts.length);
    for (const row of rows) {
      const cohort = cohorts.find((c) => c.segmentKey === row.segmentKey);
      assert.ok(cohort && row.lift);
      const buyers = (ids: string[]) => ids.filter((id) => numberOf(id) <= 150).length;
      assert.equal(row.lift.treated.people, cohort.treated.length);
      assert.equal(row.lift.holdout.people, cohort.holdout.length);
      assert.equal(row.lift.treated.converters, buyers(cohort.treated), row.segmentKey);
      assert.equal(row.lift.holdout.converters, buyers(cohort.holdout), row.segmentKey);
      assert.ok(Number.isFinite(row.lift.treated.conversionRate) && Number.isFinite(row.lift.holdout.revenuePerPerson));
    }
    const big = rows.find((r) => r.lift?.status === 'ok');
    assert.ok(big?.lift?.conversion, 'a segment with enough people in both groups gets an interval');
    assert.ok(big.lift.conversion.interval.lower <= big.lift.conversion.absolute && big.lift.conversion.absolute <= big.lift.conversion.interval.upper);
  } finally {
    await h.close();
  }
});
