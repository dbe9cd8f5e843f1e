// The whole resolver map: root query and mutation fields plus per-type field resolvers.
import { argString } from './context.ts';
import type { Args, RequestContext, ResolverMap, TypeResolvers } from './context.ts';
import { bulkOperationView } from './bulk-operation-record.ts';
import { parseGid } from './gid.ts';
import { bulkMutationResolvers, bulkQueryResolvers } from './resolvers-bulk.ts';
import { customerRef, orderRef } from './refs.ts';
import { customerFilter, customerResolvers, customersConnection } from './resolvers-customer.ts';
import { lineItemResolvers, matchingOrderCount, orderResolvers, ordersConnection } from './resolvers-order.ts';
import { segmentMutationResolvers, segmentQueryResolvers, segmentView } from './resolvers-segment.ts';
import { tagMutationResolvers } from './resolvers-tags.ts';
import { flowMutationResolvers } from './resolvers-flow.ts';
import { webPixelMutationResolvers, webPixelQueryResolvers } from './resolvers-web-pixel.ts';

function resolveNode(ctx: RequestContext, id: string): unknown {
  const gid = parseGid(id);
  if (!gid) return null;
  const shop = ctx.shop;
  switch (gid.type) {
    case 'Customer': {
      const record = shop.customers.byId.get(gid.id);
      return record ? customerRef(record) : null;
    }
    case 'Order': {
      const index = shop.orders.byId.get(gid.id);
      return index !== undefined && shop.orderVisibility(ctx.now)(index) ? orderRef(index) : null;
    }
    case 'Segment': {
      const segment = shop.segments.byId.get(gid.id);
      return segment ? segmentView(segment) : null;
    }
    case 'BulkOperation': {
      const record = ctx.core.bulkOperations.get(gid.id);
      return record && record.shop === shop.domain ? bulkOperationView(ctx.core.origin, record) : null;
    }
    default:
      return null;
  }
}

function count(total: number, args: Args): { count: number; precision: string } {
  const limit = typeof args['limit'] === 'number' ? args['limit'] : null;
  return limit !== null && total > limit ? { count: limit, precision: 'AT_LEAST' } : { count: total, precision: 'EXACT' };
}

const queryRoot: TypeResolvers = {
  customers: (_s, args, ctx) => customersConnection(ctx, args),
  customer: (_s, args, ctx) => {
    const node = resolveNode(ctx, argString(args, 'id') ?? '');
    return node !== null && (node as { __typename: string }).__typename === 'Customer' ? node : null;
  },
  customersCount: (_s, args, ctx) => {
    const predicate = customerFilter(ctx, argString(args, 'query'), 'customersCount');
    const list = ctx.shop.customers.list;
    return count(predicate ? list.filter(predicate).length : list.length, args);
  },
  orders: (_s, args, ctx) => ordersConnection(ctx, args, 'orders'),
  order: (_s, args, ctx) => {
    const node = resolveNode(ctx, argString(args, 'id') ?? '');
    return node !== null && (node as { __typename: string }).__typename === 'Order' ? node : null;
  },
  ordersCount: (_s, args, ctx) => {
    return count(matchingOrderCount(ctx, argString(args, 'query')), args);
  },
  node: (_s, args, ctx) => resolveNode(ctx, argString(args, 'id') ?? ''),
  nodes: (_s, args, ctx) => (Array.isArray(args['ids']) ? (args['ids'] as string[]).map((id) => resolveNode(ctx, id)) : []),
  shop: (_s, _args, ctx) => ({
    __typename: 'Shop',
    id: `gid://shopify/Shop/${ctx.shop.numericId}`,
    name: ctx.shop.name,
    myshopifyDomain: ctx.shop.domain,
    email: `owner@${ctx.shop.domain}`,
    contactEmail: `owner@${ctx.shop.domain}`,
    currencyCode: ctx.shop.currency,
    ianaTimezone: 'Etc/UTC',
    timezoneAbbreviation: 'UTC',
    timezoneOffset: '+0000',
    timezoneOffsetMinutes: 0,
    url: `https://${ctx.shop.domain}`,
    plan: { __typename: 'ShopPlan', displayName: 'Basic', partnerDevelopment: false, shopifyPlus: false, publicDisplayName: 'Basic' },
  }),
  ...segmentQueryResolvers,
  ...bulkQueryResolvers,
  ...webPixelQueryResolvers,
};

const mutationRoot: TypeResolvers = {
  ...tagMutationResolvers,
  ...segmentMutationResolvers,
  ...bulkMutationResolvers,
  ...flowMutationResolvers,
  ...webPixelMutationResolvers,
};

export function createResolverMap(): ResolverMap {
  return {
    QueryRoot: queryRoot,
    Mutation: mutationRoot,
    Customer: customerResolvers,
    Order: orderResolvers,
    LineItem: lineItemResolvers,
  };
}
