// Shopify Flow's trigger lifecycle callback (extensions/flow-trigger-lifecycle): whether a shop has
// an enabled workflow that starts with one of this app's triggers. The newest answer per shop (by
// the callback's own timestamp) is kept as model state; app/flow/flow-trigger.ts sends triggers
// only where it is true. Each request is verified on the raw body (401), parsed (400), for a shop
// this app serves (404), then answered 200 at once: Flow refuses to enable the merchant's workflow
// unless the app answers promptly with a 2xx.
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Store } from '../store/store.ts';
import { knownShopOrAnswer } from '../server/known-shop.ts';
import { parseFlowJson, verifiedFlowBody } from './flow-request.ts';

export const FLOW_LIFECYCLE_PATH = '/flow/trigger-lifecycle';
/** Model state holding the latest lifecycle answer of a shop. */
export const FLOW_USAGE_STATE = 'flow-trigger-usage';

const LifecycleBody = z.looseObject({
  flow_trigger_definition_id: z.string().min(1).max(200),
  has_enabled_flow: z.boolean(),
  shop_id: z.union([z.number().int().nonnegative(), z.string().min(1).max(100)]).optional(),
  shopify_domain: z.string().min(1).max(255),
  timestamp: z.iso.datetime({ offset: true }),
});

export interface FlowUsage {
  enabled: boolean;
  /** The callback's timestamp (ISO-8601): a callback older than this is ignored. */
  at: string;
  triggerDefinitionId: string;
}

function isFlowUsage(value: unknown): value is FlowUsage {
  return typeof value === 'object' && value !== null && typeof (value as FlowUsage).enabled === 'boolean' && typeof (value as FlowUsage).at === 'string';
}

/** Whether a workflow of the shop uses the app's trigger, as Flow last said; false until it has said so. */
export async function flowTriggerInUse(store: Store, shopId: string): Promise<boolean> {
  const state = await store.getModelState(shopId, FLOW_USAGE_STATE);
  return isFlowUsage(state) && state.enabled;
}

/** Records a lifecycle answer unless a newer one is stored; returns whether it was taken. */
export async function recordFlowUsage(store: Store, shopId: string, usage: FlowUsage, savedAt: string): Promise<boolean> {
  const previous = await store.getModelState(shopId, FLOW_USAGE_STATE);
  if (isFlowUsage(previous) && Date.parse(previous.at) > Date.parse(usage.at)) return false;
  await store.saveModelState(shopId, FLOW_USAGE_STATE, usage, savedAt);
  return true;
}

export function flowLifecycleHandler(options: { store: Store; shopifyApiSecret: string | null; now: () => Date }) {
  return async (req: Request, res: Response): Promise<void> => {
    const body = verifiedFlowBody(req, res, options.shopifyApiSecret);
    if (body === null) return;
    const parsed = parseFlowJson(body, LifecycleBody);
    if (!parsed.ok) {
      res.status(400).json({ error: parsed.reason });
      return;
    }
    const shopId = await knownShopOrAnswer(options.store, parsed.data.shopify_domain, res);
    if (shopId === null) return;
    const at = new Date(Date.parse(parsed.data.timestamp)).toISOString();
    const taken = await recordFlowUsage(options.store, shopId, { enabled: parsed.data.has_enabled_flow, at, triggerDefinitionId: parsed.data.flow_trigger_definition_id }, options.now().toISOString());
    res.status(200).json({ recorded: taken, ...(taken ? {} : { ignored: 'a newer lifecycle callback is recorded' }) });
  };
}
