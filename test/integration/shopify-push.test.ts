// Writing through the real SDK against the emulator: tags (plain, one customer's both ways in one
// request, and bulk) and native segments.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pushSegments, type KnownSegment } from '../../connectors/shopify/segment-push.ts';
import { changeCustomerTags, pushTags, type TagChange } from '../../connectors/shopify/tag-push.ts';
import { createShopifyEmulator } from '../emulators/shopify/index.ts';
import type { ShopifyEmulator } from '../emulators/shopify/types.ts';
import { startHarness } from '../support/harness.ts';
import { makeCustomers } from '../support/seed-fixtures.ts';

let emulator: ShopifyEmulator;
before(async () => {
  emulator = await createShopifyEmulator();
});
after(async () => {
  await emulator.close();
});

const gid = (n: number) => `gid://shopify/Customer/${n}`;

test("one customer's removals and additions go out in one request, removals first, each confirmed on its own", async () => {
  const h = await startHarness({ emulator, customers: makeCustomers(3, { tags: () => ['vip', 'refinery:prospects'] }) });
  try {
    const client = h.client();
    const before = h.emulator.stats(h.shop);
    const both = await changeCustomerTags(client, gid(1), { remove: ['refinery:prospects'], add: ['refinery:new', 'refinery:propensity-high'] });
    assert.deepEqual(both, { removeFailure: null, addFailure: null });
    assert.deepEqual(h.emulator.customerTags(h.shop, gid(1)).sort(), ['refinery:new', 'refinery:propensity-high', 'vip']);
    const after = h.emulator.stats(h.shop);
    assert.equal(after.mutations - before.mutations, 1, 'one request');
    assert.equal(after.costSpent - before.costSpent, 20, 'priced as its two mutation fields');
    // One direction alone is the plain mutation (10 points); nothing to change, no request.
    assert.deepEqual(await changeCustomerTags(client, gid(2), { remove: [], add: ['refinery:loyal'] }), { removeFailure: null, addFailure: null });
    assert.equal(h.emulator.stats(h.shop).costSpent - after.costSpent, 10);
    assert.deepEqual(await changeCustomerTags(client, gid(2), { remove: [], add: [] }), { removeFailure: null, addFailure: null });
    assert.equal(h.emulator.stats(h.shop).mutations - after.mutations, 1);
    // A refusal is per direction: here the addition (a tag over 255 characters), not the removal.
    const refused = await changeCustomerTags(client, gid(3), { remove: ['refinery:prospects'], add: ['x'.repeat(300)] });
    assert.equal(refused.removeFailure, null);
    assert.match(refused.addFailure ?? '', /too long/);
    assert.deepEqual(h.emulator.customerTags(h.shop, gid(3)), ['vip']);
  } finally {
    await h.close();
  }
});

test('few changes go out as single tagsAdd / tagsRemove calls and leave other tags alone', async () => {
  const h = await startHarness({ emulator, customers: makeCustomers(5, { tags: () => ['vip', 'wholesale'] }) });
  try {
    const client = h.client();
    const confirmed: TagChange[] = [];
    const options = { bulkThreshold: 100, runLabel: 't1', onConfirmed: async (_d: string, c: TagChange[]) => void confirmed.push(...c) };
    const add = await pushTags(client, 'add', [{ customerId: gid(1), tags: ['refinery:champions'] }, { customerId: gid(2), tags: ['refinery:loyal', 'refinery:active'] }], options);
    assert.deepEqual(add.failed, []);
    assert.equal(add.calls.tagMutations, 2);
    assert.equal(add.calls.bulkMutations, 0);
    assert.deepEqual(h.emulator.customerTags(h.shop, gid(2)).sort(), ['refinery:active', 'refinery:loyal', 'vip', 'wholesale']);
    await pushTags(client, 'remove', [{ customerId: gid(2), tags: ['refinery:loyal'] }], options);
    assert.deepEqual(h.emulator.customerTags(h.shop, gid(2)).sort(), ['refinery:active', 'vip', 'wholesale']);
    assert.equal(confirmed.length, 3);
    const unknown = await pushTags(client, 'add', [{ customerId: gid(999), tags: ['refinery:new'] }], options);
    assert.equal(unknown.failed.length, 1, 'an unknown customer is reported, not thrown');
  } finally {
    await h.close();
  }
});

