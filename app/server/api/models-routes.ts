// GET /models: how the predictions would have done on the shop's own history, and its clusters
// (the model and cluster reports of `refinery report`), cached per shop, last run, date and
// horizon: each is a pass over every order and several model fits.
import { MS_PER_DAY } from '../../../core/instant.ts';
import { analyseClusters, clusterOverview } from '../../analysis/cluster-report.ts';
import { modelReport } from '../../analysis/model-report.ts';
import { readHistory } from '../../analysis/read-history.ts';
import { CLUSTER_MODEL_STATE, isClusterModel } from '../../sync/compute-segments.ts';
import { shopKey } from './api-cache.ts';
import { defineRoute, ok } from './api-route.ts';
import { ApiErrorSchema, ModelsQuery, ModelsResponseSchema } from './api-schemas.ts';
import type { ModelsResponse } from './api-types.ts';
import { lastRunKey, requireSettings } from './shop-data.ts';

/** The latest data (the last run's as-of, else now) less the horizon. */
export function defaultAsOf(latest: string, horizonDays: number): string {
  return new Date(Date.parse(latest) - horizonDays * MS_PER_DAY).toISOString();
}

export const modelsRoutes = [
  defineRoute({
    method: 'get',
    path: '/models',
    operationId: 'getModels',
    summary: 'Model backtests (propensity, BG/NBD, Gamma-Gamma) and the clusters, as of a date',
    tag: 'models',
    query: ModelsQuery,
    responses: {
      200: { description: 'The model report', schema: ModelsResponseSchema },
      400: { description: 'A bad asOf or horizon', schema: ApiErrorSchema },
      404: { description: 'Unknown shop', schema: ApiErrorSchema },
    },
    async handle({ shopId, query, services }) {
      const { store } = services;
      await requireSettings(services, shopId);
      const [lastSucceeded] = (await store.listRuns(shopId, 20)).filter((r) => r.status === 'succeeded');
      const runAsOf = typeof lastSucceeded?.report.asOf === 'string' ? lastSucceeded.report.asOf : null;
      const horizon = query.horizon;
      // By default the models are judged on the last `horizon` days before the latest data, a
      // horizon that has happened: judged on the days after the latest data, nobody has bought yet.
      const asOf = query.asOf ?? defaultAsOf(runAsOf ?? services.now().toISOString(), horizon);
      const run = await lastRunKey(services, shopId);
      const report = await services.cache.models.get(shopKey(shopId, 'models', run, asOf, horizon), async (): Promise<ModelsResponse> => {
        const cutoff = new Date(Date.parse(asOf) - horizon * MS_PER_DAY).toISOString();
        const history = await readHistory(store, shopId, { snapshots: [{ label: 'asOf', asOf }, { label: 'cutoff', asOf: cutoff }], qualityAsOf: asOf });
        const previous = await store.getModelState(shopId, CLUSTER_MODEL_STATE);
        const clusters = clusterOverview(analyseClusters(history.snapshots.get('asOf'), isClusterModel(previous) ? previous : null));
        return { ...modelReport(history, asOf, horizon), clusters };
      });
      return ok(report);
    },
  }),
];
