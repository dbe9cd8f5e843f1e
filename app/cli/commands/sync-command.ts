// `refinery sync`: pull, segment, write back; prints the run report.
import { RefineryError } from '../../../core/errors.ts';
import { tryRedis } from '../../jobs/redis-connection.ts';
import { createLocalShopLock, createRedisShopLock } from '../../jobs/shop-lock.ts';
import { runSyncJob } from '../../jobs/sync-job.ts';
import type { SyncReport } from '../../sync/sync-types.ts';
import type { CliContext } from '../context.ts';
import { resolveShop } from '../context.ts';
import { segmentsTable } from '../format.ts';

export function describeReport(report: SyncReport): string {
  const w = report.wrote.shopify;
  const c = report.calls.shopify;
  const lines = [
    `run ${report.runId} for ${report.shop}: ${report.status} in ${(report.durationMs / 1000).toFixed(1)} s`,
    `read: ${report.read.customers.toLocaleString('en')} customers (${report.read.mode.customers}), ${report.read.orders.toLocaleString('en')} orders (${report.read.mode.orders})`,
    `wrote to Shopify: ${w.tagsAdded} tags added, ${w.tagsRemoved} removed, ${w.segmentsCreated} segments created, ${w.segmentsUpdated} updated`,
    `Shopify calls: ${c.queries} queries, ${c.mutations} mutations (${c.bulkMutations} bulk), ${c.costPointsSpent} cost points, ${c.throttledResponses} throttled, ${c.retries} retries`,
  ];
  if (report.read.hubspot.connected) {
    const h = report.wrote.hubspot;
    const hc = report.calls.hubspot;
    lines.push(
      `read from HubSpot: ${report.read.hubspot.contacts.toLocaleString('en')} contacts (${report.read.hubspot.mode ?? '-'})${report.read.hubspot.skipped ? `, ${report.read.hubspot.skipped} skipped` : ''}`,
      `people: ${report.people.total.toLocaleString('en')}, ${report.people.onBothPlatforms.toLocaleString('en')} on both platforms${report.people.contactsWithoutEmail ? `, ${report.people.contactsWithoutEmail} contacts without email` : ''}`,
      `wrote to HubSpot: ${h.contactsUpserted} contacts upserted (${h.contactsCreated} created), ${h.listsCreated} lists created, ${h.membershipsAdded} memberships added, ${h.membershipsRemoved} removed, ${h.propertiesCreated} properties created`,
      `HubSpot calls: ${hc.requests} requests (${hc.searchRequests} searches), ${hc.rateLimited} rate-limited, ${hc.retries} retries`,
    );
  }
  const r = report.refinement;
  if (r) {
    const step = <T,>(o: { status: 'done' } & T | { status: 'skipped'; reason: string }, done: (v: T) => string) => (o.status === 'done' ? done(o) : `none (${o.reason})`);
    if (report.models) lines.push(`models: ${report.models.retrained ? 'trained this run' : 'kept'} (${report.models.reason})`);
    lines.push(
      `clusters: ${step(r.clusters, (c) => `k = ${c.k}, silhouette ${c.silhouette.toFixed(3)}${c.movedPeople === null ? '' : `, ${c.movedPeople} people moved since the last run`}`)}`,
      `purchase propensity: ${step(r.propensity, (p) => `${p.scored.toLocaleString('en')} people scored (high ${p.tiers.high}, medium ${p.tiers.medium}, low ${p.tiers.low})`)}`,
      `churn risk: ${step(r.churn, (p) => `${p.scored.toLocaleString('en')} past buyers scored (high ${p.tiers.high}, medium ${p.tiers.medium}, low ${p.tiers.low})`)}`,
      `CLV: ${step(r.clv, (c) => `BG/NBD and ${c.spendModel ? 'Gamma-Gamma' : 'no spend model'} ${report.models?.retrained === false ? 'applied to' : 'fitted on'} ${c.people.toLocaleString('en')} buyers`)}`,
      `micro-segments: ${r.micro.kept.length} of at least ${r.micro.minSize} people${r.micro.tooSmall.length ? `, ${r.micro.tooSmall.length} too small and not written` : ''}`,
    );
    if (r.rules.length > 0) lines.push(`rule segments: ${r.rules.map((x) => ('error' in x ? `${x.key} (not applied: ${x.error})` : `${x.key} ${x.size}`)).join(', ')}`);
  }
  if (report.holdout) lines.push(`holdouts: ${(report.holdout.share * 100).toFixed(0)}% per segment, ${report.holdout.heldOutMemberships.toLocaleString('en')} memberships held out of write-back${report.holdout.cohortsStarted ? `, lift measurement started for ${report.holdout.cohortsStarted} segments` : ''}`);
  if (report.segments.length > 0) lines.push('', segmentsTable(report.segments));
  if (report.errors.length > 0) lines.push('', `${report.errors.length} error(s):`, ...report.errors.slice(0, 20).map((e) => `  [${e.code}] ${e.message}`));
  return lines.join('\n');
}

export async function syncCommand(ctx: CliContext, flags: { shop?: string; json?: boolean; full?: boolean; 'as-of'?: string }): Promise<number> {
  const shopId = await resolveShop(ctx, flags.shop);
  let asOf: string | undefined;
  if (flags['as-of'] !== undefined) {
    const t = Date.parse(flags['as-of']);
    if (Number.isNaN(t)) throw new RefineryError('INPUT', `--as-of "${flags['as-of']}" is not a date (use YYYY-MM-DD or an ISO timestamp)`);
    asOf = new Date(t).toISOString();
  }
  // One sync per shop at a time, with the workers too when a Redis is there.
  const redis = await tryRedis(ctx.config.redisUrl);
  const busy = () => new RefineryError('BUSY', `another sync of ${shopId} is running (a worker or another terminal); try again when it ends`);
  let report: SyncReport | undefined;
  try {
    const lock = redis ? createRedisShopLock(redis, { prefix: `${process.env.REFINERY_QUEUE_PREFIX?.trim() || 'refinery'}:lock:shop:` }) : createLocalShopLock();
    const outcome = await runSyncJob({ store: ctx.store, deps: ctx.syncDeps(), lock }, flags.full ? 'full' : 'incremental', { shopId, trigger: 'cli' }, asOf === undefined ? {} : { asOf });
    if (outcome.status === 'skipped') throw busy();
    report = outcome.report;
  } catch (error) {
    if (error instanceof RefineryError && error.code === 'BUSY') throw busy();
    // A run that failed is shown from its own record; anything else stops here.
    const runId = error instanceof RefineryError ? error.details?.runId : undefined;
    if (typeof runId !== 'string') throw error;
    report = (await ctx.store.listRuns(shopId, 20)).find((r) => r.id === runId)?.report as unknown as SyncReport | undefined;
  } finally {
    redis?.disconnect();
  }
  if (!report) throw new RefineryError('INTERNAL', 'the sync left no run record');
  ctx.out(flags.json ? JSON.stringify(report, null, 2) : describeReport(report));
  return report.status === 'succeeded' ? 0 : 1;
}
