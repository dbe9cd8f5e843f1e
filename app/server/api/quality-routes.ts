// GET /quality: the data quality report of the shop's stored data, as of now.
import { readHistory } from '../../analysis/read-history.ts';
import { defineRoute, ok } from './api-route.ts';
import { ApiErrorSchema, QualityResponseSchema } from './api-schemas.ts';
import type { QualityResponse } from './api-types.ts';
import { requireSettings } from './shop-data.ts';

export const qualityRoutes = [
  defineRoute({
    method: 'get',
    path: '/quality',
    operationId: 'getQuality',
    summary: 'Data quality checks of the stored customers, orders and contacts',
    tag: 'quality',
    responses: { 200: { description: 'The quality report', schema: QualityResponseSchema }, 404: { description: 'Unknown shop', schema: ApiErrorSchema } },
    async handle({ shopId, services }) {
      await requireSettings(services, shopId);
      const history = await readHistory(services.store, shopId, { snapshots: [], qualityAsOf: services.now().toISOString() });
      const body: QualityResponse = history.quality;
      return ok(body);
    },
  }),
];
