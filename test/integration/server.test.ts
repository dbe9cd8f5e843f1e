// The web process: Shopify webhooks checked by HMAC on the raw body and enqueued, the queue
// dashboard and "sync now" behind admin authentication, bad requests refused with a clear 4xx.
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { after, before, test } from 'node:test';
import { createBullQueues, type BullQueues } from '../../app/jobs/bull-queues.ts';
import { QUEUE_NAMES, type JobData, type JobQueue, type QueueKind } from '../../app/jobs/job-types.ts';
import { createServer } from '../../app/server/create-server.ts';
import { createStore } from '../../app/store/create-store.ts';
import type { Store } from '../../app/store/store.ts';
import { REDIS_URL } from '../support/redis.ts';
import { orderWebhookBody } from '../support/webhook-fixtures.ts';
import { signatureV3 } from '../emulators/hubspot/webhooks.ts';

const SECRET = 'shpss_test_secret';
const HUBSPOT_SECRET = 'hubspot-client-secret';
const SHOP = 'server-test.myshopify.com';
const admin = { user: 'ops', password: 'correct horse battery staple' };
let store: Store;
let queues: BullQueues;
let server: Server;
let base = '';
const enqueued: Array<{ kind: QueueKind; data: unknown; jobId?: string }> = [];

before(async () => {
  store = await createStore({ sqlitePath: ':memory:' });
  await store.saveShopSettings(SHOP, {
    tagPrefix: 'refinery:',
    shopify: { accessToken: 'x', adminOrigin: null },
    hubspot: { accessToken: 'pat-x', basePath: null, requestsPerTenSeconds: 100, createContacts: false, portalId: 4242 },
  }, new Date().toISOString());
  queues = createBullQueues({ redisUrl: REDIS_URL, prefix: `refinery-test-${randomUUID().slice(0, 8)}` });
  const queue: JobQueue = {
    async enqueue<K extends QueueKind>(kind: K, data: JobData[K], options: { jobId?: string } = {}) {
      enqueued.push({ kind, data, ...(options.jobId ? { jobId: options.jobId } : {}) });
    },
  };
  const app = createServer({ store, queue, queues, shopifyApiSecret: SECRET, hubspotClientSecret: HUBSPOT_SECRET, admin, now: () => new Date() });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await queues.close();
  await store.close();
});

function signed(body: string, secret = SECRET): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

