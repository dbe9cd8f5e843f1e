// GET /api/customers/:id/insights (the admin customer-details block's data) against two shops
// synced from the Shopify emulator: the customer's written segments agree with the tags on the
// emulator, held-out segments are marked and never written, scores come from the batch's scoring
// snapshot for this one person, bad ids are 400, unknown customers `known: false`. Through the real
// server and session tokens: a token of another shop sees nothing of this one, and the extension's
// cross-origin preflight is answered.
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import type { ApiError, CustomerInsightsResponse } from '../../app/server/api/api-types.ts';
import type { JobQueue } from '../../app/jobs/job-types.ts';
import { createServer } from '../../app/server/create-server.ts';
import { createShopifyApp } from '../../app/server/shopify-app.ts';
import { SCORING_SNAPSHOT_STATE } from '../../app/sync/compute-segments.ts';
import { runSync } from '../../app/sync/run-sync.ts';
import { DEFAULT_TAG_PREFIX } from '../../core/segment-tags.ts';
import { createShopifyEmulator, signSessionToken, type ShopifyEmulator } from '../emulators/shopify/index.ts';
import { startApiServer, type ApiTestServer } from '../support/api-server.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { makeCustomers, makeOrders } from '../support/seed-fixtures.ts';

const API_KEY = 'insights-test-client-id';
const API_SECRET = `shpss_${randomBytes(8).toString('hex')}`;
const B = `insights-b-${process.pid}.myshopify.com`;
const B_TOKEN = 'shpat_insights_b';

let emulator: ShopifyEmulator;
let h: Harness;
let api: ApiTestServer;
let server: Server | null = null;
let base = '';
let ready: Promise<void> | null = null;
const setup = () => (ready ??= prepare());

async function prepare(): Promise<void> {
  emulator = await createShopifyEmulator();
  const customers = makeCustomers(120);
  h = await startHarness({ emulator, customers, orders: makeOrders(customers, new Date().toISOString()), holdout: { share: 0.3, salt: 'insights' } });
  assert.deepEqual((await runSync(h.store, h.deps, { shopId: h.shop, trigger: 'test', pollIntervalMs: 10 })).errors, []);
  // Shop B: another shop in the same store, with its own customers (ids from 5000).
  emulator.addShop(B, { accessToken: B_TOKEN });
  const bCustomers = makeCustomers(30, { startId: 5000 });
  await emulator.seed(B, { customers: bCustomers, orders: makeOrders(bCustomers, new Date().toISOString(), { startId: 90_000 }) });
  await h.store.saveShopSettings(B, { tagPrefix: 'bshop:', shopify: { accessToken: B_TOKEN, adminOrigin: emulator.origin }, holdout: { share: 0, salt: 'b' } }, new Date().toISOString());
  assert.equal((await runSync(h.store, h.deps, { shopId: B, trigger: 'test', pollIntervalMs: 10 })).status, 'succeeded');
  api = await startApiServer(h.store);

  // The real server: session-token authentication by the Shopify library, as in production.
  const http = createHttpServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  server = http;
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  emulator.configureApp({ clientId: API_KEY, clientSecret: API_SECRET, appUrl: base });
  const shopify = createShopifyApp(
    { apiKey: API_KEY, apiSecret: API_SECRET, appUrl: base, adminOrigin: emulator.origin, appBridgeUrl: `${emulator.origin}/shopifycloud/app-bridge.js` },
    { store: h.store, now: () => new Date(), log: () => {} },
  );
  const queue: JobQueue = { async enqueue() {} };
  http.on('request', createServer({ store: h.store, queue, shopifyApiSecret: API_SECRET, admin: null, now: () => new Date(), shopify: { app: shopify } }));
}

after(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  }
  await api?.close();
  await h?.close();
  await emulator?.close();
});

const insights = async (shop: string, id: string): Promise<CustomerInsightsResponse> => {
  const r = await api.call(shop, 'GET', `/customers/${encodeURIComponent(id)}/insights`);
  assert.equal(r.status, 200, r.text);
  return r.body as CustomerInsightsResponse;
};

const gid = (n: number) => `gid://shopify/Customer/${n}`;

/** The segment keys on a customer's tags in the emulator (what the app wrote). */
const writtenKeys = (shop: string, n: number, prefix = DEFAULT_TAG_PREFIX) =>
  emulator.customerTags(shop, gid(n)).filter((t) => t.startsWith(prefix)).map((t) => t.slice(prefix.length)).sort();

