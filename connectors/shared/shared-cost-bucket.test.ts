// The Redis cost bucket, against a real Redis and from several connections: refill math, atomic
// reservations, Shopify's status as the authority (less what is still in flight), the first
// request alone while the bucket is unknown, expiry, and a clear failure when Redis is down.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefineryError } from '../../core/errors.ts';
import { uniquePrefix, useRedisConnections, unreachableRedis } from '../../test/support/redis.ts';
import { createSharedBudgets } from './redis-budgets.ts';
import { SharedCostBucket } from './shared-cost-bucket.ts';
import { realSleep } from './with-retry.ts';

const prefix = uniquePrefix('cost');
const conn = useRedisConnections(3, prefix);
let counter = 0;

/** Buckets of one fresh shop, one per connection (as one per worker). */
function buckets(count: number, options: { idleTtlMs?: number } = {}): SharedCostBucket[] {
  const key = `${prefix}:shop-${++counter}`;
  return Array.from({ length: count }, (_, i) => new SharedCostBucket(conn(i), key, { sleep: realSleep, ...options }));
}

async function serverNow(): Promise<number> {
  const [seconds, micros] = await conn(0).time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/** Sets the bucket as if last updated at `updatedAtMs`. */
async function setBucket(bucket: SharedCostBucket, fields: { available: number; restoreRate: number; maximum: number; updatedAtMs: number }): Promise<void> {
  await conn(0).hset(bucket.key, { ...fields });
}

async function stored(bucket: SharedCostBucket): Promise<{ available: number; restoreRate: number; maximum: number; updatedAtMs: number }> {
  const h = await conn(0).hgetall(bucket.key);
  return { available: Number(h['available']), restoreRate: Number(h['restoreRate']), maximum: Number(h['maximum']), updatedAtMs: Number(h['updatedAtMs']) };
}

/** The refill rule, as the script computes it. */
function availableAt(b: { available: number; restoreRate: number; maximum: number; updatedAtMs: number }, now: number): number {
  return Math.min(b.maximum, b.available + (Math.max(0, now - b.updatedAtMs) * b.restoreRate) / 1000);
}

test('refill: elapsed time times restoreRate, capped at the maximum; the wait is exactly until the points are there', async () => {
  const [a, b] = buckets(2) as [SharedCostBucket, SharedCostBucket];
  const state = { available: 10, restoreRate: 50, maximum: 100, updatedAtMs: (await serverNow()) - 1000 };
  await setBucket(a, state);
  // About 60 points now: 90 do not fit yet.
  const refused = await b.tryReserve(90);
  assert.equal(refused.id, null);
  assert.equal(refused.waitMs, Math.ceil(((90 - availableAt(state, refused.serverTimeMs)) * 1000) / 50));
  const taken = await a.tryReserve(40);
  assert.equal(taken.waitMs, 0);
  assert.ok(taken.id);
  const after = await stored(a);
  assert.equal(after.updatedAtMs, taken.serverTimeMs);
  assert.ok(Math.abs(after.available - (availableAt(state, taken.serverTimeMs) - 40)) < 1e-9, `${after.available} left`);

  // A long idle refills to the maximum and no further; a query dearer than the bucket waits for a full bucket, not forever.
  await setBucket(a, { available: 0, restoreRate: 50, maximum: 100, updatedAtMs: (await serverNow()) - 60_000 });
  assert.equal((await a.tryReserve(100)).waitMs, 0);
  const full = await stored(a);
  assert.ok(full.available < 1e-9, `took the whole bucket, ${full.available} left`);
  const dear = await b.tryReserve(5000);
  assert.equal(dear.waitMs, Math.ceil(((100 - availableAt(full, dear.serverTimeMs)) * 1000) / 50));
});

test('many concurrent reservations over three connections never take more than the bucket holds', async () => {
  const all = buckets(3);
  const [first] = all as [SharedCostBucket];
  await setBucket(first, { available: 100, restoreRate: 1, maximum: 100, updatedAtMs: await serverNow() });
  const results = await Promise.all(Array.from({ length: 60 }, (_, i) => (all[i % all.length] as SharedCostBucket).tryReserve(7)));
  const taken = results.filter((r) => r.waitMs === 0);
  assert.equal(taken.length, 14, '14 x 7 = 98 fit in 100, a 15th does not (refill is 1 point a second)');
  assert.equal(new Set(taken.map((r) => r.id)).size, 14, 'each reservation has its own id');
  assert.equal(await conn(1).zcard(first.inflightKey), 14, 'all in flight');
  const left = (await stored(first)).available;
  assert.ok(left >= 2 && left < 7, `${left} points left`);
});

test('reserve() waits for the points with real time, and counts the wait', async () => {
  const [a] = buckets(1) as [SharedCostBucket];
  await setBucket(a, { available: 0, restoreRate: 100, maximum: 100, updatedAtMs: await serverNow() });
  const started = Date.now();
  const reservation = await a.reserve(20);
  const elapsed = Date.now() - started;
  assert.ok(reservation.id);
  // 20 points at 100 a second: 200 ms, less the moments between setting the bucket and asking.
  assert.ok(reservation.waitedMs >= 100 && reservation.waitedMs <= 300, `waited ${reservation.waitedMs} ms`);
  assert.ok(elapsed >= reservation.waitedMs - 5, `took ${elapsed} ms`);
});

test('Shopify\'s status is the authority, less the reservations still in flight; older answers only lower it', async () => {
  const [a, b] = buckets(2) as [SharedCostBucket, SharedCostBucket];
  await setBucket(a, { available: 100, restoreRate: 10, maximum: 100, updatedAtMs: await serverNow() });
  const ra = await a.reserve(30);
  const rb = await b.reserve(30);
  // Shopify answered A having seen only A: B's 30 are still to come off.
  await a.observe('doc', 30, { maximumAvailable: 100, currentlyAvailable: 70, restoreRate: 10 }, ra);
  let now = await stored(a);
  assert.ok(Math.abs(now.available - 40) < 1e-9, `${now.available}`);
  assert.equal(a.expectedCost('doc', 50), 30, 'the document\'s cost is remembered in-process');
  assert.equal(b.expectedCost('doc', 50), 50, '...by each process for itself');
  // B's answer: Shopify saw both and refunded some.
  await b.observe('doc', 30, { maximumAvailable: 100, currentlyAvailable: 55, restoreRate: 10 }, rb);
  now = await stored(a);
  assert.equal(now.available, 55);
  assert.equal(await conn(0).zcard(a.inflightKey), 0);

  // C then D reserved; D answered first. C's answer is older: it may raise nothing.
  const rc = await a.reserve(10);
  const rd = await b.reserve(10);
  await b.observe('doc', 10, { maximumAvailable: 100, currentlyAvailable: 45, restoreRate: 10 }, rd);
  now = await stored(a);
  assert.ok(Math.abs(now.available - 35) < 1e-9, `D seen, C in flight: ${now.available}`);
  await a.observe('doc', 10, { maximumAvailable: 100, currentlyAvailable: 90, restoreRate: 10 }, rc);
  now = await stored(a);
  assert.ok(now.available < 36, `a stale answer did not raise the bucket: ${now.available}`);
  await b.observe('doc', 10, { maximumAvailable: 100, currentlyAvailable: 20, restoreRate: 10 }, rc);
  assert.equal((await stored(a)).available, 20, '...but may lower it');
});

test('a failure without an answer releases the reservation and leaves the bucket as it is', async () => {
  const [a] = buckets(1) as [SharedCostBucket];
  await setBucket(a, { available: 100, restoreRate: 0, maximum: 100, updatedAtMs: await serverNow() });
  const r = await a.reserve(25);
  assert.equal(await conn(0).zcard(a.inflightKey), 1);
  await a.observe('doc', undefined, undefined, r);
  assert.equal(await conn(0).zcard(a.inflightKey), 0);
  assert.equal((await stored(a)).available, 75, 'the points stay spent: Shopify may have charged them');
});

test('an unknown bucket lets one request out to learn it; the others wait for its answer', async () => {
  const [a, b] = buckets(2) as [SharedCostBucket, SharedCostBucket];
  const probe = await a.tryReserve(50);
  assert.equal(probe.waitMs, 0);
  assert.ok(probe.id);
  const other = await b.tryReserve(10);
  assert.equal(other.waitMs, 50, 'asks again shortly');
  const waiting = b.reserve(10);
  await realSleep(120);
  await a.observe('doc', 12, { maximumAvailable: 60, currentlyAvailable: 48, restoreRate: 100 }, { waitedMs: 0, id: probe.id });
  const granted = await waiting;
  assert.ok(granted.id);
  assert.ok(granted.waitedMs >= 100, `waited ${granted.waitedMs} ms for the first answer`);
  const s = await stored(a);
  assert.equal(s.maximum, 60);
  assert.equal(s.restoreRate, 100);
});

test('a reservation whose answer never comes stops counting after the in-flight timeout', async () => {
  const key = `${prefix}:shop-${++counter}`;
  const a = new SharedCostBucket(conn(0), key, { sleep: realSleep, inflightTimeoutMs: 100 });
  assert.equal((await a.tryReserve(10)).waitMs, 0, 'the probe goes out... and its worker dies');
  assert.equal((await a.tryReserve(10)).waitMs, 50);
  await realSleep(120);
  assert.equal((await a.tryReserve(10)).waitMs, 0, 'after the timeout another may learn the bucket');
});

test('both keys expire when idle; the shop key is namespaced', async () => {
  const budgets = createSharedBudgets(conn(0), { prefix, costIdleTtlMs: 5000 });
  const bucket = budgets.shopifyCost('Idle-Shop.myshopify.com') as SharedCostBucket;
  assert.equal(bucket.key, `${prefix}:shopify:{idle-shop.myshopify.com}`);
  assert.equal(budgets.shopifyCost('idle-shop.myshopify.com'), bucket, 'one bucket per shop in a process');
  const r = await bucket.reserve(10);
  await bucket.observe('doc', 10, { maximumAvailable: 100, currentlyAvailable: 90, restoreRate: 50 }, r);
  await bucket.reserve(10);
  for (const key of [bucket.key, bucket.inflightKey]) {
    const ttl = await conn(0).pttl(key);
    assert.ok(ttl > 0 && ttl <= 5000, `${key} expires in ${ttl} ms`);
  }
});

test('when Redis is down, reserving fails with a retriable error naming the shared budget; observing does not throw', async () => {
  const down = unreachableRedis();
  const logged: string[] = [];
  const bucket = new SharedCostBucket(down, `${prefix}:down`, { sleep: realSleep, log: (l) => logged.push(l) });
  await assert.rejects(bucket.reserve(10), (error: unknown) => {
    assert.ok(error instanceof RefineryError);
    assert.equal(error.code, 'UPSTREAM_UNAVAILABLE');
    assert.match(error.message, /shared rate budget in Redis: cost bucket reserve failed/);
    return true;
  });
  await bucket.observe('doc', 10, { maximumAvailable: 100, currentlyAvailable: 90, restoreRate: 50 }, { waitedMs: 0, id: 'x|10' });
  assert.equal(logged.length, 1);
  down.disconnect();
});
