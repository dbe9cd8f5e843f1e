// Shopify Flow action "Re-score customer" (extensions/flow-rescore-customer): Flow POSTs the action
// run to the extension's runtime_url, signed like a webhook (X-Shopify-Hmac-Sha256: base64
// HMAC-SHA256 of the raw body with the app's client secret). Each request is:
// 1. verified on the raw body (at most FLOW_ACTION_MAX_BYTES), else 401 and nothing done;
// 2. parsed and validated (JSON, FlowActionBody), else 400;
// 3. for a shop this app serves (shopify_domain), else 404: Flow treats a 4xx other than 429 as the
//    action failing and does not retry it, which is the truth for a shop we do not serve (a 200
//    would tell the merchant's workflow that a re-score happened);
// 4. taken once per action_run_id (Flow's idempotency key; it retries with the same id), through the
//    webhook_deliveries ledger (source 'shopify', id `flow-action:<action_run_id>`, subject the
//    customer GID so that a redaction removes it): a repeat answers 200 duplicate;
// 5. answered at once with the re-score queued: the customer's person goes to the `scoring` queue,
//    coalesced with the webhooks' re-scores of the same person. A customer the app has not synced
//    yet has no person to re-score: 200, ignored (the next sync scores them). When the queue refuses
//    the job the run id is released and the answer is 500, so that Flow's retry is taken.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { describeError } from '../../core/errors.ts';
import { personIdOfCustomer } from '../jobs/handlers.ts';
import type { JobQueue } from '../jobs/job-types.ts';
import type { Store } from '../store/store.ts';
import { WEBHOOK_POLICY } from '../webhooks/shopify-webhook.ts';
import { knownShopOrAnswer } from '../server/known-shop.ts';
import { FLOW_LIFECYCLE_PATH, flowLifecycleHandler } from './flow-lifecycle.ts';
import { parseFlowJson, verifiedFlowBody } from './flow-request.ts';

/** The action extension's handle (extensions/flow-rescore-customer/shopify.extension.toml). */
export const FLOW_RESCORE_HANDLE = 'rescore-customer';
export const FLOW_RESCORE_PATH = '/flow/actions/rescore-customer';
/** An action request is a small JSON document; anything much larger is not one. */
export const FLOW_ACTION_MAX_BYTES = 64 * 1024;
/** Re-scores of one person asked for within this window become one (as for webhooks). */
const COALESCE_MS = 200;

const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/([1-9][0-9]{0,19})$/;

/** The customer reference: Flow sends the customer's GID; a bare numeric id is accepted too. */
const customerReference = z.union([
  z.string().regex(CUSTOMER_GID),
  z.string().regex(/^[1-9][0-9]{0,19}$/).transform((id) => `gid://shopify/Customer/${id}`),
  z.number().int().positive().max(Number.MAX_SAFE_INTEGER).transform((id) => `gid://shopify/Customer/${id}`),
]);

/** What Flow POSTs to runtime_url (fields this endpoint does not use are allowed and ignored). */
export const FlowActionBody = z.looseObject({
  shop_id: z.union([z.number().int().nonnegative(), z.string().min(1).max(100)]),
  shopify_domain: z.string().min(1).max(255),
  action_run_id: z.string().min(1).max(200),
  action_definition_id: z.string().max(200).optional(),
  handle: z.string().max(100).optional(),
  properties: z.looseObject({ customer_id: customerReference }),
});
export type FlowActionRequest = z.infer<typeof FlowActionBody>;

export type FlowActionParse = { ok: true; request: FlowActionRequest } | { ok: false; reason: string };

/** Parses a verified body; expected failures are values. */
export function parseFlowActionBody(raw: Buffer | string): FlowActionParse {
  const parsed = parseFlowJson(raw, FlowActionBody);
  if (!parsed.ok) return parsed;
  if (parsed.data.handle !== undefined && parsed.data.handle !== FLOW_RESCORE_HANDLE) {
    return { ok: false, reason: `this endpoint runs the ${FLOW_RESCORE_HANDLE} action, not ${parsed.data.handle.slice(0, 60)}` };
  }
  return { ok: true, request: parsed.data };
}

export interface FlowActionOptions {
  store: Store;
  queue: JobQueue;
  /** The app's client secret: Flow signs action requests with it. */
  shopifyApiSecret: string | null;
  now: () => Date;
}

export function flowRescoreHandler(options: FlowActionOptions) {
  return async (req: Request, res: Response): Promise<void> => {
    const body = verifiedFlowBody(req, res, options.shopifyApiSecret);
    if (body === null) return;
    const parsed = parseFlowActionBody(body);
    if (!parsed.ok) {
      res.status(400).json({ error: parsed.reason });
      return;
    }
    const { request } = parsed;
    const shopId = await knownShopOrAnswer(options.store, request.shopify_domain, res);
    if (shopId === null) return;
    const customerId = request.properties.customer_id;
    const now = options.now();
    const deliveryId = `flow-action:${request.action_run_id}`;
    const claimed = await options.store.claimWebhookDelivery(
      shopId,
      { source: 'shopify', deliveryId, topic: `flow/actions/${FLOW_RESCORE_HANDLE}`, subject: customerId, triggeredAt: null, receivedAt: now.toISOString() },
      new Date(now.getTime() - WEBHOOK_POLICY.retentionMs).toISOString(),
    );
    if (!claimed) {
      res.status(200).json({ duplicate: true });
      return;
    }
    const customer = await options.store.getCustomer(shopId, 'shopify', customerId);
    if (!customer) {
      res.status(200).json({ queued: false, ignored: 'the customer has not been synced yet; the next sync scores them' });
      return;
    }
    const personId = personIdOfCustomer(customer);
    try {
      await options.queue.enqueue('scoring', { shopId, personId }, { coalesce: { id: `score|${shopId}|${personId}`, windowMs: COALESCE_MS } });
    } catch (error) {
      await options.store.releaseWebhookDelivery(shopId, 'shopify', deliveryId).catch(() => {});
      res.status(500).json({ error: `the re-score could not be queued: ${describeError(error)}` });
      return;
    }
    res.status(200).json({ queued: true });
  };
}

/** Mounts the Flow action endpoint and the trigger lifecycle callback, with their own body limit and error answers. */
export function mountFlowActions(app: Express, options: FlowActionOptions): void {
  const raw = express.raw({ type: () => true, limit: FLOW_ACTION_MAX_BYTES });
  const readBody = (req: Request, res: Response, next: NextFunction) =>
    raw(req, res, (error?: unknown) => {
      if (error === undefined || error === null) return next();
      const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 400;
      res.status(status).json({ error: status === 413 ? `the body is larger than ${FLOW_ACTION_MAX_BYTES} bytes` : 'the request could not be read' });
    });
  app.post(FLOW_RESCORE_PATH, readBody, flowRescoreHandler(options));
  app.post(FLOW_LIFECYCLE_PATH, readBody, flowLifecycleHandler(options));
}
