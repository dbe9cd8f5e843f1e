// customers/delete and app/uninstalled as the ingest handler acts on them: the deleted customer
// leaves the store with its recorded memberships and the person is re-scored; an uninstalled shop
// is disconnected (sessions gone, Shopify settings cleared, schedule paused) with its data kept; a
// reinstall resumes the schedule the uninstall paused, and an uninstall that happened before the
// current install (a late job) changes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Session } from '@shopify/shopify-api';
import { createLocalCoordination } from '../../app/jobs/coordination.ts';
import { handleIngest, type HandlerContext } from '../../app/jobs/handlers.ts';
import type { JobData, QueueKind } from '../../app/jobs/job-types.ts';
import { createShopifyApp } from '../../app/server/shopify-app.ts';
import { createSqliteStore } from '../../app/store/sqlite-store.ts';
import type { Store } from '../../app/store/store.ts';
import { customer } from '../../app/store/store-fixtures.ts';
import { realSleep } from '../../connectors/shared/with-retry.ts';

const SHOP = 'lifecycle.myshopify.com';

async function setUp(options: { paused?: boolean } = {}) {
  const store = createSqliteStore({ path: ':memory:' });
  await store.migrate();
  const at = new Date().toISOString();
  await store.saveShopSettings(SHOP, {
    tagPrefix: 'refinery:', shopify: { accessToken: 'shpat_x', adminOrigin: null },
    schedule: { fullSyncCron: '0 3 * * *', timeZone: 'UTC', incrementalEveryMinutes: 15, paused: options.paused ?? false },
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

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** The install hook as the app runs it after a token exchange: the session stored, then afterAuth. */
async function install(store: Store, accessToken: string): Promise<void> {
  const app = createShopifyApp(
    { apiKey: 'lifecycle-key', apiSecret: 'lifecycle-secret', appUrl: 'https://app.example.com', adminOrigin: null, appBridgeUrl: 'https://cdn.shopify.com/shopifycloud/app-bridge.js' },
    { store, now: () => new Date(), log: () => {} },
  );
  const session = new Session({ id: `offline_${SHOP}`, shop: SHOP, state: 'installed', isOnline: false, accessToken });
  await app.sessionStorage.storeSession(session);
  await app.afterAuth(session);
}

const uninstalled = (occurredAt: string, eventId = 'evt-un') => ({ shopId: SHOP, source: 'shopify' as const, topic: 'app/uninstalled', eventId, occurredAt, payload: { id: 1, domain: SHOP } });

test('a reinstall after an uninstall resumes the schedule the uninstall paused, and keeps a pause of the merchant', async () => {
  const { store, ctx } = await setUp();
  await install(store, 'shpat_first');
  await handleIngest(ctx, uninstalled(new Date().toISOString()));
  const gone = await store.getShopSettings(SHOP);
  assert.equal(gone?.schedule?.paused, true);
  assert.equal(gone?.uninstalled?.pausedSchedule, true);
  // A second delivery of the uninstall (another event id) keeps the record that it paused the schedule.
  await handleIngest(ctx, uninstalled(new Date().toISOString(), 'evt-un-2'));
  assert.equal((await store.getShopSettings(SHOP))?.uninstalled?.pausedSchedule, true);

  await install(store, 'shpat_second');
  const back = await store.getShopSettings(SHOP);
  assert.equal(back?.shopify?.accessToken, 'shpat_second');
  assert.equal(back?.schedule?.paused, false, 'the schedule runs again');
  assert.equal(back?.uninstalled, undefined);
  assert.equal((await store.loadShopifySession(`offline_${SHOP}`))?.accessToken, 'shpat_second');
  await store.close();

  // The merchant had paused the schedule before uninstalling: it stays paused after the reinstall.
  const paused = await setUp({ paused: true });
  await install(paused.store, 'shpat_first');
  await handleIngest(paused.ctx, uninstalled(new Date().toISOString()));
  assert.equal((await paused.store.getShopSettings(SHOP))?.uninstalled?.pausedSchedule, false);
  await install(paused.store, 'shpat_second');
  const kept = await paused.store.getShopSettings(SHOP);
  assert.equal(kept?.schedule?.paused, true);
  assert.equal(kept?.shopify?.accessToken, 'shpat_second');
  await paused.store.close();
});

test('an app/uninstalled that happened before the current install (a late job) leaves the session, the token and the schedule', async () => {
  const { store, ctx } = await setUp();
  await handleIngest(ctx, uninstalled(minutesAgo(10)));
  await install(store, 'shpat_reinstalled');
  // The job of an uninstall that happened a minute ago (before the reinstall) runs only now.
  const outcome = await handleIngest(ctx, uninstalled(minutesAgo(1), 'evt-late'));
  assert.deepEqual(outcome, { status: 'ignored', reason: 'app uninstalled before the current install: nothing removed' });
  const settings = await store.getShopSettings(SHOP);
  assert.equal(settings?.shopify?.accessToken, 'shpat_reinstalled');
  assert.equal(settings?.schedule?.paused, false);
  assert.equal((await store.loadShopifySession(`offline_${SHOP}`))?.accessToken, 'shpat_reinstalled');
  // An uninstall after the install is carried out.
  await handleIngest(ctx, uninstalled(new Date(Date.now() + 1000).toISOString(), 'evt-now'));
  assert.equal((await store.getShopSettings(SHOP))?.shopify, null);
  assert.equal(await store.loadShopifySession(`offline_${SHOP}`), null);
  await store.close();
});
