// One sync run for one shop: pull -> store -> segments -> diff -> push, recorded as a run.
import { RefineryError, describeError } from '../../core/errors.ts';
import { RFM_SEGMENTS } from '../../core/rfm.ts';
import { createAdminClient } from '../../connectors/shopify/admin-client.ts';
import type { Store } from '../store/store.ts';
import { computeSegments, shopifyMemberships } from './compute-segments.ts';
import { pullShopify } from './pull-shopify.ts';
import { pushShopify } from './push-shopify.ts';
import type { SyncDeps, SyncOptions, SyncReport } from './sync-types.ts';

export const DEFAULT_BULK_THRESHOLD = 100;
export const DEFAULT_PAGE_SIZE = 2000;

export async function runSync(store: Store, deps: SyncDeps, options: SyncOptions): Promise<SyncReport> {
  const started = deps.now();
  const settings = await store.getShopSettings(options.shopId);
  if (!settings) throw new RefineryError('NOT_FOUND', `unknown shop ${options.shopId}; run \`refinery demo\` or connect the shop first`);
  if (!settings.shopify) throw new RefineryError('AUTH', `shop ${options.shopId} has no Shopify access token configured`);
  const asOf = options.asOf ?? started.toISOString();
  const run = await store.startRun(options.shopId, options.trigger, started.toISOString());
  const report: SyncReport = {
    shop: options.shopId,
    runId: run.id,
    status: 'succeeded',
    asOf,
    read: { customers: 0, orders: 0, mode: { customers: 'incremental', orders: 'incremental' } },
    wrote: { shopify: { tagsAdded: 0, tagsRemoved: 0, segmentsCreated: 0, segmentsUpdated: 0 } },
    calls: { shopify: { queries: 0, mutations: 0, bulkMutations: 0, stagedUploads: 0, throttledResponses: 0, retries: 0, costPointsSpent: 0 } },
    segments: [],
    errors: [],
    durationMs: 0,
  };
  const client = createAdminClient(
    { shop: options.shopId, accessToken: settings.shopify.accessToken, adminOrigin: settings.shopify.adminOrigin },
    { now: () => deps.now().getTime(), sleep: deps.sleep, random: deps.random, log: deps.log },
  );
  try {
    deps.progress('pull', 'reading customers and orders from Shopify');
    report.read = await pullShopify(store, options.shopId, client, {
      full: options.full ?? false,
      pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
      pollIntervalMs: options.pollIntervalMs,
      progress: deps.progress,
    });
    deps.progress('segment', 'scoring customers');
    const computed = await computeSegments(store, options.shopId, asOf);
    report.segments = computed.summary.segments;
    await store.saveSegmentSnapshot(
      options.shopId,
      computed.summary.segments.map((row) => ({
        definition: RFM_SEGMENTS.find((d) => d.key === row.key) ?? { key: row.key, name: row.name, kind: 'rfm', description: '' },
        size: row.size,
        revenue: row.revenue,
        revenueShare: row.revenueShare,
        computedAt: asOf,
      })),
    );
    deps.progress('push', 'writing tag and segment changes to Shopify');
    const pushed = await pushShopify(store, options.shopId, client, shopifyMemberships(computed.memberships), computed.tagCounts, RFM_SEGMENTS, {
      tagPrefix: settings.tagPrefix,
      bulkThreshold: options.bulkThreshold ?? DEFAULT_BULK_THRESHOLD,
      pollIntervalMs: options.pollIntervalMs,
      runLabel: run.id,
      now: deps.now,
      progress: deps.progress,
    });
    report.wrote.shopify = {
      tagsAdded: pushed.tagsAdded,
      tagsRemoved: pushed.tagsRemoved,
      segmentsCreated: pushed.segmentsCreated,
      segmentsUpdated: pushed.segmentsUpdated,
    };
    report.calls.shopify.bulkMutations = pushed.bulkMutations;
    report.calls.shopify.stagedUploads = pushed.stagedUploads;
    report.errors.push(...pushed.errors);
  } catch (error) {
    report.status = 'failed';
    report.errors.push({ code: error instanceof RefineryError ? error.code : 'INTERNAL', message: describeError(error) });
  } finally {
    const stats = client.stats();
    Object.assign(report.calls.shopify, {
      queries: stats.queries,
      mutations: stats.mutations,
      throttledResponses: stats.throttledResponses,
      retries: stats.retries,
      costPointsSpent: stats.costPointsSpent,
    });
    report.durationMs = deps.now().getTime() - started.getTime();
    await store.finishRun(options.shopId, run.id, report.status, report as unknown as Record<string, unknown>, deps.now().toISOString());
  }
  return report;
}
