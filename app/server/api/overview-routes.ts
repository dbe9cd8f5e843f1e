// GET /overview: the shop at a glance (totals, the last run, every segment with its trend, where
// segments are written).
import { defineRoute, ok } from './api-route.ts';
import { ApiErrorSchema, OverviewResponseSchema } from './api-schemas.ts';
import type { OverviewResponse } from './api-types.ts';
import { segmentTable } from './segment-rows.ts';
import { requireSettings, runSummary } from './shop-data.ts';

export const overviewRoutes = [
  defineRoute({
    method: 'get',
    path: '/overview',
    operationId: 'getOverview',
    summary: 'Totals, the last run, segments with their trend, and connections',
    tag: 'overview',
    responses: { 200: { description: 'The overview', schema: OverviewResponseSchema }, 404: { description: 'Unknown shop', schema: ApiErrorSchema } },
    async handle({ shopId, services }) {
      const { store } = services;
      const settings = await requireSettings(services, shopId);
      const [customers, orders, contacts, table, [last]] = await Promise.all([
        store.countCustomers(shopId),
        store.countOrders(shopId),
        store.countContacts(shopId),
        segmentTable(store, shopId),
        store.listRuns(shopId, 1),
      ]);
      const body: OverviewResponse = {
        shop: shopId,
        totals: { customers, orders, contacts, people: table.people, revenue: table.revenue },
        lastRun: last ? runSummary(last) : null,
        segments: table.rows,
        connections: {
          shopify: settings.shopify !== null,
          hubspot: { connected: Boolean(settings.hubspot), portalId: settings.hubspot?.portalId ?? null },
        },
      };
      return ok(body);
    },
  }),
];