function deliver(body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${base}/webhooks/shopify`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

const headersFor = (body: string, extra: Record<string, string> = {}) => ({
  'X-Shopify-Topic': 'orders/create',
  'X-Shopify-Shop-Domain': SHOP,
  'X-Shopify-Event-Id': 'evt-1',
  'X-Shopify-Webhook-Id': 'wh-1',
  'X-Shopify-Hmac-Sha256': signed(body),
  ...extra,
});

test('a signed webhook is acknowledged and enqueued once per event id; a forged or unsigned one is 401 and enqueues nothing', async () => {
  const body = JSON.stringify(orderWebhookBody({ orderId: 1, customer: { id: 5, email: 'a@example.com' }, at: new Date().toISOString(), total: 10 }));
  const ok = await deliver(body, headersFor(body));
  assert.equal(ok.status, 200);
  assert.equal(enqueued.length, 1);
  assert.equal(enqueued[0]?.kind, 'ingest');
  assert.equal(enqueued[0]?.jobId, `ingest|${SHOP}|shopify|evt-1`);
  assert.deepEqual((enqueued[0]?.data as { eventId: string }).eventId, 'evt-1');

  const before = enqueued.length;
  for (const headers of [
    headersFor(body, { 'X-Shopify-Hmac-Sha256': signed(body, 'another secret') }),
    headersFor(body, { 'X-Shopify-Hmac-Sha256': signed(`${body} `) }),
    (() => {
      const h: Record<string, string> = headersFor(body);
      delete h['X-Shopify-Hmac-Sha256'];
      return h;
    })(),
  ]) {
    const res = await deliver(body, headers);
    assert.equal(res.status, 401);
  }
  // Tampered body with the original signature.
  assert.equal((await deliver(body.replace('"10.00"', '"0.01"'), headersFor(body))).status, 401);
  assert.equal(enqueued.length, before, 'nothing enqueued for a bad signature');

  // The same event again (Shopify's retry, or a replay): acknowledged as a duplicate, not enqueued,
  // even once the first job has left the queue (the ids are kept in the store).
  const again = await deliver(body, headersFor(body));
  assert.equal(again.status, 200);
  assert.deepEqual(await again.json(), { duplicate: true });
  assert.equal(enqueued.length, before);
});

test('replays of old deliveries are refused; unknown topics are acknowledged and counted; bulk_operations/finish needs no work', async () => {
  const body = JSON.stringify(orderWebhookBody({ orderId: 2, customer: null, at: new Date().toISOString(), total: 5 }));
  const before = enqueued.length;
  const old = new Date(Date.now() - 49 * 3600_000).toISOString();
  const stale = await deliver(body, headersFor(body, { 'X-Shopify-Event-Id': 'evt-old', 'X-Shopify-Triggered-At': old }));
  assert.equal(stale.status, 200);
  assert.equal(((await stale.json()) as { ignored: string }).ignored, 'stale delivery');
  // A retry four hours later keeps the event's trigger time and is taken.
  const retry = await deliver(body, headersFor(body, { 'X-Shopify-Event-Id': 'evt-retry', 'X-Shopify-Triggered-At': new Date(Date.now() - 4 * 3600_000).toISOString() }));
  assert.deepEqual(await retry.json(), { queued: true });
  for (const n of [1, 2]) {
    const unknown = await deliver(body, headersFor(body, { 'X-Shopify-Topic': 'products/create', 'X-Shopify-Event-Id': `evt-p${n}` }));
    assert.equal(unknown.status, 200);
    assert.deepEqual(await unknown.json(), { ignored: 'unknown topic', count: n, topic: 'products/create' });
  }
  const finished = await deliver('{"admin_graphql_api_id":"gid://shopify/BulkOperation/1"}', headersFor('{"admin_graphql_api_id":"gid://shopify/BulkOperation/1"}', { 'X-Shopify-Topic': 'bulk_operations/finish', 'X-Shopify-Event-Id': 'evt-bulk' }));
  assert.equal(finished.status, 200);
  assert.equal(enqueued.length, before + 1, 'only the retry was enqueued');
  const auth = `Basic ${Buffer.from(`${admin.user}:${admin.password}`).toString('base64')}`;
  const stats = (await (await fetch(`${base}/admin/webhooks/stats`, { headers: { authorization: auth } })).json()) as { shopify: { acknowledgedWithoutWork: Record<string, number> } };
  assert.equal(stats.shopify.acknowledgedWithoutWork['unknown topic'], 2);
  assert.equal(stats.shopify.acknowledgedWithoutWork['stale delivery'], 1);
});

test('webhook bad input: missing headers, a malformed shop, JSON that does not parse, an oversized body, an unknown shop', async () => {
  const body = '{"id":1}';
  const missing = headersFor(body);
  delete (missing as Record<string, string>)['X-Shopify-Event-Id'];
  delete (missing as Record<string, string>)['X-Shopify-Webhook-Id'];
  assert.equal((await deliver(body, missing)).status, 400);
  assert.equal((await deliver(body, headersFor(body, { 'X-Shopify-Shop-Domain': 'evil.example.com' }))).status, 400);
  const broken = '{"id": 1,';
  assert.equal((await deliver(broken, headersFor(broken))).status, 400);
  const huge = JSON.stringify({ pad: 'x'.repeat(1_100_000) });
  assert.equal((await deliver(huge, headersFor(huge))).status, 413);
  const other = await deliver(body, headersFor(body, { 'X-Shopify-Shop-Domain': 'not-ours.myshopify.com' }));
  assert.equal(other.status, 200, 'a signed delivery for a shop we do not serve is acknowledged');
  assert.equal(((await other.json()) as { ignored: string }).ignored, 'unknown shop');
});

test('the queue dashboard and sync now need the admin credentials', async () => {
  const auth = `Basic ${Buffer.from(`${admin.user}:${admin.password}`).toString('base64')}`;
  const wrong = `Basic ${Buffer.from(`${admin.user}:nope`).toString('base64')}`;
  assert.equal((await fetch(`${base}/admin/queues`)).status, 401);
  assert.equal((await fetch(`${base}/admin/queues`, { headers: { authorization: wrong } })).status, 401);
  const page = await fetch(`${base}/admin/queues`, { headers: { authorization: auth } });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<html/i);
  const api = await fetch(`${base}/admin/queues/api/queues`, { headers: { authorization: auth } });
  assert.equal(api.status, 200);
  const names = ((await api.json()) as { queues: Array<{ name: string }> }).queues.map((q) => q.name).sort();
  // Every queue of job-types.ts (sync, scoring, pushes, ingest, privacy, Flow triggers...) is on the board.
  assert.deepEqual(names, (Object.values(QUEUE_NAMES) as string[]).sort());
  for (const name of ['ingest', 'privacy', 'push-hubspot', 'push-shopify', 'scoring', 'sync-full', 'sync-incremental', 'flow-trigger']) assert.ok((names as string[]).includes(name), name);

  assert.equal((await fetch(`${base}/admin/shops/${SHOP}/sync`, { method: 'POST' })).status, 401);
  const queued = await fetch(`${base}/admin/shops/${SHOP}/sync`, { method: 'POST', headers: { authorization: auth } });
  assert.equal(queued.status, 202);
  assert.equal(enqueued.at(-1)?.kind, 'fullSync');
  assert.equal((await fetch(`${base}/admin/shops/unknown.myshopify.com/sync`, { method: 'POST', headers: { authorization: auth } })).status, 404);
  assert.equal((await fetch(`${base}/admin/shops/bad%20shop/sync`, { method: 'POST', headers: { authorization: auth } })).status, 400);
});

test('without admin credentials configured the dashboard is closed, not open', async () => {
  const app = createServer({ store, queue: { enqueue: async () => {} }, queues, shopifyApiSecret: SECRET, admin: null, now: () => new Date() });
  const closed: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const address = closed.address();
    const res = await fetch(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/admin/queues`);
    assert.equal(res.status, 403);
    assert.match(await res.text(), /REFINERY_ADMIN_USER/);
  } finally {
    await new Promise<void>((resolve) => closed.close(() => resolve()));
  }
});

