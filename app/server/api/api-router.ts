// The JSON API behind the embedded admin UI, mounted at /api after session-token authentication.
// Every handler takes the shop from res.locals.shopId (set by authentication) and from nowhere
// else. Bodies are JSON only (415 otherwise), at most MAX_API_BODY_BYTES (413), and every body,
// query and path parameter is checked by its zod schema before a handler runs (422 for a body,
// 400 for the URL, with the issues). Unknown routes are 404 JSON; errors never carry a stack.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { z } from 'zod';
import { describeError } from '../../../core/errors.ts';
import { createApiCache } from './api-cache.ts';
import { ApiHttpError, errorResponse, issuesOf, validationError } from './api-errors.ts';
import type { ApiDeps, ApiRoute, ApiServices } from './api-route.ts';
import { API_ROUTES } from './api-routes.ts';

export const MAX_API_BODY_BYTES = 64 * 1024;
/** Path prefixes under /api served by other routers (mounted before or after this one). */
export const EXTERNAL_PREFIXES: readonly string[] = ['/hubspot'];

function shopOf(res: Response): string {
  const shopId: unknown = res.locals.shopId;
  if (typeof shopId !== 'string' || shopId === '') throw new ApiHttpError(401, 'UNAUTHENTICATED', 'no authenticated shop');
  return shopId;
}

const requireJson = (req: Request, _res: Response, next: NextFunction) => {
  if (!req.is('application/json')) {
    next(new ApiHttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'the body must be JSON (Content-Type: application/json)'));
    return;
  }
  next();
};

function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, status: 400 | 422, what: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(status, what, issuesOf(result.error));
  return result.data;
}

function handler(route: ApiRoute, services: ApiServices) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const shopId = shopOf(res);
      const params = parsePart(route.params, { ...req.params }, 400, 'path');
      const query = parsePart(route.query, { ...(req.query as Record<string, unknown>) }, 400, 'query');
      const body = parsePart(route.body, req.body, 422, 'body');
      const result = await route.handle({ shopId, params, query, body, services });
      res.status(result.status).json(result.body);
    } catch (error) {
      next(error);
    }
  };
}

export function createApiRouter(deps: ApiDeps): Router {
  const services: ApiServices = {
    store: deps.store,
    queue: deps.queue,
    now: deps.now,
    cache: createApiCache({ ...(deps.cacheSize === undefined ? {} : { max: deps.cacheSize }), ...(deps.liveTtlMs === undefined ? {} : { liveTtlMs: deps.liveTtlMs }) }),
  };
  const log = deps.log ?? ((line: string) => console.error(line));
  const router = express.Router();
  const json = express.json({ limit: MAX_API_BODY_BYTES, type: () => true, strict: true });
  for (const route of API_ROUTES) {
    const steps = route.body ? [requireJson, json, handler(route, services)] : [handler(route, services)];
    router[route.method](route.path, ...steps);
  }
  router.use((req: Request, _res: Response, next: NextFunction) => {
    // Paths other routers under /api serve (the HubSpot connection) go on to them.
    if (EXTERNAL_PREFIXES.some((prefix) => req.path === prefix || req.path.startsWith(`${prefix}/`))) {
      next();
      return;
    }
    next(new ApiHttpError(404, 'NOT_FOUND', `no API route ${req.method} ${req.path}`));
  });
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, body } = errorResponse(error);
    if (status >= 500) log(`api ${req.method} ${req.originalUrl}: ${describeError(error)}`);
    res.status(status).json(body);
  });
  return router;
}
