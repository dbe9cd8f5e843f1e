import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultSchedule, type ShopSchedule } from '../../core/schedule/schedule.ts';
import { createSqliteStore } from '../store/sqlite-store.ts';
import type { ShopRecord, ShopSettings } from '../store/store.ts';
import type { EnqueueOptions, JobData, JobQueue, QueueKind } from './job-types.ts';
import { createScheduler, scheduledJobId, type SetTimer } from './scheduler.ts';

const MIN = 60_000;
const at = (iso: string) => Date.parse(iso);
const SHOP = 'tokyo-shop.myshopify.com';

interface Enqueued {
  kind: QueueKind;
  data: JobData[QueueKind];
  options: EnqueueOptions | undefined;
}

/** Records every enqueue; `jobs` holds them by job id, as a queue that coalesces duplicates would. */
function fakeQueue(options: { failFor?: (kind: QueueKind, data: JobData[QueueKind]) => boolean } = {}): JobQueue & { calls: Enqueued[]; jobs: Map<string, Enqueued> } {
  const calls: Enqueued[] = [];
  const jobs = new Map<string, Enqueued>();
  return {
    calls,
    jobs,
    async enqueue(kind, data, enqueueOptions) {
      if (options.failFor?.(kind, data)) throw new Error('redis is down');
      const call = { kind, data, options: enqueueOptions };
      calls.push(call);
      if (enqueueOptions?.jobId !== undefined && !jobs.has(enqueueOptions.jobId)) jobs.set(enqueueOptions.jobId, call);
    },
  };
}

/** A store with just what the scheduler reads; settings can be changed between ticks. */
function fakeStore(initial: Record<string, ShopSettings | null>) {
  const settings = new Map(Object.entries(initial));
  return {
    settings,
    async listShops(): Promise<ShopRecord[]> {
      return [...settings.keys()].map((shopId) => ({ shopId, createdAt: '2024-01-01T00:00:00.000Z' }));
    },
    async getShopSettings(shopId: string): Promise<ShopSettings | null> {
      const value = settings.get(shopId);
      return value === undefined || value === null ? null : structuredClone(value);
    },
  };
}

const schedule = (overrides: Partial<ShopSchedule>): ShopSchedule => ({ ...defaultSchedule(), ...overrides });
const withSchedule = (s: ShopSchedule | undefined, shopify = false): ShopSettings => ({
  tagPrefix: 'refinery:',
  shopify: shopify ? { accessToken: 'shpat_x', adminOrigin: null } : null,
  hubspot: null,
  ...(s === undefined ? {} : { schedule: s }),
});

/** Ticks every stepMs over (from, to]. */
async function tickThrough(scheduler: { tick(now: number): Promise<unknown> }, from: number, to: number, stepMs = MIN): Promise<void> {
  for (let t = from; t <= to; t += stepMs) await scheduler.tick(t);
}

test('a full sync fires at the right local time: "0 9 * * *" in Asia/Tokyo is 00:00Z', async () => {
  const store = fakeStore({ [SHOP]: withSchedule(schedule({ fullSyncCron: '0 9 * * *', timeZone: 'Asia/Tokyo', incrementalEveryMinutes: null })) });
  const queue = fakeQueue();
  const scheduler = createScheduler({ store, queue, now: () => 0, tickMs: MIN });
  await tickThrough(scheduler, at('2024-04-30T23:50:00Z'), at('2024-05-01T00:10:00Z'));
  assert.deepEqual(queue.calls, [{
    kind: 'fullSync',
    data: { shopId: SHOP, trigger: 'schedule', firedAt: '2024-05-01T00:00:00.000Z' },
    options: { jobId: `sync-full:${SHOP}:2024-05-01T00:00:00.000Z` },
  }]);
  const report = await scheduler.tick(at('2024-05-02T00:00:00Z'));
  assert.deepEqual(report.enqueued.map((e) => e.jobId), [`sync-full:${SHOP}:2024-05-02T00:00:00.000Z`], 'the next day, one tick later');
  assert.equal(scheduledJobId('incrementalSync', SHOP, at('2024-05-01T00:15:00Z')), `sync-incremental:${SHOP}:2024-05-01T00:15:00.000Z`);
});

