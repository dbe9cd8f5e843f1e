// A real Redis for the shared-budget tests: REDIS_URL, else the local default. When it cannot be
// reached the tests fail (they do not skip) and say why.
import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import { Redis } from 'ioredis';
import { scanKeys } from '../../app/privacy/queue-purge.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh connection, checked with a PING; throws a clear error when Redis is not there. */
export async function connectRedis(): Promise<Redis> {
  let lastError: Error | null = null;
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: () => null });
  redis.on('error', (error: Error) => void (lastError = error));
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    const reason = (lastError as Error | null)?.message ?? (error instanceof Error ? error.message : String(error));
    throw new Error(`these tests need a running Redis at ${REDIS_URL} (set REDIS_URL to use another): ${reason}`, { cause: error });
  }
}

/** A key prefix no other test (or run) uses. */
export function uniquePrefix(name: string): string {
  return `refinery:test:${name}:${randomUUID()}`;
}

/** Keys under `prefix`. */
export const keysUnder = scanKeys;

/** Deletes every key under `prefix`. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(redis, prefix);
  if (keys.length > 0) await redis.del(...keys);
}

/** A client whose every command fails at once, as when Redis is down. */
export function unreachableRedis(): Redis {
  const redis = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  redis.on('error', () => {});
  return redis;
}

/**
 * Several connections for the file's tests (as several workers would hold), opened before and
 * closed after, with the prefix's keys deleted; `conn(i)` picks one round-robin.
 */
export function useRedisConnections(count: number, prefix: string): (i: number) => Redis {
  let connections: Redis[] = [];
  before(async () => {
    connections = await Promise.all(Array.from({ length: count }, () => connectRedis()));
  });
  after(async () => {
    const [first] = connections;
    if (first) await deleteKeys(first, prefix);
    await Promise.all(connections.map((c) => c.quit()));
  });
  return (i) => {
    const c = connections[i % connections.length];
    if (!c) throw new Error('no Redis connection');
    return c;
  };
}
