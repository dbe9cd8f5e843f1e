import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBoundedMemo } from './api-cache.ts';

test('bounded memo: shared in-flight work, least recently used out, failures and expired entries not kept', async () => {
  let t = 0;
  const memo = createBoundedMemo<number>({ max: 2, ttlMs: 100, now: () => t });
  let calls = 0;
  const compute = (v: number) => async () => {
    calls += 1;
    return v;
  };
  const [a, b] = await Promise.all([memo.get('a', compute(1)), memo.get('a', compute(99))]);
  assert.deepEqual([a, b, calls], [1, 1, 1]);
  await memo.get('b', compute(2));
  await memo.get('a', compute(99)); // a is now the most recent
  await memo.get('c', compute(3)); // b goes
  assert.equal(memo.size, 2);
  assert.equal(await memo.get('b', compute(22)), 22);
  await assert.rejects(memo.get('x', async () => {
    throw new Error('boom');
  }));
  assert.equal(await memo.get('x', compute(7)), 7, 'a failure is computed again');
  t = 1000;
  assert.equal(await memo.get('x', compute(8)), 8, 'expired');
  memo.forget('x');
  assert.equal(await memo.get('x', compute(9)), 9);
});
