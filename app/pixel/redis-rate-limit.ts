// The pixel endpoint's token buckets in Redis, shared by every web process: the PixelRateLimiter
// of rate-limit.ts, so a shop's limit holds however many web processes serve its storefront.
//
// One Lua script, atomic in Redis, takes from all the buckets of a request or from none: it reads
// each bucket (a hash {tokens, at}; no key is a full bucket), refills it by the time elapsed since
// `at` times the rate, capped at the burst, and replies with the first bucket that has fewer tokens
// than the cost (and the milliseconds until it will have them; never, when the cost exceeds the
// burst); only when every bucket has enough does it write them all, each with a PEXPIRE of the
// time it needs to refill completely, so an idle bucket's key vanishes (a full bucket and no key
// are the same thing).
//
// Keys: `<prefix>:<bucket key>`, prefix default "refinery:pixel-rate" (the server uses
// `<REFINERY_QUEUE_PREFIX>:pixel-rate`, beside `:budget` and `:lock:shop:`). The endpoint's bucket
// keys hold the shop in braces (`shop:{<shop>}`, `client:{<shop>}:<browser>`), a Redis Cluster hash
// tag, so the keys of one script land on one node, as in connectors/shared/redis-budgets.ts.
//
// Clock: the Redis server's (TIME inside the script), never the web process's: buckets are
// written by several machines, and a clock running ahead would refill tokens that are not there.
// Tests see the refill through short real waits and by writing a bucket's `at` in server time.
//
// When Redis fails (an error, or no answer within `timeoutMs`), the request is not refused and the
// endpoint does not fail: the same takes go to this process's own memory limiter (the limits per
// process, as before there was Redis), and the result carries `fallback:
// 'shared_limiter_unavailable'`, which the endpoint counts per shop (app/pixel/pixel-stats.ts).
// Falling back rather than letting everything through keeps a limit when Redis is in trouble. After
// a failure Redis is left alone for `retryAfterFailureMs` (every request meanwhile falls back at
// once, without waiting for a timeout); the outage and the recovery are logged once each.
import type { Redis } from 'ioredis';
import { LUA_SERVER_NOW, LuaScript } from '../../connectors/shared/redis-script.ts';
import { RefineryError, describeError } from '../../core/errors.ts';
import { createMemoryRateLimiter, type BucketTake, type PixelRateLimiter, type TakeResult } from './rate-limit.ts';

export const DEFAULT_PIXEL_RATE_PREFIX = 'refinery:pixel-rate';

// KEYS: the buckets. ARGV: ratePerSecond, burst, cost for each bucket, in order.
// Reply: {-1, 0} when taken; {index (from 0), retryAfterMs or -1 for never} when refused.
const TAKE = new LuaScript(
  'pixel rate limit',
  `${LUA_SERVER_NOW}
local left = {}
for i = 1, #KEYS do
  local rate = tonumber(ARGV[3 * i - 2])
  local burst = tonumber(ARGV[3 * i - 1])
  local cost = tonumber(ARGV[3 * i])
  if cost > burst then return {i - 1, -1} end
  local level = left[KEYS[i]]
  if level == nil then
    local b = redis.call('HMGET', KEYS[i], 'tokens', 'at')
    if b[1] and b[2] then
      level = math.min(burst, tonumber(b[1]) + math.max(0, now - tonumber(b[2])) * rate / 1000)
    else
      level = burst
    end
  end
  if level < cost then return {i - 1, math.max(1, math.ceil((cost - level) * 1000 / rate))} end
  left[KEYS[i]] = level - cost
end
for i = 1, #KEYS do
  local tokens = left[KEYS[i]]
  if tokens ~= nil then
    left[KEYS[i]] = nil
    local full = math.ceil((tonumber(ARGV[3 * i - 1]) - tokens) * 1000 / tonumber(ARGV[3 * i - 2]))
    if full > 0 then
      redis.call('HSET', KEYS[i], 'tokens', tokens, 'at', now)
      redis.call('PEXPIRE', KEYS[i], full)
    else
      redis.call('DEL', KEYS[i])
    end
  end
end
return {-1, 0}`,
);

export interface RedisRateLimiterOptions {
  /** Key prefix, without the trailing colon; default "refinery:pixel-rate". */
  prefix?: string;
  /** Redis not answering within this many ms counts as a failure; default 250. */
  timeoutMs?: number;
  /** After a failure, requests use the fallback this long before Redis is tried again; default 5000. */
  retryAfterFailureMs?: number;
  /** Decides while Redis is unavailable; default this process's createMemoryRateLimiter(). */
  fallback?: PixelRateLimiter;
  /** This process's clock, only for the pause after a failure (the buckets use Redis's). */
  now?: () => number;
  /** Where the outage and the recovery are reported; default stderr. */
  log?: (line: string) => void;
}

function checkTake(take: BucketTake): void {
  const { ratePerSecond, burst } = take.limit;
  if (!(Number.isFinite(ratePerSecond) && ratePerSecond > 0 && Number.isFinite(burst) && burst > 0 && Number.isFinite(take.cost) && take.cost >= 0)) {
    throw new RefineryError('INPUT', `pixel rate limit ${JSON.stringify(take.key)}: rate and burst must be positive and the cost finite, not ${ratePerSecond}/s, burst ${burst}, cost ${take.cost}`);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new RefineryError('TIMEOUT', `Redis did not answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function toResult(reply: unknown): TakeResult {
  if (!Array.isArray(reply) || reply.length < 2) throw new RefineryError('INTERNAL', `unexpected reply from the pixel rate limit script: ${JSON.stringify(reply)}`);
  const [index, wait] = [Number(reply[0]), Number(reply[1])];
  if (index < 0) return { ok: true };
  return { ok: false, refused: index, retryAfterMs: wait < 0 ? Number.POSITIVE_INFINITY : wait };
}

/** The shared limiter over a connection the caller owns (and closes). */
export function createRedisRateLimiter(redis: Redis, options: RedisRateLimiterOptions = {}): PixelRateLimiter {
  const prefix = options.prefix ?? DEFAULT_PIXEL_RATE_PREFIX;
  const timeoutMs = options.timeoutMs ?? 250;
  const pauseMs = options.retryAfterFailureMs ?? 5000;
  const fallback = options.fallback ?? createMemoryRateLimiter();
  const now = options.now ?? (() => Date.now());
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let pausedUntil = 0;
  let down = false;

  const fallBack = async (takes: readonly BucketTake[]): Promise<TakeResult> => ({ ...(await fallback.take(takes)), fallback: 'shared_limiter_unavailable' });

  return {
    async take(takes) {
      if (takes.length === 0) return { ok: true };
      takes.forEach(checkTake);
      if (down && now() < pausedUntil) return fallBack(takes);
      const keys = takes.map((take) => `${prefix}:${take.key}`);
      const args = takes.flatMap((take) => [take.limit.ratePerSecond, take.limit.burst, take.cost]);
      let result: TakeResult;
      try {
        const running = TAKE.run(redis, keys, args);
        running.catch(() => undefined); // answered after the timeout: nobody waits for it any more
        result = toResult(await withTimeout(running, timeoutMs));
      } catch (error) {
        if (!down) log(`[pixel] the shared rate limit in Redis is unavailable, limiting per process for now: ${describeError(error)}`);
        down = true;
        pausedUntil = now() + pauseMs;
        return fallBack(takes);
      }
      if (down) log('[pixel] the shared rate limit in Redis answers again');
      down = false;
      return result;
    },
  };
}
