// Workers as separate processes against the real Redis and PostgreSQL: a worker killed with
// SIGKILL in the middle of a sync, and another that takes the sync over; two workers and 1,000
// webhook deliveries with duplicates. The platform emulators must end in exactly the desired state.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createBullQueues, type BullQueues } from '../../app/jobs/bull-queues.ts';
import { computePersonTarget } from '../../app/realtime/person-target.ts';
import { createStore } from '../../app/store/create-store.ts';
import type { Store } from '../../app/store/store.ts';
import { runSync } from '../../app/sync/run-sync.ts';
import { realSleep } from '../../connectors/shared/with-retry.ts';
import { DEFAULT_TAG_PREFIX } from '../../core/segment-tags.ts';
import { createHubSpotEmulator, type HubSpotEmulator } from '../emulators/hubspot/index.ts';
import { createShopifyEmulator } from '../emulators/shopify/index.ts';
import type { ShopifyEmulator } from '../emulators/shopify/types.ts';
import { addPortal, makeContacts } from '../support/hubspot-harness.ts';
import { ROOT } from '../support/run-cli.ts';
import { makeCustomers, makeOrders } from '../support/seed-fixtures.ts';
import { PG_URL } from '../../app/store/store-test-backends.ts';
import { deleteRedisKeys, dropSchema } from '../support/cleanup.ts';
import { REDIS_URL } from '../support/redis.ts';
import { orderWebhookBody } from '../support/webhook-fixtures.ts';

const schema = `refinery_workers_${process.pid}_${Date.now().toString(36)}`;
const prefix = `refinery-test-${randomUUID().slice(0, 8)}`;
let shopify: ShopifyEmulator;
let hubspot: HubSpotEmulator;
let store: Store;
let queues: BullQueues;
const workers: ChildProcess[] = [];

const deps = { now: () => new Date(), sleep: realSleep, random: Math.random, log: () => {}, progress: () => {} };

before(async () => {
  shopify = await createShopifyEmulator();
  hubspot = await createHubSpotEmulator();
  store = await createStore({ databaseUrl: PG_URL, pgSchema: schema });
  queues = createBullQueues({ redisUrl: REDIS_URL, prefix });
});

after(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await queues.close();
  await deleteRedisKeys(prefix);
  await store.close();
  await dropSchema(schema);
  await shopify.close();
  await hubspot.close();
});

function startWorker(name: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'app/jobs/worker-main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: PG_URL,
      REFINERY_PG_SCHEMA: schema,
      REDIS_URL,
      REFINERY_QUEUE_PREFIX: prefix,
      REFINERY_JOB_LOCK_MS: '4000',
      REFINERY_STALLED_INTERVAL_MS: '2000',
      REFINERY_SHOP_LOCK_TTL_MS: '3000',
      REFINERY_POLL_INTERVAL_MS: '50',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  workers.push(child);
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker ${name} did not start:\n${log}`)), 30_000);
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('processing queues')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker ${name} exited with ${code}:\n${log}`));
    });
  });
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 90_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await realSleep(100);
  }
}

async function drained(): Promise<boolean> {
  for (const q of Object.values(queues.queues)) {
    const c = await q.getJobCounts();
    if (c.waiting + c.active + c.delayed > 0) return false;
  }
  return true;
}

async function connectShop(shop: string, customers: number, options: { bulkDelayMs?: number } = {}): Promise<{ portalId: number }> {
  const token = `shpat_${randomUUID()}`;
  shopify.addShop(shop, { accessToken: token, bulkDelayMs: options.bulkDelayMs });
  const seeded = makeCustomers(customers);
  await shopify.seed(shop, { customers: seeded, orders: makeOrders(seeded, new Date().toISOString()) });
  const portal = await addPortal(hubspot, { contacts: makeContacts(customers) });
  await store.saveShopSettings(shop, {
    tagPrefix: DEFAULT_TAG_PREFIX,
    shopify: { accessToken: token, adminOrigin: shopify.origin },
    hubspot: { accessToken: portal.token, basePath: hubspot.origin, requestsPerTenSeconds: 1000, createContacts: false },
    holdout: { share: 0.1, salt: `salt-${shop}` },
  }, new Date().toISOString());
  return portal;
}

