import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefineryError } from './errors.ts';
import { DEFAULT_RETRY_POLICY, decideRetry } from './retry-policy.ts';

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };

test('permanent and unknown errors are not retried', () => {
  assert.equal(decideRetry(new RefineryError('AUTH', 'no'), 1, policy, () => 0.5).retry, false);
  assert.equal(decideRetry(new Error('x'), 1, policy, () => 0.5).retry, false);
});

test('backoff grows exponentially within full jitter and is capped', () => {
  const err = new RefineryError('UPSTREAM_UNAVAILABLE', '503');
  const at = (n: number) => decideRetry(err, n, policy, () => 0.999999);
  const delays = [1, 2, 3].map((n) => { const d = at(n); assert.ok(d.retry); return d.delayMs; });
  assert.deepEqual(delays, [100, 200, 400]);
  const capped = decideRetry(err, 3, { ...policy, maxDelayMs: 150 }, () => 0.999999);
  assert.ok(capped.retry && capped.delayMs === 150);
  const low = decideRetry(err, 3, policy, () => 0);
  assert.ok(low.retry && low.delayMs === 0);
});

test('the platform wait hint wins over backoff', () => {
  const d = decideRetry(new RefineryError('THROTTLED', 'wait', { retryAfterMs: 700 }), 1, policy, () => 0);
  assert.ok(d.retry);
  assert.equal(d.delayMs, 700);
});

test('attempts are bounded', () => {
  const err = new RefineryError('NETWORK', 'reset');
  assert.equal(decideRetry(err, 4, policy, () => 0).retry, false);
  assert.equal(decideRetry(err, DEFAULT_RETRY_POLICY.maxAttempts - 1, DEFAULT_RETRY_POLICY, () => 0).retry, true);
});
