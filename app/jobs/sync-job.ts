// The sync job: one sync of one shop under the shop's lock. A second sync of a busy shop never
// runs beside the first: an incremental one is skipped (the running sync covers it), a full one
// fails with BUSY, which the queue retries later. Runs left `running` by a worker that died are
// closed as abandoned once the lock is ours (nobody else can be running them).
import { isErrorCode, RefineryError } from '../../core/errors.ts';
import type { Store } from '../store/store.ts';
import { runSync } from '../sync/run-sync.ts';
import type { SyncDeps, SyncReport } from '../sync/sync-types.ts';
import type { SyncJob } from './job-types.ts';
import type { ShopLock } from './shop-lock.ts';

export interface SyncJobContext {
  store: Store;
  deps: SyncDeps;
  lock: ShopLock;
}

export type SyncJobResult = { status: 'ran'; report: SyncReport; abandonedRuns: number } | { status: 'skipped'; reason: string };

export async function closeAbandonedRuns(store: Store, shopId: string, at: string): Promise<number> {
  let closed = 0;
  for (const run of await store.listRuns(shopId, 20)) {
    if (run.status !== 'running') continue;
    const report = { ...run.report, errors: [{ code: 'ABANDONED', message: 'the worker running this sync stopped before it finished; a later run took over' }] };
    await store.finishRun(shopId, run.id, 'failed', report, at);
    closed += 1;
  }
  return closed;
}

export async function runSyncJob(ctx: SyncJobContext, mode: 'full' | 'incremental', job: SyncJob, options: { pollIntervalMs?: number; asOf?: string } = {}): Promise<SyncJobResult> {
  const outcome = await ctx.lock.withLock(job.shopId, async () => {
    const abandonedRuns = await closeAbandonedRuns(ctx.store, job.shopId, ctx.deps.now().toISOString());
    const report = await runSync(ctx.store, ctx.deps, {
      shopId: job.shopId,
      trigger: job.trigger,
      full: mode === 'full',
      ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
      ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
    });
    return { report, abandonedRuns };
  });
  if (outcome.busy) {
    if (mode === 'incremental') return { status: 'skipped', reason: `another sync of ${job.shopId} is running` };
    throw new RefineryError('BUSY', `another sync of ${job.shopId} is running; this full sync waits its turn`);
  }
  const { report, abandonedRuns } = outcome.value;
  if (report.status === 'failed' && report.failure) {
    // The queue decides from the code: retriable failures are tried again with backoff, the rest fail now.
    const code = isErrorCode(report.failure.code) ? report.failure.code : 'INTERNAL';
    throw new RefineryError(code, `sync of ${job.shopId} failed: ${report.failure.message}`, { details: { runId: report.runId } });
  }
  return { status: 'ran', report, abandonedRuns };
}