/** Every customer's own tags in the emulator equal what the store recorded as written; the same for lists. */
async function assertPlatformsMatchStore(shop: string, portalId: number): Promise<void> {
  const written = await store.getWrittenMemberships(shop, 'shopify');
  const byCustomer = new Map<string, string[]>();
  for (const [key, ids] of written) for (const id of ids) byCustomer.set(id, [...(byCustomer.get(id) ?? []), `${DEFAULT_TAG_PREFIX}${key}`]);
  for (const c of shopify.listCustomers(shop)) {
    assert.deepEqual(c.tags.filter((t) => t.startsWith(DEFAULT_TAG_PREFIX)).sort(), (byCustomer.get(c.id) ?? []).sort(), `${c.id} tags`);
  }
  const lists = new Map((await store.getRemoteSegments(shop, 'hubspot')).map((r) => [r.segmentKey, r.remoteId]));
  for (const [key, members] of await store.getWrittenMemberships(shop, 'hubspot')) {
    const listId = lists.get(key);
    assert.ok(listId, key);
    assert.deepEqual(hubspot.listMembers(portalId, listId).sort(), [...members].sort(), `${key} list`);
  }
}

test('a worker killed with SIGKILL mid-sync: another takes the sync over, it completes once, the platforms end exactly as desired', async () => {
  const shop = `kill-${process.pid}.myshopify.com`;
  const portal = await connectShop(shop, 400, { bulkDelayMs: 40 });
  const first = await startWorker('first');
  await queues.queue.enqueue('fullSync', { shopId: shop, trigger: 'test' }, { jobId: `kill-test|${shop}` });
  // Kill it once the sync is writing: the tag bulk mutation has reached Shopify.
  await waitFor('the first worker to start writing tags', () => shopify.stats(shop).bulkMutations >= 1);
  first.kill('SIGKILL');
  await waitFor('the first worker to die', () => first.exitCode !== null || first.signalCode !== null);
  const runsAtKill = await store.listRuns(shop);
  assert.equal(runsAtKill.length, 1);
  assert.equal(runsAtKill[0]?.status, 'running', 'killed mid-sync');

  await startWorker('second');
  await waitFor('the sync to complete', async () => (await store.listRuns(shop)).some((r) => r.status === 'succeeded'));
  await waitFor('the queues to drain', drained);
  const runs = await store.listRuns(shop);
  assert.equal(runs.filter((r) => r.status === 'succeeded').length, 1, 'the sync completed once');
  assert.deepEqual(runs.filter((r) => r.status !== 'succeeded').map((r) => [r.status, (r.report.errors as Array<{ code: string }>)[0]?.code]), [['failed', 'ABANDONED']]);

  // Exactly the desired state: the snapshot's segment sizes (after holdouts) are on the platforms,
  // each segment once, and everything written is what the store says was written.
  await assertPlatformsMatchStore(shop, portal.portalId);
  const snapshot = await store.listSegmentSnapshot(shop);
  const cohorts = new Map((await store.listHoldoutCohorts(shop)).map((c) => [c.segmentKey, c.treated.length]));
  const tagged = new Map<string, number>();
  for (const c of shopify.listCustomers(shop)) for (const t of c.tags) tagged.set(t, (tagged.get(t) ?? 0) + 1);
  for (const s of snapshot) assert.equal(tagged.get(`${DEFAULT_TAG_PREFIX}${s.definition.key}`) ?? 0, cohorts.get(s.definition.key) ?? 0, `${s.definition.key}: the treated members are tagged`);
  assert.equal(shopify.listSegments(shop).length, snapshot.length, 'one native segment per segment, none twice');
  assert.equal(new Set(hubspot.listLists(portal.portalId).map((l) => l.name)).size, hubspot.listLists(portal.portalId).length, 'no list twice');
});

