// Every route of the admin API, in one registry: the router serves exactly these and the OpenAPI
// document describes exactly these (plus EXTERNAL_ROUTES).
import { defineRoute, ok, type ApiRoute } from './api-route.ts';
import { z } from 'zod';
import { buildOpenApiDocument } from './openapi.ts';
import { customerInsightsRoutes } from './customer-insights-routes.ts';
import { modelsRoutes } from './models-routes.ts';
import { overviewRoutes } from './overview-routes.ts';
import { qualityRoutes } from './quality-routes.ts';
import { rulesRoutes } from './rules-routes.ts';
import { runsRoutes } from './runs-routes.ts';
import { segmentsRoutes } from './segments-routes.ts';
import { settingsRoutes } from './settings-routes.ts';
import { syncRoutes } from './sync-routes.ts';

const openApiRoute = defineRoute({
  method: 'get',
  path: '/openapi.json',
  operationId: 'getOpenApi',
  summary: 'This document',
  tag: 'meta',
  responses: { 200: { description: 'The OpenAPI 3.1 document', schema: z.record(z.string(), z.unknown()) } },
  async handle() {
    return ok(openApiDocument());
  },
});

export const API_ROUTES: readonly ApiRoute[] = [
  ...overviewRoutes,
  ...segmentsRoutes,
  ...customerInsightsRoutes,
  ...modelsRoutes,
  ...qualityRoutes,
  ...runsRoutes,
  ...rulesRoutes,
  ...settingsRoutes,
  ...syncRoutes,
  openApiRoute,
];

let document: Record<string, unknown> | null = null;

export function openApiDocument(): Record<string, unknown> {
  document ??= buildOpenApiDocument(API_ROUTES);
  return document;
}
