// Shopify's compliance webhooks end to end, on SQLite and on PostgreSQL, with the real Redis and
// bull: a shop holds a customer known on Shopify, in a CSV import and in HubSpot, with orders,
// recorded memberships and properties, a holdout cohort, a run report and a model state naming
// them, queued jobs and Redis keys. Signed webhooks go through the HTTP server; the privacy queue
// is worked by the app's handler; then every table, every Redis key and every job is searched.
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Redis } from 'ioredis';
import { createBullQueues } from '../../app/jobs/bull-queues.ts';
import { createRedisCoordination } from '../../app/jobs/coordination.ts';
import { createHandlers, handleIngest } from '../../app/jobs/handlers.ts';
import { createRedisShopLock } from '../../app/jobs/shop-lock.ts';
import { createRedisPurger } from '../../app/privacy/queue-purge.ts';
import { createServer } from '../../app/server/create-server.ts';
import type { PersonData } from '../../app/store/privacy-records.ts';
import { createPostgresStore } from '../../app/store/postgres-store.ts';
import { createSqliteStore } from '../../app/store/sqlite-store.ts';
import { contact, customer, order } from '../../app/store/store-fixtures.ts';
import { PG_URL } from '../../app/store/store-test-backends.ts';
import type { Store } from '../../app/store/store.ts';
import { realSleep } from '../../connectors/shared/with-retry.ts';
import { deleteRedisKeys, dropSchema } from '../support/cleanup.ts';
import { allJobs, allRedis, allRows, findNeedles, type Database } from '../support/privacy-scan.ts';
import { connectRedis, REDIS_URL } from '../support/redis.ts';
import { orderWebhookBody } from '../support/webhook-fixtures.ts';

const SECRET = 'shpss_privacy_secret';
const SHOP_A = 'privacy-a.myshopify.com';
const SHOP_B = 'privacy-b.myshopify.com';
const ZELDA = { numeric: 987654321, gid: 'gid://shopify/Customer/987654321', email: 'zelda.redactme@example.com', first: 'Zelda', last: 'Quixotic', contactId: '7770001', csvId: 'csv-zq-1' };
const OTHER = { gid: 'gid://shopify/Customer/111222333', email: 'other.keepme@example.com', contactId: '7770002' };
const BOB = { gid: 'gid://shopify/Customer/444555666', email: 'bob.shopb@example.com' };
const NEEDLES = [ZELDA.email, String(ZELDA.numeric), ZELDA.first, ZELDA.last, ZELDA.contactId, ZELDA.csvId];
const now = () => new Date();
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function seed(store: Store): Promise<void> {
  const at = now().toISOString();
  for (const shop of [SHOP_A, SHOP_B]) await store.saveShopSettings(shop, { tagPrefix: 'refinery:', shopify: { accessToken: `shpat_${shop}`, adminOrigin: null } }, at);
  await store.savePage(SHOP_A, {
    customers: [
      customer(ZELDA.gid, { email: ZELDA.email, firstName: ZELDA.first, lastName: ZELDA.last }),
      customer(ZELDA.csvId, { source: 'csv', email: 'Zelda.RedactMe@example.com', firstName: ZELDA.first, lastName: ZELDA.last, marketingState: null }),
      customer(OTHER.gid, { email: OTHER.email, firstName: 'Otto', lastName: 'Keeper' }),
    ],
    orders: [
      order('gid://shopify/Order/5550001', ZELDA.gid, { email: ZELDA.email }),
      order('csv-order-1', ZELDA.csvId, { source: 'csv', email: ZELDA.email }),
      order('gid://shopify/Order/5550002', null),
      order('gid://shopify/Order/5550003', OTHER.gid, { email: OTHER.email }),
    ],
    contacts: [contact(ZELDA.contactId, { email: ZELDA.email, firstName: ZELDA.first, lastName: ZELDA.last }), contact(OTHER.contactId, { email: OTHER.email, firstName: 'Otto', lastName: 'Keeper' })],
  });
  await store.savePage(SHOP_B, { customers: [customer(BOB.gid, { email: BOB.email, firstName: 'Bob', lastName: 'Bee' })] });
  await store.recordMembershipWrite(SHOP_A, { platform: 'shopify', added: [{ segmentKey: 'champions', customerId: ZELDA.gid }, { segmentKey: 'champions', customerId: OTHER.gid }], removed: [], at });
  await store.recordMembershipWrite(SHOP_A, { platform: 'hubspot', added: [{ segmentKey: 'champions', customerId: ZELDA.contactId }], removed: [], at });
  await store.recordPropertyWrites(SHOP_A, [{ contactId: ZELDA.contactId, values: { refinery_segments: 'champions' } }, { contactId: OTHER.contactId, values: { refinery_segments: 'champions' } }], at);
  await store.startHoldoutCohort(SHOP_A, { segmentKey: 'champions', startedAt: at, share: 0.1, treated: [`email:${ZELDA.email}`, `email:${OTHER.email}`], holdout: [] });
  const run = await store.startRun(SHOP_A, 'test', at);
  await store.finishRun(SHOP_A, run.id, 'succeeded', { errors: [{ code: 'PROPERTY_WRITE', message: `Zelda.RedactMe@example.com: rejected` }, { code: 'TAG_WRITE', message: `${OTHER.gid} failed` }] }, at);
  // Storefront events from the web pixel: the customer's (by their customer id), the other's, an anonymous visitor's.
  const pixelEvent = (eventId: string, customerId: string | null, data: Record<string, unknown>) => ({
    eventId, clientId: `browser-${eventId}`, customerId, name: 'product_viewed', occurredAt: at, url: `https://${SHOP_A}/products/hat`, data, receivedAt: at,
  });
  assert.deepEqual(
    await store.savePixelEvents(SHOP_A, [pixelEvent('pz-1', ZELDA.gid, { productId: '1', price: 20 }), pixelEvent('po-1', OTHER.gid, { productId: '2' }), pixelEvent('pa-1', null, { productId: '3' })]),
    { inserted: 3, duplicates: 0 },
  );
  await store.saveModelState(SHOP_A, 'test-assignments', { byPerson: { [`email:${ZELDA.email}`]: 'c1', [`email:${OTHER.email}`]: 'c2' }, people: [`email:${ZELDA.email}`, `email:${OTHER.email}`] }, at);
}

