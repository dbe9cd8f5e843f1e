// GET /runs: the shop's sync history, newest first.
import { defineRoute, ok } from './api-route.ts';
import { ApiErrorSchema, RunsQuery, RunsResponseSchema } from './api-schemas.ts';
import type { RunsResponse } from './api-types.ts';
import { requireSettings, runSummary } from './shop-data.ts';

export const runsRoutes = [
  defineRoute({
    method: 'get',
    path: '/runs',
    operationId: 'listRuns',
    summary: 'Sync runs, newest first, with what each read and wrote',
    tag: 'runs',
    query: RunsQuery,
    responses: {
      200: { description: 'The runs', schema: RunsResponseSchema },
      400: { description: 'A bad limit', schema: ApiErrorSchema },
      404: { description: 'Unknown shop', schema: ApiErrorSchema },
    },
    async handle({ shopId, query, services }) {
      await requireSettings(services, shopId);
      const body: RunsResponse = { runs: (await services.store.listRuns(shopId, query.limit)).map(runSummary) };
      return ok(body);
    },
  }),
];
