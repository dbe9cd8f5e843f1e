// Counters of the pixel endpoint, per shop, for GET /admin/pixel/stats: events accepted, requests
// refused and events dropped, each by a stable reason. A request whose shop is not one of ours (or
// that cannot be read far enough to know its shop) is counted once for all under `unattributed`,
// so that made-up shop names cannot grow the counters without bound. Requests whose rate limit was
// decided by this process's own buckets, because the shared limiter in Redis did not answer
// (app/pixel/redis-rate-limit.ts), are counted per shop under `fallback`.

/** Why a whole request was refused. */
export const PIXEL_REJECTION_REASONS = ['malformed', 'too_large', 'unknown_shop', 'bad_key', 'rate_limited_shop', 'rate_limited_client'] as const;
/** Why single events of an accepted request were not stored. */
export const PIXEL_DROP_REASONS = ['duplicate', 'redacted_customer', 'stale', 'client_dropped'] as const;
/** Why a request was limited by a stand-in rather than the shared limiter (it was still limited). */
export const PIXEL_FALLBACK_REASONS = ['shared_limiter_unavailable'] as const;
export type PixelRejection = (typeof PIXEL_REJECTION_REASONS)[number];
export type PixelDrop = (typeof PIXEL_DROP_REASONS)[number];
export type PixelFallback = (typeof PIXEL_FALLBACK_REASONS)[number];

export interface ShopPixelCounters {
  /** Requests answered 202. */
  batches: number;
  /** Events stored. */
  accepted: number;
  /** Requests refused, by reason. */
  rejected: Partial<Record<PixelRejection, number>>;
  /** Events not stored, by reason (`client_dropped`: events the pixel says it dropped before sending). */
  dropped: Partial<Record<PixelDrop, number>>;
  /** Requests rate limited by this process alone (the shared limiter unavailable), by reason. */
  fallback: Partial<Record<PixelFallback, number>>;
}

export interface PixelStatsSnapshot {
  shops: Record<string, ShopPixelCounters>;
  unattributed: { rejected: Partial<Record<PixelRejection, number>> };
}

export class PixelStats {
  readonly #shops = new Map<string, ShopPixelCounters>();
  readonly #unattributed: Partial<Record<PixelRejection, number>> = {};

  #shop(shopId: string): ShopPixelCounters {
    let counters = this.#shops.get(shopId);
    if (!counters) {
      counters = { batches: 0, accepted: 0, rejected: {}, dropped: {}, fallback: {} };
      this.#shops.set(shopId, counters);
    }
    return counters;
  }

  /** A refused request; shopId only once the shop is known to be ours. */
  rejected(shopId: string | null, reason: PixelRejection): void {
    const target = shopId === null ? this.#unattributed : this.#shop(shopId).rejected;
    target[reason] = (target[reason] ?? 0) + 1;
  }

  dropped(shopId: string, reason: PixelDrop, count: number): void {
    if (count <= 0) return;
    const target = this.#shop(shopId).dropped;
    target[reason] = (target[reason] ?? 0) + count;
  }

  fallback(shopId: string, reason: PixelFallback): void {
    const target = this.#shop(shopId).fallback;
    target[reason] = (target[reason] ?? 0) + 1;
  }

  accepted(shopId: string, count: number): void {
    const counters = this.#shop(shopId);
    counters.batches += 1;
    counters.accepted += count;
  }

  snapshot(): PixelStatsSnapshot {
    const shops: Record<string, ShopPixelCounters> = {};
    for (const [shopId, counters] of [...this.#shops].sort(([a], [b]) => (a < b ? -1 : 1))) shops[shopId] = structuredClone(counters);
    return { shops, unattributed: { rejected: { ...this.#unattributed } } };
  }
}