test('incremental every 15 minutes, on epoch-aligned boundaries, beside the daily full sync', async () => {
  const store = fakeStore({ [SHOP]: withSchedule(schedule({ fullSyncCron: '0 3 * * *', timeZone: 'UTC', incrementalEveryMinutes: 15 })) });
  const queue = fakeQueue();
  const scheduler = createScheduler({ store, queue, now: () => 0, tickMs: MIN });
  await tickThrough(scheduler, at('2024-05-01T02:31:00Z'), at('2024-05-01T03:31:00Z'));
  assert.deepEqual(queue.calls.map((c) => c.options?.jobId), [
    `sync-incremental:${SHOP}:2024-05-01T02:45:00.000Z`,
    `sync-full:${SHOP}:2024-05-01T03:00:00.000Z`, // the incremental boundary at 03:00 is left to the full sync
    `sync-incremental:${SHOP}:2024-05-01T03:15:00.000Z`,
    `sync-incremental:${SHOP}:2024-05-01T03:30:00.000Z`,
  ]);
  assert.deepEqual(queue.calls.map((c) => c.kind), ['incrementalSync', 'fullSync', 'incrementalSync', 'incrementalSync']);
  assert.deepEqual(queue.calls[0]?.data, { shopId: SHOP, trigger: 'schedule', firedAt: '2024-05-01T02:45:00.000Z' });
});

test('the first tick looks back one tick only; after a long gap, one catch-up of each kind, not the backlog', async () => {
  const store = fakeStore({ [SHOP]: withSchedule(schedule({ fullSyncCron: '0 * * * *', timeZone: 'UTC', incrementalEveryMinutes: 5 })) });
  const queue = fakeQueue();
  const scheduler = createScheduler({ store, queue, now: () => 0, tickMs: MIN });
  // Started at 10:02:30: the 10:00 fires are more than a tick ago.
  assert.deepEqual((await scheduler.tick(at('2024-05-01T10:02:30Z'))).enqueued, []);
  const fresh = createScheduler({ store, queue, now: () => 0, tickMs: MIN });
  const first = await fresh.tick(at('2024-05-01T10:00:30Z'));
  assert.equal(first.from, at('2024-05-01T09:59:30Z'));
  assert.deepEqual(first.enqueued.map((e) => e.jobId), [`sync-full:${SHOP}:2024-05-01T10:00:00.000Z`]);
  // Three days without a tick (a laptop asleep): the latest hourly full sync and the latest 5-minute boundary.
  const late = await fresh.tick(at('2024-05-04T07:12:00Z'));
  assert.deepEqual(late.enqueued.map((e) => e.jobId), [`sync-full:${SHOP}:2024-05-04T07:00:00.000Z`, `sync-incremental:${SHOP}:2024-05-04T07:10:00.000Z`]);
  // The same instant again, or a clock that went back: nothing.
  assert.deepEqual((await fresh.tick(at('2024-05-04T07:12:00Z'))).enqueued, []);
  assert.deepEqual((await fresh.tick(at('2024-05-04T06:00:00Z'))).enqueued, []);
});

test('a schedule changed in the store takes effect at the next tick (real store)', async () => {
  const store = createSqliteStore({ path: ':memory:' });
  await store.migrate();
  try {
    const tokyo = schedule({ fullSyncCron: '0 9 * * *', timeZone: 'Asia/Tokyo', incrementalEveryMinutes: null });
    await store.saveShopSettings(SHOP, withSchedule(tokyo), '2024-04-30T00:00:00.000Z');
    const queue = fakeQueue();
    const scheduler = createScheduler({ store, queue, now: () => 0, tickMs: MIN });
    await tickThrough(scheduler, at('2024-04-30T23:50:00Z'), at('2024-04-30T23:58:00Z'));
    // 23:58Z: the admin moves the full sync to 09:05 Tokyo time; the 09:00 fire does not happen.
    await store.saveShopSettings(SHOP, withSchedule({ ...tokyo, fullSyncCron: '5 9 * * *' }), '2024-04-30T23:58:30.000Z');
    await tickThrough(scheduler, at('2024-04-30T23:59:00Z'), at('2024-05-01T00:10:00Z'));
    assert.deepEqual(queue.calls.map((c) => c.options?.jobId), [`sync-full:${SHOP}:2024-05-01T00:05:00.000Z`]);
    // Then to Paris, 03:00: 01:00Z in May (CEST).
    await store.saveShopSettings(SHOP, withSchedule({ ...tokyo, fullSyncCron: '0 3 * * *', timeZone: 'Europe/Paris' }), '2024-05-01T00:10:30.000Z');
    await tickThrough(scheduler, at('2024-05-01T00:11:00Z'), at('2024-05-01T01:30:00Z'));
    assert.deepEqual(queue.calls.map((c) => c.options?.jobId).slice(1), [`sync-full:${SHOP}:2024-05-01T01:00:00.000Z`]);
    // Paused: nothing, not even the incremental syncs it would run; resumed: runs again.
    await store.saveShopSettings(SHOP, withSchedule({ ...tokyo, fullSyncCron: '*/10 * * * *', incrementalEveryMinutes: 1, paused: true }), '2024-05-01T01:30:30.000Z');
    await tickThrough(scheduler, at('2024-05-01T01:31:00Z'), at('2024-05-01T02:00:00Z'));
    assert.equal(queue.calls.length, 2);
    await store.saveShopSettings(SHOP, withSchedule({ ...tokyo, fullSyncCron: '*/10 * * * *', incrementalEveryMinutes: 1, paused: false }), '2024-05-01T02:00:30.000Z');
    await scheduler.tick(at('2024-05-01T02:01:00Z'));
    assert.deepEqual(queue.calls.map((c) => c.options?.jobId).slice(2), [`sync-incremental:${SHOP}:2024-05-01T02:01:00.000Z`]);
  } finally {
    await store.close();
  }
});

