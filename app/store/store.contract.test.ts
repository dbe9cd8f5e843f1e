// The store contract: one suite, defined once as a function of a backend, run against SQLite (a
// temporary file, plus an in-memory smoke test) and PostgreSQL (a fresh schema per database,
// dropped at the end). PostgreSQL is required: when it is unreachable these tests fail.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RefineryError } from '../../core/errors.ts';
import type { ErrorCode } from '../../core/errors.ts';
import type { Contact, SegmentDefinition } from '../../core/model.ts';
import { MIGRATIONS } from './migrations.ts';
import type { MigratingStore, Migration } from './migrations.ts';
import { createSqliteStore } from './sqlite-store.ts';
import { collect, compareKeys, contact, customer, order, orderSortKey } from './store-fixtures.ts';
import { createSchema, postgres, sqliteFile } from './store-test-backends.ts';
import type { Backend, TestDatabase } from './store-test-backends.ts';
import type { HoldoutCohort, PixelEventRecord, RemoteSegment, RuleSegment, SegmentSnapshot, ShopSettings } from './store.ts';

const shop = (name: string): string => `${name}.myshopify.com`;
const NOW = '2024-05-01T12:00:00.000Z';
const LATER = '2024-06-01T12:00:00.000Z';

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

function ruleSegment(key: string, overrides: Partial<RuleSegment> = {}): RuleSegment {
  return { key, name: `Rule ${key}`, rule: `orders >= 3 and spent > 100 # ${key}`, createdAt: NOW, updatedAt: NOW, ...overrides };
}