test('a signed HubSpot delivery goes, event by event, to the shops connected to its portal; a forged one is 401', async () => {
  const event = (eventId: number, portalId: number) => ({ eventId, subscriptionId: 1, portalId, appId: 9, occurredAt: Date.now(), subscriptionType: 'contact.propertyChange', attemptNumber: 0, objectId: 501, propertyName: 'email', propertyValue: 'x@example.com', changeSource: 'CRM_UI' });
  const body = JSON.stringify([event(1, 4242), event(2, 999), { eventId: 'bad' }]);
  const url = `${base}/webhooks/hubspot`;
  const timestamp = Date.now();
  const headers = (signature: string) => ({ 'content-type': 'application/json', 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': String(timestamp) });
  const before = enqueued.length;
  const ok = await fetch(url, { method: 'POST', headers: headers(signatureV3(HUBSPOT_SECRET, 'POST', url, body, timestamp)), body });
  assert.equal(ok.status, 200);
  const result = (await ok.json()) as { queued: number; rejected: Array<{ index: number }> };
  assert.equal(result.queued, 1, 'only the event of the connected portal');
  assert.deepEqual(result.rejected.map((r) => r.index), [2]);
  const job = enqueued.at(-1);
  assert.equal(job?.kind, 'ingest');
  assert.deepEqual([(job?.data as { shopId: string; source: string }).shopId, (job?.data as { source: string }).source], [SHOP, 'hubspot']);
  const forged = await fetch(url, { method: 'POST', headers: headers(signatureV3('another secret', 'POST', url, body, timestamp)), body });
  assert.equal(forged.status, 401);
  assert.equal(enqueued.length, before + 1);
});