test('a buyer: written segments as on the tags, held-out segments marked, scores from the snapshot', async () => {
  await setup();
  let sawHeldOut = false;
  let sawClv = false;
  for (let n = 2; n <= 60; n++) {
    const r = await insights(h.shop, String(n));
    assert.equal(r.customerId, gid(n));
    assert.equal(r.known, true);
    assert.equal(r.reason, null);
    const written = r.segments.filter((s) => !s.heldOut).map((s) => s.key).sort();
    assert.deepEqual(written, writtenKeys(h.shop, n), `customer ${n}: the segments last written are its tags`);
    const held = r.segments.filter((s) => s.heldOut).map((s) => s.key);
    assert.deepEqual([...held].sort(), [...r.holdout.segments].sort());
    assert.equal(r.holdout.heldOut, r.holdout.segments.length > 0);
    for (const key of held) assert.ok(!written.includes(key), `held-out ${key} is never written`);
    if (held.length > 0) sawHeldOut = true;
    for (const s of r.segments) assert.ok(s.name !== '' && s.kind !== null, `segment ${s.key} has a name and kind`);
    assert.ok(r.rfmGroup && r.rfmGroup.name !== '');
    assert.ok(Date.parse(r.scoredAt ?? '') > Date.now() - 60_000);
    assert.ok(r.modelsAsOf !== null);
    const buyer = n % 6 !== 1; // makeOrders gives customers 1, 7, 13... no orders
    if (buyer) {
      assert.notEqual(r.rfmGroup.key, 'prospects');
      assert.ok(r.purchasePropensity && r.purchasePropensity.score >= 0 && r.purchasePropensity.score <= 1);
      assert.ok(['high', 'medium', 'low'].includes(r.purchasePropensity.tier));
      assert.ok(r.churnRisk && r.churnRisk.score >= 0 && r.churnRisk.score <= 1);
      assert.ok(r.cluster && r.cluster.name !== '' && r.cluster.explanation !== '', `customer ${n} has a cluster with its explanation`);
    } else {
      assert.equal(r.rfmGroup.key, 'prospects');
      assert.equal(r.purchasePropensity, null);
      assert.equal(r.cluster, null);
    }
    if (r.predictedClv !== null) {
      sawClv = true;
      assert.ok(r.predictedClv >= 0);
    }
    if (r.expectedNextOrderAt !== null) assert.match(r.expectedNextOrderAt, /^\d{4}-\d{2}-\d{2}$/);
  }
  assert.ok(sawHeldOut, 'with a 30 % holdout some customer is held out of some segment');
  assert.ok(sawClv, 'the CLV models scored some customer');
});

test('numeric id and GID answer the same; bad ids are 400; unknown customers and unscored shops are known: false', async () => {
  await setup();
  const byNumber = await insights(h.shop, '8');
  const byGid = await insights(h.shop, gid(8));
  assert.deepEqual({ ...byGid, scoredAt: null }, { ...byNumber, scoredAt: null });

  for (const bad of ['abc', '0', '-1', 'gid://shopify/Order/8', '12345678901234567890123', ' 8']) {
    const r = await api.call(h.shop, 'GET', `/customers/${encodeURIComponent(bad)}/insights`);
    assert.equal(r.status, 400, `${bad}: ${r.text}`);
    assert.equal((r.body as ApiError).error.code, 'VALIDATION');
  }

  const unknown = await insights(h.shop, '999999');
  assert.equal(unknown.known, false);
  assert.match(unknown.reason ?? '', /not synced/);
  assert.deepEqual(unknown.segments, []);
  assert.equal(unknown.purchasePropensity, null);

  // A shop the app knows but has not synced: no snapshot, nothing scored.
  const fresh = `insights-fresh-${process.pid}.myshopify.com`;
  await h.store.saveShopSettings(fresh, { tagPrefix: DEFAULT_TAG_PREFIX, shopify: { accessToken: 'shpat_fresh', adminOrigin: emulator.origin } }, new Date().toISOString());
  const none = await insights(fresh, '8');
  assert.equal(none.known, false);
  // And an unknown shop is 404, as every route.
  assert.equal((await api.call(`nobody-${process.pid}.myshopify.com`, 'GET', '/customers/8/insights')).status, 404);
  assert.ok((await h.store.getModelState(h.shop, SCORING_SNAPSHOT_STATE)) !== null);
});

test('real session tokens: each shop sees its own customers only; the preflight is answered; no token is 401', async () => {
  await setup();
  const call = (shop: string | null, id: string, secret = API_SECRET) =>
    fetch(`${base}/api/customers/${encodeURIComponent(id)}/insights`, {
      headers: shop ? { Authorization: `Bearer ${signSessionToken({ shop, apiKey: API_KEY, apiSecret: secret, now: new Date(), userId: 9 })}`, Origin: 'https://extensions.shopifycdn.com' } : {},
    });

  const own = await call(h.shop, '6');
  assert.equal(own.status, 200, await own.clone().text());
  assert.equal(own.headers.get('access-control-allow-origin'), '*');
  const mine = (await own.json()) as CustomerInsightsResponse;
  assert.equal(mine.known, true);
  assert.deepEqual(mine.segments.filter((s) => !s.heldOut).map((s) => s.key).sort(), writtenKeys(h.shop, 6));

  // A token signed for shop B, asking for a customer of shop A: nothing of A.
  const other = await call(B, '6');
  assert.equal(other.status, 200, await other.clone().text());
  const theirs = (await other.json()) as CustomerInsightsResponse;
  assert.equal(theirs.known, false);
  assert.deepEqual(theirs.segments, []);
  assert.equal(theirs.rfmGroup, null);
  assert.equal(theirs.purchasePropensity, null);
  // B's own customer is B's, with B's tags.
  const bOwn = (await (await call(B, '5002')).json()) as CustomerInsightsResponse;
  assert.equal(bOwn.known, true);
  assert.deepEqual(bOwn.segments.map((s) => s.key).sort(), writtenKeys(B, 5002, 'bshop:'));

  const anonymous = await call(null, '6');
  assert.equal(anonymous.status, 401);
  assert.equal(((await anonymous.json()) as ApiError).error.code, 'UNAUTHENTICATED');
  const forged = await call(h.shop, '6', 'shpss_not_ours');
  assert.equal(forged.status, 401);

  const preflight = await fetch(`${base}/api/customers/6/insights`, {
    method: 'OPTIONS',
    headers: { Origin: 'https://extensions.shopifycdn.com', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/);
  // Other API routes are not opened to other origins.
  const overview = await fetch(`${base}/api/overview`, { method: 'OPTIONS', headers: { Origin: 'https://extensions.shopifycdn.com', 'Access-Control-Request-Method': 'GET' } });
  assert.equal(overview.headers.get('access-control-allow-origin'), null);
});
