// The Redis rolling window, against a real Redis, from several connections at once (as several
// workers would): never above the limit in any window, waits exactly as long as needed, a pause
// seen by every connection.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefineryError } from '../../core/errors.ts';
import { keysUnder, uniquePrefix, unreachableRedis, useRedisConnections } from '../../test/support/redis.ts';
import { createSharedBudgets, portalKeyHash } from './redis-budgets.ts';
import { SharedWindowLimiter } from './shared-window.ts';
import { realSleep } from './with-retry.ts';

const prefix = uniquePrefix('window');
const conn = useRedisConnections(3, prefix);

/** Fails when more than `limit` of the times lie within any window (t - windowMs, t]. */
function assertNeverAbove(times: number[], limit: number, windowMs: number): void {
  const sorted = [...times].sort((a, b) => a - b);
  for (const t of sorted) {
    const inWindow = sorted.filter((u) => u > t - windowMs && u <= t).length;
    assert.ok(inWindow <= limit, `${inWindow} acquisitions in the ${windowMs} ms ending at ${t}, limit ${limit}`);
  }
}

test('many concurrent attempts over three connections: exactly the limit is granted, the rest told the exact wait', async () => {
  const key = `${prefix}:atomic`;
  const limiters = Array.from({ length: 6 }, (_, i) => new SharedWindowLimiter(conn(i), key, { limit: 10, windowMs: 5000, sleep: realSleep }));
  const results = await Promise.all(Array.from({ length: 90 }, (_, i) => (limiters[i % limiters.length] as SharedWindowLimiter).tryAcquire()));
  const granted = results.filter((r) => r.waitMs === 0);
  assert.equal(granted.length, 10);
  assert.equal(await conn(0).zcard(key), 10, 'one member per acquisition');
  const oldest = Math.min(...granted.map((r) => r.serverTimeMs));
  for (const refused of results.filter((r) => r.waitMs > 0)) {
    assert.equal(refused.waitMs, Math.max(1, oldest + 5000 - refused.serverTimeMs), 'the wait is until the oldest leaves the window');
  }
});

test('waiting acquirers on several connections never exceed the limit in any window, and do not wait longer than needed', async () => {
  const key = `${prefix}:waiting`;
  const grants: number[] = [];
  class Recording extends SharedWindowLimiter {
    override async tryAcquire() {
      const result = await super.tryAcquire();
      if (result.waitMs === 0) grants.push(result.serverTimeMs);
      return result;
    }
  }
  const limit = 5;
  const windowMs = 250;
  const limiters = Array.from({ length: 6 }, (_, i) => new Recording(conn(i), key, { limit, windowMs, sleep: realSleep }));
  await Promise.all(Array.from({ length: 40 }, (_, i) => (limiters[i % limiters.length] as Recording).acquire()));
  assert.equal(grants.length, 40);
  assertNeverAbove(grants, limit, windowMs);
  const span = Math.max(...grants) - Math.min(...grants);
  // 40 acquisitions at 5 per window need 7 further windows; sleeping and asking again costs a little
  // more (an extra window each time would be 3500 ms).
  assert.ok(span >= 7 * windowMs, `span ${span} ms`);
  assert.ok(span < 7 * windowMs + 1000, `span ${span} ms: waited much longer than needed`);
});

test('a wait is exactly until the oldest acquisition leaves the window, and then one is granted', async () => {
  const key = `${prefix}:exact`;
  const a = new SharedWindowLimiter(conn(0), key, { limit: 2, windowMs: 400, sleep: realSleep });
  const b = new SharedWindowLimiter(conn(1), key, { limit: 2, windowMs: 400, sleep: realSleep });
  const first = await a.tryAcquire();
  const second = await b.tryAcquire();
  assert.deepEqual([first.waitMs, second.waitMs], [0, 0]);
  const third = await b.tryAcquire();
  assert.equal(third.waitMs, first.serverTimeMs + 400 - third.serverTimeMs);
  await realSleep(third.waitMs);
  const fourth = await a.tryAcquire();
  assert.equal(fourth.waitMs, 0);
  assert.ok(fourth.serverTimeMs >= first.serverTimeMs + 400);
});

test('a pause after a 429 holds back every connection, is never shortened, and expires', async () => {
  const key = `${prefix}:pause`;
  const a = new SharedWindowLimiter(conn(0), key, { limit: 100, windowMs: 10_000, sleep: realSleep });
  const b = new SharedWindowLimiter(conn(1), key, { limit: 100, windowMs: 10_000, sleep: realSleep });
  await a.acquire();
  await a.pause(400);
  await b.pause(100);
  assert.ok((await conn(2).pttl(b.pauseKey)) > 100, 'the shorter pause did not shorten the longer one');
  const refused = await b.tryAcquire();
  assert.ok(refused.waitMs > 0 && refused.waitMs <= 400, `told to wait ${refused.waitMs} ms`);
  const started = Date.now();
  await b.acquire();
  assert.ok(Date.now() - started >= refused.waitMs - 20, `waited ${Date.now() - started} ms`);
  assert.equal(await conn(2).exists(b.pauseKey), 0, 'the pause key expired');
});

test('the window key expires when idle', async () => {
  const key = `${prefix}:idle`;
  const limiter = new SharedWindowLimiter(conn(0), key, { limit: 3, windowMs: 500, sleep: realSleep });
  await limiter.acquire();
  const ttl = await conn(0).pttl(key);
  assert.ok(ttl > 0 && ttl <= 1500, `expires in ${ttl} ms`);
});

test('portal keys are namespaced by a hash of the token, never the token itself', async () => {
  const budgets = createSharedBudgets(conn(0), { prefix });
  const token = 'pat-na1-secret-token-value';
  const { window, search } = budgets.hubspotPortal({ accessToken: token, basePath: 'https://api.hubapi.com/' }, { requestsPerWindow: 10, windowMs: 10_500, searchRequestsPerSecond: 4 });
  await window.acquire();
  await search.acquire();
  const keys = await keysUnder(conn(0), prefix);
  const hash = portalKeyHash(token, 'https://api.hubapi.com');
  assert.ok(keys.includes(`${prefix}:hubspot:{${hash}}:window`), keys.join(', '));
  assert.ok(keys.includes(`${prefix}:hubspot:{${hash}}:search`), keys.join(', '));
  assert.ok(keys.every((k) => !k.includes(token) && !k.includes('secret')), 'no token in a key');
  assert.equal(budgets.hubspotPortal({ accessToken: token, basePath: 'https://api.hubapi.com' }, { requestsPerWindow: 10, windowMs: 10_500, searchRequestsPerSecond: 4 }).window, window, 'one limiter per portal in a process');
});

test('when Redis is down, acquiring fails with a retriable error that names the shared budget; a pause does not throw', async () => {
  const down = unreachableRedis();
  const logged: string[] = [];
  const limiter = new SharedWindowLimiter(down, `${prefix}:down`, { limit: 1, windowMs: 1000, sleep: realSleep, log: (l) => logged.push(l) });
  await assert.rejects(limiter.acquire(), (error: unknown) => {
    assert.ok(error instanceof RefineryError);
    assert.equal(error.code, 'UPSTREAM_UNAVAILABLE');
    assert.equal(error.retriable, true);
    assert.match(error.message, /shared rate budget in Redis/);
    return true;
  });
  await limiter.pause(1000);
  assert.equal(logged.length, 1);
  down.disconnect();
});
