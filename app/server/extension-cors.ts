// CORS for the API routes that Shopify admin UI extensions call (the customer-details block,
// extensions/customer-insights). An extension runs in Shopify's sandbox, on another origin than the
// app, and its fetch to the app's URL carries `Authorization: Bearer <session token>` (added by
// Shopify for requests to the app's domain): a cross-origin request with a non-simple header, so
// the browser sends a preflight OPTIONS first, without the token. That preflight is answered here,
// before session-token authentication; the request itself is still authenticated like every /api
// request. Any origin is allowed: no cookie is ever read (credentials are not allowed), and the
// session token is the only thing that grants data.
import type { NextFunction, Request, Response } from 'express';

/** Path prefixes under the server root that admin extensions fetch. */
export const EXTENSION_API_PREFIXES: readonly string[] = ['/api/customers'];

export function extensionCors(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'GET, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
    return;
  }
  next();
}
