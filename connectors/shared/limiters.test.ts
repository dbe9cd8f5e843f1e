// The in-process budgets behind the same interfaces as the shared ones (no Redis here).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RollingWindowLimiter } from '../hubspot/rate-limiter.ts';
import { CostBudget } from '../shopify/cost-budget.ts';
import type { CostLimiter, RequestLimiter } from './limiters.ts';

function fakeClock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

test('CostBudget.reserve waits what the last status says, takes nothing, and reports the wait', async () => {
  const clock = fakeClock();
  const budget: CostLimiter = new CostBudget(clock.now, clock.sleep);
  assert.deepEqual(await budget.reserve(500), { waitedMs: 0, id: null }, 'nothing seen yet');
  await budget.observe('customers', 302, { maximumAvailable: 400, currentlyAvailable: 10, restoreRate: 100 });
  const reservation = await budget.reserve(budget.expectedCost('customers', 50));
  assert.deepEqual(reservation, { waitedMs: 2920, id: null });
  assert.equal(clock.now(), 2920);
  assert.deepEqual(await budget.reserve(302), { waitedMs: 0, id: null }, 'in-process, nothing was taken');
});

test('RollingWindowLimiter is a RequestLimiter', async () => {
  const clock = fakeClock();
  const limiter: RequestLimiter = new RollingWindowLimiter(1, 1000, clock);
  await limiter.acquire();
  await limiter.pause(5000);
  await limiter.acquire();
  assert.equal(clock.now(), 5000);
});
