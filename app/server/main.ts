// `npm run server`: the web process. It serves webhooks and the admin pages, and runs the
// scheduler that turns each shop's schedule into sync jobs. Work itself is done by workers
// (`npm run worker`). The scheduler, the queues and the pixel endpoint's rate limit (shared by every
// web process: app/pixel/redis-rate-limit.ts) need Redis: without it the server says so and stops.
import type { Server } from 'node:http';
import { describeError } from '../../core/errors.ts';
import { loadConfig } from '../config.ts';
import { createBullQueues } from '../jobs/bull-queues.ts';
import { connectRedis } from '../jobs/redis-connection.ts';
import { createRedisRateLimiter } from '../pixel/redis-rate-limit.ts';
import { createScheduler } from '../jobs/scheduler.ts';
import { createStore } from '../store/create-store.ts';
import { createServer } from './create-server.ts';
import { createAppServer } from './app-server.ts';

export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<{ port: number; stop(): Promise<void> }> {
  const config = loadConfig(env);
  // Kept open for the pixel endpoint's rate limit, shared by every web process in Redis.
  const redis = await connectRedis(config.redisUrl, 'the server (its scheduler, queues and pixel rate limit)');
  const store = await createStore({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath, pgSchema: config.pgSchema, secrets: config.secrets }).catch((error: unknown) => {
    redis.disconnect();
    throw error;
  });
  const prefix = env.REFINERY_QUEUE_PREFIX?.trim() || 'refinery';
  const queues = createBullQueues({ redisUrl: config.redisUrl, prefix });
  // Should Redis go away later, the limiter falls back to per-process buckets and logs it once.
  redis.on('error', () => {});
  const pixel = { limiter: createRedisRateLimiter(redis, { prefix: `${prefix}:pixel-rate` }) };
  const user = env.REFINERY_ADMIN_USER?.trim();
  const password = env.REFINERY_ADMIN_PASSWORD;
  const admin = user && password ? { user, password } : null;
  const hubspotClientSecret = env.HUBSPOT_CLIENT_SECRET?.trim() || null;
  const now = () => new Date();
  // With SHOPIFY_API_KEY and SHOPIFY_API_SECRET: the whole app (install, /api, the admin UI);
  // without them only the webhooks, "sync now" and the queue dashboard.
  const app = config.shopifyApp
    ? createAppServer({ store, queue: queues.queue, queues, shopifyApp: config.shopifyApp, hubspotApp: config.hubspotApp, hubspotClientSecret, admin, now, pixel }).app
    : createServer({ store, queue: queues.queue, queues, shopifyApiSecret: env.SHOPIFY_API_SECRET?.trim() || null, hubspotClientSecret, admin, now, pixel });
  const scheduler = createScheduler({ store, queue: queues.queue, now: () => new Date(), tickMs: 60_000 });
  scheduler.start();
  const port = Number(env.PORT ?? 3000);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, env.HOST?.trim() || '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    async stop() {
      await scheduler.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queues.close();
      await store.close();
      redis.disconnect();
    },
  };
}

if (import.meta.main) {
  try {
    const server = await startServer();
    process.stderr.write(`Segment Refinery server on http://127.0.0.1:${server.port} (queue dashboard at /admin/queues)\n`);
    const stop = () => void server.stop().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  } catch (error) {
    process.stderr.write(`refinery server: ${describeError(error)}\n`);
    process.exit(1);
  }
}