test('many changes go out as one bulk mutation per direction through a staged upload', async () => {
  const h = await startHarness({ emulator, customers: makeCustomers(400, { tags: (i) => (i % 2 ? ['newsletter'] : []) }) });
  try {
    const client = h.client();
    const confirmed: TagChange[] = [];
    const changes = Array.from({ length: 400 }, (_, i) => ({ customerId: gid(i + 1), tags: [i % 2 ? 'refinery:at-risk' : 'refinery:champions'] }));
    const result = await pushTags(client, 'add', changes, { bulkThreshold: 100, pollIntervalMs: 10, runLabel: 't2', onConfirmed: async (_d, c) => void confirmed.push(...c) });
    assert.deepEqual(result.calls, { tagMutations: 0, bulkMutations: 1, stagedUploads: 1 });
    assert.deepEqual(result.failed, []);
    assert.equal(confirmed.length, 400);
    assert.deepEqual(h.emulator.customerTags(h.shop, gid(2)).sort(), ['newsletter', 'refinery:at-risk']);
    assert.deepEqual(h.emulator.customerTags(h.shop, gid(1)), ['refinery:champions']);
    const stats = h.emulator.stats(h.shop);
    assert.equal(stats.bulkMutations, 1);
    assert.ok(stats.mutations <= 3, `${stats.mutations} mutation calls for 400 customers`);
  } finally {
    await h.close();
  }
});

test('a large bulk result is confirmed in batches of at most 5,000 as it is read, every change once', async () => {
  const count = 12_001;
  const h = await startHarness({ emulator, customers: makeCustomers(count) });
  try {
    const batches: number[] = [];
    const seen = new Set<string>();
    const changes = Array.from({ length: count }, (_, i) => ({ customerId: gid(i + 1), tags: ['refinery:champions'] }));
    const result = await pushTags(h.client(), 'add', changes, {
      bulkThreshold: 100,
      pollIntervalMs: 10,
      runLabel: 't5',
      onConfirmed: async (_d, c) => {
        batches.push(c.length);
        for (const change of c) seen.add(change.customerId);
      },
    });
    assert.deepEqual(result.failed, []);
    assert.deepEqual(batches, [5000, 5000, 2001]);
    assert.equal(seen.size, count);
    assert.deepEqual(h.emulator.customerTags(h.shop, gid(count)), ['refinery:champions']);
  } finally {
    await h.close();
  }
});

test('per-line errors of a bulk mutation are reported and only confirmed lines recorded', async () => {
  const h = await startHarness({ emulator, customers: makeCustomers(120) });
  try {
    h.emulator.injectFault(h.shop, { kind: 'bulk-mutation-line-errors', every: 10 });
    const confirmed: TagChange[] = [];
    const changes = Array.from({ length: 120 }, (_, i) => ({ customerId: gid(i + 1), tags: ['refinery:new'] }));
    const result = await pushTags(h.client(), 'add', changes, { bulkThreshold: 50, pollIntervalMs: 10, runLabel: 't3', onConfirmed: async (_d, c) => void confirmed.push(...c) });
    assert.equal(result.failed.length, 12);
    assert.equal(confirmed.length, 108);
    const failedIds = new Set(result.failed.map((f) => f.customerId));
    assert.ok(confirmed.every((c) => !failedIds.has(c.customerId)));
    for (const f of result.failed) assert.deepEqual(h.emulator.customerTags(h.shop, f.customerId), [], 'a failed line was not applied');
  } finally {
    await h.close();
  }
});

test('native segments are created once, updated in place, recreated if deleted, never duplicated', async () => {
  const h = await startHarness({ emulator, customers: makeCustomers(3) });
  try {
    const client = h.client();
    const known = new Map<string, KnownSegment>();
    const save = async (s: KnownSegment) => void known.set(s.segmentKey, s);
    const desired = [
      { key: 'champions', name: 'Refinery · Champions', query: "customer_tags CONTAINS 'refinery:champions'" },
      { key: 'loyal', name: 'Refinery · Loyal', query: "customer_tags CONTAINS 'refinery:loyal'" },
    ];
    const first = await pushSegments(client, desired, [...known.values()], save);
    assert.deepEqual({ c: first.created, u: first.updated, f: first.failed }, { c: 2, u: 0, f: [] });
    const again = await pushSegments(client, desired, [...known.values()], save);
    assert.deepEqual({ c: again.created, u: again.updated }, { c: 0, u: 0 }, 'an unchanged segment is not written');
    const renamed = desired.map((d) => (d.key === 'loyal' ? { ...d, name: 'Refinery · Loyal customers' } : d));
    const update = await pushSegments(client, renamed, [...known.values()], save);
    assert.deepEqual({ c: update.created, u: update.updated }, { c: 0, u: 1 });
    assert.equal(h.emulator.listSegments(h.shop).length, 2);
    // A crash after segmentCreate but before the id was saved: the next run adopts, not duplicates.
    const lost = [...known.values()].filter((k) => k.segmentKey !== 'champions');
    const adopt = await pushSegments(client, renamed, lost, save);
    assert.equal(adopt.adopted, 1);
    assert.equal(h.emulator.listSegments(h.shop).length, 2);
  } finally {
    await h.close();
  }
});
