// Platform rate budgets shared by every worker process through one Redis: a Shopify cost bucket
// per shop (shared-cost-bucket.ts) and HubSpot's request windows per portal (shared-window.ts),
// so that several workers together respect the platforms' limits, not each process alone.
//
// A worker opens one connection and passes the budgets to the clients it creates:
//   const budgets = await openSharedBudgets(process.env.REDIS_URL);
//   createAdminClient(config, { ...deps, budgets });
//   createHubSpotClient(config, { ...deps, budgets });
//   ...
//   await budgets.close();
// Without `budgets` the clients keep their in-process budgets (one worker alone).
//
// Keys (all under `prefix`, default "refinery:budget"; the part in braces is a Redis Cluster hash
// tag, so every key of one script lands on one node):
//   <prefix>:shopify:{<shop domain>}            hash {available, restoreRate, maximum, updatedAtMs}
//   <prefix>:shopify:{<shop domain>}:inflight   reservations not yet answered
//   <prefix>:hubspot:{<sha256>}:window          ten-second window (+ :pause after a 429)
//   <prefix>:hubspot:{<sha256>}:search          search requests per second
// where <sha256> hashes the portal's API base path and access token: a token never goes in a key.
// Every key expires when idle. Times come from the Redis server (see the two files for why).
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { RefineryError } from '../../core/errors.ts';
import type { PortalLimits, SharedBudgets } from './limiters.ts';
import { SharedCostBucket } from './shared-cost-bucket.ts';
import { SharedWindowLimiter } from './shared-window.ts';
import { realSleep } from './with-retry.ts';

export type { SharedBudgets } from './limiters.ts';

export const DEFAULT_BUDGET_PREFIX = 'refinery:budget';

export interface SharedBudgetOptions {
  /** Key prefix; default "refinery:budget". */
  prefix?: string;
  sleep?: (ms: number) => Promise<void>;
  /** Where bookkeeping that could not be stored (and lost connections) are reported; default console.warn. */
  log?: (line: string) => void;
  /** Idle time after which a shop's cost bucket keys expire; default ten minutes. */
  costIdleTtlMs?: number;
}

/** The hash that names a HubSpot portal's keys: sha256 of its API base path and token. */
export function portalKeyHash(accessToken: string, basePath?: string | null): string {
  return createHash('sha256').update(`${basePath?.replace(/\/+$/, '') || 'hubspot'}|${accessToken}`).digest('hex');
}

/** Shared budgets over a connection the caller owns (and closes). */
export function createSharedBudgets(redis: Redis, options: SharedBudgetOptions = {}): SharedBudgets {
  const prefix = options.prefix ?? DEFAULT_BUDGET_PREFIX;
  const sleep = options.sleep ?? realSleep;
  const log = options.log ?? ((line: string) => console.warn(line));
  // One limiter per key in this process, so its callers queue in order and share document costs.
  const windows = new Map<string, SharedWindowLimiter>();
  const buckets = new Map<string, SharedCostBucket>();

  function windowFor(key: string, limit: number, windowMs: number): SharedWindowLimiter {
    const id = `${key}|${limit}|${windowMs}`;
    let found = windows.get(id);
    if (!found) {
      found = new SharedWindowLimiter(redis, key, { limit, windowMs, sleep, log });
      windows.set(id, found);
    }
    return found;
  }

  return {
    shopifyCost(shop: string) {
      const key = `${prefix}:shopify:{${shop.trim().toLowerCase()}}`;
      let found = buckets.get(key);
      if (!found) {
        found = new SharedCostBucket(redis, key, { sleep, log, idleTtlMs: options.costIdleTtlMs });
        buckets.set(key, found);
      }
      return found;
    },
    hubspotPortal(portal: { accessToken: string; basePath?: string | null }, limits: PortalLimits) {
      const base = `${prefix}:hubspot:{${portalKeyHash(portal.accessToken, portal.basePath)}}`;
      return {
        window: windowFor(`${base}:window`, limits.requestsPerWindow, limits.windowMs),
        search: windowFor(`${base}:search`, limits.searchRequestsPerSecond, 1000),
      };
    },
  };
}

export interface OpenSharedBudgets extends SharedBudgets {
  readonly redis: Redis;
  close(): Promise<void>;
}

/** Connects to Redis (failing fast, with the reason, when it cannot) and returns the worker's shared budgets. */
export async function openSharedBudgets(url: string, options: SharedBudgetOptions & { connectTimeoutMs?: number } = {}): Promise<OpenSharedBudgets> {
  const log = options.log ?? ((line: string) => console.warn(line));
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: options.connectTimeoutMs ?? 5000 });
  let reported = false;
  let connected = false;
  let lastError: Error | null = null;
  redis.on('error', (error: Error) => {
    lastError = error;
    if (connected && !reported) log(`shared rate budgets: Redis at ${redactUrl(url)}: ${error.message}`);
    reported = true;
  });
  redis.on('ready', () => void (reported = false));
  try {
    await redis.connect();
    await redis.ping();
    connected = true;
  } catch (error) {
    redis.disconnect();
    const reason = (lastError as Error | null)?.message ?? (error instanceof Error ? error.message : String(error));
    throw new RefineryError('UPSTREAM_UNAVAILABLE', `cannot reach Redis at ${redactUrl(url)} for the shared rate budgets: ${reason}`, { cause: error });
  }
  return {
    ...createSharedBudgets(redis, { ...options, log }),
    redis,
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable Redis URL)';
  }
}
