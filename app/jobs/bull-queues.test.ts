// The bull backend against the real Redis: duplicates coalesce by job id, retriable failures are
// retried with backoff (honouring a wait hint), permanent ones fail at once.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { RefineryError } from '../../core/errors.ts';
import { DEFAULT_REDIS_URL } from '../config.ts';
import { backoffDelay, createBullQueues, processQueues, type Handlers } from './bull-queues.ts';
import type { JobData } from './job-types.ts';

const REDIS_URL = process.env['REDIS_URL'] ?? DEFAULT_REDIS_URL;
const prefix = `refinery-test-${randomUUID().slice(0, 8)}`;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });

after(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const idle: Handlers = {
  fullSync: async () => undefined,
  incrementalSync: async () => undefined,
  scoring: async () => undefined,
  shopifyPush: async () => undefined,
  hubspotPush: async () => undefined,
  flowTrigger: async () => undefined,
  ingest: async () => undefined,
  privacy: async () => undefined,
};

function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (check()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error('timed out waiting'));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

test('backoff doubles from the base, is capped, and never undercuts a platform wait hint', () => {
  assert.equal(backoffDelay(1, new Error('x'), 100), 100);
  assert.equal(backoffDelay(3, new Error('x'), 100), 400);
  assert.equal(backoffDelay(30, new Error('x'), 100, 5000), 5000);
  assert.equal(backoffDelay(1, new RefineryError('THROTTLED', 'slow', { retryAfterMs: 2500 }), 100), 2500);
});

test('bull queues on Redis: duplicate job ids coalesce, retriable errors retry, permanent errors fail once', async () => {
  await redis.connect();
  const queues = createBullQueues({ redisUrl: REDIS_URL, prefix, backoffBaseMs: 50 });
  try {
    const seen: Array<JobData['scoring']> = [];
    let pushAttempts = 0;
    let hubspotAttempts = 0;
    processQueues(queues, {
      ...idle,
      scoring: async (data) => {
        seen.push(data);
      },
      shopifyPush: async () => {
        pushAttempts++;
        if (pushAttempts < 3) throw new RefineryError('THROTTLED', 'slow down', { retryAfterMs: 100 });
      },
      hubspotPush: async () => {
        hubspotAttempts++;
        throw new RefineryError('AUTH', 'token revoked');
      },
    });
    // Three deliveries for one person while the job waits (delayed): one job.
    for (let i = 0; i < 3; i++) await queues.queue.enqueue('scoring', { shopId: 'a.myshopify.com', personId: 'email:x@example.com' }, { coalesce: { id: 'score:a:x', windowMs: 300 } });
    await queues.queue.enqueue('scoring', { shopId: 'a.myshopify.com', personId: 'email:y@example.com' }, { jobId: 'score:a:y' });
    const push = { shopId: 'a.myshopify.com', personId: 'email:x@example.com', version: 1, target: {} as never };
    await queues.queue.enqueue('shopifyPush', push);
    await queues.queue.enqueue('hubspotPush', push);
    await waitFor(() => seen.length >= 2 && pushAttempts >= 3 && hubspotAttempts >= 1);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(seen.map((s) => s.personId).sort(), ['email:x@example.com', 'email:y@example.com'], 'the burst for x ran once');
    assert.equal(pushAttempts, 3, 'retried until it succeeded');
    // After the window, the same person again is a new job: nothing that arrives later is lost.
    await queues.queue.enqueue('scoring', { shopId: 'a.myshopify.com', personId: 'email:x@example.com' }, { coalesce: { id: 'score:a:x', windowMs: 100 } });
    await waitFor(() => seen.length >= 3);
    assert.equal(seen.filter((s) => s.personId === 'email:x@example.com').length, 2);
    assert.equal(hubspotAttempts, 1, 'a permanent error is not retried');
    const failed = await queues.queues.hubspotPush.getFailed();
    assert.equal(failed.length, 1);
    assert.match(failed[0]?.failedReason ?? '', /token revoked/);
  } finally {
    await queues.close();
  }
});

test('coalescing: deliveries while the job waits join it (also past its window), one while it runs makes a new job', async () => {
  if (redis.status !== 'ready') await redis.connect();
  const queues = createBullQueues({ redisUrl: REDIS_URL, prefix: `${prefix}-coalesce` });
  try {
    const started: string[] = [];
    let release: () => void = () => {};
    const running = new Promise<void>((resolve) => (release = resolve));
    const person = { shopId: 'a.myshopify.com', personId: 'email:x@example.com' };
    const coalesce = { id: 'score|a|x', windowMs: 50 };
    // Paused queue: the job stays waiting past its window, as behind a busy worker.
    await queues.queues.scoring.pause();
    for (let i = 0; i < 3; i++) await queues.queue.enqueue('scoring', person, { coalesce });
    await new Promise((r) => setTimeout(r, 200));
    await queues.queue.enqueue('scoring', person, { coalesce });
    processQueues(queues, {
      ...idle,
      scoring: async (data) => {
        started.push(data.personId);
        if (started.length === 1) await running;
      },
    });
    await queues.queues.scoring.resume();
    await waitFor(() => started.length === 1);
    // The first job runs now (it may have read the data already): a new delivery is a new job.
    await queues.queue.enqueue('scoring', person, { coalesce });
    await queues.queue.enqueue('scoring', person, { coalesce });
    release();
    await waitFor(() => started.length === 2);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(started.length, 2, 'four deliveries while waiting made one job; two while it ran made one more');
  } finally {
    await queues.close();
    const keys = await redis.keys(`${prefix}-coalesce:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
});
