// One sync per shop at a time, across every worker: a lock in Redis (SET NX PX with a random
// token, renewed while the sync runs, released only by its holder). A worker that dies stops
// renewing; its lock expires after `ttlMs` and the next attempt can take it. Without Redis (CLI,
// demo), an in-process lock gives the same guarantee within one process.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface ShopLock {
  /** Runs `fn` holding the shop's lock, or returns { busy: true } without running it. */
  withLock<T>(shopId: string, fn: () => Promise<T>): Promise<{ busy: false; value: T } | { busy: true }>;
}

export const DEFAULT_LOCK_TTL_MS = 15_000;

// Delete (or extend) the key only when it still holds our token.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;

export function createRedisShopLock(redis: Redis, options: { prefix?: string; ttlMs?: number } = {}): ShopLock {
  const ttl = options.ttlMs ?? DEFAULT_LOCK_TTL_MS;
  const prefix = options.prefix ?? 'refinery:lock:shop:';
  return {
    async withLock(shopId, fn) {
      const key = `${prefix}${shopId}`;
      const token = randomUUID();
      const taken = await redis.set(key, token, 'PX', ttl, 'NX');
      if (taken !== 'OK') return { busy: true };
      const timer = setInterval(() => {
        redis.eval(RENEW, 1, key, token, String(ttl)).catch(() => undefined);
      }, Math.max(1000, Math.floor(ttl / 3)));
      timer.unref();
      try {
        return { busy: false, value: await fn() };
      } finally {
        clearInterval(timer);
        await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
      }
    },
  };
}

export function createLocalShopLock(): ShopLock {
  const held = new Set<string>();
  return {
    async withLock(shopId, fn) {
      if (held.has(shopId)) return { busy: true };
      held.add(shopId);
      try {
        return { busy: false, value: await fn() };
      } finally {
        held.delete(shopId);
      }
    },
  };
}