/** Strings in UTF-8 byte order (how both backends sort keys), not JavaScript's UTF-16 order. */
function byteSorted(ids: readonly string[]): string[] {
  return [...ids].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

function cohort(segmentKey: string, treated: string[], holdout: string[], overrides: Partial<HoldoutCohort> = {}): HoldoutCohort {
  return { segmentKey, startedAt: NOW, share: 0.1, treated, holdout, ...overrides };
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
      assert.deepEqual(await store.getShopSettings(id), { tagPrefix: 'refinery:', shopify: null, hubspot: null });

      // Saved without a hubspot key (as before HubSpot existed): it reads back as hubspot: null.
      const settings: ShopSettings = { tagPrefix: 'rf:', shopify: { accessToken: "shpat_'quoted\"\\", adminOrigin: 'http://127.0.0.1:4010' } };
      await store.saveShopSettings(id, settings, NOW);
      assert.deepEqual(await store.getShopSettings(id), { ...settings, hubspot: null });

      const withHubSpot: ShopSettings = {
        ...settings,
        hubspot: { accessToken: 'pat-eu1-"x"', basePath: 'http://127.0.0.1:4020', requestsPerTenSeconds: 190, createContacts: true },
      };
      await store.saveShopSettings(id, withHubSpot, NOW);
      assert.deepEqual(await store.getShopSettings(id), withHubSpot);
      const defaultBase: ShopSettings = { ...settings, hubspot: { accessToken: 't', basePath: null, requestsPerTenSeconds: 100, createContacts: false } };
      await store.saveShopSettings(id, defaultBase, NOW);
      assert.deepEqual(await store.getShopSettings(id), defaultBase);
      const badHubSpot = [
        { accessToken: '', basePath: null, requestsPerTenSeconds: 100, createContacts: false },
        { accessToken: 't', basePath: 7, requestsPerTenSeconds: 100, createContacts: false },
        { accessToken: 't', basePath: null, requestsPerTenSeconds: 0, createContacts: false },
        { accessToken: 't', basePath: null, requestsPerTenSeconds: 100, createContacts: 'yes' },
      ];
      for (const hubspot of badHubSpot) await rejectsWith(store.saveShopSettings(id, { ...settings, hubspot: hubspot as never }, NOW), 'VALIDATION');
      assert.deepEqual(await store.getShopSettings(id), defaultBase);
      // Settings are replaced as a whole: saving hubspot: null disconnects HubSpot.
      await store.saveShopSettings(id, { ...settings, hubspot: null }, NOW);
      assert.deepEqual(await store.getShopSettings(id), { ...settings, hubspot: null });

      const other = shop('settings-created');
      await store.saveShopSettings(other, { tagPrefix: 'x:', shopify: null }, NOW);
      const shops = await store.listShops();
      assert.ok(shops.some((s) => s.shopId === other && s.createdAt === NOW));
      assert.deepEqual(await store.getShopSettings(other), { tagPrefix: 'x:', shopify: null, hubspot: null });
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
      assert.deepEqual(await store.getOrder(id, 'shopify', 'gid://shopify/Order/2'), orders[1]);
      assert.equal(await store.getOrder(id, 'csv', 'gid://shopify/Order/2'), null, 'source is part of the key');
      assert.equal(await store.getOrder(shop('other-upsert'), 'shopify', 'gid://shopify/Order/2'), null, 'another shop sees nothing');

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
        await store.savePage(id, { contacts: [contact('101', { firstName: name })] });
        await store.recordMembershipWrite(id, { platform: 'shopify', added: [{ segmentKey: 'champions', customerId: 'c1' }], removed: [], at: NOW });
        await store.recordMembershipWrite(id, { platform: 'hubspot', added: [{ segmentKey: 'champions', customerId: '101' }], removed: [], at: NOW });
        await store.recordPropertyWrites(id, [{ contactId: '101', values: { refinery_segment: name } }], NOW);
        await store.saveRemoteSegment(id, { platform: 'shopify', segmentKey: 'champions', remoteId: `gid-${name}`, name, query: 'q', updatedAt: NOW });
        await store.saveRemoteSegment(id, { platform: 'hubspot', segmentKey: 'champions', remoteId: `list-${name}`, name, query: '', updatedAt: NOW });
        await store.saveSegmentSnapshot(id, [snapshot(`seg-${name}`, 1)]);
        await store.startRun(id, name, NOW);
        await store.saveModelState(id, 'clusters', { owner: name }, NOW);
        await store.saveRuleSegment(id, ruleSegment('big-spenders', { name }));
        assert.equal(await store.startHoldoutCohort(id, cohort('champions', [`${name}-t`], [`${name}-h`])), true);
      }
      await store.savePage(b, { customers: [customer('c3', { firstName: 'Bob' })] });
      // Same keys in both shops: each sees only its own rows.
      assert.deepEqual(await store.getModelState(a, 'clusters'), { owner: 'Alice' });
      assert.deepEqual((await store.listRuleSegments(a)).map((r) => r.name), ['Alice']);
      assert.deepEqual(await store.listHoldoutCohorts(a), [cohort('champions', ['Alice-t'], ['Alice-h'])]);

      assert.equal(await store.countCustomers(a), 2);
      assert.equal(await store.countCustomers(b), 3);
      assert.equal((await store.getCustomer(a, 'shopify', 'c1'))?.firstName, 'Alice');
      assert.equal(await store.getCustomer(a, 'shopify', 'c3'), null);
      assert.deepEqual((await collect(store.iterateCustomers(a))).items.map((c) => c.firstName), ['Alice', 'Alice']);
      assert.deepEqual((await collect(store.iterateOrders(b))).items.map((o) => o.currency), ['Bob']);
      assert.equal(await store.getCheckpoint(a, 'orders'), 'Alice');
      assert.equal((await store.getContact(a, '101'))?.firstName, 'Alice');
      assert.deepEqual(await store.getWrittenProperties(a), new Map([['101', { refinery_segment: 'Alice' }]]));

      await store.deleteShop(a);
      assert.ok(!(await store.listShops()).some((s) => s.shopId === a));
      assert.equal(await store.getShopSettings(a), null);
      assert.equal(await store.countCustomers(a), 0);
      assert.equal(await store.countOrders(a), 0);
      assert.equal(await store.getCheckpoint(a, 'orders'), null);
      assert.equal((await store.getWrittenMemberships(a, 'shopify')).size, 0);
      assert.deepEqual(await store.getRemoteSegments(a, 'shopify'), []);
      assert.equal(await store.countContacts(a), 0);
      assert.equal((await store.getWrittenMemberships(a, 'hubspot')).size, 0);
      assert.equal((await store.getWrittenProperties(a)).size, 0);
      assert.deepEqual(await store.getRemoteSegments(a, 'hubspot'), []);
      assert.deepEqual(await store.listSegmentSnapshot(a), []);
      assert.deepEqual(await store.listRuns(a), []);
      assert.equal(await store.getModelState(a, 'clusters'), null);
      assert.deepEqual(await store.listRuleSegments(a), []);
      assert.deepEqual(await store.listHoldoutCohorts(a), []);

      assert.deepEqual(await store.getShopSettings(b), { tagPrefix: 'Bob:', shopify: null, hubspot: null });
      assert.equal(await store.countCustomers(b), 3);
      assert.equal(await store.countOrders(b), 1);
      assert.equal(await store.getCheckpoint(b, 'orders'), 'Bob');
      assert.deepEqual(await store.getWrittenMemberships(b, 'shopify'), new Map([['champions', new Set(['c1'])]]));
      assert.equal((await store.getRemoteSegments(b, 'shopify'))[0]?.remoteId, 'gid-Bob');
      assert.equal((await store.getContact(b, '101'))?.firstName, 'Bob');
      assert.deepEqual(await store.getWrittenMemberships(b, 'hubspot'), new Map([['champions', new Set(['101'])]]));
      assert.deepEqual(await store.getWrittenProperties(b), new Map([['101', { refinery_segment: 'Bob' }]]));
      assert.equal((await store.getRemoteSegments(b, 'hubspot'))[0]?.remoteId, 'list-Bob');
      assert.deepEqual((await store.listSegmentSnapshot(b)).map((s) => s.definition.key), ['seg-Bob']);
      assert.deepEqual((await store.listRuns(b)).map((r) => r.trigger), ['Bob']);
      assert.deepEqual(await store.getModelState(b, 'clusters'), { owner: 'Bob' });
      assert.deepEqual((await store.listRuleSegments(b)).map((r) => r.name), ['Bob']);
      assert.deepEqual(await store.listHoldoutCohorts(b), [cohort('champions', ['Bob-t'], ['Bob-h'])]);
      // Deleting a rule segment of one shop leaves the other's with the same key; a recreated shop starts a new cohort.
      assert.equal(await store.deleteRuleSegment(a, 'big-spenders'), false);
      assert.equal((await store.listRuleSegments(b)).length, 1);
      await store.ensureShop(a, LATER);
      assert.equal(await store.startHoldoutCohort(a, cohort('champions', ['Alice-2'], [])), true);
      assert.deepEqual(await store.listHoldoutCohorts(b), [cohort('champions', ['Bob-t'], ['Bob-h'])]);
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
      // One person's records only.
      assert.deepEqual(await store.getWrittenMemberships(id, 'shopify', ['c1', 'c1', 'unknown']), new Map([['at-risk', new Set(['c1'])]]));
      assert.deepEqual(await store.getWrittenMemberships(id, 'shopify', []), new Map());
      assert.deepEqual(await store.getWrittenMemberships(id, 'hubspot', ['c1']), new Map());
      await rejectsWith(store.getWrittenMemberships(id, 'shopify', ['']), 'INPUT');
      await rejectsWith(store.getWrittenMemberships(id, 'shopify', Array.from({ length: 201 }, (_, i) => `c${i}`)), 'INPUT');
      // A pair both removed and added in one write ends written (removals apply first).
      await store.recordMembershipWrite(id, { platform: 'shopify', added: [pair('loyal', 'c3')], removed: [pair('loyal', 'c3'), pair('at-risk', 'c3')], at: NOW });
      await store.recordMembershipWrite(id, { platform: 'shopify', added: [pair('at-risk', 'c4')], removed: [pair('at-risk', 'c4')], at: NOW });
      assert.deepEqual(await store.getWrittenMemberships(id, 'shopify', ['c3', 'c4']), new Map([['at-risk', new Set(['c4'])], ['loyal', new Set(['c3'])]]));
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
      // Deleting forgets one platform's record of one key, nothing else.
      await store.saveRemoteSegment(id, { ...segment, platform: 'hubspot', remoteId: '77', query: '' });
      assert.equal(await store.deleteRemoteSegment(id, 'shopify', 'champions'), true);
      assert.equal(await store.deleteRemoteSegment(id, 'shopify', 'champions'), false);
      assert.deepEqual((await store.getRemoteSegments(id, 'shopify')).map((s) => s.segmentKey), ['at-risk']);
      assert.deepEqual((await store.getRemoteSegments(id, 'hubspot')).map((s) => s.remoteId), ['77']);
      await rejectsWith(store.deleteRemoteSegment(id, 'email' as never, 'champions'), 'INPUT');
      await rejectsWith(store.deleteRemoteSegment(id, 'shopify', ''), 'INPUT');
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

    test('contacts round trip, unknown counts stay null (not zero), and are upserted by id', async () => {
      const id = shop('contacts');
      await store.ensureShop(id, NOW);
      assert.equal(await store.countContacts(id), 0);
      const unknown = contact('201', {
        email: null, firstName: null, lastName: null, lifecycleStage: null, emailDelivered: null, emailOpens: null, emailClicks: null,
        emailBounces: null, emailOptOut: null, pageViews: null, visits: null, lastVisitAt: null,
      });
      const zeros = contact('202', { emailDelivered: 0, emailOpens: 0, emailClicks: 0, emailBounces: 0, emailOptOut: false, pageViews: 0, visits: 0 });
      const known = contact('203', {
        emailOptOut: true, emailDelivered: Number.MAX_SAFE_INTEGER, firstName: "O'Hara; DROP TABLE contacts; --", lastName: 'Zoë "🦄" {a,b} \\ NULL',
        createdAt: '2024-01-01T00:00:00.000+02:00', lastVisitAt: '2024-04-01T08:00:00.123456Z',
      });
      await store.savePage(id, { contacts: [unknown, zeros, known] });
      assert.equal(await store.countContacts(id), 3);
      assert.deepEqual(await store.getContact(id, '201'), unknown);
      assert.deepEqual(await store.getContact(id, '202'), zeros);
      assert.deepEqual(await store.getContact(id, '203'), known);
      assert.equal(await store.getContact(id, '204'), null);
      assert.equal(await store.getContact(shop('contacts-elsewhere'), '201'), null);
      assert.equal(await store.countCustomers(id), 0, 'contacts are not customers');

      // A later pull that no longer has a value stores null over the old one; within a page the last record wins.
      const forgotten = contact('203', { emailOpens: null, emailOptOut: null, updatedAt: '2024-06-01T00:00:00Z' });
      await store.savePage(id, { contacts: [contact('203', { emailOpens: 99 }), forgotten] });
      assert.equal(await store.countContacts(id), 3);
      assert.deepEqual(await store.getContact(id, '203'), forgotten);
    });

    test('a page with an invalid contact is rejected before anything is written, customers and checkpoint included', async () => {
      const id = shop('contact-validation');
      await store.ensureShop(id, NOW);
      await store.savePage(id, {
        customers: [customer('keep', { firstName: 'Before' })], contacts: [contact('1', { firstName: 'Before' })], checkpoint: { stream: 'contacts', value: 'v1' },
      });
      const customers = [customer('new-1'), customer('keep', { firstName: 'After' })];
      const contacts = [contact('2'), contact('1', { firstName: 'After' })];
      const bad: Array<Partial<Contact>> = [
        { id: '' }, { emailOpens: -1 }, { emailClicks: 1.5 }, { pageViews: Number.NaN }, { visits: Number.POSITIVE_INFINITY },
        { emailDelivered: 2 ** 53 }, { emailBounces: '3' as never }, { emailBounces: undefined as never }, { emailOptOut: 'false' as never },
        { emailOptOut: 0 as never }, { email: 42 as never }, { lastVisitAt: 'last week' }, { createdAt: '' }, { updatedAt: null as never },
        { source: 'shopify' as never }, { lifecycleStage: 'lead\u0000' },
      ];
      for (const overrides of bad) {
        const page = { customers, orders: [order('o1', 'keep')], contacts: [...contacts, contact('3', overrides)], checkpoint: { stream: 'contacts', value: 'v2' } };
        await rejectsWith(store.savePage(id, page), 'VALIDATION');
      }
      await rejectsWith(store.savePage(id, { contacts: 'not an array' as never }), 'VALIDATION');
      assert.equal(await store.countContacts(id), 1);
      assert.equal((await store.getContact(id, '1'))?.firstName, 'Before');
      assert.equal(await store.countCustomers(id), 1);
      assert.equal((await store.getCustomer(id, 'shopify', 'keep'))?.firstName, 'Before');
      assert.equal(await store.countOrders(id), 0);
      assert.equal(await store.getCheckpoint(id, 'contacts'), 'v1');
    });

    test('contacts are written in the same transaction as customers, orders and the checkpoint', async () => {
      const id = shop('contact-rollback');
      await store.ensureShop(id, NOW);
      const contacts = Array.from({ length: 1500 }, (_, i) => contact(String(10_000 + i)));
      const page = { customers: [customer('c1')], orders: [order('o1', 'c1')], contacts };
      // The checkpoint is written last and breaks a CHECK constraint: the contacts written before it must go too.
      await rejectsWith(store.savePage(id, { ...page, checkpoint: { stream: '', value: 'v1' } }), 'STORE');
      assert.equal(await store.countContacts(id), 0);
      assert.equal(await store.countCustomers(id), 0);
      assert.equal(await store.countOrders(id), 0);
      await store.savePage(id, { ...page, checkpoint: { stream: 'contacts', value: 'v1' } });
      assert.equal(await store.countContacts(id), 1500);
      assert.equal(await store.countCustomers(id), 1);
      assert.equal(await store.getCheckpoint(id, 'contacts'), 'v1');
    });

    test('iterateContacts: every contact once, in id byte order, across page boundaries', async () => {
      const id = shop('contact-stream');
      await store.ensureShop(id, NOW);
      // HubSpot ids are numeric strings of varying length: byte order puts '1000' before '38'.
      const contacts = Array.from({ length: 23 }, (_, i) => contact(String(((i * 37) % 1000) + 1) + (i % 5 === 0 ? '000' : '')));
      await store.savePage(id, { contacts });
      const other = shop('contact-stream-other');
      await store.ensureShop(other, NOW);
      await store.savePage(other, { contacts: [contact('0'), contact('9999')] }); // would sort first and last: another shop's, never streamed
      const ids = contacts.map((c) => c.id).sort();
      assert.equal(new Set(ids).size, 23);

      const streamed = await collect(store.iterateContacts(id, 7));
      assert.deepEqual(streamed.sizes, [7, 7, 7, 2]);
      assert.deepEqual(streamed.items.map((c) => c.id), ids);
      assert.deepEqual(streamed.items, [...contacts].sort((x, y) => compareKeys([x.id], [y.id])));
      assert.deepEqual((await collect(store.iterateContacts(id, 23))).sizes, [23]);
      assert.deepEqual((await collect(store.iterateContacts(id, 1))).items.map((c) => c.id), ids);
      assert.deepEqual((await collect(store.iterateContacts(id))).items.map((c) => c.id), ids);
      assert.deepEqual((await collect(store.iterateContacts(shop('contact-stream-empty')))).sizes, []);
      await rejectsWith(collect(store.iterateContacts(id, 0)), 'INPUT');
    });

    test('property writes merge: each (contact, property) is upserted, properties not mentioned keep their values', async () => {
      const id = shop('properties');
      await store.ensureShop(id, NOW);
      assert.deepEqual(await store.getWrittenProperties(id), new Map());
      await store.recordPropertyWrites(id, [
        { contactId: '301', values: { refinery_segment: 'champions', refinery_score: '5' } },
        { contactId: '302', values: { refinery_segment: 'at-risk' } },
      ], NOW);
      await store.recordPropertyWrites(id, [
        { contactId: '301', values: { refinery_segment: 'loyal', refinery_note: 'it\'s "quoted" 🦄' } },
        { contactId: '303', values: {} },
        { contactId: '302', values: { refinery_score: '1' } },
        { contactId: '302', values: { refinery_score: '2', refinery_segment: '' } }, // last value of a pair in one call wins; '' is a value
        { contactId: '304', values: JSON.parse('{"__proto__":"own property"}') as Record<string, string> },
      ], LATER);
      const expected = new Map([
        ['301', { refinery_note: 'it\'s "quoted" 🦄', refinery_score: '5', refinery_segment: 'loyal' }],
        ['302', { refinery_score: '2', refinery_segment: '' }],
        ['304', JSON.parse('{"__proto__":"own property"}') as Record<string, string>],
      ]);
      assert.deepEqual(await store.getWrittenProperties(id), expected);
      assert.equal(Object.getPrototypeOf((await store.getWrittenProperties(id)).get('304')), Object.prototype);

      const change = { contactId: '301', values: { refinery_segment: 'changed' } };
      const badWrites = [
        [change, { contactId: '', values: { a: '1' } }],
        [change, { contactId: '301', values: { '': 'x' } }],
        [change, { contactId: '301', values: { a: 5 as never } }],
        [change, { contactId: '301', values: { a: 'nul\u0000byte' } }],
        [change, { contactId: '301', values: null as never }],
      ];
      for (const writes of badWrites) await rejectsWith(store.recordPropertyWrites(id, writes, NOW), 'VALIDATION');
      await rejectsWith(store.recordPropertyWrites(id, [change], 'not a date'), 'VALIDATION');
      await rejectsWith(store.recordPropertyWrites(shop('properties-unknown'), [change], NOW), 'STORE');
      assert.deepEqual(await store.getWrittenProperties(id), expected);
      assert.equal((await store.getWrittenProperties(shop('properties-unknown'))).size, 0);

      // More rows than one PostgreSQL chunk, in one call.
      await store.recordPropertyWrites(id, Array.from({ length: 1200 }, (_, i) => ({ contactId: `bulk-${i}`, values: { p: String(i), q: 'x' } })), NOW);
      const all = await store.getWrittenProperties(id);
      assert.equal(all.size, 1203);
      assert.deepEqual(all.get('bulk-1199'), { p: '1199', q: 'x' });
      // One person's contacts only.
      assert.deepEqual(await store.getWrittenProperties(id, ['302', 'bulk-7', 'none']), new Map([['302', { refinery_score: '2', refinery_segment: '' }], ['bulk-7', { p: '7', q: 'x' }]]));
      await rejectsWith(store.getWrittenProperties(id, [7 as never]), 'INPUT');
    });

    test('HubSpot memberships and lists are kept apart from Shopify ones', async () => {
      const id = shop('hubspot-apart');
      await store.ensureShop(id, NOW);
      const pair = (segmentKey: string, customerId: string) => ({ segmentKey, customerId });
      // The same segment key and even the same record id on both platforms.
      await store.recordMembershipWrite(id, { platform: 'shopify', added: [pair('champions', 'gid://shopify/Customer/1'), pair('champions', '401')], removed: [], at: NOW });
      await store.recordMembershipWrite(id, { platform: 'hubspot', added: [pair('champions', '401'), pair('at-risk', '402')], removed: [], at: NOW });
      await store.recordMembershipWrite(id, { platform: 'hubspot', added: [], removed: [pair('champions', '401')], at: LATER });
      assert.deepEqual(await store.getWrittenMemberships(id, 'shopify'), new Map([['champions', new Set(['gid://shopify/Customer/1', '401'])]]));
      assert.deepEqual(await store.getWrittenMemberships(id, 'hubspot'), new Map([['at-risk', new Set(['402'])]]));
      await store.recordMembershipWrite(id, { platform: 'shopify', added: [], removed: [pair('at-risk', '402')], at: LATER });
      assert.deepEqual(await store.getWrittenMemberships(id, 'hubspot'), new Map([['at-risk', new Set(['402'])]]));

      const segment: RemoteSegment = { platform: 'shopify', segmentKey: 'champions', remoteId: 'gid://shopify/Segment/1', name: 'Champions', query: "customer_tags CONTAINS 'refinery:champions'", updatedAt: NOW };
      const list: RemoteSegment = { platform: 'hubspot', segmentKey: 'champions', remoteId: '77', name: 'Refinery: Champions', query: '', updatedAt: NOW };
      await store.saveRemoteSegment(id, segment);
      await store.saveRemoteSegment(id, list);
      const renamedList = { ...list, name: 'Refinery: Champions (refined)', updatedAt: LATER };
      await store.saveRemoteSegment(id, renamedList);
      await store.saveRemoteSegment(id, { ...list, segmentKey: 'at-risk', remoteId: '78' });
      assert.deepEqual(await store.getRemoteSegments(id, 'shopify'), [segment]);
      assert.deepEqual(await store.getRemoteSegments(id, 'hubspot'), [{ ...list, segmentKey: 'at-risk', remoteId: '78' }, renamedList]);

      const other = 'klaviyo' as never;
      await rejectsWith(store.getWrittenMemberships(id, other), 'INPUT');
      await rejectsWith(store.getRemoteSegments(id, other), 'INPUT');
      await rejectsWith(store.recordMembershipWrite(id, { platform: other, added: [pair('champions', '403')], removed: [], at: NOW }), 'VALIDATION');
      await rejectsWith(store.saveRemoteSegment(id, { ...list, platform: other }), 'VALIDATION');
      assert.equal((await store.getWrittenMemberships(id, 'hubspot')).get('champions'), undefined);
    });

    test('deleteContact removes exactly that contact, its HubSpot memberships and its written properties', async () => {
      const a = shop('delete-contact-a');
      const b = shop('delete-contact-b');
      const pair = (segmentKey: string, customerId: string) => ({ segmentKey, customerId });
      for (const id of [a, b]) {
        await store.ensureShop(id, NOW);
        await store.savePage(id, { customers: [customer('501')], contacts: [contact('501'), contact('502')] });
        await store.recordMembershipWrite(id, { platform: 'hubspot', added: [pair('champions', '501'), pair('loyal', '501'), pair('champions', '502')], removed: [], at: NOW });
        await store.recordMembershipWrite(id, { platform: 'shopify', added: [pair('champions', '501')], removed: [], at: NOW }); // a Shopify customer with the same id
        await store.recordPropertyWrites(id, [{ contactId: '501', values: { refinery_segment: 'champions' } }, { contactId: '502', values: { refinery_segment: 'champions' } }], NOW);
      }
      const untouched = async (id: string): Promise<void> => {
        assert.equal(await store.countContacts(id), 2);
        assert.deepEqual(await store.getWrittenMemberships(id, 'hubspot'), new Map([['champions', new Set(['501', '502'])], ['loyal', new Set(['501'])]]));
        assert.equal((await store.getWrittenProperties(id)).size, 2);
      };
      await untouched(a);

      assert.equal(await store.deleteContact(a, '501'), true);
      assert.equal(await store.getContact(a, '501'), null);
      assert.deepEqual(await store.getContact(a, '502'), contact('502'));
      assert.equal(await store.countContacts(a), 1);
      assert.deepEqual(await store.getWrittenMemberships(a, 'hubspot'), new Map([['champions', new Set(['502'])]]));
      assert.deepEqual(await store.getWrittenProperties(a), new Map([['502', { refinery_segment: 'champions' }]]));
      assert.deepEqual(await store.getWrittenMemberships(a, 'shopify'), new Map([['champions', new Set(['501'])]]), 'Shopify rows are not the contact');
      assert.deepEqual(await store.getCustomer(a, 'shopify', '501'), customer('501'));
      await untouched(b);

      assert.equal(await store.deleteContact(a, '501'), false, 'already gone');
      // Writes recorded for a contact that was never pulled are removed too; no contact row was found.
      await store.recordMembershipWrite(a, { platform: 'hubspot', added: [pair('champions', '503')], removed: [], at: NOW });
      await store.recordPropertyWrites(a, [{ contactId: '503', values: { refinery_segment: 'champions' } }], NOW);
      assert.equal(await store.deleteContact(a, '503'), false);
      assert.deepEqual(await store.getWrittenMemberships(a, 'hubspot'), new Map([['champions', new Set(['502'])]]));
      assert.deepEqual([...(await store.getWrittenProperties(a)).keys()], ['502']);
      assert.equal(await store.deleteContact(shop('delete-contact-unknown'), '502'), false);
      await rejectsWith(store.deleteContact(a, ''), 'INPUT');
      await untouched(b);
    });

    test('settings keep the holdout settings and reject bad ones', async () => {
      const id = shop('holdout-settings');
      const base: ShopSettings = { tagPrefix: 'refinery:', shopify: null, hubspot: null };
      await store.saveShopSettings(id, base, NOW);
      assert.equal((await store.getShopSettings(id))?.holdout, undefined, 'none saved: undefined');
      assert.ok(!('holdout' in ((await store.getShopSettings(id)) ?? {})));

      const saved: ShopSettings = { ...base, holdout: { share: 0.1, salt: 's3cr3t "salt" 🦄' } };
      await store.saveShopSettings(id, saved, NOW);
      assert.deepEqual(await store.getShopSettings(id), saved);
      for (const holdout of [{ share: 0, salt: 'x' }, { share: 0.5, salt: 'y'.repeat(200) }]) {
        await store.saveShopSettings(id, { ...base, holdout }, NOW);
        assert.deepEqual(await store.getShopSettings(id), { ...base, holdout });
      }
      await store.saveShopSettings(id, saved, NOW);

      const badHoldouts: unknown[] = [
        { share: -0.1, salt: 'x' }, { share: 0.6, salt: 'x' }, { share: Number.NaN, salt: 'x' }, { share: Number.POSITIVE_INFINITY, salt: 'x' },
        { share: '0.1', salt: 'x' }, { salt: 'x' }, { share: 0.1, salt: '' }, { share: 0.1 }, { share: 0.1, salt: 7 },
        { share: 0.1, salt: 'z'.repeat(201) }, { share: 0.1, salt: 'nul\u0000' }, null, 'ten percent', [0.1, 'x'],
      ];
      for (const holdout of badHoldouts) {
        await rejectsWith(store.saveShopSettings(id, { ...base, holdout: holdout as never }, LATER), 'VALIDATION');
      }
      await assert.rejects(store.saveShopSettings(id, { ...base, holdout: { share: 0.6, salt: 'x' } }, LATER), /holdout share must be a number from 0 to 0\.5/);
      assert.deepEqual(await store.getShopSettings(id), saved, 'rejected settings change nothing');
      // Saved without holdout (settings are replaced as a whole): reads back without it.
      await store.saveShopSettings(id, { ...base, holdout: undefined }, NOW);
      assert.deepEqual(await store.getShopSettings(id), base);
    });

    test('settings keep the sync schedule and reject bad ones', async () => {
      const id = shop('schedule-settings');
      const base: ShopSettings = { tagPrefix: 'refinery:', shopify: null, hubspot: null };
      await store.saveShopSettings(id, base, NOW);
      assert.ok(!('schedule' in ((await store.getShopSettings(id)) ?? {})), 'none saved: no schedule key');

      const good = { fullSyncCron: '0 9 * * 1-5', timeZone: 'Asia/Tokyo', incrementalEveryMinutes: 30, paused: false };
      const saved: ShopSettings = { ...base, schedule: good };
      await store.saveShopSettings(id, saved, NOW);
      assert.deepEqual(await store.getShopSettings(id), saved);
      const off: ShopSettings = { ...base, schedule: { fullSyncCron: null, timeZone: 'UTC', incrementalEveryMinutes: null, paused: true } };
      await store.saveShopSettings(id, off, NOW);
      assert.deepEqual(await store.getShopSettings(id), off);
      await store.saveShopSettings(id, saved, NOW);

      const badSchedules: unknown[] = [
        { ...good, fullSyncCron: '0 9 * *' }, { ...good, fullSyncCron: '61 9 * * *' }, { ...good, fullSyncCron: '@daily' }, { ...good, fullSyncCron: 9 },
        { ...good, timeZone: 'Mars/Olympus' }, { ...good, timeZone: '+09:00' }, { ...good, timeZone: '' }, { ...good, timeZone: null },
        { ...good, incrementalEveryMinutes: 0 }, { ...good, incrementalEveryMinutes: 1441 }, { ...good, incrementalEveryMinutes: 2.5 },
        { ...good, paused: 'no' }, { ...good, extra: true }, { fullSyncCron: '0 3 * * *' }, null, 'daily', [],
      ];
      for (const schedule of badSchedules) {
        await rejectsWith(store.saveShopSettings(id, { ...base, schedule: schedule as never }, LATER), 'VALIDATION');
      }
      await assert.rejects(store.saveShopSettings(id, { ...base, schedule: { ...good, fullSyncCron: '0 9 * *' } }, LATER), /schedule fullSyncCron: "0 9 \* \*" must have 5 fields/);
      await assert.rejects(store.saveShopSettings(id, { ...base, schedule: { ...good, timeZone: 'Mars/Olympus' } }, LATER), /schedule timeZone: "Mars\/Olympus" is not an IANA time zone/);
      assert.deepEqual(await store.getShopSettings(id), saved, 'rejected settings change nothing');
      await store.saveShopSettings(id, base, NOW);
      assert.deepEqual(await store.getShopSettings(id), base, 'settings are replaced as a whole');
    });

    test('updateShopSettings: read-modify-write in one transaction; concurrent updates of different fields all survive', async () => {
      const id = shop('update-settings');
      const schedule = { fullSyncCron: '0 3 * * *', timeZone: 'UTC', incrementalEveryMinutes: 1, paused: false };
      const base: ShopSettings = {
        tagPrefix: 'refinery:', shopify: { accessToken: 'shpat_1', adminOrigin: null }, schedule,
        hubspot: { accessToken: 'h', basePath: null, requestsPerTenSeconds: 110, createContacts: false, authKind: 'oauth', refreshToken: 'r', expiresAt: NOW },
      };
      // Unknown shop: the callback sees null; null saves nothing (and creates no shop).
      assert.equal(await store.updateShopSettings(id, (current) => {
        assert.equal(current, null);
        return null;
      }, NOW), null);
      assert.equal(await store.getShopSettings(id), null);
      // Settings for an unknown shop create it; the result reads back as getShopSettings does.
      const { hubspot: _none, ...withoutHubSpot } = base;
      assert.deepEqual(await store.updateShopSettings(id, () => ({ ...withoutHubSpot, hubspot: undefined }), NOW), { ...withoutHubSpot, hubspot: null });
      assert.ok((await store.listShops()).some((s) => s.shopId === id && s.createdAt === NOW));
      assert.deepEqual(await store.updateShopSettings(id, (current) => (current ? { ...current, hubspot: base.hubspot } : null), LATER), base);
      assert.deepEqual(await store.getShopSettings(id), base, 'secrets are opened for the callback and the result');
      // null: no change; the stored settings are returned.
      assert.deepEqual(await store.updateShopSettings(id, () => null, LATER), base);

      // A failure inside the update changes nothing: the check of the result, or an error of the callback.
      await rejectsWith(store.updateShopSettings(id, (current) => (current ? { ...current, schedule: { ...schedule, timeZone: 'Mars/Olympus' } } : null), LATER), 'VALIDATION');
      await rejectsWith(store.updateShopSettings(id, (current) => (current ? { ...current, shopify: { accessToken: 't', adminOrigin: null, installedAt: 'yesterday' } } : null), LATER), 'VALIDATION');
      await rejectsWith(store.updateShopSettings(id, (current) => {
        if (current?.schedule) current.schedule.paused = true; // changed in place, then thrown: still nothing saved
        throw new RefineryError('INPUT', 'no');
      }, LATER), 'INPUT');
      await rejectsWith(store.updateShopSettings(id, (async () => base) as never, LATER), 'INTERNAL');
      assert.deepEqual(await store.getShopSettings(id), base, 'failed updates change nothing');

      // Two writers on two connections: schedule changes and HubSpot token changes, interleaved.
      // Each is a read-modify-write of one field (a counter), so any lost update shows.
      const second = db.open();
      try {
        const rounds = 20;
        const updates: Array<Promise<unknown>> = [];
        for (let i = 0; i < rounds; i++) {
          updates.push(store.updateShopSettings(id, (current) => {
            if (!current?.schedule) throw new Error('no schedule');
            return { ...current, schedule: { ...current.schedule, incrementalEveryMinutes: (current.schedule.incrementalEveryMinutes ?? 0) + 1 } };
          }, LATER));
          updates.push(second.updateShopSettings(id, (current) => {
            if (!current?.hubspot) throw new Error('no hubspot');
            return { ...current, hubspot: { ...current.hubspot, accessToken: `${current.hubspot.accessToken}+`, refreshToken: `r${i}` } };
          }, LATER));
        }
        await Promise.all(updates);
        const after = await store.getShopSettings(id);
        assert.equal(after?.schedule?.incrementalEveryMinutes, 1 + rounds, 'every schedule change survived');
        assert.equal(after?.hubspot?.accessToken, `h${'+'.repeat(rounds)}`, 'every token change survived');
        assert.equal(after?.shopify?.accessToken, 'shpat_1');

        // Concurrent updates of a shop that does not exist yet: the first creates it, the others update it.
        const fresh = shop('update-settings-created');
        await Promise.all(Array.from({ length: 6 }, (_, i) =>
          (i % 2 === 0 ? store : second).updateShopSettings(fresh, (current) => {
            const every = (current?.schedule?.incrementalEveryMinutes ?? 0) + 1;
            return { ...(current ?? { tagPrefix: 'refinery:', shopify: null }), schedule: { ...schedule, incrementalEveryMinutes: every } };
          }, NOW),
        ));
        assert.equal((await store.getShopSettings(fresh))?.schedule?.incrementalEveryMinutes, 6);
      } finally {
        await second.close();
      }
    });

    test('settings keep the consent policy and reject unknown ones', async () => {
      const id = shop('consent-settings');
      const base: ShopSettings = { tagPrefix: 'refinery:', shopify: null, hubspot: null };
      await store.saveShopSettings(id, base, NOW);
      assert.equal((await store.getShopSettings(id))?.consentPolicy, undefined, 'none saved: read as "all" by its users');
      const subscribed: ShopSettings = { ...base, consentPolicy: 'subscribed-only' };
      await store.saveShopSettings(id, subscribed, NOW);
      assert.deepEqual(await store.getShopSettings(id), subscribed);
      for (const consentPolicy of ['some', '', null, 1, 'ALL']) {
        await rejectsWith(store.saveShopSettings(id, { ...base, consentPolicy: consentPolicy as never }, LATER), 'VALIDATION');
      }
      assert.deepEqual(await store.getShopSettings(id), subscribed, 'rejected settings change nothing');
      await store.saveShopSettings(id, { ...base, consentPolicy: 'all' }, NOW);
      assert.equal((await store.getShopSettings(id))?.consentPolicy, 'all');
    });
    test('model states: null when none, JSON round trip, replaced on save, per shop and name', async () => {
      const id = shop('model-state');
      await store.ensureShop(id, NOW);
      assert.equal(await store.getModelState(id, 'clusters'), null);
      const model = {
        version: 2, k: 5, centroids: [[0.1 + 0.2, -1e-300, 1e21], [0, -5.5, 123456789.123]], scale: { mean: [1, 2], std: [0.5, 4] },
        labels: ['champions', "it's \"quoted\" 🦄 \\ {a,b}"], empty: {}, none: null, flag: true,
      };
      await store.saveModelState(id, 'clusters', model, NOW);
      assert.deepEqual(await store.getModelState(id, 'clusters'), model);
      assert.equal(await store.getModelState(id, 'other'), null);

      const replaced = { version: 3, k: 2 };
      await store.saveModelState(id, 'clusters', replaced, LATER);
      assert.deepEqual(await store.getModelState(id, 'clusters'), replaced, 'replaced as a whole, not merged');
      // Any JSON value, including scalars that look like serialised JSON.
      for (const [name, value] of [['string', '{"not":"parsed"}'], ['number', 42.5], ['array', [1, 'two', null]], ['false', false]] as const) {
        await store.saveModelState(id, name, value, NOW);
        assert.deepEqual(await store.getModelState(id, name), value, name);
      }
      assert.deepEqual(await store.getModelState(id, 'clusters'), replaced);

      const cycle: Record<string, unknown> = {};
      cycle['self'] = cycle;
      const bad: Array<[string, unknown, string]> = [
        ['', { a: 1 }, NOW], ['clusters', undefined, NOW], ['clusters', () => 1, NOW], ['clusters', { n: 1n }, NOW], ['clusters', cycle, NOW],
        ['clusters', { text: 'nul\u0000' }, NOW], ['clusters', { ['key\u0000']: 1 }, NOW], ['clusters', { a: 1 }, 'not a date'], ['nul\u0000name', { a: 1 }, NOW],
      ];
      for (const [name, value, at] of bad) await rejectsWith(store.saveModelState(id, name, value, at), 'VALIDATION');
      await rejectsWith(store.getModelState(id, ''), 'VALIDATION');
      assert.deepEqual(await store.getModelState(id, 'clusters'), replaced, 'rejected saves change nothing');

      const unknown = shop('model-state-unknown');
      await rejectsWith(store.saveModelState(unknown, 'clusters', model, NOW), 'STORE');
      assert.equal(await store.getModelState(unknown, 'clusters'), null);
    });

    test('rule segments: listed by key, upserted by key keeping createdAt, deleted', async () => {
      const id = shop('rules');
      await store.ensureShop(id, NOW);
      assert.deepEqual(await store.listRuleSegments(id), []);
      const spenders = ruleSegment('big-spenders', { rule: "spent > 500 and tag = 'vip' -- \"quoted\" 🦄" });
      const lapsed = ruleSegment('lapsed-2', { name: 'Lapsed (2+ orders)' });
      const a = ruleSegment('a', { createdAt: '2024-01-01T00:00:00.000+02:00' });
      await store.saveRuleSegment(id, spenders);
      await store.saveRuleSegment(id, lapsed);
      await store.saveRuleSegment(id, a);
      assert.deepEqual(await store.listRuleSegments(id), [a, spenders, lapsed]);

      // Replacing keeps the original createdAt, whatever the caller passes.
      const edited = { ...spenders, name: 'Big spenders (edited)', rule: 'spent > 1000', createdAt: LATER, updatedAt: LATER };
      await store.saveRuleSegment(id, edited);
      assert.deepEqual(await store.listRuleSegments(id), [a, { ...edited, createdAt: NOW }, lapsed]);

      assert.equal(await store.deleteRuleSegment(id, 'lapsed-2'), true);
      assert.equal(await store.deleteRuleSegment(id, 'lapsed-2'), false, 'already gone');
      assert.equal(await store.deleteRuleSegment(id, 'never-saved'), false);
      assert.equal(await store.deleteRuleSegment(shop('rules-unknown'), 'a'), false);
      await rejectsWith(store.deleteRuleSegment(id, ''), 'INPUT');
      const expected = [a, { ...edited, createdAt: NOW }];
      assert.deepEqual(await store.listRuleSegments(id), expected);
      // Saved again after a delete: a new segment, with the createdAt given now.
      await store.saveRuleSegment(id, { ...lapsed, createdAt: LATER });
      assert.deepEqual(await store.listRuleSegments(id), [...expected, { ...lapsed, createdAt: LATER }]);
      assert.equal(await store.deleteRuleSegment(id, 'lapsed-2'), true);

      const bad: RuleSegment[] = [
        ruleSegment(''), ruleSegment('Big-Spenders'), ruleSegment('big spenders'), ruleSegment('big_spenders'), ruleSegment('-x'), ruleSegment('x-'),
        ruleSegment('a--b'), ruleSegment('k'.repeat(61)), ruleSegment('a', { name: '' }), ruleSegment('a', { name: '   ' }), ruleSegment('a', { rule: '' }),
        ruleSegment('a', { rule: 'spent > 1\u0000' }), ruleSegment('a', { name: 'nul\u0000' }), ruleSegment('a', { name: 7 as never }),
        ruleSegment('a', { createdAt: 'yesterday' }), ruleSegment('a', { updatedAt: '' }), ruleSegment(7 as never),
      ];
      for (const segment of bad) await rejectsWith(store.saveRuleSegment(id, segment), 'VALIDATION');
      assert.deepEqual(await store.listRuleSegments(id), expected, 'rejected saves change nothing');
      await store.saveRuleSegment(id, ruleSegment('k'.repeat(60)));
      assert.equal(await store.deleteRuleSegment(id, 'k'.repeat(60)), true);

      const unknown = shop('rules-unknown');
      await rejectsWith(store.saveRuleSegment(unknown, a), 'STORE');
      assert.deepEqual(await store.listRuleSegments(unknown), []);
    });

    test('holdout cohorts: recorded once per segment, read back with sorted groups', async () => {
      const id = shop('cohorts');
      await store.ensureShop(id, NOW);
      assert.deepEqual(await store.listHoldoutCohorts(id), []);
      // Byte order differs from JavaScript's UTF-16 order for '\uFF5E' and an emoji, and puts '10' before '9'.
      const treated = ['gid-9', 'gid-10', 'b', 'B', 'é', 'z', '\u{1F600}', '\uFF5E', 'person: "quoted" \\ {a,b}'];
      const holdout = ['h-2', 'h-1', 'H-3'];
      assert.notDeepEqual(byteSorted(treated), [...treated].sort(), 'the test ids tell byte order from UTF-16 order');
      const champions = cohort('champions', treated, holdout, { share: 0.25 });
      assert.equal(await store.startHoldoutCohort(id, champions), true);
      const stored = { ...champions, treated: byteSorted(treated), holdout: byteSorted(holdout) };
      assert.deepEqual(await store.listHoldoutCohorts(id), [stored]);

      // Recorded once: a second call for the same key changes nothing, whatever it holds.
      assert.equal(await store.startHoldoutCohort(id, cohort('champions', ['someone-else'], ['gid-9'], { startedAt: LATER, share: 0.5 })), false);
      assert.equal(await store.startHoldoutCohort(id, champions), false);
      assert.deepEqual(await store.listHoldoutCohorts(id), [stored]);

      // Cohorts are listed by segment key; empty groups and a share of 0 are fine; duplicates within a group are kept once.
      const atRisk = cohort('at-risk', ['p2', 'p1', 'p2'], [], { share: 0, startedAt: '2024-05-02T00:00:00.000+02:00' });
      const empty = cohort('zz-empty', [], []);
      assert.equal(await store.startHoldoutCohort(id, empty), true);
      assert.equal(await store.startHoldoutCohort(id, atRisk), true);
      const all = [{ ...atRisk, treated: ['p1', 'p2'] }, stored, empty];
      assert.deepEqual(await store.listHoldoutCohorts(id), all);

      const bad: HoldoutCohort[] = [
        cohort('', ['a'], []), cohort('Champions', ['a'], []), cohort('new seg', ['a'], []), cohort('new', ['a'], [], { startedAt: 'yesterday' }),
        cohort('new', ['a'], [], { share: -0.1 }), cohort('new', ['a'], [], { share: 0.6 }), cohort('new', ['a'], [], { share: Number.NaN }),
        cohort('new', ['a', ''], []), cohort('new', ['a'], ['']), cohort('new', ['a', 'b'], ['c', 'b']), cohort('new', ['a', 7 as never], []),
        cohort('new', ['nul\u0000'], []), cohort('new', 'a' as never, []), cohort('new', ['a'], null as never),
      ];
      for (const c of bad) await rejectsWith(store.startHoldoutCohort(id, c), 'VALIDATION');
      // A bad cohort for a key already recorded is rejected too, and changes nothing either.
      await rejectsWith(store.startHoldoutCohort(id, cohort('champions', ['a'], ['a'])), 'VALIDATION');
      assert.deepEqual(await store.listHoldoutCohorts(id), all, 'rejected cohorts change nothing');

      const unknown = shop('cohorts-unknown');
      await rejectsWith(store.startHoldoutCohort(unknown, champions), 'STORE');
      assert.deepEqual(await store.listHoldoutCohorts(unknown), []);

      // Calls racing for one key (on PostgreSQL, on separate connections): exactly one records its cohort, whole.
      const racers = Array.from({ length: 4 }, (_, i) => cohort('raced', Array.from({ length: 1500 }, (_, j) => `r${i}-${j}`), [`h${i}`]));
      const results = await Promise.all(racers.map((c) => store.startHoldoutCohort(id, c)));
      assert.equal(results.filter(Boolean).length, 1, `results ${results.join(', ')}`);
      const winner = racers[results.indexOf(true)];
      assert.ok(winner !== undefined);
      const raced = (await store.listHoldoutCohorts(id)).find((c) => c.segmentKey === 'raced');
      assert.deepEqual(raced, { ...winner, treated: byteSorted(winner.treated) });
    });

    test('a holdout cohort of 100,000 people is recorded quickly in one transaction', async (t) => {
      const id = shop('cohort-bulk');
      await store.ensureShop(id, NOW);
      const people = Array.from({ length: 100_000 }, (_, i) => `gid://shopify/Customer/${(i * 7919) % 100_000}`);
      const big = cohort('champions', people.filter((_, i) => i % 10 !== 0), people.filter((_, i) => i % 10 === 0));
      const started = performance.now();
      assert.equal(await store.startHoldoutCohort(id, big), true);
      const written = performance.now() - started;
      const [read] = await store.listHoldoutCohorts(id);
      const elapsed = performance.now() - started;
      t.diagnostic(`${backend.name}: cohort of 100,000 people written in ${written.toFixed(0)} ms, read back in ${(elapsed - written).toFixed(0)} ms`);
      assert.ok(elapsed < 10_000, `recording and reading the cohort took ${elapsed} ms`);
      assert.deepEqual(read, { ...big, treated: byteSorted(big.treated), holdout: byteSorted(big.holdout) });

      // A failing write (a shop that was never ensured) leaves nothing behind, members included.
      await rejectsWith(store.startHoldoutCohort(shop('cohort-bulk-unknown'), big), 'STORE');
      assert.deepEqual(await store.listHoldoutCohorts(shop('cohort-bulk-unknown')), []);
    });

    test('person lookups: customers and contacts by normalised email (case, surrounding whitespace), sorted, per shop', async () => {
      const a = shop('person-a');
      const b = shop('person-b');
      await store.ensureShop(a, NOW);
      await store.ensureShop(b, NOW);
      const ann = [
        customer('17', { source: 'csv', email: 'ann@example.com' }),
        customer('9', { source: 'csv', email: '\u00a0ANN@example.com\n' }),
        customer('gid://shopify/Customer/10', { email: 'ann@example.com ' }),
        customer('gid://shopify/Customer/2', { email: ' Ann@Example.COM\t' }),
      ]; // (source, id) byte order: '17' before '9', 'Customer/10' before 'Customer/2'
      const others = [
        customer('gid://shopify/Customer/3', { email: 'ann@example.co' }),
        customer('gid://shopify/Customer/4', { email: 'ann+shop@example.com' }),
        customer('gid://shopify/Customer/5', { email: 'an n@example.com' }),
        customer('gid://shopify/Customer/6', { email: null }),
        customer('gid://shopify/Customer/7', { email: '  ' }),
        customer('gid://shopify/Customer/8', { email: 'jörg@EXAMPLE.de' }),
        customer('gid://shopify/Customer/9', { email: 'JÖRG@example.de' }),
      ];
      await store.savePage(a, { customers: [...others, ...ann].reverse() });
      await store.savePage(b, { customers: [customer('gid://shopify/Customer/2', { email: 'ann@example.com' }), customer('18', { source: 'csv', email: 'ANN@example.com' })] });

      for (const email of ['ann@example.com', 'ANN@Example.com ', '\tann@EXAMPLE.com\u3000']) {
        assert.deepEqual(await store.findCustomersByEmail(a, email), ann, `lookup by ${JSON.stringify(email)}`);
      }
      assert.deepEqual(
        (await store.findCustomersByEmail(b, 'ann@example.com')).map((c) => `${c.source}:${c.id}`),
        ['csv:18', 'shopify:gid://shopify/Customer/2'],
        'only the shop asked about',
      );
      assert.deepEqual(await store.findCustomersByEmail(shop('person-unknown'), 'ann@example.com'), []);
      assert.deepEqual(await store.findCustomersByEmail(a, 'bob@example.com'), []);
      // ASCII letters only are lower-cased on the stored side (documented): a stored upper-case Ö does not match.
      assert.deepEqual((await store.findCustomersByEmail(a, 'JÖRG@example.de')).map((c) => c.id), ['gid://shopify/Customer/8']);

      const contacts = [contact('301', { email: 'ann@example.com' }), contact('42', { email: ' Ann@Example.com' })]; // id byte order
      await store.savePage(a, { contacts: [contact('5', { email: 'annie@example.com' }), contact('6', { email: null }), ...contacts].reverse() });
      await store.savePage(b, { contacts: [contact('301', { email: 'ann@example.com', firstName: 'Other shop' })] });
      assert.deepEqual(await store.findContactsByEmail(a, 'ANN@example.com'), contacts);
      assert.deepEqual((await store.findContactsByEmail(b, 'ann@example.com')).map((c) => c.firstName), ['Other shop']);
      assert.deepEqual(await store.findContactsByEmail(a, 'bob@example.com'), []);

      for (const bad of ['', '   ', '\t\n\u00a0', 'ann@example.com\u0000', null, 42, undefined]) {
        await rejectsWith(store.findCustomersByEmail(a, bad as never), 'INPUT');
        await rejectsWith(store.findContactsByEmail(a, bad as never), 'INPUT');
      }

      await store.deleteShop(a);
      assert.deepEqual(await store.findCustomersByEmail(a, 'ann@example.com'), []);
      assert.deepEqual(await store.findContactsByEmail(a, 'ann@example.com'), []);
      assert.equal((await store.findCustomersByEmail(b, 'ann@example.com')).length, 2, 'the other shop keeps its rows');
    });

    test('person lookups: orders of several customers, sorted, never guest orders, at most 200 refs', async () => {
      const a = shop('person-orders-a');
      const b = shop('person-orders-b');
      await store.ensureShop(a, NOW);
      await store.ensureShop(b, NOW);
      const gid = 'gid://shopify/Customer/2';
      const wanted = [
        order('k1', '17', { source: 'csv', email: 'ann@example.com' }),
        order('p1', gid, { processedAt: '2024-01-01T00:00:00Z' }),
        order('p2', gid, { processedAt: '2024-01-01T00:00:00Z', cancelledAt: '2024-01-02T00:00:00Z', total: 10 }),
        order('p0', gid, { processedAt: '2024-03-01T00:00:00Z' }),
      ]; // (source, customerId, processedAt, id)
      const unwanted = [
        order('g1', null, { email: 'ann@example.com' }), // a guest checkout with the person's email
        order('g2', null, { source: 'csv', email: ' ANN@example.com' }),
        order('x1', 'gid://shopify/Customer/10'), // a customer not asked for
        order('x2', gid, { source: 'csv' }), // same customer id, other source
        order('x3', '9', { source: 'csv' }),
      ];
      await store.savePage(a, { orders: [...unwanted, ...wanted].reverse() });
      await store.savePage(b, { orders: [order('p1', gid), order('k1', '17', { source: 'csv' })] });

      const refs = [{ source: 'shopify' as const, id: gid }, { source: 'csv' as const, id: '17' }, { source: 'shopify' as const, id: gid }, { source: 'csv' as const, id: 'nobody' }];
      assert.deepEqual(await store.listOrdersOfCustomers(a, refs), wanted);
      assert.deepEqual(await store.listOrdersOfCustomers(a, []), []);
      assert.deepEqual(await store.listOrdersOfCustomers(shop('person-orders-unknown'), refs), []);
      assert.deepEqual((await store.listOrdersOfCustomers(b, refs)).map((o) => `${o.source}:${o.id}`), ['csv:k1', 'shopify:p1'], 'only the shop asked about');

      // What a re-scoring does: the person's customers by email, then their orders (customers are refs as they are).
      await store.savePage(a, { customers: [customer(gid, { email: 'Ann@example.com' }), customer('17', { source: 'csv', email: 'ann@example.com ' })] });
      assert.deepEqual(await store.listOrdersOfCustomers(a, await store.findCustomersByEmail(a, 'ann@example.com')), wanted);

      const many = Array.from({ length: 200 }, (_, i) => ({ source: 'shopify' as const, id: i === 0 ? gid : `gid://shopify/Customer/x${i}` }));
      assert.deepEqual((await store.listOrdersOfCustomers(a, many)).map((o) => o.id), ['p1', 'p2', 'p0']);
      await rejectsWith(store.listOrdersOfCustomers(a, [...many, { source: 'csv', id: '17' }]), 'INPUT');
      const badRefs: unknown[] = [
        { source: 'hubspot', id: '1' }, { source: 'shopify', id: '' }, { source: 'shopify' }, { id: '17' }, { source: 'csv', id: 17 },
        { source: 'csv', id: 'a\u0000b' }, null, 'csv:17',
      ];
      for (const bad of badRefs) await rejectsWith(store.listOrdersOfCustomers(a, [{ source: 'csv', id: '17' }, bad as never]), 'INPUT');
      await rejectsWith(store.listOrdersOfCustomers(a, null as never), 'INPUT');
      await rejectsWith(store.listOrdersOfCustomers(a, { source: 'csv', id: '17' } as never), 'INPUT');

      await store.deleteShop(a);
      assert.deepEqual(await store.listOrdersOfCustomers(a, refs), []);
      assert.equal((await store.listOrdersOfCustomers(b, refs)).length, 2, 'the other shop keeps its orders');
    });

    test('pixel events: a batch in one transaction, replays and repeated ids are duplicates, listed by customer and time, per shop', async () => {
      const a = shop('pixel-a');
      const b = shop('pixel-b');
      await store.ensureShop(a, NOW);
      await store.ensureShop(b, NOW);
      const gid = 'gid://shopify/Customer/42';
      const event = (id: string, overrides: Partial<PixelEventRecord> = {}): PixelEventRecord => ({
        eventId: id, clientId: 'client-1', customerId: gid, name: 'product_viewed', occurredAt: '2024-05-01T10:00:00.000Z', url: 'https://pixel-a.example/products/x',
        data: { productId: '7', price: 12.5, currency: 'EUR', searchQuery: 'ünïcode "quotes"' }, receivedAt: NOW, ...overrides,
      });
      const batch = [
        event('e1'),
        event('e2', { customerId: null, name: 'page_viewed', url: null, data: {}, occurredAt: '2024-05-01T09:00:00.000Z' }),
        event('e3', { occurredAt: '2024-05-01T11:00:00.000Z' }),
        event('e1', { name: 'cart_viewed' }),
      ];
      assert.deepEqual(await store.savePixelEvents(a, batch), { inserted: 3, duplicates: 1 });
      assert.deepEqual(await store.savePixelEvents(a, [event('e3', { name: 'checkout_started' }), event('e4')]), { inserted: 1, duplicates: 1 });
      assert.deepEqual(await store.savePixelEvents(b, [event('e1')]), { inserted: 1, duplicates: 0 }, 'the same id in another shop is another event');
      assert.equal(await store.countPixelEvents(a), 4);
      assert.equal(await store.countPixelEvents(b), 1);
      const all = await store.listPixelEvents(a, { limit: 100 });
      assert.deepEqual(all.map((e) => e.eventId), ['e2', 'e1', 'e4', 'e3']);
      assert.deepEqual(all[1], event('e1'), 'round trip, the first copy kept');
      assert.deepEqual(all[0], event('e2', { customerId: null, name: 'page_viewed', url: null, data: {}, occurredAt: '2024-05-01T09:00:00.000Z' }));
      assert.deepEqual((await store.listPixelEvents(a, { customerId: gid, since: '2024-05-01T10:30:00.000Z', limit: 100 })).map((e) => e.eventId), ['e3']);
      assert.deepEqual((await store.listPixelEvents(a, { customerId: gid, limit: 2 })).map((e) => e.eventId), ['e1', 'e4']);
      assert.deepEqual(await store.listPixelEvents(shop('pixel-none'), { limit: 10 }), []);

      // Checked before anything is written.
      for (const bad of [{ eventId: '' }, { customerId: '42' }, { occurredAt: 'yesterday' }, { url: 'x'.repeat(2049) }, { data: [] as unknown as Record<string, unknown> }, { clientId: 'a\u0000b' }]) {
        await rejectsWith(store.savePixelEvents(a, [event('ok-1'), event('bad', bad)]), 'VALIDATION');
      }
      assert.equal(await store.countPixelEvents(a), 4);
      await rejectsWith(store.listPixelEvents(a, { limit: 0 }), 'INPUT');
      await rejectsWith(store.savePixelEvents(shop('pixel-unknown'), [event('e1')]), 'STORE');

      // Data requests include them; a customer's redaction removes them; deleteShop removes the rest.
      const subject = { shopifyCustomerIds: [gid], emails: [], shopifyOrderIds: [] };
      assert.deepEqual((await store.collectPersonData(a, subject)).pixelEvents.map((e) => e.eventId), ['e1', 'e4', 'e3']);
      const counts = await store.redactPerson(a, subject, { suppress: [], keepRequestId: null, at: NOW });
      assert.equal(counts['pixel_events'], 3);
      assert.deepEqual((await store.listPixelEvents(a, { limit: 100 })).map((e) => e.eventId), ['e2']);
      assert.equal(await store.countPixelEvents(b), 1, "another shop's events of the same customer id stay");
      await store.deleteShop(a);
      assert.equal(await store.countPixelEvents(a), 0);
      await store.deleteShop(b);
      assert.equal(await store.countPixelEvents(b), 0);
    });

    test('pixel events of customers: keyset pages by (customer, time, id), since and names filters; retention by time', async () => {
      const a = shop('pixel-keyset');
      const b = shop('pixel-keyset-other');
      await store.ensureShop(a, NOW);
      await store.ensureShop(b, NOW);
      const event = (id: string, customer: string | null, occurredAt: string, name = 'page_viewed'): PixelEventRecord => ({
        eventId: id, clientId: 'c', customerId: customer === null ? null : `gid://shopify/Customer/${customer}`, name, occurredAt, url: null, data: {}, receivedAt: NOW,
      });
      await store.savePixelEvents(a, [
        event('a1', '9', '2024-05-01T10:00:00.000Z'),
        event('a2', '10', '2024-05-01T09:00:00.000Z', 'product_added_to_cart'),
        event('a3', '10', '2024-05-01T09:00:00.000Z'),
        event('a4', '10', '2024-04-01T09:00:00.000Z'),
        event('a5', null, '2024-05-01T09:00:00.000Z'),
        event('a6', '9', '2024-03-01T09:00:00.000Z', 'cart_viewed'),
      ]);
      await store.savePixelEvents(b, [event('b1', '9', '2024-05-01T10:00:00.000Z')]);
      const since = '2024-01-01T00:00:00.000Z';
      // Byte order of the GIDs: .../10 before .../9; anonymous events never.
      const all = await store.listCustomerPixelEvents(a, { since, limit: 100 });
      assert.deepEqual(all.map((e) => e.eventId), ['a4', 'a2', 'a3', 'a6', 'a1']);
      assert.deepEqual(all[0], { customerId: 'gid://shopify/Customer/10', clientId: 'c', name: 'page_viewed', occurredAt: '2024-04-01T09:00:00.000Z', eventId: 'a4' });
      const pages: string[][] = [];
      let after: [string, string, string] | null = null;
      for (;;) {
        const page = await store.listCustomerPixelEvents(a, { since, after, limit: 2 });
        if (page.length === 0) break;
        pages.push(page.map((e) => e.eventId));
        const last = page[page.length - 1]!;
        after = [last.customerId, last.occurredAt, last.eventId];
      }
      assert.deepEqual(pages, [['a4', 'a2'], ['a3', 'a6'], ['a1']]);
      assert.deepEqual((await store.listCustomerPixelEvents(a, { since: '2024-04-15T00:00:00.000Z', names: ['page_viewed', 'cart_viewed'], limit: 100 })).map((e) => e.eventId), ['a3', 'a1']);
      await rejectsWith(store.listCustomerPixelEvents(a, { since: 'soon', limit: 10 }), 'INPUT');
      await rejectsWith(store.listCustomerPixelEvents(a, { since, names: [], limit: 10 }), 'INPUT');
      await rejectsWith(store.listCustomerPixelEvents(a, { since, limit: 10_001 }), 'INPUT');

      assert.equal(await store.deletePixelEventsBefore(a, '2024-04-15T00:00:00Z'), 2);
      assert.deepEqual((await store.listPixelEvents(a, { limit: 100 })).map((e) => e.eventId).sort(), ['a1', 'a2', 'a3', 'a5']);
      assert.equal(await store.countPixelEvents(b), 1, 'retention is per shop');
      await rejectsWith(store.deletePixelEventsBefore(a, 'never'), 'INPUT');
      await store.deleteShop(a);
      await store.deleteShop(b);
    });

    test('migrating to version 4 indexes the emails already stored', async () => {
      const old = backend.createDatabase();
      try {
        const v3 = old.open(MIGRATIONS.filter((m) => m.version <= 3));
        await v3.migrate();
        const id = shop('from-v3');
        await v3.ensureShop(id, NOW);
        await v3.savePage(id, {
          customers: [customer('c1', { email: ' Ann@Example.com' }), customer('c2', { source: 'csv', email: 'ANN@example.com' })],
          contacts: [contact('7', { email: 'ANN@example.com ' })],
          orders: [order('o1', 'c1')],
        });
        await v3.close();
        const latest = old.open(MIGRATIONS);
        await latest.migrate();
        assert.deepEqual((await latest.appliedMigrations()).map((m) => m.version), MIGRATIONS.map((m) => m.version));
        assert.deepEqual((await latest.findCustomersByEmail(id, 'ann@example.com')).map((c) => `${c.source}:${c.id}`), ['csv:c2', 'shopify:c1']);
        assert.deepEqual((await latest.findContactsByEmail(id, 'ann@example.com')).map((c) => c.id), ['7']);
        assert.deepEqual((await latest.listOrdersOfCustomers(id, [{ source: 'shopify', id: 'c1' }])).map((o) => o.id), ['o1']);
      } finally {
        await old.drop();
      }
    });

    test('migrating a version-1 database that holds data to the latest version keeps the data', async () => {
      const old = backend.createDatabase();
      try {
        const v1 = old.open(MIGRATIONS.filter((m) => m.version === 1));
        await v1.migrate();
        assert.deepEqual((await v1.appliedMigrations()).map((m) => m.version), [1]);
        const id = shop('from-v1');
        const settings: ShopSettings = { tagPrefix: 'v1:', shopify: { accessToken: 'shpat_v1', adminOrigin: null } };
        await v1.saveShopSettings(id, settings, NOW);
        const customers = [customer('c2', { source: 'csv' }), customer('c1')]; // in stream order
        const orders = [order('o1', 'c1'), order('o2', null)];
        await v1.savePage(id, { customers, orders, checkpoint: { stream: 'orders', value: 'cursor-v1' } });
        await v1.recordMembershipWrite(id, { platform: 'shopify', added: [{ segmentKey: 'champions', customerId: 'c1' }], removed: [], at: NOW });
        const segment: RemoteSegment = { platform: 'shopify', segmentKey: 'champions', remoteId: 'gid://shopify/Segment/9', name: 'Champions', query: 'q', updatedAt: NOW };
        await v1.saveRemoteSegment(id, segment);
        await v1.saveSegmentSnapshot(id, [snapshot('champions', 1)]);
        const run = await v1.startRun(id, 'schedule', NOW);
        await v1.close();

        const latest = old.open(MIGRATIONS);
        await latest.migrate();
        assert.deepEqual((await latest.appliedMigrations()).map((m) => m.version), MIGRATIONS.map((m) => m.version));
        assert.deepEqual(await latest.getShopSettings(id), { ...settings, hubspot: null });
        assert.deepEqual((await collect(latest.iterateCustomers(id))).items, customers);
        assert.deepEqual((await collect(latest.iterateOrders(id))).items, orders);
        assert.equal(await latest.getCheckpoint(id, 'orders'), 'cursor-v1');
        assert.deepEqual(await latest.getWrittenMemberships(id, 'shopify'), new Map([['champions', new Set(['c1'])]]));
        assert.deepEqual(await latest.getRemoteSegments(id, 'shopify'), [segment]);
        assert.deepEqual(await latest.listSegmentSnapshot(id), [snapshot('champions', 1)]);
        assert.deepEqual(await latest.listRuns(id), [run]);

        // The new tables work next to the old rows, and deleteShop clears them all.
        await latest.savePage(id, { contacts: [contact('601')] });
        assert.deepEqual(await latest.getContact(id, '601'), contact('601'));
        await latest.recordMembershipWrite(id, { platform: 'hubspot', added: [{ segmentKey: 'champions', customerId: '601' }], removed: [], at: NOW });
        await latest.recordPropertyWrites(id, [{ contactId: '601', values: { refinery_segment: 'champions' } }], NOW);
        await latest.saveRemoteSegment(id, { ...segment, platform: 'hubspot', remoteId: '12' });
        assert.deepEqual(await latest.getWrittenMemberships(id, 'shopify'), new Map([['champions', new Set(['c1'])]]));
        assert.deepEqual(await latest.getRemoteSegments(id, 'shopify'), [segment]);
        await latest.saveModelState(id, 'clusters', { k: 3 }, NOW);
        await latest.saveRuleSegment(id, ruleSegment('big-spenders'));
        assert.equal(await latest.startHoldoutCohort(id, cohort('champions', ['c1'], ['c2'])), true);
        assert.deepEqual(await latest.getModelState(id, 'clusters'), { k: 3 });
        assert.deepEqual(await latest.listRuleSegments(id), [ruleSegment('big-spenders')]);
        assert.deepEqual(await latest.listHoldoutCohorts(id), [cohort('champions', ['c1'], ['c2'])]);
        await latest.deleteShop(id);
        assert.equal(await latest.countContacts(id), 0);
        assert.equal(await latest.countCustomers(id), 0);
        assert.equal((await latest.getWrittenProperties(id)).size, 0);
        assert.equal((await latest.getWrittenMemberships(id, 'hubspot')).size, 0);
        assert.equal(await latest.getModelState(id, 'clusters'), null);
        assert.deepEqual(await latest.listRuleSegments(id), []);
        assert.deepEqual(await latest.listHoldoutCohorts(id), []);
        assert.deepEqual(await latest.listShops(), []);
      } finally {
        await old.drop();
      }
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
