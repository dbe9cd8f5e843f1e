// The store contract: one suite, defined once as a function of a backend, run against SQLite (a
// temporary file, plus an in-memory smoke test) and PostgreSQL (a fresh schema per database,
// dropped at the end). PostgreSQL is required: when it is unreachable these tests fail.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RefineryError } from '../../core/errors.ts';
import type { ErrorCode } from '../../core/errors.ts';
import type { SegmentDefinition } from '../../core/model.ts';
import { MIGRATIONS } from './migrations.ts';
import type { MigratingStore, Migration } from './migrations.ts';
import { createSqliteStore } from './sqlite-store.ts';
import { collect, compareKeys, customer, order, orderSortKey } from './store-fixtures.ts';
import { createSchema, postgres, sqliteFile } from './store-test-backends.ts';
import type { Backend, TestDatabase } from './store-test-backends.ts';
import type { SegmentSnapshot, ShopSettings } from './store.ts';

const shop = (name: string): string => `${name}.myshopify.com`;
const NOW = '2024-05-01T12:00:00.000Z';

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof RefineryError, `expected a RefineryError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  });
}

function definition(key: string): SegmentDefinition {
  return { key, name: key.replace(/-/g, ' '), kind: 'rfm', description: `The ${key} customers` };
}

function snapshot(key: string, size: number): SegmentSnapshot {
  return { definition: definition(key), size, revenue: size * 10.5, revenueShare: size / 100, computedAt: NOW };
}

function defineContract(backend: Backend): void {
  describe(`store contract: ${backend.name}`, () => {
    let db: TestDatabase;
    let store: MigratingStore;

    before(async () => {
      db = backend.createDatabase();
      store = db.open();
      await store.migrate();
    });
    after(async () => {
      await db?.drop();
    });

    test('migrations: applied once, running again is a no-op, newer code applies only what is pending', async () => {
      const fresh = backend.createDatabase();
      try {
        const first = fresh.open();
        await first.migrate();
        const applied = await first.appliedMigrations();
        assert.deepEqual(applied.map((m) => m.version), MIGRATIONS.map((m) => m.version));
        await first.migrate();
        assert.deepEqual(await first.appliedMigrations(), applied);

        const extra: Migration = {
          version: 9001, name: 'test extra table',
          sqlite: 'CREATE TABLE extra_test (shop_id TEXT NOT NULL REFERENCES shops (shop_id), PRIMARY KEY (shop_id)) STRICT;',
          postgres: 'CREATE TABLE extra_test (shop_id text NOT NULL REFERENCES shops (shop_id), PRIMARY KEY (shop_id));',
        };
        const newer = fresh.open([...MIGRATIONS, extra]);
        await newer.migrate();
        await newer.migrate();
        const after = await newer.appliedMigrations();
        assert.deepEqual(after.slice(0, applied.length), applied);
        assert.deepEqual(after.map((m) => m.version), [...MIGRATIONS.map((m) => m.version), 9001]);

        await rejectsWith(fresh.open(MIGRATIONS).migrate(), 'STORE'); // the database is newer than this code
      } finally {
        await fresh.drop();
      }
    });

    test('shops and settings round trip', async () => {
      const id = shop('settings');
      assert.equal(await store.getShopSettings(id), null);
      const created = await store.ensureShop(id, NOW);
      assert.deepEqual(created, { shopId: id, createdAt: NOW });
      assert.deepEqual(await store.ensureShop(id, '2030-01-01T00:00:00Z'), created, 'ensureShop keeps the first createdAt');
      assert.deepEqual(await store.getShopSettings(id), { tagPrefix: 'refinery:', shopify: null });

      const settings: ShopSettings = { tagPrefix: 'rf:', shopify: { accessToken: "shpat_'quoted\"\\", adminOrigin: 'http://127.0.0.1:4010' } };
      await store.saveShopSettings(id, settings, NOW);
      assert.deepEqual(await store.getShopSettings(id), settings);

      const other = shop('settings-created');
      await store.saveShopSettings(other, { tagPrefix: 'x:', shopify: null }, NOW);
      const shops = await store.listShops();
      assert.ok(shops.some((s) => s.shopId === other && s.createdAt === NOW));
      assert.deepEqual(await store.getShopSettings(other), { tagPrefix: 'x:', shopify: null });
    });

    test('savePage upserts customers and orders by (source, id), round-tripping values exactly', async () => {
      const id = shop('upsert');
      await store.ensureShop(id, NOW);
      const odd = customer('gid://shopify/Customer/3', {
        email: null, marketingState: null, firstName: "O'Brien; DROP TABLE customers; --", lastName: 'Zoë "🦄" {a,b} \\ NULL', tags: [],
        createdAt: '2024-01-01T00:00:00.000+02:00', updatedAt: '2024-01-01T00:00:00.123456Z',
      });
      const customers = [customer('gid://shopify/Customer/1'), customer('gid://shopify/Customer/2', { source: 'csv' }), odd];
      const orders = [
        order('gid://shopify/Order/1', 'gid://shopify/Customer/1', { total: 0.1 + 0.2, refunded: 1e21, discount: -5.5 }),
        order('gid://shopify/Order/2', null, { cancelledAt: '2024-03-02T00:00:00Z', lineItems: [], email: 'guest@example.com' }),
      ];
      await store.savePage(id, { customers, orders });
      assert.equal(await store.countCustomers(id), 3);
      assert.equal(await store.countOrders(id), 2);
      assert.deepEqual(await store.getCustomer(id, 'shopify', odd.id), odd);
      assert.deepEqual(await store.getCustomer(id, 'csv', 'gid://shopify/Customer/2'), customers[1]);
      assert.equal(await store.getCustomer(id, 'shopify', 'gid://shopify/Customer/2'), null, 'source is part of the key');
      const stored = await collect(store.iterateOrders(id));
      assert.deepEqual(stored.items, orders);

      const updated = customer('gid://shopify/Customer/1', { email: 'new@example.com', tags: ['vip', 'refinery:champions'], updatedAt: '2024-06-01T00:00:00Z' });
      const updatedOrder = order('gid://shopify/Order/1', 'gid://shopify/Customer/1', { refunded: 42.5, updatedAt: '2024-06-01T00:00:00Z' });
      // A key that appears twice in one page: the last record wins.
      await store.savePage(id, { customers: [customer('gid://shopify/Customer/1', { email: 'stale@example.com' }), updated], orders: [updatedOrder] });
      assert.equal(await store.countCustomers(id), 3);
      assert.equal(await store.countOrders(id), 2);
      assert.deepEqual(await store.getCustomer(id, 'shopify', updated.id), updated);
      assert.deepEqual((await collect(store.iterateOrders(id))).items[0], updatedOrder);
    });

    test('the checkpoint is saved with its page and left alone by pages without one', async () => {
      const id = shop('checkpoint');
      await store.ensureShop(id, NOW);
      assert.equal(await store.getCheckpoint(id, 'customers'), null);
      await store.savePage(id, { customers: [customer('c1')], checkpoint: { stream: 'customers', value: 'cursor-1' } });
      assert.equal(await store.getCheckpoint(id, 'customers'), 'cursor-1');
      await store.savePage(id, { customers: [customer('c2')] });
      assert.equal(await store.getCheckpoint(id, 'customers'), 'cursor-1');
      await store.savePage(id, { checkpoint: { stream: 'customers', value: 'cursor-2' } });
      await store.savePage(id, { orders: [order('o1', 'c1')], checkpoint: { stream: 'orders', value: '2024-03-01T10:05:00Z' } });
      assert.equal(await store.getCheckpoint(id, 'customers'), 'cursor-2');
      assert.equal(await store.getCheckpoint(id, 'orders'), '2024-03-01T10:05:00Z');
      assert.equal(await store.countCustomers(id), 2);
    });

    test('a page with an invalid record is rejected before anything is written', async () => {
      const id = shop('validation');
      await store.ensureShop(id, NOW);
      await store.savePage(id, { customers: [customer('keep', { firstName: 'Before' })], checkpoint: { stream: 'customers', value: 'v1' } });
      const good = [customer('new-1'), customer('keep', { firstName: 'After' })];
      const badPages = [
        { customers: [...good, customer('')] },
        { customers: good, orders: [order('o1', 'keep'), order('o2', 'keep', { total: Number.NaN })] },
        { customers: good, orders: [order('o3', 'keep', { refunded: Number.POSITIVE_INFINITY })] },
        { customers: [...good, customer('x', { marketingState: 'SOMETIMES' as never })] },
        { customers: [...good, customer('x', { source: 'magento' as never })] },
        { customers: [...good, customer('x', { tags: ['ok', 7 as never] })] },
        { customers: [...good, customer('x', { lastName: 'nul\u0000byte' })] },
        { customers: good, orders: [order('o4', 'keep', { processedAt: 'yesterday' })] },
        { customers: good, orders: [order('o5', 'keep', { lineItems: [{ title: 'x', quantity: Number.NaN, price: 1, productType: null, vendor: null, sku: null }] })] },
      ];
      for (const page of badPages) await rejectsWith(store.savePage(id, { ...page, checkpoint: { stream: 'customers', value: 'v2' } }), 'VALIDATION');
      assert.equal(await store.countCustomers(id), 1);
      assert.equal(await store.countOrders(id), 0);
      assert.equal((await store.getCustomer(id, 'shopify', 'keep'))?.firstName, 'Before');
      assert.equal(await store.getCheckpoint(id, 'customers'), 'v1');
    });

    test('a database failure rolls back the whole page and its checkpoint', async () => {
      const id = shop('rollback');
      await store.ensureShop(id, NOW);
      await store.savePage(id, { customers: [customer('keep', { firstName: 'Before' })], checkpoint: { stream: 'customers', value: 'v1' } });
      const many = Array.from({ length: 1500 }, (_, i) => customer(`new-${i}`));
      const page = { customers: [...many, customer('keep', { firstName: 'After' })], orders: [order('o1', 'keep')] };
      // The checkpoint is written last and breaks a CHECK constraint: every row before it must go.
      await rejectsWith(store.savePage(id, { ...page, checkpoint: { stream: '', value: 'v2' } }), 'STORE');
      assert.equal(await store.countCustomers(id), 1);
      assert.equal(await store.countOrders(id), 0);
      assert.equal((await store.getCustomer(id, 'shopify', 'keep'))?.firstName, 'Before');
      assert.equal(await store.getCheckpoint(id, 'customers'), 'v1');
      // A shop that was never ensured breaks the foreign key: nothing is stored for it.
      const unknown = shop('never-ensured');
      await rejectsWith(store.savePage(unknown, { ...page, checkpoint: { stream: 'customers', value: 'v1' } }), 'STORE');
      assert.equal(await store.countCustomers(unknown), 0);
      assert.equal(await store.getCheckpoint(unknown, 'customers'), null);
      // The store still works afterwards.
      await store.savePage(id, { ...page, checkpoint: { stream: 'customers', value: 'v2' } });
      assert.equal(await store.countCustomers(id), 1501);
      assert.equal(await store.getCheckpoint(id, 'customers'), 'v2');
    });

    test('tenant isolation: same ids in two shops never mix, and deleting one leaves the other', async () => {
      const a = shop('tenant-a');
      const b = shop('tenant-b');
      for (const [id, name] of [[a, 'Alice'], [b, 'Bob']] as const) {
        await store.saveShopSettings(id, { tagPrefix: `${name}:`, shopify: null }, NOW);
        await store.savePage(id, {
          customers: [customer('c1', { firstName: name }), customer('c2', { firstName: name })],
          orders: [order('o1', 'c1', { currency: name })],
          checkpoint: { stream: 'orders', value: name },
        });
        await store.recordMembershipWrite(id, { platform: 'shopify', added: [{ segmentKey: 'champions', customerId: 'c1' }], removed: [], at: NOW });
        await store.saveRemoteSegment(id, { platform: 'shopify', segmentKey: 'champions', remoteId: `gid-${name}`, name, query: 'q', updatedAt: NOW });
        await store.saveSegmentSnapshot(id, [snapshot(`seg-${name}`, 1)]);
        await store.startRun(id, name, NOW);
      }
      await store.savePage(b, { customers: [customer('c3', { firstName: 'Bob' })] });

      assert.equal(await store.countCustomers(a), 2);
      assert.equal(await store.countCustomers(b), 3);
      assert.equal((await store.getCustomer(a, 'shopify', 'c1'))?.firstName, 'Alice');
      assert.equal(await store.getCustomer(a, 'shopify', 'c3'), null);
      assert.deepEqual((await collect(store.iterateCustomers(a))).items.map((c) => c.firstName), ['Alice', 'Alice']);
      assert.deepEqual((await collect(store.iterateOrders(b))).items.map((o) => o.currency), ['Bob']);
      assert.equal(await store.getCheckpoint(a, 'orders'), 'Alice');

      await store.deleteShop(a);
      assert.ok(!(await store.listShops()).some((s) => s.shopId === a));
      assert.equal(await store.getShopSettings(a), null);
      assert.equal(await store.countCustomers(a), 0);
      assert.equal(await store.countOrders(a), 0);
      assert.equal(await store.getCheckpoint(a, 'orders'), null);
      assert.equal((await store.getWrittenMemberships(a, 'shopify')).size, 0);
      assert.deepEqual(await store.getRemoteSegments(a, 'shopify'), []);
      assert.deepEqual(await store.listSegmentSnapshot(a), []);
      assert.deepEqual(await store.listRuns(a), []);

      assert.deepEqual(await store.getShopSettings(b), { tagPrefix: 'Bob:', shopify: null });
      assert.equal(await store.countCustomers(b), 3);
      assert.equal(await store.countOrders(b), 1);
      assert.equal(await store.getCheckpoint(b, 'orders'), 'Bob');
      assert.deepEqual(await store.getWrittenMemberships(b, 'shopify'), new Map([['champions', new Set(['c1'])]]));
      assert.equal((await store.getRemoteSegments(b, 'shopify'))[0]?.remoteId, 'gid-Bob');
      assert.deepEqual((await store.listSegmentSnapshot(b)).map((s) => s.definition.key), ['seg-Bob']);
      assert.deepEqual((await store.listRuns(b)).map((r) => r.trigger), ['Bob']);
    });

    test('streaming: every record once, in the documented order, across page boundaries', async () => {
      const id = shop('stream');
      await store.ensureShop(id, NOW);
      const customers = Array.from({ length: 23 }, (_, i) => customer(`c${String((i * 7) % 23).padStart(2, '0')}`, { source: i % 3 === 0 ? 'csv' : 'shopify' }));
      const orders = Array.from({ length: 40 }, (_, i) =>
        order(`o${String(i).padStart(2, '0')}`, i % 5 === 0 ? null : `c${String(i % 4).padStart(2, '0')}`, {
          source: i % 7 === 0 ? 'csv' : 'shopify',
          processedAt: `2024-0${1 + (i % 3)}-1${i % 10}T00:00:00Z`,
        }),
      );
      await store.savePage(id, { customers, orders });

      const streamed = await collect(store.iterateCustomers(id, 7));
      assert.deepEqual(streamed.sizes, [7, 7, 7, 2]);
      const byKey = [...customers].sort((x, y) => compareKeys([x.source, x.id], [y.source, y.id]));
      assert.deepEqual(streamed.items, byKey);
      assert.deepEqual((await collect(store.iterateCustomers(id, 23))).sizes, [23]);
      assert.deepEqual((await collect(store.iterateCustomers(id))).items, byKey);

      for (const pageSize of [1, 6, 32, 1000]) {
        const streamedOrders = await collect(store.iterateOrders(id, pageSize));
        assert.ok(streamedOrders.sizes.every((size) => size > 0 && size <= pageSize));
        assert.deepEqual(streamedOrders.items, [...orders].sort((x, y) => compareKeys(orderSortKey(x), orderSortKey(y))), `page size ${pageSize}`);
      }
      assert.deepEqual((await collect(store.iterateCustomers(shop('stream-empty')))).sizes, []);
      await rejectsWith(collect(store.iterateOrders(id, 0)), 'INPUT');
    });

    test('a large page is written quickly in one transaction', async (t) => {
      const id = shop('bulk');
      await store.ensureShop(id, NOW);
      const customers = Array.from({ length: 2000 }, (_, i) => customer(`gid://shopify/Customer/${i}`));
      const orders = Array.from({ length: 6000 }, (_, i) => order(`gid://shopify/Order/${i}`, `gid://shopify/Customer/${i % 2000}`));
      const started = performance.now();
      await store.savePage(id, { customers, orders, checkpoint: { stream: 'orders', value: 'done' } });
      const elapsed = performance.now() - started;
      t.diagnostic(`${backend.name}: 2000 customers + 6000 orders in ${elapsed.toFixed(0)} ms`);
      assert.ok(elapsed < 5000, `savePage took ${elapsed} ms`);
      assert.equal(await store.countOrders(id), 6000);
      const streamed = await collect(store.iterateOrders(id));
      assert.deepEqual(streamed.sizes, Array(6).fill(1000));
      assert.equal(new Set(streamed.items.map((o) => o.id)).size, 6000);
    });

    test('membership writes add idempotently, remove, and read back per segment', async () => {
      const id = shop('members');
      await store.ensureShop(id, NOW);
      assert.deepEqual(await store.getWrittenMemberships(id, 'shopify'), new Map());
      const pair = (segmentKey: string, customerId: string) => ({ segmentKey, customerId });
      await store.recordMembershipWrite(id, {
        platform: 'shopify', added: [pair('champions', 'c1'), pair('champions', 'c2'), pair('at-risk', 'c3'), pair('champions', 'c1')], removed: [], at: NOW,
      });
      await store.recordMembershipWrite(id, {
        platform: 'shopify', added: [pair('champions', 'c2'), pair('at-risk', 'c1')], removed: [pair('champions', 'c1'), pair('loyal', 'nobody')], at: NOW,
      });
      assert.deepEqual(await store.getWrittenMemberships(id, 'shopify'), new Map([
        ['at-risk', new Set(['c1', 'c3'])],
        ['champions', new Set(['c2'])],
      ]));
      await rejectsWith(store.recordMembershipWrite(id, { platform: 'shopify', added: [pair('champions', 'c9'), pair('', 'c1')], removed: [], at: NOW }), 'VALIDATION');
      assert.deepEqual((await store.getWrittenMemberships(id, 'shopify')).get('champions'), new Set(['c2']));
    });

    test('remote segments are upserted by segment key', async () => {
      const id = shop('remote');
      await store.ensureShop(id, NOW);
      const segment = { platform: 'shopify' as const, segmentKey: 'champions', remoteId: 'gid://shopify/Segment/1', name: 'Champions', query: "customer_tags CONTAINS 'refinery:champions'", updatedAt: NOW };
      await store.saveRemoteSegment(id, segment);
      await store.saveRemoteSegment(id, { ...segment, segmentKey: 'at-risk', remoteId: 'gid://shopify/Segment/2' });
      const renamed = { ...segment, name: 'Champions (refined)', updatedAt: '2024-06-01T00:00:00Z' };
      await store.saveRemoteSegment(id, renamed);
      const stored = await store.getRemoteSegments(id, 'shopify');
      assert.deepEqual(stored.map((s) => s.segmentKey), ['at-risk', 'champions']);
      assert.deepEqual(stored[1], renamed);
    });

    test('segment snapshots are replaced as a whole, in the given order', async () => {
      const id = shop('snapshots');
      await store.ensureShop(id, NOW);
      const first = [snapshot('champions', 12), snapshot('at-risk', 30), snapshot('loyal', 0)];
      await store.saveSegmentSnapshot(id, first);
      assert.deepEqual(await store.listSegmentSnapshot(id), first);
      const second = [snapshot('new-customers', 5)];
      await store.saveSegmentSnapshot(id, second);
      assert.deepEqual(await store.listSegmentSnapshot(id), second);
      await rejectsWith(store.saveSegmentSnapshot(id, [snapshot('a', 1), snapshot('a', 2)]), 'VALIDATION');
      await rejectsWith(store.saveSegmentSnapshot(id, [snapshot('a', 1), { ...snapshot('b', 1), revenue: Number.NaN }]), 'VALIDATION');
      assert.deepEqual(await store.listSegmentSnapshot(id), second);
      await store.saveSegmentSnapshot(id, []);
      assert.deepEqual(await store.listSegmentSnapshot(id), []);
    });

    test('runs are started, finished and listed newest first', async () => {
      const id = shop('runs');
      await store.ensureShop(id, NOW);
      const first = await store.startRun(id, 'schedule', '2024-05-01T00:00:00Z');
      assert.equal(first.status, 'running');
      const second = await store.startRun(id, 'manual', '2024-05-02T00:00:00Z');
      assert.notEqual(first.id, second.id);
      const report = { read: { customers: 10 }, wrote: [1, 2.5], note: "it's done" };
      await store.finishRun(id, first.id, 'succeeded', report, '2024-05-01T00:10:00Z');
      await store.finishRun(id, second.id, 'failed', { error: 'boom' }, '2024-05-02T00:01:00Z');
      const runs = await store.listRuns(id);
      assert.deepEqual(runs.map((r) => r.id), [second.id, first.id]);
      assert.deepEqual(runs[1], { ...first, status: 'succeeded', finishedAt: '2024-05-01T00:10:00Z', report });
      assert.deepEqual((await store.listRuns(id, 1)).map((r) => r.id), [second.id]);
      await rejectsWith(store.finishRun(id, 'no-such-run', 'failed', {}, NOW), 'NOT_FOUND');
      await rejectsWith(store.finishRun(shop('other'), first.id, 'failed', {}, NOW), 'NOT_FOUND');
    });
  });
}