test('two workers and 1,000 webhook deliveries with duplicates: every change applied once in effect', async () => {
  const shop = `hooks-${process.pid}.myshopify.com`;
  const portal = await connectShop(shop, 300);
  const batch = await runSync(store, deps, { shopId: shop, trigger: 'test', pollIntervalMs: 20 });
  assert.deepEqual(batch.errors, []);
  while (workers.filter((w) => w.exitCode === null && w.signalCode === null).length < 2) await startWorker(`hooks-${workers.length}`);

  // 700 distinct orders for customers 1..140, each delivered once, 300 of them delivered twice.
  const now = Date.now();
  const deliveries: Array<{ eventId: string; body: Record<string, unknown> }> = [];
  for (let i = 0; i < 700; i++) {
    const customer = 1 + (i % 140);
    const at = new Date(now - (i % 50) * 60_000).toISOString();
    deliveries.push({ eventId: `evt-${i}`, body: orderWebhookBody({ orderId: 800_000 + i, customer: { id: customer, email: `person${customer}@example.com` }, at, total: 10 + (i % 30) }) });
  }
  for (let i = 0; i < 300; i++) deliveries.push(deliveries[(i * 7) % 700] as (typeof deliveries)[number]);
  assert.equal(deliveries.length, 1000);
  for (const d of deliveries) {
    // As the web process enqueues them (app/server/create-server.ts).
    await queues.queue.enqueue('ingest', { shopId: shop, source: 'shopify', topic: 'orders/create', eventId: d.eventId, occurredAt: new Date().toISOString(), payload: d.body }, { jobId: `ingest|${shop}|shopify|${d.eventId}|${Math.random()}` });
  }
  await waitFor('the queues to drain', drained, 180_000);
  await realSleep(500);
  await waitFor('the queues to drain', drained);

  assert.equal(await store.countOrders(shop), batch.read.orders + 700, 'each order stored once');
  await assertPlatformsMatchStore(shop, portal.portalId);
  // Every buyer's writes are what a re-score now gives them: nothing lost, nothing stale.
  for (let n = 1; n <= 140; n++) {
    const outcome = await computePersonTarget(store, shop, `email:person${n}@example.com`, () => new Date());
    assert.equal(outcome.status, 'scored');
    if (outcome.status !== 'scored') continue;
    const tags = shopify.customerTags(shop, `gid://shopify/Customer/${n}`).filter((t) => t.startsWith(DEFAULT_TAG_PREFIX)).map((t) => t.slice(DEFAULT_TAG_PREFIX.length)).sort();
    assert.deepEqual(tags, outcome.target.treated, `person${n}`);
    const contact = hubspot.getContactByEmail(portal.portalId, `person${n}@example.com`);
    assert.equal(contact?.properties.refinery_segments, outcome.target.treated.join(';'), `person${n} in HubSpot`);
  }
  const failed = await Promise.all(Object.values(queues.queues).map((q) => q.getFailed()));
  assert.deepEqual(failed.flat().map((j) => j.failedReason), [], 'no job failed for good');
});

test('SIGTERM: a worker finishes the sync in hand before it exits', async () => {
  const shop = `term-${process.pid}.myshopify.com`;
  const portal = await connectShop(shop, 200, { bulkDelayMs: 20 });
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  const worker = await startWorker('graceful');
  await queues.queue.enqueue('fullSync', { shopId: shop, trigger: 'test' }, { jobId: `term-test|${shop}` });
  await waitFor('the sync to start', async () => (await store.listRuns(shop)).some((r) => r.status === 'running'));
  const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
  worker.kill('SIGTERM');
  assert.equal(await exited, 0, 'the worker exits cleanly');
  const runs = await store.listRuns(shop);
  assert.deepEqual(runs.map((r) => r.status), ['succeeded'], 'the sync in hand was finished, not abandoned');
  await assertPlatformsMatchStore(shop, portal.portalId);
});