function signedFetch(base: string, path: string, topic: string, shop: string, eventId: string, body: string, secret = SECRET): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', 'X-Shopify-Topic': topic, 'X-Shopify-Shop-Domain': shop, 'X-Shopify-Event-Id': eventId,
      'X-Shopify-Triggered-At': now().toISOString(), 'X-Shopify-Hmac-Sha256': createHmac('sha256', secret).update(body).digest('base64'),
    },
    body,
  });
}

const COMPLIANCE = '/webhooks/shopify/compliance';
const zeldaCustomer = { id: ZELDA.numeric, email: ZELDA.email, phone: '+15550101' };

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > 20_000) throw new Error(`timed out waiting for ${what}`);
    await realSleep(50);
  }
}

for (const kind of ['sqlite', 'postgres'] as const) {
  test(`compliance webhooks on ${kind}: data request, customer redaction, shop redaction`, async (t) => {
    let store: Store;
    let db: Database;
    if (kind === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'refinery-privacy-'));
      db = { kind, path: join(dir, 'refinery.db') };
      store = createSqliteStore({ path: db.path });
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    } else {
      const schema = `refinery_privacy_${process.pid}_${Date.now().toString(36)}`;
      db = { kind, schema };
      store = createPostgresStore({ connectionString: PG_URL, schema });
      cleanups.push(() => dropSchema(schema));
    }
    await store.migrate();
    const prefix = `refinery-test-privacy-${randomUUID().slice(0, 8)}`;
    const queues = createBullQueues({ redisUrl: REDIS_URL, prefix });
    const redis: Redis = await connectRedis();
    const coordination = createRedisCoordination(redis, prefix);
    const app = createServer({ store, queue: queues.queue, shopifyApiSecret: SECRET, admin: null, now });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    cleanups.push(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queues.close();
      await deleteRedisKeys(prefix);
      redis.disconnect();
      await store.close();
    });
    await seed(store);
    // Work in the queues about both customers, and Redis keys naming them.
    const orderBody = (id: number, c: { id: number; email: string }) => JSON.stringify(orderWebhookBody({ orderId: id, customer: c, at: now().toISOString(), total: 20 }));
    assert.equal((await signedFetch(base, '/webhooks/shopify', 'orders/create', SHOP_A, 'evt-z-order', orderBody(5550009, { id: ZELDA.numeric, email: ZELDA.email }))).status, 200);
    assert.equal((await signedFetch(base, '/webhooks/shopify', 'orders/create', SHOP_A, 'evt-o-order', orderBody(5550010, { id: 111222333, email: OTHER.email }))).status, 200);
    assert.equal((await signedFetch(base, '/webhooks/shopify', 'orders/create', SHOP_B, 'evt-b-order', orderBody(5550011, { id: 444555666, email: BOB.email }))).status, 200);
    await queues.queue.enqueue('scoring', { shopId: SHOP_A, personId: `email:${ZELDA.email}` }, { coalesce: { id: `score|${SHOP_A}|email:${ZELDA.email}`, windowMs: 600_000 } });
    await queues.queue.enqueue('scoring', { shopId: SHOP_A, personId: `email:${OTHER.email}` }, { coalesce: { id: `score|${SHOP_A}|email:${OTHER.email}`, windowMs: 600_000 } });
    for (const [shop, person] of [[SHOP_A, `email:${ZELDA.email}`], [SHOP_A, `email:${OTHER.email}`], [SHOP_B, `email:${BOB.email}`]] as const) await coordination.versions.next(shop, person);
    assert.ok(findNeedles(await allRedis(redis, prefix), NEEDLES, (k: { key: string }) => k.key).length > 0, 'the seeded Redis data names the customer');

    // Only the privacy queue is worked: the other jobs stay queued, as they would behind a backlog.
    const handlers = createHandlers({
      store, queue: queues.queue, ...coordination, purger: createRedisPurger(redis, prefix, queues),
      deps: { now, sleep: realSleep, random: Math.random, log: () => {}, progress: () => {} },
      shopLock: createRedisShopLock(redis, { prefix: `${prefix}:lock:shop:` }), personLock: createRedisShopLock(redis, { prefix: `${prefix}:lock:person:` }),
    });
    void queues.queues.privacy.process(async (job) => handlers.privacy(job.data));
    const privacyJobs = async () => (await queues.queues.privacy.getJobCounts()) as unknown as Record<string, number>;
    const completed = (shop: string, id: string) => waitFor(`request ${id}`, async () => (await store.getPrivacyRequest(shop, id))?.status === 'completed');

    await t.test('bad HMAC is 401, a malformed body 400, a body for another shop 400: nothing stored, nothing queued', async () => {
      const body = JSON.stringify({ shop_id: 1, shop_domain: SHOP_A, customer: zeldaCustomer, orders_to_redact: [] });
      assert.equal((await signedFetch(base, COMPLIANCE, 'customers/redact', SHOP_A, 'evt-bad', body, 'not the secret')).status, 401);
      const broken = JSON.stringify({ shop_id: 1, shop_domain: SHOP_A, customer: { email: ZELDA.email } });
      assert.equal((await signedFetch(base, COMPLIANCE, 'customers/redact', SHOP_A, 'evt-broken', broken)).status, 400);
      assert.equal((await signedFetch(base, COMPLIANCE, 'customers/redact', SHOP_A, 'evt-nojson', '{"shop_id":')).status, 400);
      // Shop A's delivery naming shop B's customer: the body's shop must be the delivery's shop.
      const cross = JSON.stringify({ shop_id: 2, shop_domain: SHOP_B, customer: { id: 444555666, email: BOB.email, phone: null }, orders_to_redact: [] });
      assert.equal((await signedFetch(base, COMPLIANCE, 'customers/redact', SHOP_A, 'evt-cross', cross)).status, 400);
      assert.deepEqual(await store.listPrivacyRequests(null), []);
      const counts = await privacyJobs();
      assert.equal((counts.waiting ?? 0) + (counts.active ?? 0) + (counts.completed ?? 0) + (counts.failed ?? 0), 0);
      assert.ok(await store.getCustomer(SHOP_B, 'shopify', BOB.gid));
    });

    await t.test('customers/data_request: the request holds everything stored about the customer; a replay is a duplicate', async () => {
      const body = JSON.stringify({ shop_id: 1, shop_domain: SHOP_A, orders_requested: [5550001, 5550002], customer: zeldaCustomer, data_request: { id: 9999 } });
      const res = await signedFetch(base, COMPLIANCE, 'customers/data_request', SHOP_A, 'evt-dr', body);
      assert.equal(res.status, 200);
      const { request } = (await res.json()) as { request: string };
      const replay = await signedFetch(base, COMPLIANCE, 'customers/data_request', SHOP_A, 'evt-dr', body);
      assert.deepEqual(await replay.json(), { duplicate: true });
      await completed(SHOP_A, request);
      assert.equal((await store.listPrivacyRequests(SHOP_A)).length, 1, 'one request for two deliveries');
      const data = (await store.getPrivacyRequest(SHOP_A, request))?.result as unknown as PersonData;
      assert.deepEqual(data.customers.map((c) => `${c.source}:${c.id}`).sort(), [`csv:${ZELDA.csvId}`, `shopify:${ZELDA.gid}`]);
      assert.deepEqual(data.orders.map((o) => o.id).sort(), ['csv-order-1', 'gid://shopify/Order/5550001', 'gid://shopify/Order/5550002']);
      assert.deepEqual(data.contacts.map((c) => c.id), [ZELDA.contactId]);
      assert.deepEqual(data.writtenMemberships.map((m) => `${m.platform}:${m.recordId}`).sort(), [`hubspot:${ZELDA.contactId}`, `shopify:${ZELDA.gid}`]);
      assert.deepEqual(data.writtenProperties.map((p) => p.contactId), [ZELDA.contactId]);
      assert.deepEqual(data.holdoutCohorts, [{ segmentKey: 'champions', personId: `email:${ZELDA.email}`, group: 'treated' }]);
      assert.ok(data.webhookDeliveries.some((d) => d.deliveryId === 'evt-z-order' && d.topic === 'orders/create'));
      assert.deepEqual(data.mentions.map((m) => m.table).sort(), ['model_states', 'runs']);
      assert.deepEqual(data.pixelEvents.map((e) => e.eventId), ['pz-1']);
    });

    await t.test('customers/redact: no table, Redis key or job holds the customer any more; the other customer is untouched', async () => {
      // The scans see the customer before: in these tables, jobs and keys.
      const before = new Set(findNeedles(await allRows(db), NEEDLES, (r: { table: string }) => r.table));
      for (const table of ['customers', 'orders', 'contacts', 'written_memberships', 'written_properties', 'holdout_members', 'runs', 'model_states', 'webhook_deliveries', 'privacy_requests', 'pixel_events']) {
        assert.ok(before.has(table), `the scan finds the customer in ${table} before the redaction`);
      }
      assert.ok(findNeedles(await allJobs(queues), NEEDLES, (j: { queue: string }) => j.queue).includes('ingest'));
      assert.ok(findNeedles(await allJobs(queues), NEEDLES, (j: { queue: string }) => j.queue).includes('scoring'));
      const body = JSON.stringify({ shop_id: 1, shop_domain: SHOP_A, customer: zeldaCustomer, orders_to_redact: [5550002] });
      const res = await signedFetch(base, '/webhooks/shopify', 'customers/redact', SHOP_A, 'evt-redact', body); // accepted on the main path too
      assert.equal(res.status, 200);
      const { request } = (await res.json()) as { request: string };
      await completed(SHOP_A, request);
      const rows = findNeedles(await allRows(db), NEEDLES, (r: { table: string; text: string }) => `${r.table}: ${r.text.slice(0, 200)}`);
      assert.deepEqual(rows, [], 'rows still naming the customer');
      assert.deepEqual(findNeedles(await allRedis(redis, prefix), NEEDLES, (k: { key: string }) => k.key), [], 'Redis keys still naming the customer');
      assert.deepEqual(findNeedles(await allJobs(queues), NEEDLES, (j: { queue: string; id: string }) => `${j.queue}/${j.id}`), [], 'jobs still naming the customer');
      // The other customer: rows, jobs and keys still there.
      assert.ok(await store.getCustomer(SHOP_A, 'shopify', OTHER.gid));
      assert.equal((await store.findContactsByEmail(SHOP_A, OTHER.email)).length, 1);
      assert.deepEqual((await store.listHoldoutCohorts(SHOP_A))[0]?.treated, [`email:${OTHER.email}`]);
      assert.ok([...((await store.getWrittenMemberships(SHOP_A, 'shopify')).get('champions') ?? [])].includes(OTHER.gid));
      assert.ok(JSON.stringify((await store.listRuns(SHOP_A))[0]?.report).includes(OTHER.gid));
      assert.deepEqual((await store.listPixelEvents(SHOP_A, { limit: 10 })).map((e) => e.eventId).sort(), ['pa-1', 'po-1'], "the other customer's and the anonymous visitor's pixel events stay");
      assert.deepEqual(await store.getModelState(SHOP_A, 'test-assignments'), { byPerson: { [`email:${OTHER.email}`]: 'c2' }, people: [`email:${OTHER.email}`] });
      assert.ok(findNeedles(await allJobs(queues), [OTHER.email], (j: { id: string }) => j.id).length >= 2, 'the other customer\'s ingest and scoring jobs');
      assert.ok(findNeedles(await allRedis(redis, prefix), [OTHER.email], (k: { key: string }) => k.key).length >= 1);
      const done = await store.getPrivacyRequest(SHOP_A, request);
      assert.equal(done?.payload, null);
      assert.ok(((done?.result?.counts ?? {}) as Record<string, number>)['customers'] === 2);
      // A later webhook about the customer is dropped with its reason, not stored again.
      const outcome = await handleIngest(
        { store, queue: queues.queue, ...coordination, deps: { now, sleep: realSleep, random: Math.random, log: () => {}, progress: () => {} }, shopLock: createRedisShopLock(redis), personLock: createRedisShopLock(redis) },
        { shopId: SHOP_A, source: 'shopify', topic: 'orders/create', eventId: 'evt-after-redact', occurredAt: now().toISOString(), payload: JSON.parse(orderBody(5550012, { id: ZELDA.numeric, email: ZELDA.email })) },
      );
      assert.deepEqual(outcome, { status: 'ignored', reason: 'suppressed: the customer was redacted' });
      assert.equal(await store.getCustomer(SHOP_A, 'shopify', ZELDA.gid), null);
      await redis.del(`${prefix}:seen:${SHOP_A}:shopify:evt-after-redact`);
    });

    await t.test('shop/redact: no row, key or job of the shop is left; the other shop is untouched', async () => {
      const body = JSON.stringify({ shop_id: 1, shop_domain: SHOP_A });
      const res = await signedFetch(base, COMPLIANCE, 'shop/redact', SHOP_A, 'evt-shop', body);
      assert.equal(res.status, 200);
      await waitFor('the shop to be gone', async () => (await store.getShopSettings(SHOP_A)) === null && (await privacyJobs()).active === 0);
      await realSleep(200);
      const rows = (await allRows(db)).filter((r) => r.shopId === SHOP_A || r.text.includes(SHOP_A));
      assert.deepEqual(rows.map((r) => r.table), []);
      assert.deepEqual(findNeedles(await allRedis(redis, prefix), [SHOP_A], (k: { key: string }) => k.key), []);
      assert.deepEqual(findNeedles(await allJobs(queues), [SHOP_A], (j: { queue: string; id: string }) => `${j.queue}/${j.id}`), []);
      assert.ok(await store.getCustomer(SHOP_B, 'shopify', BOB.gid));
      assert.ok(findNeedles(await allJobs(queues), [SHOP_B], (j: { id: string }) => j.id).length >= 1, 'shop B\'s job is still queued');
      assert.equal(await coordination.versions.latest(SHOP_B, `email:${BOB.email}`), 1);
      // A later delivery for the redacted shop is acknowledged and dropped.
      const later = await signedFetch(base, COMPLIANCE, 'shop/redact', SHOP_A, 'evt-shop-2', body);
      assert.equal(((await later.json()) as { ignored?: string }).ignored, 'unknown shop');
    });
  });
}