defineContract(sqliteFile);
defineContract(postgres);

test('sqlite :memory: store works for tests', async () => {
  const store = createSqliteStore({ path: ':memory:' });
  try {
    await store.migrate();
    await store.migrate();
    assert.equal((await store.appliedMigrations()).length, MIGRATIONS.length);
    await store.ensureShop(shop('memory'), NOW);
    await store.savePage(shop('memory'), { customers: [customer('c1')], checkpoint: { stream: 'customers', value: 'v' } });
    assert.deepEqual(await store.getCustomer(shop('memory'), 'shopify', 'c1'), customer('c1'));
  } finally {
    await store.close();
  }
});

test('postgres: stores migrating the same schema at once apply each migration once', async () => {
  // Once with a schema that does not exist yet, once with an existing empty schema.
  for (const existing of [false, true]) {
    const db = postgres.createDatabase();
    try {
      if (existing) await createSchema(db.schema ?? '');
      const stores = [db.open(), db.open(), db.open(), db.open()];
      await Promise.all(stores.map((store) => store.migrate()));
      for (const store of stores) {
        assert.deepEqual((await store.appliedMigrations()).map((m) => m.version), MIGRATIONS.map((m) => m.version));
      }
      await stores[0]?.ensureShop(shop('concurrent'), NOW);
      assert.deepEqual((await stores[1]?.listShops())?.map((s) => s.shopId), [shop('concurrent')]);
    } finally {
      await db.drop();
    }
  }
});
