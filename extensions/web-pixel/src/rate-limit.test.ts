import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRateLimiter } from './rate-limit.ts';

test('at most `limit` events in any rolling window', () => {
  let now = 1_000_000;
  const limiter = createRateLimiter({ limit: 3, windowMs: 60_000, now: () => now });
  assert.deepEqual([limiter.tryTake(), limiter.tryTake(), limiter.tryTake(), limiter.tryTake()], [true, true, true, false]);
  now += 59_999;
  assert.equal(limiter.tryTake(), false);
  now += 1;
  assert.equal(limiter.tryTake(), true);
  assert.equal(limiter.snapshot().length, 1);
});

test('merging a saved log carries the cap across pages; junk and future stamps are ignored', () => {
  let now = 5_000_000;
  const first = createRateLimiter({ limit: 3, windowMs: 60_000, now: () => now });
  first.tryTake();
  first.tryTake();
  const saved = first.snapshot();
  now += 10_000;
  const second = createRateLimiter({ limit: 3, windowMs: 60_000, now: () => now });
  second.merge(saved);
  assert.equal(second.tryTake(), true);
  assert.equal(second.tryTake(), false);
  const third = createRateLimiter({ limit: 3, windowMs: 60_000, now: () => now });
  third.merge(['1', null, NaN, now + 1_000_000, now - 120_000]);
  third.merge({ not: 'an array' });
  assert.deepEqual(third.snapshot(), []);
  const fourth = createRateLimiter({ limit: 3, windowMs: 60_000, now: () => now });
  fourth.merge(Array.from({ length: 500 }, (_, i) => now - i));
  assert.equal(fourth.snapshot().length, 3);
});
