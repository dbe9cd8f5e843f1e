// `npm run worker`: a worker process. Any number of them, on any number of machines, share the
// queues in Redis and the store (DATABASE_URL for PostgreSQL; several workers need PostgreSQL or a
// shared SQLite file on one machine). SIGTERM / SIGINT: stop taking jobs, finish the ones in hand,
// then exit; a worker killed outright has its jobs taken up by another once their locks lapse.
import { realSleep } from '../../connectors/shared/with-retry.ts';
import { describeError } from '../../core/errors.ts';
import { createSharedBudgets } from '../../connectors/shared/redis-budgets.ts';
import { loadConfig } from '../config.ts';
import { createStore } from '../store/create-store.ts';
import { createBullQueues, processQueues } from './bull-queues.ts';
import { createRedisCoordination } from './coordination.ts';
import { createHandlers } from './handlers.ts';
import { connectRedis } from './redis-connection.ts';
import { createRedisShopLock } from './shop-lock.ts';
import { createRedisPurger } from '../privacy/queue-purge.ts';

export async function startWorker(env: NodeJS.ProcessEnv = process.env): Promise<{ stop(): Promise<void> }> {
  const config = loadConfig(env);
  const redis = await connectRedis(config.redisUrl, 'the worker');
  const store = await createStore({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath, pgSchema: config.pgSchema, secrets: config.secrets });
  const prefix = env.REFINERY_QUEUE_PREFIX?.trim() || 'refinery';
  // Timings an operator (or a test) may shorten: how soon a dead worker's job and shop lock lapse.
  const ms = (name: string): number | undefined => {
    const n = Number(env[name]);
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  };
  const lockDurationMs = ms('REFINERY_JOB_LOCK_MS');
  const stalledIntervalMs = ms('REFINERY_STALLED_INTERVAL_MS');
  const shopLockTtlMs = ms('REFINERY_SHOP_LOCK_TTL_MS');
  // The real-time coalescing window (handlers.ts DEFAULT_COALESCE_MS); 0 coalesces only while waiting.
  const coalesceText = env.REFINERY_COALESCE_MS?.trim();
  const coalesceMs = coalesceText && /^[0-9]{1,6}$/.test(coalesceText) ? Number(coalesceText) : undefined;
  const queues = createBullQueues({
    redisUrl: config.redisUrl,
    prefix,
    ...(lockDurationMs ? { lockDurationMs } : {}),
    ...(stalledIntervalMs ? { stalledIntervalMs } : {}),
    // Finished jobs kept per queue (a bench reads its latencies from them); default 1,000.
    ...(ms('REFINERY_KEEP_COMPLETED_JOBS') ? { keepCompleted: ms('REFINERY_KEEP_COMPLETED_JOBS') } : {}),
  });
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} worker ${process.pid}: ${line}\n`);
  const budgets = createSharedBudgets(redis, { prefix: `${prefix}:budget` });
  const deps = { now: () => new Date(), sleep: realSleep, random: Math.random, log, progress: () => {}, budgets, hubspotOAuth: config.hubspotApp };
  const handlers = createHandlers({
    store,
    deps,
    queue: queues.queue,
    shopLock: createRedisShopLock(redis, { prefix: `${prefix}:lock:shop:`, ...(shopLockTtlMs ? { ttlMs: shopLockTtlMs } : {}) }),
    personLock: createRedisShopLock(redis, { prefix: `${prefix}:lock:person:`, ttlMs: 30_000 }),
    ...createRedisCoordination(redis, prefix),
    purger: createRedisPurger(redis, prefix, queues),
    ...(ms('REFINERY_POLL_INTERVAL_MS') ? { pollIntervalMs: ms('REFINERY_POLL_INTERVAL_MS') } : {}),
    ...(coalesceMs === undefined ? {} : { coalesceMs }),
  });
  const concurrency = Math.max(1, Number(env.REFINERY_WORKER_CONCURRENCY) || 4);
  // Flow triggers are mutations on the shop's cost budget, which syncs and pushes share: a few at a time.
  const flowConcurrency = 2;
  processQueues(queues, handlers, { concurrency: { fullSync: 1, incrementalSync: 1, ingest: concurrency, privacy: 1, scoring: concurrency, shopifyPush: concurrency, hubspotPush: concurrency, flowTrigger: flowConcurrency }, log });
  log(`processing queues (prefix ${prefix}, store ${store.kind}, Redis ${config.redisUrl})`);
  let stopping: Promise<void> | null = null;
  return {
    stop() {
      stopping ??= (async () => {
        await queues.close();
        await store.close();
        redis.disconnect();
      })();
      return stopping;
    },
  };
}

if (import.meta.main) {
  try {
    const worker = await startWorker();
    const stop = (signal: string) => {
      process.stderr.write(`worker ${process.pid}: ${signal}: finishing the jobs in hand\n`);
      worker.stop().then(() => process.exit(0), (error: unknown) => {
        process.stderr.write(`worker ${process.pid}: ${describeError(error)}\n`);
        process.exit(1);
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  } catch (error) {
    process.stderr.write(`refinery worker: ${describeError(error)}\n`);
    process.exit(1);
  }
}
