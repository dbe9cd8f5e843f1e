// The Shopify connector's streams: customers and orders. Each starts with a bulk export and
// continues incrementally from the checkpoint the export leaves.
import type { Customer, Order } from '../../core/model.ts';
import { RefineryError } from '../../core/errors.ts';
import { bulkExport, type BulkLine } from './bulk-export.ts';
import { parseCheckpoint } from './checkpoint.ts';
import {
  BULK_CUSTOMERS_QUERY,
  BULK_ORDERS_QUERY,
  CUSTOMERS_PAGE,
  ORDER_LINE_ITEMS_PAGE,
  ORDERS_PAGE,
} from './documents.ts';
import { incrementalPull, type Connection } from './incremental-pull.ts';
import { mapCustomer, mapOrder } from './mapping.ts';
import { SHOPIFY_LIMITS } from './platform.ts';
import { rawCustomerSchema, rawLineItemSchema, rawOrderSchema, type RawLineItem, type RawOrder } from './raw-schemas.ts';
import type { ConnectorStream, PullContext } from './stream.ts';

function parsed<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const id = (value as { id?: unknown } | null)?.id;
    throw new RefineryError('VALIDATION', `Shopify sent a ${what}${typeof id === 'string' ? ` (${id})` : ''} this connector cannot read: ${result.error.message}`);
  }
  return result.data;
}

const assembleCustomer = (line: BulkLine): Customer => mapCustomer(parsed(rawCustomerSchema, line, 'customer'));

const assembleOrder = (line: BulkLine, children: BulkLine[]): Order =>
  mapOrder(
    parsed(rawOrderSchema, line, 'order'),
    children.map((c) => parsed(rawLineItemSchema, c, 'line item')),
  );

export const customersStream: ConnectorStream<Customer> = {
  name: 'shopify.customers',
  model: 'customer',
  async *pull(ctx: PullContext, checkpointText: string | null) {
    const checkpoint = parseCheckpoint(this.name, checkpointText);
    if (ctx.full || checkpoint === null || checkpoint.mode === 'bulk') {
      yield* bulkExport(ctx, this.name, BULK_CUSTOMERS_QUERY, checkpoint, assembleCustomer);
      return;
    }
    yield* incrementalPull(
      ctx,
      this.name,
      checkpoint,
      async (query, after) =>
        (await ctx.client.request<{ customers: Connection<{ updatedAt: string }> }>('customersPage', CUSTOMERS_PAGE, {
          first: SHOPIFY_LIMITS.pageSize,
          after,
          query,
        })).customers,
      async (nodes) => nodes.map((n) => mapCustomer(parsed(rawCustomerSchema, n, 'customer'))),
    );
  },
};

type OrderNode = RawOrder & { lineItems: Connection<RawLineItem> };

/** Completes the line items of an order that has more than fit inline in a page. */
async function allLineItems(ctx: PullContext, order: OrderNode): Promise<RawLineItem[]> {
  const items = [...order.lineItems.nodes];
  let info = order.lineItems.pageInfo;
  while (info.hasNextPage && info.endCursor) {
    const data = await ctx.client.request<{ order: { lineItems: Connection<RawLineItem> } | null }>('orderLineItems', ORDER_LINE_ITEMS_PAGE, {
      id: order.id,
      after: info.endCursor,
    });
    if (!data.order) break; // deleted meanwhile: keep what was read
    items.push(...data.order.lineItems.nodes);
    info = data.order.lineItems.pageInfo;
  }
  return items;
}

export const ordersStream: ConnectorStream<Order> = {
  name: 'shopify.orders',
  model: 'order',
  async *pull(ctx: PullContext, checkpointText: string | null) {
    const checkpoint = parseCheckpoint(this.name, checkpointText);
    if (ctx.full || checkpoint === null || checkpoint.mode === 'bulk') {
      yield* bulkExport(ctx, this.name, BULK_ORDERS_QUERY, checkpoint, assembleOrder);
      return;
    }
    yield* incrementalPull(
      ctx,
      this.name,
      checkpoint,
      async (query, after) =>
        (await ctx.client.request<{ orders: Connection<OrderNode> }>('ordersPage', ORDERS_PAGE, {
          first: SHOPIFY_LIMITS.ordersPageSize,
          after,
          query,
        })).orders,
      async (nodes) => {
        const orders: Order[] = [];
        for (const node of nodes) {
          const raw = parsed(rawOrderSchema, node, 'order');
          const items = node.lineItems.pageInfo.hasNextPage ? await allLineItems(ctx, node) : node.lineItems.nodes;
          orders.push(mapOrder(raw, items.map((i) => parsed(rawLineItemSchema, i, 'line item'))));
        }
        return orders;
      },
    );
  },
};

