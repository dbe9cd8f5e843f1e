// The pixel rate limiters: one contract that the memory limiter and the Redis limiter (against the
// real Redis at REDIS_URL, else 127.0.0.1:6379; the tests fail, not skip, without it) both keep,
// then what only the Redis one does: buckets shared by several connections, the refill computed on
// Redis's clock, keys that expire once their bucket would be full, and the fallback to this
// process's buckets when Redis fails.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import type { Redis } from 'ioredis';
import { unreachableRedis, uniquePrefix, useRedisConnections } from '../../test/support/redis.ts';
import { createMemoryRateLimiter, type BucketLimit, type PixelRateLimiter, type TakeResult } from './rate-limit.ts';
import { createRedisRateLimiter } from './redis-rate-limit.ts';

const prefix = uniquePrefix('pixel-rate');
const conn = useRedisConnections(2, prefix);
let counter = 0;
/** A bucket key no other test uses (shaped as the endpoint's). */
const fresh = (name: string): string => `${name}:{t${++counter}.myshopify.com}`;

function refused(result: TakeResult): { refused: number; retryAfterMs: number } {
  assert.equal(result.ok, false, 'refused');
  if (result.ok) throw new Error('unreachable');
  return { refused: result.refused, retryAfterMs: result.retryAfterMs };
}

function contract(name: string, make: () => PixelRateLimiter): void {
  test(`${name}: a burst is allowed, then refused with the time until one token is back; it refills`, async () => {
    const limiter = make();
    const key = fresh('shop');
    const limit: BucketLimit = { ratePerSecond: 5, burst: 3 };
    assert.deepEqual(await limiter.take([{ key, limit, cost: 2 }]), { ok: true });
    assert.deepEqual(await limiter.take([{ key, limit, cost: 1 }]), { ok: true });
    const no = refused(await limiter.take([{ key, limit, cost: 1 }]));
    assert.equal(no.refused, 0);
    assert.ok(no.retryAfterMs > 0 && no.retryAfterMs <= 200, `one token in ${no.retryAfterMs} ms at 5 a second`);
    await sleep(250);
    assert.deepEqual(await limiter.take([{ key, limit, cost: 1 }]), { ok: true }, 'a token back after 250 ms');
  });

  test(`${name}: all or nothing: when the second bucket refuses, the first keeps its tokens`, async () => {
    const limiter = make();
    const a = { key: fresh('client'), limit: { ratePerSecond: 1, burst: 5 } };
    const b = { key: fresh('shop'), limit: { ratePerSecond: 1, burst: 2 } };
    assert.deepEqual(await limiter.take([{ ...a, cost: 2 }, { ...b, cost: 2 }]), { ok: true });
    const no = refused(await limiter.take([{ ...a, cost: 2 }, { ...b, cost: 1 }]));
    assert.equal(no.refused, 1);
    assert.ok(no.retryAfterMs > 500 && no.retryAfterMs <= 1000, `about a second for one token at 1 a second, not ${no.retryAfterMs} ms`);
    // Three are left in the first bucket, not one.
    assert.deepEqual(await limiter.take([{ ...a, cost: 3 }]), { ok: true });
    // Both refusing: the first one is named.
    assert.equal(refused(await limiter.take([{ ...a, cost: 1 }, { ...b, cost: 1 }])).refused, 0);
  });

  test(`${name}: a cost larger than the burst is refused for good, taking nothing`, async () => {
    const limiter = make();
    const a = { key: fresh('client'), limit: { ratePerSecond: 100, burst: 10 } };
    const b = { key: fresh('shop'), limit: { ratePerSecond: 100, burst: 5 } };
    assert.deepEqual(refused(await limiter.take([{ ...a, cost: 6 }, { ...b, cost: 6 }])), { refused: 1, retryAfterMs: Number.POSITIVE_INFINITY });
    assert.deepEqual(await limiter.take([{ ...a, cost: 10 }]), { ok: true }, 'the first bucket is still full');
    assert.deepEqual(await limiter.take([]), { ok: true });
  });
}

contract('memory limiter', () => createMemoryRateLimiter());
contract('Redis limiter', () => createRedisRateLimiter(conn(0), { prefix }));

/** The Redis server's clock, in ms. */
async function serverNow(redis: Redis): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

test('Redis limiter: two limiters on two connections (two web processes) share the buckets', async () => {
  const one = createRedisRateLimiter(conn(0), { prefix });
  const two = createRedisRateLimiter(conn(1), { prefix });
  const take = { key: fresh('shop'), limit: { ratePerSecond: 1, burst: 4 } };
  assert.deepEqual(await one.take([{ ...take, cost: 3 }]), { ok: true });
  assert.equal(refused(await two.take([{ ...take, cost: 2 }])).refused, 0, 'the other process sees one token left');
  assert.deepEqual(await two.take([{ ...take, cost: 1 }]), { ok: true });
  assert.equal((await one.take([{ ...take, cost: 1 }])).ok, false);
});

test('Redis limiter: the refill follows Redis time, capped at the burst', async () => {
  const limiter = createRedisRateLimiter(conn(1), { prefix });
  const key = fresh('shop');
  const limit = { ratePerSecond: 2, burst: 5 };
  // Empty a second ago: two tokens now (and a little more by the time the script runs).
  await conn(0).hset(`${prefix}:${key}`, { tokens: 0, at: (await serverNow(conn(0))) - 1000 });
  assert.deepEqual(await limiter.take([{ key, limit, cost: 2 }]), { ok: true });
  const no = refused(await limiter.take([{ key, limit, cost: 1 }]));
  assert.ok(no.retryAfterMs > 400 && no.retryAfterMs <= 500, `half a second for one token at 2 a second, not ${no.retryAfterMs} ms`);
  // Empty a minute ago: full (5), not 120.
  await conn(0).hset(`${prefix}:${key}`, { tokens: 0, at: (await serverNow(conn(0))) - 60_000 });
  assert.deepEqual(await limiter.take([{ key, limit, cost: 5 }]), { ok: true });
  assert.equal((await limiter.take([{ key, limit, cost: 1 }])).ok, false);
});

