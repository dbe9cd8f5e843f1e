// The whole loop through the real SDK: pull -> RFM -> tags and native segments; then a re-run
// that writes nothing; then a small change that writes a small difference.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RFM_SEGMENTS } from '../../core/rfm.ts';
import { runSync } from '../../app/sync/run-sync.ts';
import { createShopifyEmulator } from '../emulators/shopify/index.ts';
import type { ShopifyEmulator } from '../emulators/shopify/types.ts';
import { NO_HOLDOUT, startHarness } from '../support/harness.ts';
import { makeCustomers, makeOrders } from '../support/seed-fixtures.ts';

let emulator: ShopifyEmulator;
before(async () => {
  emulator = await createShopifyEmulator();
});
after(async () => {
  await emulator.close();
});

const RFM_TAGS = new Set(RFM_SEGMENTS.map((d) => `refinery:${d.key}`));
const rfmTags = (tags: string[]) => tags.filter((t) => RFM_TAGS.has(t));

test('sync tags every customer with one RFM group, creates the native segments, and a re-run writes nothing', async () => {
  const customers = makeCustomers(240, { tags: (i) => (i % 4 === 0 ? ['vip'] : []) });
  const h = await startHarness({ emulator, customers, orders: makeOrders(customers, new Date().toISOString()) });
  try {
    const first = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(first.errors, []);
    assert.equal(first.status, 'succeeded');
    assert.equal(first.read.customers, 240);
    assert.ok(first.wrote.shopify.tagsAdded >= 240, 'each customer joins one RFM group and more');
    assert.equal(first.wrote.shopify.tagsRemoved, 0);
    assert.equal(first.wrote.shopify.segmentsCreated, first.segments.length, 'one native segment per segment');
    assert.equal(first.calls.shopify.bulkMutations, 1, 'all additions go out as one bulk mutation');
    for (const c of h.emulator.listCustomers(h.shop)) {
      assert.equal(rfmTags(c.tags).length, 1, `${c.id} has ${c.tags.join(',')}`);
      if ((c.legacyId - 1) % 4 === 0) assert.ok(c.tags.includes('vip'), 'the merchant tag survives');
    }
    const segments = h.emulator.listSegments(h.shop);
    assert.equal(segments.length, first.segments.length);
    const sizes = new Map(first.segments.map((s) => [s.key, s.size]));
    for (const s of segments) {
      const key = s.query.match(/refinery:([a-z0-9-]+)/)?.[1] ?? '';
      assert.equal(h.emulator.segmentMembers(h.shop, s.id).length, sizes.get(key), `native segment ${s.name} holds the computed members`);
    }
    assert.equal(first.segments.find((s) => s.key === 'prospects')?.size, 40, 'customers without orders are prospects');

    const second = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.deepEqual(second.wrote.shopify, { tagsAdded: 0, tagsRemoved: 0, segmentsCreated: 0, segmentsUpdated: 0, segmentsDeleted: 0 });
    assert.deepEqual(second.read.mode, { customers: 'incremental', orders: 'incremental' });
    assert.equal(h.emulator.stats(h.shop).bulkMutations, 1, 'no new bulk mutation');

    // A prospect places an order: they move to another RFM group, and few others do.
    const rfmBefore = new Map(h.emulator.listCustomers(h.shop).map((c) => [c.id, rfmTags(c.tags)[0]]));
    const prospect = customers[0];
    assert.ok(prospect?.id);
    const now = new Date().toISOString();
    await h.emulator.seed(h.shop, {
      orders: [{ customerId: prospect.id, email: prospect.email, createdAt: now, processedAt: now, updatedAt: now, currency: 'USD', lineItems: [{ title: 'Mug', quantity: 1, price: 20 }] }],
    });
    const third = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.equal(third.read.orders, 1);
    const movers = h.emulator.listCustomers(h.shop).filter((c) => rfmTags(c.tags)[0] !== rfmBefore.get(c.id)).length;
    assert.ok(movers >= 1 && movers <= 24, `${movers} customers changed RFM group after one new order`);
    assert.ok(third.wrote.shopify.tagsAdded >= movers && third.wrote.shopify.tagsRemoved >= movers);
    const tags = rfmTags(h.emulator.customerTags(h.shop, `gid://shopify/Customer/${prospect.id}`));
    assert.equal(tags.length, 1);
    assert.notEqual(tags[0], 'refinery:prospects');
    const runs = await h.store.listRuns(h.shop);
    assert.equal(runs.length, 3);
    assert.ok(runs.every((r) => r.status === 'succeeded'));
  } finally {
    await h.close();
  }
});

test('the tag prefix is the shop setting, and tags outside it are never touched', async () => {
  const customers = makeCustomers(20, { tags: () => ['refinery:hand-made', 'loyalty:gold'] });
  const h = await startHarness({ emulator, customers, orders: makeOrders(customers, new Date().toISOString()) });
  try {
    await h.store.saveShopSettings(h.shop, { tagPrefix: 'seg-', shopify: { accessToken: h.token, adminOrigin: h.emulator.origin }, holdout: NO_HOLDOUT }, new Date().toISOString());
    const report = await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 });
    assert.equal(report.status, 'succeeded');
    for (const c of h.emulator.listCustomers(h.shop)) {
      assert.ok(c.tags.includes('refinery:hand-made') && c.tags.includes('loyalty:gold'));
      assert.equal(c.tags.filter((t) => RFM_TAGS.has(t.replace(/^seg-/, 'refinery:'))).length, 1, 'one RFM group under the shop prefix');
    }
  } finally {
    await h.close();
  }
});
