// The web pixel end to end on SQLite, through the unmodified Shopify SDK against the emulator: the
// install activates the pixel with the endpoint, shop and key in its settings; POST /pixel/events
// takes valid batches (202, stored once, an ingest job that re-scores the customer) and refuses
// everything else with the right status and a counted reason, storing nothing; a redacted
// customer's events are dropped; a shop redaction leaves no pixel event. (The store methods run
// on PostgreSQL too, in app/store/store.contract.test.ts.)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, test } from 'node:test';
import { createLocalCoordination } from '../../app/jobs/coordination.ts';
import { DEFAULT_COALESCE_MS, handleIngest } from '../../app/jobs/handlers.ts';
import type { EnqueueOptions, JobData, JobQueue, QueueKind } from '../../app/jobs/job-types.ts';
import { createLocalShopLock } from '../../app/jobs/shop-lock.ts';
import { activateWebPixel, pixelSettings, type PixelActivation } from '../../app/pixel/activate-pixel.ts';
import { pixelKey } from '../../app/pixel/pixel-key.ts';
import { createMemoryRateLimiter } from '../../app/pixel/rate-limit.ts';
import { handlePrivacy } from '../../app/privacy/privacy-handler.ts';
import { createLocalPurger } from '../../app/privacy/queue-purge.ts';
import { subjectKeys, suppressionDigest } from '../../app/privacy/suppression.ts';
import { createServer } from '../../app/server/create-server.ts';
import { createShopifyApp, type RefineryShopifyApp } from '../../app/server/shopify-app.ts';
import { createSqliteStore } from '../../app/store/sqlite-store.ts';
import { customer } from '../../app/store/store-fixtures.ts';
import type { Store } from '../../app/store/store.ts';
import { createAdminClient } from '../../connectors/shopify/admin-client.ts';
import { WEB_PIXEL_CREATE, WEB_PIXEL_UPDATE } from '../../connectors/shopify/documents.ts';
import { realSleep } from '../../connectors/shared/with-retry.ts';
import { createShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify/index.ts';

const API_KEY = 'refinery-pixel-client-id';
const API_SECRET = `shpss_${randomBytes(8).toString('hex')}`;
const SHOP_A = 'pixel-a.myshopify.com';
const SHOP_B = 'pixel-b.myshopify.com';
const TOKENS: Record<string, string> = { [SHOP_A]: 'shpat_pixel_a', [SHOP_B]: 'shpat_pixel_b' };
const ADMIN = { user: 'ops', password: 'pixel-stats-password' };
const ALICE = { numeric: '7001', gid: 'gid://shopify/Customer/7001', email: 'alice.pixel@example.com' };
const ZED = { numeric: '7002', gid: 'gid://shopify/Customer/7002', email: 'zed.redacted@example.com' };

let dir: string;
let dbPath: string;
let store: Store;
let emulator: ShopifyEmulator;
let shopify: RefineryShopifyApp;
let server: Server;
let base = '';
let clock = Date.now();
const activations: Array<{ shop: string; outcome: PixelActivation | { error: string } }> = [];
const enqueued: Array<{ kind: QueueKind; data: unknown; options: EnqueueOptions | undefined }> = [];
const queue: JobQueue = {
  async enqueue<K extends QueueKind>(kind: K, data: JobData[K], options?: EnqueueOptions) {
    enqueued.push({ kind, data, options });
  },
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'refinery-pixel-'));
  dbPath = join(dir, 'refinery.db');
  store = createSqliteStore({ path: dbPath });
  await store.migrate();
  emulator = await createShopifyEmulator();
  for (const shop of [SHOP_A, SHOP_B]) emulator.addShop(shop, { accessToken: TOKENS[shop] ?? '' });
  server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  emulator.configureApp({ clientId: API_KEY, clientSecret: API_SECRET, appUrl: base });
  shopify = createShopifyApp(
    { apiKey: API_KEY, apiSecret: API_SECRET, appUrl: base, adminOrigin: emulator.origin, appBridgeUrl: `${emulator.origin}/shopifycloud/app-bridge.js` },
    { store, now: () => new Date(), log: () => {}, onPixelActivated: (shop, outcome) => activations.push({ shop, outcome }) },
  );
  // The rate limiter runs on the test's clock, so that a burst is a burst however slow the machine.
  const app = createServer({
    store, queue, shopifyApiSecret: API_SECRET, admin: ADMIN, now: () => new Date(), shopify: { app: shopify },
    pixel: { knownShopTtlMs: 0, limiter: createMemoryRateLimiter({ now: () => clock }), log: () => {} },
  });
  app.get('/app', shopify.ensureInstalled(), (_req, res) => {
    res.type('html').send('<html><body>installed</body></html>');
  });
  server.on('request', app);
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await store.close();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