test('two schedulers, ticking at different times, enqueue the same job ids: each fire once', async () => {
  const shops = {
    [SHOP]: withSchedule(schedule({ fullSyncCron: '0 9 * * *', timeZone: 'Asia/Tokyo', incrementalEveryMinutes: 15 })),
    'paris.myshopify.com': withSchedule(schedule({ fullSyncCron: '30 2 * * *', timeZone: 'Europe/Paris', incrementalEveryMinutes: 7 })),
    'ny.myshopify.com': withSchedule(schedule({ fullSyncCron: '30 1 * * *', timeZone: 'America/New_York', incrementalEveryMinutes: null })),
  };
  const queue = fakeQueue();
  const a = createScheduler({ store: fakeStore(shops), queue, now: () => 0, tickMs: MIN });
  const b = createScheduler({ store: fakeStore(shops), queue, now: () => 0, tickMs: 47_000 });
  const ids = { a: [] as string[], b: [] as string[] };
  // Through the night Paris goes from 02:00 to 03:00 (and on through New York's day).
  const from = at('2024-03-30T20:00:00Z');
  const to = at('2024-03-31T20:00:00Z');
  let ta = from;
  let tb = from + 13_000;
  while (ta <= to || tb <= to) {
    if (ta <= tb) {
      ids.a.push(...(await a.tick(ta)).enqueued.map((e) => e.jobId));
      ta += MIN;
    } else {
      ids.b.push(...(await b.tick(tb)).enqueued.map((e) => e.jobId));
      tb += 47_000;
    }
  }
  // b's last tick may be up to 47 s past a's: compare what both covered.
  const covered = (id: string) => Date.parse(id.slice(-24)) <= Math.min(ta - MIN, tb - 47_000);
  assert.deepEqual(ids.a.filter(covered).sort(), ids.b.filter(covered).sort());
  assert.equal(new Set(ids.a).size, ids.a.length, 'one scheduler never enqueues a fire twice');
  const full = [...queue.jobs.keys()].filter((id) => id.startsWith('sync-full:')).sort();
  assert.deepEqual(full, [
    `sync-full:ny.myshopify.com:2024-03-31T05:30:00.000Z`,
    `sync-full:paris.myshopify.com:2024-03-31T01:30:00.000Z`, // 02:30 does not exist that night: 03:30 CEST
    `sync-full:${SHOP}:2024-03-31T00:00:00.000Z`,
  ]);
  assert.equal([...queue.jobs.keys()].filter((id) => id.startsWith(`sync-incremental:${SHOP}:`)).length, 24 * 4);
  assert.ok(queue.calls.length > queue.jobs.size, 'both enqueued; the queue keeps each job id once');
});