test('Redis limiter: a bucket is a hash under the prefix that expires when it would be full again', async () => {
  const limiter = createRedisRateLimiter(conn(0), { prefix });
  const client = fresh('client');
  const shop = fresh('shop');
  const before = await serverNow(conn(0));
  assert.deepEqual(await limiter.take([{ key: client, limit: { ratePerSecond: 10, burst: 5 }, cost: 2 }, { key: shop, limit: { ratePerSecond: 20, burst: 50 }, cost: 2 }]), { ok: true });
  const stored = await conn(1).hgetall(`${prefix}:${client}`);
  assert.ok(Math.abs(Number(stored['tokens']) - 3) < 0.1, `3 tokens left, not ${stored['tokens']}`);
  assert.ok(Number(stored['at']) >= before, 'stamped with Redis time');
  const [clientTtl, shopTtl] = await Promise.all([conn(1).pttl(`${prefix}:${client}`), conn(1).pttl(`${prefix}:${shop}`)]);
  assert.ok(clientTtl > 0 && clientTtl <= 200, `two tokens at 10 a second: gone in 200 ms, not ${clientTtl}`);
  assert.ok(shopTtl > 0 && shopTtl <= 100, `two tokens at 20 a second: gone in 100 ms, not ${shopTtl}`);
  await sleep(250);
  assert.equal(await conn(1).exists(`${prefix}:${client}`, `${prefix}:${shop}`), 0, 'both keys gone once full');
  // A refused take writes nothing.
  const none = fresh('shop');
  assert.equal((await limiter.take([{ key: none, limit: { ratePerSecond: 1, burst: 1 }, cost: 2 }])).ok, false);
  assert.equal(await conn(1).exists(`${prefix}:${none}`), 0);
});

test('Redis limiter: with Redis down the request is limited by this process, marked as a fallback, logged once', async () => {
  const down = unreachableRedis();
  const lines: string[] = [];
  const limiter = createRedisRateLimiter(down, { prefix, log: (line) => lines.push(line) });
  const take = { key: fresh('shop'), limit: { ratePerSecond: 1, burst: 2 }, cost: 1 };
  assert.deepEqual(await limiter.take([take]), { ok: true, fallback: 'shared_limiter_unavailable' });
  assert.deepEqual(await limiter.take([take]), { ok: true, fallback: 'shared_limiter_unavailable' });
  const no = await limiter.take([take]);
  assert.equal(no.ok, false, 'still limited');
  assert.equal(no.fallback, 'shared_limiter_unavailable');
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0] ?? '', /unavailable, limiting per process/);
  down.disconnect();
});

test('Redis limiter: a Redis that does not answer in time falls back; Redis is tried again after the pause', async () => {
  let mode: 'hang' | 'fail' | 'up' = 'hang';
  const real = conn(0);
  // The real connection, except that scripts hang or fail while `mode` says so.
  const flaky = new Proxy(real, {
    get(target, property) {
      if ((property === 'evalsha' || property === 'eval') && mode !== 'up') return () => (mode === 'hang' ? new Promise(() => {}) : Promise.reject(new Error('Connection is closed.')));
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  let clock = 0;
  const lines: string[] = [];
  const limiter = createRedisRateLimiter(flaky, { prefix, timeoutMs: 50, retryAfterFailureMs: 1000, now: () => clock, log: (line) => lines.push(line) });
  const take = { key: fresh('shop'), limit: { ratePerSecond: 1, burst: 10 }, cost: 1 };
  const started = Date.now();
  assert.deepEqual(await limiter.take([take]), { ok: true, fallback: 'shared_limiter_unavailable' });
  assert.ok(Date.now() - started < 1000, 'answered after the timeout, not never');
  assert.match(lines[0] ?? '', /TIMEOUT/);
  mode = 'up';
  clock = 999;
  assert.deepEqual(await limiter.take([take]), { ok: true, fallback: 'shared_limiter_unavailable' }, 'Redis left alone during the pause');
  assert.equal(await real.exists(`${prefix}:${take.key}`), 0);
  clock = 1000;
  assert.deepEqual(await limiter.take([take]), { ok: true }, 'shared again after the pause');
  assert.equal(await real.exists(`${prefix}:${take.key}`), 1);
  assert.match(lines[1] ?? '', /answers again/);
  mode = 'fail';
  assert.deepEqual(await limiter.take([take]), { ok: true, fallback: 'shared_limiter_unavailable' });
  assert.equal(lines.length, 3);
});

test('Redis limiter: limits that cannot be right are refused as INPUT, not sent', async () => {
  const down = unreachableRedis();
  const limiter = createRedisRateLimiter(down, { prefix, log: () => {} });
  await assert.rejects(limiter.take([{ key: fresh('shop'), limit: { ratePerSecond: 0, burst: 1 }, cost: 1 }]), { code: 'INPUT' });
  await assert.rejects(limiter.take([{ key: fresh('shop'), limit: { ratePerSecond: 1, burst: 1 }, cost: Number.NaN }]), { code: 'INPUT' });
  down.disconnect();
});
