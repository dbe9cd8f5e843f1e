// POST /sync: "sync now" from the admin UI: a full or incremental sync of the authenticated shop,
// enqueued with a job id made of the shop and the instant (as /admin/shops/:shop/sync does).
import type { QueueKind } from '../../jobs/job-types.ts';
import { defineRoute, ok } from './api-route.ts';
import { ApiErrorSchema, SyncNowResponseSchema, SyncRequest } from './api-schemas.ts';
import type { SyncNowResponse } from './api-types.ts';
import { requireSettings } from './shop-data.ts';

export function syncNowJobId(mode: 'full' | 'incremental', shopId: string, at: string): string {
  return mode === 'full' ? `sync-now|${shopId}|${at}` : `sync-now-incremental|${shopId}|${at}`;
}

export const syncRoutes = [
  defineRoute({
    method: 'post',
    path: '/sync',
    operationId: 'syncNow',
    summary: 'Queue a full or incremental sync of the shop now',
    tag: 'sync',
    body: SyncRequest,
    responses: {
      202: { description: 'Queued', schema: SyncNowResponseSchema },
      404: { description: 'Unknown shop', schema: ApiErrorSchema },
      422: { description: 'Not a sync mode', schema: ApiErrorSchema },
    },
    async handle({ shopId, body, services }) {
      await requireSettings(services, shopId);
      const at = services.now().toISOString();
      const kind: Extract<QueueKind, 'fullSync' | 'incrementalSync'> = body.mode === 'full' ? 'fullSync' : 'incrementalSync';
      const jobId = syncNowJobId(body.mode, shopId, at);
      await services.queue.enqueue(kind, { shopId, trigger: 'sync-now', firedAt: at }, { jobId });
      return ok({ queued: true, mode: body.mode, jobId } satisfies SyncNowResponse, 202);
    },
  }),
];
