// Small in-memory caches for the expensive answers of the admin API (segments recomputed from the
// store, model reports): bounded (least recently used out first), one computation per key at a
// time (concurrent requests share it), failures not kept, entries optionally expiring.
import type { LiveSegments } from '../../analysis/live-segments.ts';
import type { ModelsResponse } from './api-types.ts';

export interface BoundedMemo<T> {
  get(key: string, compute: () => Promise<T>): Promise<T>;
  /** Forgets every entry whose key starts with the prefix. */
  forget(prefix: string): void;
  readonly size: number;
}

export function createBoundedMemo<T>(options: { max: number; ttlMs?: number; now?: () => number }): BoundedMemo<T> {
  const entries = new Map<string, { value: Promise<T>; at: number }>();
  const now = options.now ?? Date.now;
  return {
    get(key, compute) {
      const hit = entries.get(key);
      if (hit && (options.ttlMs === undefined || now() - hit.at < options.ttlMs)) {
        entries.delete(key);
        entries.set(key, hit);
        return hit.value;
      }
      entries.delete(key);
      const value = compute();
      const entry = { value, at: now() };
      entries.set(key, entry);
      value.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      while (entries.size > options.max) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
      return value;
    },
    forget(prefix) {
      for (const key of [...entries.keys()]) if (key.startsWith(prefix)) entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}

export interface ApiCache {
  live: BoundedMemo<LiveSegments>;
  models: BoundedMemo<ModelsResponse>;
  /** Drops what is kept for a shop (its rules changed, it synced). */
  forgetShop(shopId: string): void;
}

/** Cache keys start with the shop and a separator that no shop domain contains. */
export const shopKey = (shopId: string, ...parts: Array<string | number>) => [shopId, ...parts].join('\u0000');

export function createApiCache(options: { max?: number; liveTtlMs?: number } = {}): ApiCache {
  const max = options.max ?? 8;
  const live = createBoundedMemo<LiveSegments>({ max, ttlMs: options.liveTtlMs ?? 10 * 60_000 });
  const models = createBoundedMemo<ModelsResponse>({ max: max * 2 });
  return {
    live,
    models,
    forgetShop(shopId) {
      live.forget(`${shopId}\u0000`);
      models.forget(`${shopId}\u0000`);
    },
  };
}