test('unknown shops, shops without settings or a Shopify connection, and paused schedules enqueue nothing', async () => {
  const store = fakeStore({
    'gone.myshopify.com': null, // listed, then deleted before its settings were read
    'csv-only.myshopify.com': withSchedule(undefined), // no schedule, not connected: nothing to sync
    'paused.myshopify.com': withSchedule(schedule({ paused: true }), true),
    'connected.myshopify.com': withSchedule(undefined, true), // no schedule saved: the default one
  });
  const queue = fakeQueue();
  const scheduler = createScheduler({ store, queue, now: () => 0, tickMs: MIN });
  await tickThrough(scheduler, at('2024-05-01T02:50:00Z'), at('2024-05-01T03:20:00Z'));
  assert.deepEqual(queue.calls.map((c) => c.options?.jobId), [
    'sync-full:connected.myshopify.com:2024-05-01T03:00:00.000Z',
    'sync-incremental:connected.myshopify.com:2024-05-01T03:15:00.000Z',
  ]);
});

test('a failed enqueue or a bad stored schedule is reported; the shop is retried next tick, the others go on', async () => {
  let redisDown = true;
  const store = fakeStore({
    'flaky.myshopify.com': withSchedule(schedule({ fullSyncCron: '0 3 * * *', incrementalEveryMinutes: null })),
    'broken.myshopify.com': withSchedule({ fullSyncCron: '0 3 * *', timeZone: 'UTC', incrementalEveryMinutes: null, paused: false }),
    'fine.myshopify.com': withSchedule(schedule({ fullSyncCron: '0 3 * * *', incrementalEveryMinutes: null })),
  });
  const queue = fakeQueue({ failFor: (_kind, data) => redisDown && data.shopId === 'flaky.myshopify.com' });
  const scheduler = createScheduler({ store, queue, now: () => 0, tickMs: MIN });
  const report = await scheduler.tick(at('2024-05-01T03:00:00Z'));
  assert.deepEqual(report.enqueued.map((e) => e.jobId), ['sync-full:fine.myshopify.com:2024-05-01T03:00:00.000Z']);
  assert.deepEqual(report.errors.map((e) => e.shopId), ['flaky.myshopify.com', 'broken.myshopify.com']);
  assert.match(report.errors[0]?.message ?? '', /redis is down/);
  assert.match(report.errors[1]?.message ?? '', /stored schedule is not valid: fullSyncCron: "0 3 \* \*" must have 5 fields/);
  redisDown = false;
  const retried = await scheduler.tick(at('2024-05-01T03:05:00Z'));
  assert.deepEqual(retried.enqueued.map((e) => e.jobId), ['sync-full:flaky.myshopify.com:2024-05-01T03:00:00.000Z'], 'the missed fire, once');
  assert.deepEqual((await scheduler.tick(at('2024-05-01T03:06:00Z'))).enqueued, []);
});

test('start() ticks now and then on each tick boundary; stop() ends it', async () => {
  const store = fakeStore({ [SHOP]: withSchedule(schedule({ fullSyncCron: null, timeZone: 'UTC', incrementalEveryMinutes: 1 })) });
  const queue = fakeQueue();
  let clock = at('2024-05-01T10:00:20Z');
  const timers: Array<{ callback: () => void; delayMs: number; cancelled: boolean }> = [];
  const setTimer: SetTimer = (callback, delayMs) => {
    const timer = { callback, delayMs, cancelled: false };
    timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  };
  const lines: string[] = [];
  const scheduler = createScheduler({ store, queue, now: () => new Date(clock), setTimer, tickMs: MIN, log: (line) => lines.push(line) });
  scheduler.start();
  scheduler.start(); // a second start is ignored
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(timers.length, 1);
  assert.equal(timers[0]?.delayMs, 40_000, 'the next tick on the minute');
  assert.deepEqual(queue.calls.map((c) => c.options?.jobId), [`sync-incremental:${SHOP}:2024-05-01T10:00:00.000Z`], 'the first tick looks back one tick');
  for (let i = 0; i < 3; i += 1) {
    clock = at('2024-05-01T10:01:00Z') + i * MIN;
    timers[timers.length - 1]?.callback();
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.deepEqual(queue.calls.map((c) => c.options?.jobId).slice(1), [1, 2, 3].map((m) => `sync-incremental:${SHOP}:2024-05-01T10:0${m}:00.000Z`));
  assert.equal(timers.length, 4);
  assert.equal(timers[3]?.delayMs, MIN);
  await scheduler.stop();
  assert.equal(timers[3]?.cancelled, true);
  assert.deepEqual(lines, []);
  assert.throws(() => createScheduler({ store, queue, now: () => 0, tickMs: 0 }), /tickMs/);
});
