// customers/delete and app/uninstalled as the ingest handler acts on them: the deleted customer
// leaves the store with its recorded memberships and the person is re-scored; an uninstalled shop
// is disconnected (sessions gone, Shopify settings cleared, schedule paused) with its data kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLocalCoordination } from '../../app/jobs/coordination.ts';
import { handleIngest, type HandlerContext } from '../../app/jobs/handlers.ts';
import type { JobData, QueueKind } from '../../app/jobs/job-types.ts';
import { createSqliteStore } from '../../app/store/sqlite-store.ts';
import { customer } from '../../app/store/store-fixtures.ts';
import { realSleep } from '../../connectors/shared/with-retry.ts';

const SHOP = 'lifecycle.myshopify.com';

async function setUp() {
  const store = createSqliteStore({ path: ':memory:' });
  await store.migrate();
  const at = new Date().toISOString();
  await store.saveShopSettings(SHOP, {
    tagPrefix: 'refinery:', shopify: { accessToken: 'shpat_x', adminOrigin: null },
    schedule: { fullSyncCron: '0 3 * * *', timeZone: 'UTC', incrementalEveryMinutes: 15, paused: false },
  }, at);
  await store.savePage(SHOP, { customers: [customer('gid://shopify/Customer/42', { email: 'gone@example.com' }), customer('csv-9', { source: 'csv', email: 'gone@example.com' })] });
  await store.recordMembershipWrite(SHOP, { platform: 'shopify', added: [{ segmentKey: 'champions', customerId: 'gid://shopify/Customer/42' }], removed: [], at });
  const enqueued: Array<{ kind: QueueKind; data: unknown }> = [];
  const ctx: HandlerContext = {
    store, ...createLocalCoordination(),
    queue: { enqueue: async <K extends QueueKind>(kind: K, data: JobData[K]) => void enqueued.push({ kind, data }) },
    deps: { now: () => new Date(), sleep: realSleep, random: Math.random, log: () => {}, progress: () => {} },
    shopLock: { withLock: async (_k, body) => ({ busy: false, value: await body() }) } as HandlerContext['shopLock'],
    personLock: { withLock: async (_k, body) => ({ busy: false, value: await body() }) } as HandlerContext['personLock'],
  };
  return { store, ctx, enqueued };
}

test('customers/delete removes the customer and its recorded memberships, keeps the CSV record, and re-scores the person', async () => {
  const { store, ctx, enqueued } = await setUp();
  const outcome = await handleIngest(ctx, { shopId: SHOP, source: 'shopify', topic: 'customers/delete', eventId: 'evt-del', occurredAt: new Date().toISOString(), payload: { id: 42, admin_graphql_api_id: 'gid://shopify/Customer/42' } });
  assert.deepEqual(outcome, { status: 'stored', personId: 'email:gone@example.com' });
  assert.equal(await store.getCustomer(SHOP, 'shopify', 'gid://shopify/Customer/42'), null);
  assert.ok(await store.getCustomer(SHOP, 'csv', 'csv-9'));
  assert.deepEqual([...(await store.getWrittenMemberships(SHOP, 'shopify')).values()].flatMap((s) => [...s]), []);
  assert.deepEqual(enqueued, [{ kind: 'scoring', data: { shopId: SHOP, personId: 'email:gone@example.com' } }]);
  await store.close();
});

test('app/uninstalled disconnects the shop and pauses its schedule; its data stays', async () => {
  const { store, ctx } = await setUp();
  const outcome = await handleIngest(ctx, { shopId: SHOP, source: 'shopify', topic: 'app/uninstalled', eventId: 'evt-un', occurredAt: new Date().toISOString(), payload: { id: 1, domain: SHOP } });
  assert.equal(outcome.status, 'ignored');
  const settings = await store.getShopSettings(SHOP);
  assert.equal(settings?.shopify, null);
  assert.equal(settings?.schedule?.paused, true);
  assert.equal(await store.countCustomers(SHOP), 2);
  await store.close();
});
