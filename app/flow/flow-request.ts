// What Flow's requests to the app (action runs, trigger lifecycle callbacks) have in common: signed
// like a webhook (X-Shopify-Hmac-Sha256 over the raw body with the app's client secret), a JSON body.
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { SHOPIFY_WEBHOOK_HEADERS, verifyShopifyWebhookHmac } from '../../connectors/shopify/webhook-payloads.ts';

/** The raw body when its signature holds; otherwise null, with 401 answered. */
export function verifiedFlowBody(req: Request, res: Response, secret: string | null): Buffer | null {
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (!secret || !verifyShopifyWebhookHmac(body, req.get(SHOPIFY_WEBHOOK_HEADERS.hmac) ?? undefined, secret)) {
    res.status(401).json({ error: 'the request signature does not match' });
    return null;
  }
  return body;
}

/** A body parsed as JSON and checked against the schema; expected failures are values with a short reason. */
export function parseFlowJson<S extends z.ZodType>(raw: Buffer | string, schema: S): { ok: true; data: z.infer<S> } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return { ok: false, reason: 'the body is not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') };
  return { ok: true, data: parsed.data };
}
