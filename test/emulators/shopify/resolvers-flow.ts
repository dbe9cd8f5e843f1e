// Shopify Flow's flowTriggerReceive: the handle must name a trigger extension of the app (the shop's
// configured handles, or, when none are configured, any handle shaped like one: lower-case letters,
// digits and hyphens, at most 30 characters), the payload must be a JSON object of at most
// FLOW_PAYLOAD_MAX_BYTES. Accepted triggers are recorded per shop for tests
// (emulator.flowTriggers(shop)); Flow itself starts nothing here. The cost is a mutation's (10),
// charged by the endpoint like any mutation. A `flow-trigger` fault makes the next calls fail with
// a userError or an INTERNAL_SERVER_ERROR.
import { GraphQLError } from 'graphql';
import { argString } from './context.ts';
import type { RequestContext, TypeResolvers } from './context.ts';
import type { ShopState } from './shop-state.ts';
import type { UserError } from './segment-store.ts';

/** Shopify's documented limit for a trigger payload (50 KB). */
export const FLOW_PAYLOAD_MAX_BYTES = 50_000;
/** A trigger extension's handle: alphanumeric and hyphens, at most 30 characters. */
const HANDLE_SHAPE = /^[a-z0-9][a-z0-9-]{0,29}$/;

export interface FlowTriggerRecord {
  handle: string;
  payload: Record<string, unknown>;
  receivedAt: string;
}

interface FlowShopState {
  received: FlowTriggerRecord[];
  /** The app's trigger handles for this shop; null: any well-shaped handle. */
  handles: Set<string> | null;
}

const flowStates = new WeakMap<ShopState, FlowShopState>();

export function flowStateOf(shop: ShopState): FlowShopState {
  let state = flowStates.get(shop);
  if (!state) {
    state = { received: [], handles: null };
    flowStates.set(shop, state);
  }
  return state;
}

function failure(field: string, message: string): { userErrors: UserError[] } {
  return { userErrors: [{ field: [field], message }] };
}

function receive(ctx: RequestContext, args: Record<string, unknown>): { userErrors: UserError[] } {
  const fault = ctx.shop.faults.takeFlowTriggerFault();
  if (fault) {
    ctx.shop.stats.faults++;
    const message = fault.message ?? 'Flow could not receive the trigger';
    if (fault.mode === 'internal-error') throw new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    return failure('payload', message);
  }
  if (args['body'] !== undefined && args['body'] !== null) return failure('body', 'body is deprecated: send handle and payload');
  const handle = argString(args, 'handle');
  const state = flowStateOf(ctx.shop);
  if (handle === null || !HANDLE_SHAPE.test(handle) || (state.handles !== null && !state.handles.has(handle))) {
    return failure('handle', `Invalid handle '${String(handle).slice(0, 60)}': no Flow trigger extension with that handle`);
  }
  const payload = args['payload'];
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return failure('payload', 'payload must be a JSON object');
  const size = Buffer.byteLength(JSON.stringify(payload), 'utf8');
  if (size > FLOW_PAYLOAD_MAX_BYTES) return failure('payload', `Payload is too large (${size} bytes; the limit is ${FLOW_PAYLOAD_MAX_BYTES})`);
  state.received.push({ handle, payload: structuredClone(payload as Record<string, unknown>), receivedAt: new Date(ctx.now).toISOString() });
  return { userErrors: [] };
}

export const flowMutationResolvers: TypeResolvers = {
  flowTriggerReceive: (_s, args, ctx) => receive(ctx, args),
};