async function install(shop: string): Promise<void> {
  const page = await fetch(`${base}/app?${emulator.embeddedAppQuery(shop)}`);
  assert.equal(page.status, 200, await page.clone().text());
}

interface EventInput {
  id: string;
  name?: string;
  timestamp?: string;
  customerId?: string | null;
  url?: string | null;
  data?: Record<string, unknown>;
}

function batch(shop: string, events: EventInput[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    v: 1, shop, key: pixelKey(API_SECRET, shop), clientId: 'browser-1', sentAt: new Date().toISOString(),
    events: events.map((e) => ({ name: 'product_viewed', timestamp: new Date().toISOString(), customerId: null, url: `https://${shop}/products/hat`, data: {}, ...e })),
    ...overrides,
  };
}

function post(body: unknown, options: { type?: string; raw?: string } = {}): Promise<Response> {
  return fetch(`${base}/pixel/events`, {
    method: 'POST',
    headers: { 'Content-Type': options.type ?? 'text/plain;charset=UTF-8', Origin: `https://${SHOP_A}` },
    body: options.raw ?? JSON.stringify(body),
  });
}

async function stats(): Promise<{ shops: Record<string, { accepted: number; batches: number; rejected: Record<string, number>; dropped: Record<string, number> }>; unattributed: { rejected: Record<string, number> } }> {
  const response = await fetch(`${base}/admin/pixel/stats`, { headers: { Authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}` } });
  assert.equal(response.status, 200);
  return (await response.json()) as Awaited<ReturnType<typeof stats>>;
}

const pixelRows = (): number => {
  const db = new DatabaseSync(dbPath, { readOnly: true });
  try {
    return Number((db.prepare('SELECT count(*) AS n FROM pixel_events').get() as { n: number }).n);
  } finally {
    db.close();
  }
};

const events = (prefix: string, n: number, customerId: string | null = null): EventInput[] => Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, customerId }));

test('the install activates the web pixel with the endpoint, the shop and its key; a reinstall keeps it, changed settings are updated', async () => {
  await install(SHOP_A);
  await install(SHOP_B);
  for (const shop of [SHOP_A, SHOP_B]) {
    const pixel = emulator.webPixel(shop);
    assert.deepEqual(pixel?.settings, { endpoint: `${base}/pixel/events`, shop, shopKey: pixelKey(API_SECRET, shop) });
  }
  assert.notEqual(pixelKey(API_SECRET, SHOP_A), pixelKey(API_SECRET, SHOP_B));
  assert.deepEqual(activations.map((a) => [a.shop, 'action' in a.outcome ? a.outcome.action : a.outcome.error]), [[SHOP_A, 'created'], [SHOP_B, 'created']]);

  const client = createAdminClient({ shop: SHOP_A, accessToken: TOKENS[SHOP_A] ?? '', adminOrigin: emulator.origin }, { now: () => Date.now(), sleep: realSleep, random: Math.random });
  const id = emulator.webPixel(SHOP_A)?.id;
  assert.deepEqual(await activateWebPixel(client, pixelSettings(base, API_SECRET, SHOP_A)), { action: 'unchanged', id });
  // The app moved: the existing pixel (Shopify answers TAKEN to a second create) gets the new endpoint.
  assert.deepEqual(await activateWebPixel(client, pixelSettings('https://refinery.example.com/', API_SECRET, SHOP_A)), { action: 'updated', id });
  assert.equal(emulator.webPixel(SHOP_A)?.settings['endpoint'], 'https://refinery.example.com/pixel/events');
  assert.deepEqual(await activateWebPixel(client, pixelSettings(base, API_SECRET, SHOP_A)), { action: 'updated', id });
  // The emulator answers a second create with TAKEN, and refuses settings that are not a JSON object of texts.
  const taken = await client.request<{ webPixelCreate: { userErrors: Array<{ code: string }> } }>('webPixelCreate', WEB_PIXEL_CREATE, { webPixel: { settings: '{}' } });
  assert.deepEqual(taken.webPixelCreate.userErrors.map((e) => e.code), ['TAKEN']);
  for (const [settings, code] of [['{not json', 'INVALID_CONFIGURATION_JSON'], ['[1]', 'INVALID_CONFIGURATION_JSON'], ['{"shop":1}', 'INVALID_SETTINGS']] as const) {
    const refused = await client.request<{ webPixelUpdate: { userErrors: Array<{ code: string }> } }>('webPixelUpdate', WEB_PIXEL_UPDATE, { id, webPixel: { settings } });
    assert.deepEqual(refused.webPixelUpdate.userErrors.map((e) => e.code), [code], settings);
  }
  assert.equal(emulator.webPixel(SHOP_A)?.settings['endpoint'], `${base}/pixel/events`);
});

test('a valid batch: 202, stored once, CORS for any storefront, one coalesced ingest job per customer that re-scores the person', async () => {
  await store.savePage(SHOP_A, { customers: [customer(ALICE.gid, { email: ALICE.email })] });
  const preflight = await fetch(`${base}/pixel/events`, { method: 'OPTIONS', headers: { Origin: `https://${SHOP_A}`, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
  assert.equal(preflight.headers.get('access-control-allow-credentials'), null);

  const body = batch(SHOP_A, [
    { id: 'v-1', customerId: ALICE.numeric, data: { productId: 'gid://shopify/Product/1', price: 19.5, currency: 'EUR' } },
    { id: 'v-2', name: 'search_submitted', customerId: ALICE.numeric, data: { searchQuery: 'red hats' } },
    { id: 'v-3', name: 'page_viewed', url: null },
  ]);
  const response = await post(body);
  assert.equal(response.status, 202, await response.clone().text());
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  assert.deepEqual(await response.json(), { accepted: 3, duplicates: 0, dropped: 0 });
  assert.equal(await store.countPixelEvents(SHOP_A), 3);
  const stored = await store.listPixelEvents(SHOP_A, { customerId: ALICE.gid, limit: 10 });
  assert.deepEqual(stored.map((e) => [e.eventId, e.name, e.clientId]).sort(), [['v-1', 'product_viewed', 'browser-1'], ['v-2', 'search_submitted', 'browser-1']]);
  assert.deepEqual(stored.find((e) => e.eventId === 'v-2')?.data, { searchQuery: 'red hats' });

  const jobs = enqueued.filter((j) => j.kind === 'ingest');
  assert.equal(jobs.length, 1, 'one job for the one customer');
  const job = jobs[0];
  assert.deepEqual(job?.options, { coalesce: { id: `ingest|${SHOP_A}|pixel|${ALICE.gid}`, windowMs: 2000 } });
  const data = job?.data as JobData['ingest'];
  assert.equal(data.source, 'pixel');
  assert.deepEqual(data.payload, { customerId: ALICE.gid, events: 2 });

  // The handler takes it: the person is re-scored (a scoring job, coalesced per person).
  const scoring: unknown[] = [];
  const ctx = {
    store, ...createLocalCoordination(), shopLock: createLocalShopLock(), personLock: createLocalShopLock(),
    deps: { now: () => new Date(), sleep: realSleep, random: Math.random, log: () => {}, progress: () => {} },
    queue: { enqueue: async (kind: QueueKind, jobData: unknown, options?: EnqueueOptions) => void scoring.push({ kind, jobData, options }) } as JobQueue,
  };
  assert.deepEqual(await handleIngest(ctx, data), { status: 'stored', personId: `email:${ALICE.email}` });
  assert.deepEqual(scoring, [{ kind: 'scoring', jobData: { shopId: SHOP_A, personId: `email:${ALICE.email}` }, options: { coalesce: { id: `score|${SHOP_A}|email:${ALICE.email}`, windowMs: DEFAULT_COALESCE_MS } } }]);
  assert.deepEqual(await handleIngest(ctx, data), { status: 'duplicate' });
  assert.deepEqual(await handleIngest(ctx, { ...data, eventId: 'pixel-other', payload: { customerId: 'gid://shopify/Customer/99999' } }), { status: 'ignored', reason: 'the customer is not synced yet: the next sync scores them' });

  // The replay: duplicates, nothing stored twice, nothing queued.
  enqueued.length = 0;
  const replay = await post(body);
  assert.equal(replay.status, 202);
  assert.deepEqual(await replay.json(), { accepted: 0, duplicates: 3, dropped: 0 });
  assert.equal(await store.countPixelEvents(SHOP_A), 3);
  assert.deepEqual(enqueued, []);
  const counters = (await stats()).shops[SHOP_A];
  assert.equal(counters?.accepted, 3);
  assert.equal(counters?.dropped['duplicate'], 3);
});

test('refusals: the right status and reason, counted, nothing stored, never a stack', async () => {
  const before = pixelRows();
  const statsBefore = await stats();
  const tooMany = batch(SHOP_A, events('many', 51));
  const cases: Array<{ name: string; send: () => Promise<Response>; status: number; reason: string; shop: string | null }> = [
    { name: 'not JSON', send: () => post(null, { raw: '{"v":1,' }), status: 400, reason: 'malformed', shop: null },
    { name: 'another content type', send: () => post(batch(SHOP_A, events('ct', 1)), { type: 'application/x-www-form-urlencoded' }), status: 415, reason: 'malformed', shop: null },
    { name: 'an unknown event name', send: () => post(batch(SHOP_A, [{ id: 'n-1', name: 'mouse_moved' }])), status: 400, reason: 'malformed', shop: null },
    { name: '51 events', send: () => post(tooMany), status: 400, reason: 'malformed', shop: null },
    { name: 'a 300-character search query', send: () => post(batch(SHOP_A, [{ id: 'q-1', name: 'search_submitted', data: { searchQuery: 'q'.repeat(300) } }])), status: 400, reason: 'malformed', shop: null },
    { name: 'a timestamp two days ahead', send: () => post(batch(SHOP_A, [{ id: 't-1', timestamp: new Date(Date.now() + 2 * 86_400_000).toISOString() }])), status: 400, reason: 'malformed', shop: null },
    { name: 'an unknown field', send: () => post(batch(SHOP_A, events('u', 1), { extra: true })), status: 400, reason: 'malformed', shop: null },
    { name: 'an unknown field in data', send: () => post(batch(SHOP_A, [{ id: 'd-1', data: { email: 'someone@example.com' } }])), status: 400, reason: 'malformed', shop: null },
    { name: 'a non-numeric customer id', send: () => post(batch(SHOP_A, [{ id: 'c-1', customerId: 'gid://shopify/Customer/1' }])), status: 400, reason: 'malformed', shop: null },
    { name: 'a body over 60,000 bytes', send: () => post(null, { raw: JSON.stringify(batch(SHOP_A, [{ id: 'big', url: 'x'.repeat(61_000) }])) }), status: 413, reason: 'too_large', shop: null },
    { name: 'a shop not installed here', send: () => post(batch('stranger.myshopify.com', events('s', 1))), status: 404, reason: 'unknown_shop', shop: null },
    { name: "another shop's key (cross-shop)", send: () => post(batch(SHOP_A, events('x', 1), { key: pixelKey(API_SECRET, SHOP_B) })), status: 403, reason: 'bad_key', shop: SHOP_A },
    { name: 'a made-up key', send: () => post(batch(SHOP_A, events('k', 1), { key: 'x'.repeat(43) })), status: 403, reason: 'bad_key', shop: SHOP_A },
  ];
  const expected: Record<string, Record<string, number>> = {};
  for (const c of cases) {
    const response = await c.send();
    assert.equal(response.status, c.status, c.name);
    assert.equal(response.headers.get('access-control-allow-origin'), '*', c.name);
    const text = await response.text();
    assert.doesNotMatch(text, /at .*\.ts:\d+|Error:/, c.name);
    assert.equal((JSON.parse(text) as { reason: string }).reason, c.reason, c.name);
    const bucket = c.shop ?? '*';
    expected[bucket] = { ...expected[bucket], [c.reason]: (expected[bucket]?.[c.reason] ?? 0) + 1 };
  }
  assert.equal(pixelRows(), before, 'nothing stored');
  const after = await stats();
  for (const [reason, n] of Object.entries(expected['*'] ?? {})) assert.equal((after.unattributed.rejected[reason] ?? 0) - (statsBefore.unattributed.rejected[reason] ?? 0), n, reason);
  for (const [reason, n] of Object.entries(expected[SHOP_A] ?? {})) assert.equal((after.shops[SHOP_A]?.rejected[reason] ?? 0) - (statsBefore.shops[SHOP_A]?.rejected[reason] ?? 0), n, reason);
  assert.equal(after.shops['stranger.myshopify.com'], undefined, 'made-up shops get no counters of their own');

  // The stats are behind the admin's basic auth.
  assert.equal((await fetch(`${base}/admin/pixel/stats`)).status, 401);
});

test('rate limits: a burst from one browser is 429 for that browser only; a flood over the shop is 429 for the shop; both recover', async () => {
  const start = pixelRows();
  const first = await post(batch(SHOP_B, events('burst-a', 50), { clientId: 'burst-browser' }));
  assert.equal(first.status, 202);
  const second = await post(batch(SHOP_B, events('burst-b', 50), { clientId: 'burst-browser' }));
  assert.equal(second.status, 429);
  assert.equal(((await second.json()) as { reason: string }).reason, 'rate_limited_client');
  assert.equal(second.headers.get('retry-after'), '40', 'ten tokens left, fifty needed, one a second');
  assert.equal(pixelRows(), start + 50);
  // Another browser of the shop is not held up.
  assert.equal((await post(batch(SHOP_B, events('other-browser', 50), { clientId: 'browser-2' }))).status, 202);
  // The shop: 400 at once, 200 a second.
  for (let i = 0; i < 6; i++) assert.equal((await post(batch(SHOP_B, events(`flood-${i}`, 50), { clientId: `flood-${i}` }))).status, 202, `flood ${i}`);
  const flooded = await post(batch(SHOP_B, events('flood-x', 50), { clientId: 'flood-x' }));
  assert.equal(flooded.status, 429);
  assert.equal(((await flooded.json()) as { reason: string }).reason, 'rate_limited_shop');
  assert.equal(flooded.headers.get('retry-after'), '1');
  assert.equal(pixelRows(), start + 400);
  clock += 60_000;
  assert.equal((await post(batch(SHOP_B, events('burst-b', 50), { clientId: 'burst-browser' }))).status, 202, 'a minute later the browser may send again');
  const counters = (await stats()).shops[SHOP_B];
  assert.equal(counters?.rejected['rate_limited_client'], 1);
  assert.equal(counters?.rejected['rate_limited_shop'], 1);
});

test("stale events, events the pixel dropped, and a redacted customer's events are dropped and counted", async () => {
  await store.savePage(SHOP_A, { customers: [customer(ZED.gid, { email: ZED.email })] });
  const subject = { shopifyCustomerIds: [ZED.gid], emails: [ZED.email], shopifyOrderIds: [] };
  const salt = await store.privacySalt(SHOP_A, new Date().toISOString());
  await store.redactPerson(SHOP_A, subject, { suppress: subjectKeys(subject).map((key) => suppressionDigest(salt, key)), keepRequestId: null, at: new Date().toISOString() });
  enqueued.length = 0;
  const before = await store.countPixelEvents(SHOP_A);
  const response = await post(batch(SHOP_A, [
    { id: 'z-1', customerId: ZED.numeric },
    { id: 'z-2', customerId: ZED.numeric, name: 'product_added_to_cart', data: { quantity: 2 } },
    { id: 'old-1', timestamp: new Date(Date.now() - 31 * 86_400_000).toISOString() },
    { id: 'ok-1', customerId: ALICE.numeric, name: 'checkout_completed', data: { orderId: '5001', totalPrice: 40, currency: 'EUR' } },
  ], { dropped: 7, clientId: 'browser-z' }));
  assert.equal(response.status, 202);
  assert.deepEqual(await response.json(), { accepted: 1, duplicates: 0, dropped: 3 });
  assert.equal(await store.countPixelEvents(SHOP_A), before + 1);
  assert.deepEqual(await store.listPixelEvents(SHOP_A, { customerId: ZED.gid, limit: 10 }), []);
  assert.deepEqual(enqueued.map((j) => (j.data as JobData['ingest']).payload), [{ customerId: ALICE.gid, events: 1 }], 'no job about the redacted customer');
  const counters = (await stats()).shops[SHOP_A];
  assert.equal(counters?.dropped['redacted_customer'], 2);
  assert.equal(counters?.dropped['stale'], 1);
  assert.equal(counters?.dropped['client_dropped'], 7);
});

test('shop/redact leaves no pixel event of the shop; its pixel is then an unknown shop', async () => {
  assert.ok((await store.countPixelEvents(SHOP_B)) > 0);
  const at = new Date().toISOString();
  await store.savePrivacyRequest(SHOP_B, { id: 'shop-redact-b', topic: 'shop/redact', subject: null, status: 'pending', receivedAt: at, completedAt: null, payload: { shop_id: 2, shop_domain: SHOP_B }, result: null });
  const outcome = await handlePrivacy({ store, purger: createLocalPurger(), now: () => new Date() }, { shopId: SHOP_B, requestId: 'shop-redact-b', topic: 'shop/redact' });
  assert.equal(outcome.status, 'completed');
  const db = new DatabaseSync(dbPath, { readOnly: true });
  try {
    assert.equal(Number((db.prepare('SELECT count(*) AS n FROM pixel_events WHERE shop_id = ?').get(SHOP_B) as { n: number }).n), 0);
  } finally {
    db.close();
  }
  assert.ok((await store.countPixelEvents(SHOP_A)) > 0, 'the other shop keeps its events');
  const response = await post(batch(SHOP_B, events('after-redact', 1), { clientId: 'late-browser' }));
  assert.equal(response.status, 404);
  assert.equal(await store.countPixelEvents(SHOP_B), 0);
});
