// One Redis connection for the app's own keys (locks, event ids, versions, budgets), checked at
// start so that a missing Redis is a clear message, not a hang.
import { Redis } from 'ioredis';
import { RefineryError } from '../../core/errors.ts';

export async function connectRedis(url: string, purpose: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, connectTimeout: 5000, retryStrategy: (times) => Math.min(times * 200, 2000) });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new RefineryError('UPSTREAM_UNAVAILABLE', `${purpose} needs Redis at ${url} (set REDIS_URL), and it is not reachable: ${error instanceof Error ? error.message : String(error)}`);
  }
  return redis;
}

/**
 * A connection when Redis answers within `timeoutMs`, else null: for the CLI, which works
 * without Redis but should share the workers' shop locks when there is one.
 */
export async function tryRedis(url: string, timeoutMs = 500): Promise<Redis | null> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: timeoutMs, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch {
    redis.disconnect();
    return null;
  }
}
