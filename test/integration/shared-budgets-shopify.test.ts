// Two admin clients on one shop, as two workers would have them (each its own Redis connection and
// its own in-process state), hammering a small cost bucket: with the shared bucket Shopify never
// answers THROTTLED; with each client's own budget the same load is throttled (the test can fail).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Redis } from 'ioredis';
import { createAdminClient, type AdminClient } from '../../connectors/shopify/admin-client.ts';
import { CUSTOMERS_PAGE } from '../../connectors/shopify/documents.ts';
import { createSharedBudgets } from '../../connectors/shared/redis-budgets.ts';
import type { SharedBudgets } from '../../connectors/shared/limiters.ts';
import { realSleep } from '../../connectors/shared/with-retry.ts';
import { createShopifyEmulator } from '../emulators/shopify/index.ts';
import type { ShopifyEmulator } from '../emulators/shopify/types.ts';
import { FAST_RETRY, startHarness, type Harness } from '../support/harness.ts';
import { connectRedis, deleteKeys, keysUnder, uniquePrefix } from '../support/redis.ts';
import { makeCustomers } from '../support/seed-fixtures.ts';

/** A page of 5 customers costs 12 points; the bucket holds 60 and restores 100 a second. */
const BUCKET = { maximumAvailable: 60, restoreRate: 100 };
/** Per client: 4 requests at a time, 4 rounds: 2 x 16 x 12 = 384 points, some 3.5 s of restore. */
const LOAD = { concurrency: 4, rounds: 4 };

const prefix = uniquePrefix('shopify');
let emulator: ShopifyEmulator;
let connections: Redis[] = [];
const harnesses: Harness[] = [];

before(async () => {
  connections = await Promise.all([connectRedis(), connectRedis()]);
  emulator = await createShopifyEmulator();
});
after(async () => {
  const [first] = connections;
  if (first) await deleteKeys(first, prefix);
  await Promise.all(connections.map((c) => c.quit()));
  for (const h of harnesses) await h.close();
  await emulator.close();
});

function client(h: Harness, budgets: SharedBudgets | undefined): AdminClient {
  return createAdminClient(
    { shop: h.shop, accessToken: h.token, adminOrigin: h.emulator.origin, retryPolicy: FAST_RETRY },
    { now: Date.now, sleep: realSleep, random: Math.random, log: (line) => h.logs.push(line), budgets },
  );
}

async function hammer(c: AdminClient): Promise<number> {
  let pages = 0;
  await Promise.all(
    Array.from({ length: LOAD.concurrency }, async () => {
      for (let i = 0; i < LOAD.rounds; i++) {
        const data = await c.request<{ customers: { nodes: unknown[] } }>('customersPage', CUSTOMERS_PAGE, { first: 5, after: null, query: null });
        if (data.customers.nodes.length === 5) pages++;
      }
    }),
  );
  return pages;
}

async function shop(): Promise<Harness> {
  const h = await startHarness({ emulator, customers: makeCustomers(20), ...BUCKET });
  harnesses.push(h);
  return h;
}

test('two workers on one shop: with the shared bucket no THROTTLED; each on its own budget, throttled', async () => {
  const shared = await shop();
  const alone = await shop();
  const workers = connections.map((c) => client(shared, createSharedBudgets(c, { prefix })));
  const loners = [client(alone, undefined), client(alone, undefined)];
  const started = Date.now();
  const [pagesShared] = await Promise.all([
    Promise.all(workers.map(hammer)).then((p) => p.reduce((a, b) => a + b, 0)),
    // Alone, a client may even give up after its retries; only the throttling matters here.
    Promise.allSettled(loners.map(hammer)),
  ]);
  const ms = Date.now() - started;
  const requests = 2 * LOAD.concurrency * LOAD.rounds;

  const stats = emulator.stats(shared.shop);
  assert.equal(pagesShared, requests);
  assert.equal(stats.throttled, 0, 'Shopify never had to throttle a request');
  assert.equal(stats.queries, requests);
  assert.deepEqual(workers.map((w) => w.stats().throttledResponses), [0, 0]);
  assert.ok(workers.some((w) => w.stats().waitedMs > 0), 'the workers waited for points');
  assert.ok(ms >= ((requests * 12 - BUCKET.maximumAvailable) / BUCKET.restoreRate) * 1000 * 0.9, `the load needed the restore (${ms} ms)`);
  const keys = await keysUnder(connections[0] as Redis, prefix);
  assert.ok(keys.includes(`${prefix}:shopify:{${shared.shop}}`), keys.join(', '));

  assert.ok(emulator.stats(alone.shop).throttled > 0, 'without the shared bucket the same load is throttled');
});
