// Token buckets for the pixel endpoint: one per shop (all its storefront's visitors together) and
// one per (shop, browser), each event a token. The endpoint takes through the PixelRateLimiter
// interface; which limiter it gets:
// - the server (`npm run server`, which always has Redis): createRedisRateLimiter
//   (app/pixel/redis-rate-limit.ts), buckets in Redis shared by every web process, so a shop's
//   limit holds however many web processes there are; when Redis does not answer it falls back
//   to one of these, per process, and says so in the result (`fallback`);
// - everywhere else (the demo, in-process mode, tests): this one, the process's own buckets (with
//   N web processes a shop would get up to N times the rate).
//
// Memory stays bounded: a bucket that has refilled completely is the same as no bucket, so buckets
// are dropped once full (swept every few thousand takes), and at most `maxBuckets` are kept (the
// oldest dropped first: that forgets a limit, it never blocks anyone wrongly).
import type { PixelFallback } from './pixel-stats.ts';

export interface BucketLimit {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Tokens a full bucket holds (the burst allowed). */
  burst: number;
}

export interface BucketTake {
  key: string;
  limit: BucketLimit;
  cost: number;
}

export type TakeResult = ({ ok: true } | { ok: false; /** Index of the first bucket that refused. */ refused: number; /** Until that bucket has the tokens; Infinity when the cost exceeds its burst. */ retryAfterMs: number }) & {
  /** Set when a stand-in decided because the shared limiter was unavailable (counted in the pixel stats). */
  fallback?: PixelFallback;
};

export interface PixelRateLimiter {
  /** Takes `cost` tokens from every bucket, or none when any of them has too few. */
  take(takes: readonly BucketTake[]): Promise<TakeResult>;
}

export const PIXEL_RATE_LIMITS = {
  /** Per shop: 200 events a second, bursts of 400. */
  shop: { ratePerSecond: 200, burst: 400 },
  /** Per (shop, browser): 60 events a minute. */
  client: { ratePerSecond: 1, burst: 60 },
} as const satisfies Record<string, BucketLimit>;

interface Bucket {
  tokens: number;
  at: number;
}

export function createMemoryRateLimiter(options: { now?: () => number; maxBuckets?: number } = {}): PixelRateLimiter {
  const now = options.now ?? (() => Date.now());
  const maxBuckets = options.maxBuckets ?? 100_000;
  const buckets = new Map<string, Bucket>();
  let takes = 0;

  const level = (key: string, limit: BucketLimit, t: number): number => {
    const bucket = buckets.get(key);
    if (!bucket) return limit.burst;
    return Math.min(limit.burst, bucket.tokens + ((t - bucket.at) / 1000) * limit.ratePerSecond);
  };

  const sweep = (t: number, limits: Map<string, BucketLimit>): void => {
    for (const [key, bucket] of buckets) {
      const limit = limits.get(key);
      // Without its limit at hand, a bucket idle for ten minutes is taken as full.
      const full = limit ? level(key, limit, t) >= limit.burst : t - bucket.at > 600_000;
      if (full) buckets.delete(key);
    }
  };

  return {
    async take(takes_) {
      const t = now();
      const levels = takes_.map((take) => level(take.key, take.limit, t));
      for (const [index, take] of takes_.entries()) {
        const available = levels[index] ?? 0;
        if (available < take.cost) {
          const missing = take.cost - available;
          const retryAfterMs = take.cost > take.limit.burst ? Number.POSITIVE_INFINITY : Math.ceil((missing / take.limit.ratePerSecond) * 1000);
          return { ok: false, refused: index, retryAfterMs };
        }
      }
      for (const [index, take] of takes_.entries()) {
        buckets.delete(take.key); // re-inserted last: the Map's order is the order of use
        buckets.set(take.key, { tokens: (levels[index] ?? 0) - take.cost, at: t });
      }
      takes += 1;
      if (takes % 4096 === 0) sweep(t, new Map(takes_.map((take) => [take.key, take.limit])));
      while (buckets.size > maxBuckets) {
        const oldest = buckets.keys().next().value;
        if (oldest === undefined) break;
        buckets.delete(oldest);
      }
      return { ok: true };
    },
  };
}
