// The OpenAPI 3.1 document of the admin API, generated from the route registry: the same zod
// schemas that validate requests describe them here (JSON Schema 2020-12, which OpenAPI 3.1 uses).
// Routes served elsewhere under /api (the HubSpot connection) are listed as EXTERNAL_ROUTES.
import { z } from 'zod';
import type { ApiRoute } from './api-route.ts';
import { ApiErrorSchema, HubSpotConnectRequest, HubSpotOAuthCompleteRequest } from './api-schemas.ts';

type JsonObject = Record<string, unknown>;

/** Documented here, served by other routers mounted under /api. */
export const EXTERNAL_ROUTES: ReadonlyArray<Pick<ApiRoute, 'method' | 'path' | 'operationId' | 'summary' | 'tag' | 'body' | 'responses'>> = [
  {
    method: 'post',
    path: '/hubspot/connect',
    operationId: 'connectHubSpot',
    summary: 'Connect a HubSpot portal with a private-app token (checked against the portal before it is stored)',
    tag: 'hubspot',
    body: HubSpotConnectRequest,
    responses: {
      200: { description: 'Connected' },
      422: { description: 'The token or a field is not valid', schema: ApiErrorSchema },
    },
  },
  {
    method: 'post',
    path: '/hubspot/oauth/complete',
    operationId: 'completeHubSpotOAuth',
    summary: 'Complete an OAuth connection: the code and state the callback page handed to the app window; the state must be this shop\'s and unused',
    tag: 'hubspot',
    body: HubSpotOAuthCompleteRequest,
    responses: {
      200: { description: 'Connected: { connected: true, portalId, authKind: "oauth" }' },
      400: { description: 'The body is not valid, or the state is forged or expired', schema: ApiErrorSchema },
      403: { description: 'The state was started for another shop', schema: ApiErrorSchema },
      404: { description: 'HubSpot OAuth is not configured', schema: ApiErrorSchema },
      409: { description: 'The state was already used, or the app is not installed', schema: ApiErrorSchema },
      422: { description: 'HubSpot refused the code', schema: ApiErrorSchema },
      502: { description: 'HubSpot could not be reached', schema: ApiErrorSchema },
    },
  },
];

/** `/segments/:key` -> `/segments/{key}` */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonObject;
  delete out.$schema;
  return out;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonObject[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: where, required: where === 'path' || required.has(name), ...(description ? { description } : {}), schema: rest };
  });
}

function operation(route: Pick<ApiRoute, 'operationId' | 'summary' | 'tag' | 'params' | 'query' | 'body' | 'responses'>): JsonObject {
  const responses: JsonObject = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    responses[status] = { description: spec.description, ...(spec.schema ? { content: { 'application/json': { schema: jsonSchema(spec.schema, 'output') } } } : {}) };
  }
  responses['401'] ??= { description: 'No valid session token', content: { 'application/json': { schema: jsonSchema(ApiErrorSchema, 'output') } } };
  const params = [...parameters(route.params, 'path'), ...parameters(route.query, 'query')];
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
    responses,
  };
}

export function buildOpenApiDocument(routes: readonly ApiRoute[]): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of [...routes, ...EXTERNAL_ROUTES]) {
    const path = openApiPath(route.path);
    // The description itself is served without a session token (create-server.ts).
    const open = route.operationId === 'getOpenApi' ? { security: [] } : {};
    paths[path] = { ...(paths[path] ?? {}), [route.method]: { ...operation(route), ...open } };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Segment Refinery admin API',
      version: '1',
      description: 'The JSON API behind the embedded admin UI. Every request but this description carries a Shopify session token; the shop is the token\'s, never a request field.',
    },
    servers: [{ url: '/api' }],
    security: [{ shopifySessionToken: [] }],
    components: {
      securitySchemes: {
        shopifySessionToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Shopify session token (App Bridge), signed with the app secret' },
      },
    },
    paths,
  };
}
