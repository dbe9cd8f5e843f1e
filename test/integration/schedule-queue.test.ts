// The scheduler against the real PostgreSQL and Redis, with the clock under the test's control: a
// shop's full sync fires at 09:00 in its own time zone as a bull job, once even when two
// schedulers tick; a schedule changed in the store applies at the next tick, with no restart.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createBullQueues, type BullQueues } from '../../app/jobs/bull-queues.ts';
import { createScheduler, scheduledJobId } from '../../app/jobs/scheduler.ts';
import { createStore } from '../../app/store/create-store.ts';
import { PG_URL } from '../../app/store/store-test-backends.ts';
import type { Store } from '../../app/store/store.ts';
import { deleteRedisKeys, dropSchema } from '../support/cleanup.ts';
import { REDIS_URL } from '../support/redis.ts';

const schema = `refinery_sched_${process.pid}_${Date.now().toString(36)}`;
const prefix = `refinery-test-${randomUUID().slice(0, 8)}`;
const SHOP = 'tokyo.myshopify.com';
let store: Store;
let queues: BullQueues;

before(async () => {
  store = await createStore({ databaseUrl: PG_URL, pgSchema: schema });
  queues = createBullQueues({ redisUrl: REDIS_URL, prefix });
});

after(async () => {
  await queues.close();
  await deleteRedisKeys(prefix);
  await store.close();
  await dropSchema(schema);
});

const jobIds = async () => (await queues.queues.fullSync.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed'])).map((j) => String(j.id)).sort();

test('a full sync fires at 09:00 Asia/Tokyo as one bull job, and a changed schedule applies at the next tick', async () => {
  const settings = { tagPrefix: 'refinery:', shopify: { accessToken: 'x', adminOrigin: null }, schedule: { fullSyncCron: '0 9 * * *', timeZone: 'Asia/Tokyo', incrementalEveryMinutes: null, paused: false } };
  await store.saveShopSettings(SHOP, settings, new Date().toISOString());
  let now = Date.parse('2026-12-01T23:58:00Z'); // 08:58 in Tokyo
  const a = createScheduler({ store, queue: queues.queue, now: () => now, tickMs: 60_000 });
  const b = createScheduler({ store, queue: queues.queue, now: () => now, tickMs: 60_000 });
  for (; now <= Date.parse('2026-12-02T00:03:00Z'); now += 60_000) {
    await a.tick(now);
    await b.tick(now);
  }
  const fired = scheduledJobId('fullSync', SHOP, Date.parse('2026-12-02T00:00:00Z'));
  assert.deepEqual(await jobIds(), [fired], 'fired once, at 00:00Z = 09:00 in Tokyo, though two schedulers ticked');
  const job = await queues.queues.fullSync.getJob(fired);
  assert.deepEqual(job?.data, { shopId: SHOP, trigger: 'schedule', firedAt: '2026-12-02T00:00:00.000Z' });

  // The admin moves it to 10:30 Tokyo time; the same schedulers pick it up.
  await store.saveShopSettings(SHOP, { ...settings, schedule: { ...settings.schedule, fullSyncCron: '30 10 * * *' } }, new Date().toISOString());
  for (; now <= Date.parse('2026-12-02T01:35:00Z'); now += 60_000) await a.tick(now);
  assert.deepEqual(await jobIds(), [fired, scheduledJobId('fullSync', SHOP, Date.parse('2026-12-02T01:30:00Z'))].sort());
});
