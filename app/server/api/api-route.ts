// One route of the admin API as data: method, path, the zod schemas of its params, query and body
// (validated before the handler runs, and the source of the OpenAPI document), its responses, and
// a handler that gets the shop from authentication only.
import type { z } from 'zod';
import type { JobQueue } from '../../jobs/job-types.ts';
import type { Store } from '../../store/store.ts';
import type { ApiCache } from './api-cache.ts';

export interface ApiDeps {
  store: Store;
  queue: JobQueue;
  now: () => Date;
  /** Where unexpected errors are logged (their messages never reach the client). */
  log?: (line: string) => void;
  /** Entries kept per expensive computation (recomputed segments, model reports); default 8. */
  cacheSize?: number;
  /** How long recomputed segments are reused for a shop before they are recomputed; default 10 minutes. */
  liveTtlMs?: number;
}

export interface ApiServices {
  store: Store;
  queue: JobQueue;
  now: () => Date;
  cache: ApiCache;
}

export interface ApiContext<P, Q, B> {
  /** The authenticated shop (res.locals.shopId); never taken from the request. */
  shopId: string;
  params: P;
  query: Q;
  body: B;
  services: ApiServices;
}

export interface ApiResult {
  status: number;
  body: unknown;
}

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

export interface ApiResponseSpec {
  description: string;
  schema?: z.ZodType;
}

export interface ApiRoute<P = unknown, Q = unknown, B = unknown> {
  method: HttpMethod;
  /** Express path relative to the API root, e.g. `/segments/:key`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  responses: Record<number, ApiResponseSpec>;
  handle(ctx: ApiContext<P, Q, B>): Promise<ApiResult>;
}

/** Keeps the schema types of a route for its handler; the registry holds routes type-erased. */
export function defineRoute<P = undefined, Q = undefined, B = undefined>(route: ApiRoute<P, Q, B>): ApiRoute {
  return route as unknown as ApiRoute;
}

export const ok = (body: unknown, status = 200): ApiResult => ({ status, body });
