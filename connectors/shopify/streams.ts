// The Shopify connector's streams: customers and orders. Each starts with a bulk export and
// continues incrementally from the checkpoint the export leaves. An incremental pull counts what
// changed first: many changes go through a bulk export filtered on updated_at (no cost limit),
// few through ordinary cost-limited pages.
import type { Customer, Order } from '../../core/model.ts';
import { RefineryError } from '../../core/errors.ts';
import { bulkExport, type BulkLine } from './bulk-export.ts';
import { parseCheckpoint, updatedSince, type StreamCheckpoint } from './checkpoint.ts';
import {
  bulkCustomersQuery,
  bulkOrdersQuery,
  CUSTOMERS_COUNT,
  CUSTOMERS_PAGE,
  ORDER_LINE_ITEMS_PAGE,
  ORDERS_COUNT,
  ORDERS_PAGE,
} from './documents.ts';
import { incrementalPull, type Connection } from './incremental-pull.ts';
import { mapCustomer, mapOrder } from './mapping.ts';
import { SHOPIFY_LIMITS } from './platform.ts';
import { rawCustomerSchema, rawLineItemSchema, rawOrderSchema, type RawLineItem, type RawOrder } from './raw-schemas.ts';
import type { ConnectorStream, PullContext, StreamPage } from './stream.ts';

function parsed<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const id = (value as { id?: unknown } | null)?.id;
    throw new RefineryError('VALIDATION', `Shopify sent a ${what}${typeof id === 'string' ? ` (${id})` : ''} this connector cannot read: ${result.error.message}`);
  }
  return result.data;
}

const toCustomer = (node: unknown): Customer => mapCustomer(parsed(rawCustomerSchema, node, 'customer'));

const assembleOrder = (line: BulkLine, children: BulkLine[]): Order =>
  mapOrder(
    parsed(rawOrderSchema, line, 'order'),
    children.map((c) => parsed(rawLineItemSchema, c, 'line item')),
  );

interface StreamSpec<T> {
  name: string;
  model: 'customer' | 'order';
  bulkQuery: (filter?: string) => string;
  countDocument: string;
  countField: 'customersCount' | 'ordersCount';
  assemble: (line: BulkLine, children: BulkLine[]) => T;
  pages: (ctx: PullContext, since: StreamCheckpoint & { mode: 'incremental' }) => AsyncGenerator<StreamPage<T>>;
}

/** A stream from its spec: bulk when there is no incremental checkpoint, else count and choose. */
function defineStream<T>(spec: StreamSpec<T>): ConnectorStream<T> {
  return {
    name: spec.name,
    model: spec.model,
    async *pull(ctx: PullContext, checkpointText: string | null) {
      const checkpoint = parseCheckpoint(spec.name, checkpointText);
      if (ctx.full || checkpoint === null || checkpoint.mode === 'bulk') {
        yield* bulkExport(ctx, spec.name, spec.bulkQuery(), checkpoint, spec.assemble);
        return;
      }
      const filter = updatedSince(checkpoint.updatedAtMin);
      const data = await ctx.client.request<Record<string, { count: number } | null>>(`${spec.countField}`, spec.countDocument, { query: filter });
      const changed = data[spec.countField]?.count ?? 0;
      ctx.onProgress?.(spec.name, `${changed} changed since ${checkpoint.updatedAtMin}`);
      if (changed >= SHOPIFY_LIMITS.incrementalBulkThreshold) {
        yield* bulkExport(ctx, spec.name, spec.bulkQuery(filter), null, spec.assemble);
        return;
      }
      yield* spec.pages(ctx, checkpoint);
    },
  };
}

export const customersStream: ConnectorStream<Customer> = defineStream({
  name: 'shopify.customers',
  model: 'customer',
  bulkQuery: bulkCustomersQuery,
  countDocument: CUSTOMERS_COUNT,
  countField: 'customersCount',
  assemble: toCustomer,
  pages: (ctx, since) =>
    incrementalPull(
      ctx,
      'shopify.customers',
      since,
      async (query, after) =>
        (await ctx.client.request<{ customers: Connection<{ updatedAt: string }> }>(
          'customersPage',
          CUSTOMERS_PAGE,
          { first: SHOPIFY_LIMITS.pageSize, after, query },
          { costGuess: 2 + SHOPIFY_LIMITS.pageSize * 2 },
        )).customers,
      async (nodes) => nodes.map(toCustomer),
    ),
});

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

export const ordersStream: ConnectorStream<Order> = defineStream({
  name: 'shopify.orders',
  model: 'order',
  bulkQuery: bulkOrdersQuery,
  countDocument: ORDERS_COUNT,
  countField: 'ordersCount',
  assemble: assembleOrder,
  pages: (ctx, since) =>
    incrementalPull(
      ctx,
      'shopify.orders',
      since,
      async (query, after) =>
        (await ctx.client.request<{ orders: Connection<OrderNode> }>(
          'ordersPage',
          ORDERS_PAGE,
          { first: SHOPIFY_LIMITS.ordersPageSize, after, query },
          { costGuess: 2 + SHOPIFY_LIMITS.ordersPageSize * 50 },
        )).orders,
      async (nodes) => {
        const orders: Order[] = [];
        for (const node of nodes) {
          const raw = parsed(rawOrderSchema, node, 'order');
          const items = node.lineItems.pageInfo.hasNextPage ? await allLineItems(ctx, node) : node.lineItems.nodes;
          orders.push(mapOrder(raw, items.map((i) => parsed(rawLineItemSchema, i, 'line item'))));
        }
        return orders;
      },
    ),
});
