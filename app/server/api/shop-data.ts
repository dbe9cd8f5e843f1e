// What several API routes read about the authenticated shop: its settings (404 when the shop is
// unknown), its runs as RunSummary rows, and its segments recomputed from the store (cached per
// shop, last run and privacy epoch).
import { computeLiveSegments, type LiveSegments } from '../../analysis/live-segments.ts';
import type { RunRecord, ShopSettings } from '../../store/store.ts';
import type { SyncReport } from '../../sync/sync-types.ts';
import { shopKey } from './api-cache.ts';
import { notFound } from './api-errors.ts';
import type { ApiServices } from './api-route.ts';
import type { RunSummary } from './api-types.ts';

export async function requireSettings(services: ApiServices, shopId: string): Promise<ShopSettings> {
  const settings = await services.store.getShopSettings(shopId);
  if (!settings) throw notFound(`unknown shop ${shopId}`);
  return settings;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function runSummary(run: RunRecord): RunSummary {
  const report = run.report as Partial<SyncReport>;
  const errors = Array.isArray(report.errors) ? report.errors.filter((e) => isObject(e)).map((e) => ({ code: String(e.code), message: String(e.message) })) : [];
  const finished = run.finishedAt === null ? null : Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  return {
    id: run.id,
    trigger: run.trigger,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: typeof report.durationMs === 'number' ? report.durationMs : finished,
    read: isObject(report.read) ? report.read : null,
    wrote: isObject(report.wrote) ? report.wrote : null,
    errors,
    failure: isObject(report.failure) ? report.failure : null,
  };
}

/** The id of the shop's latest run, or `none`: what cached computations are keyed by. */
export async function lastRunKey(services: ApiServices, shopId: string): Promise<string> {
  const [last] = await services.store.listRuns(shopId, 1);
  return last ? `${last.id}:${last.status}` : 'none';
}

/**
 * The shop's segments recomputed from its stored data now; reused until the next run, the next
 * customer redaction (the store's privacy epoch: a redaction runs in a worker and creates no run,
 * and its person must not be served from here afterwards) or expiry.
 */
export async function liveSegments(services: ApiServices, shopId: string): Promise<LiveSegments> {
  const run = await lastRunKey(services, shopId);
  const epoch = await services.store.privacyEpoch(shopId);
  return services.cache.live.get(shopKey(shopId, 'live', run, epoch), () => computeLiveSegments(services.store, shopId, services.now().toISOString()));
}
