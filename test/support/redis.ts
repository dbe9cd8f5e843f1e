// A real Redis for the shared-budget tests: REDIS_URL, else the local default. When it cannot be
// reached the tests fail (they do not skip) and say why.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

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
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

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
