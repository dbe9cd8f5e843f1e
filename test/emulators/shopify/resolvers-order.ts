// Order, LineItem and Refund fields, the orders connection and an order's lineItems connection.
import { formatTimestamp } from './columns.ts';
import { API_PAGING, BULK_PAGING, paginate, sortedPositions, toConnection } from './connection.ts';
import type { Connection } from './connection.ts';
import { argString, defineResolvers, pageArgs } from './context.ts';
import type { Args, RequestContext } from './context.ts';
import { EmulatorError } from './errors.ts';
import { toGid } from './gid.ts';
import { moneyBag } from './money.ts';
import type { OrderSortKey, OrderStore } from './order-store.ts';
import { customerRef, lineItemRef, orderRef } from './refs.ts';
import type { LineItemRef, OrderRef } from './refs.ts';
import { compileSearch, dateTerm, exactTerm, numberTerm } from './search-query.ts';
import type { TermCompiler } from './search-query.ts';

const ORDER_SORT_KEYS: readonly OrderSortKey[] = ['ID', 'CREATED_AT', 'UPDATED_AT', 'PROCESSED_AT'];

function orderSearchFields(orders: OrderStore): Record<string, TermCompiler<number>> {
  return {
    id: numberTerm((i) => orders.ids.get(i)),
    created_at: dateTerm((i) => orders.createdAt.get(i)),
    updated_at: dateTerm((i) => orders.updatedAt.get(i)),
    processed_at: dateTerm((i) => orders.processedAt.get(i)),
    email: exactTerm((i) => orders.strings.get(orders.emails.get(i))),
    name: exactTerm((i) => orders.orderName(i)),
    customer_id: numberTerm((i) => orders.customerIds.get(i)),
    status: (term) => {
      const value = term.value.toLowerCase();
      if (value === 'any') return () => true;
      if (value === 'cancelled') return (i) => !Number.isNaN(orders.cancelledAt.get(i));
      if (value === 'open') return (i) => Number.isNaN(orders.cancelledAt.get(i));
      return `Unsupported status value: ${term.value}`;
    },
  };
}

/** The orders connection; `customerId` restricts it to one customer's orders (Customer.orders). */
export function ordersConnection(ctx: RequestContext, args: Args, path: string, customerId?: number): Connection<OrderRef> {
  const shop = ctx.shop;
  const orders = shop.orders;
  const sortKey = (argString(args, 'sortKey') ?? (customerId === undefined ? 'PROCESSED_AT' : 'ID')) as OrderSortKey;
  if (!ORDER_SORT_KEYS.includes(sortKey)) throw new EmulatorError(`sortKey ${sortKey} is not supported by the emulator (use ${ORDER_SORT_KEYS.join(', ')})`, 'NOT_IMPLEMENTED');
  const query = argString(args, 'query');
  const compiled = compileSearch(query, orderSearchFields(orders));
  if (compiled.warnings.length > 0 && query !== null) ctx.searchReports.push({ path: [path], query, warnings: compiled.warnings });
  const visible = shop.orderVisibility(ctx.now);
  const predicate = compiled.predicate;
  const key = shop.orderSortValue(sortKey);
  const id = (i: number): number => orders.ids.data[i] ?? 0;
  let order: ArrayLike<number>;
  if (customerId === undefined) {
    order = shop.orderOrder(sortKey);
  } else {
    const own = orders.byCustomer.get(customerId) ?? [];
    const positions = sortedPositions(own.length, (p) => key(own[p] ?? 0), (p) => id(own[p] ?? 0));
    order = Array.from(positions, (p) => own[p] ?? 0);
  }
  const source = { order, key, id, filter: predicate ? (i: number) => visible(i) && predicate(i) : visible };
  const page = paginate(source, pageArgs(args), ctx.bulk ? BULK_PAGING : API_PAGING);
  return toConnection(source, page, orderRef);
}

export function matchingOrderCount(ctx: RequestContext, query: string | null): number {
  const compiled = compileSearch(query, orderSearchFields(ctx.shop.orders));
  if (compiled.warnings.length > 0 && query !== null) ctx.searchReports.push({ path: ['ordersCount'], query, warnings: compiled.warnings });
  const visible = ctx.shop.orderVisibility(ctx.now);
  const predicate = compiled.predicate;
  let total = 0;
  for (let i = 0; i < ctx.shop.orders.count; i++) if (visible(i) && (!predicate || predicate(i))) total++;
  return total;
}

function lineItemsConnection(ctx: RequestContext, s: OrderRef, args: Args): Connection<LineItemRef> {
  const orders = ctx.shop.orders;
  const start = orders.lineStarts.get(s.index);
  const count = orders.lineCounts.get(s.index);
  const source = {
    order: Array.from({ length: count }, (_, p) => p),
    key: (p: number) => p,
    id: (p: number) => orders.lines.ids.get(start + p),
    filter: () => true,
  };
  const page = paginate(source, pageArgs(args), ctx.bulk ? BULK_PAGING : API_PAGING);
  return toConnection(source, page, (p) => lineItemRef(s.index, start + p));
}

function currency(ctx: RequestContext, index: number): string {
  const orders = ctx.shop.orders;
  return orders.strings.get(orders.currencies.get(index)) ?? ctx.shop.currency;
}

function money(ctx: RequestContext, index: number, amount: number): ReturnType<typeof moneyBag> {
  return moneyBag(amount, currency(ctx, index));
}

function refunds(ctx: RequestContext, s: OrderRef, args: Args): Record<string, unknown>[] {
  const first = typeof args['first'] === 'number' ? args['first'] : Number.POSITIVE_INFINITY;
  return ctx.shop.orders
    .refundsOf(s.index)
    .slice(0, first)
    .map((refund) => ({
      __typename: 'Refund',
      id: toGid('Refund', refund.id),
      legacyResourceId: String(refund.id),
      createdAt: formatTimestamp(refund.createdAt),
      processedAt: formatTimestamp(refund.createdAt),
      updatedAt: formatTimestamp(refund.createdAt),
      note: null,
      totalRefundedSet: money(ctx, s.index, refund.amount),
      order: s,
    }));
}

function financialStatus(orders: OrderStore, index: number): string {
  const refunded = orders.refundedTotals.get(index);
  if (refunded <= 0) return 'PAID';
  return refunded >= orders.total(index) - 0.005 ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
}

export const orderResolvers = defineResolvers<OrderRef>({
  id: (s, _a, ctx) => toGid('Order', ctx.shop.orders.ids.get(s.index)),
  legacyResourceId: (s, _a, ctx) => String(ctx.shop.orders.ids.get(s.index)),
  name: (s, _a, ctx) => ctx.shop.orders.orderName(s.index),
  number: (s) => 1001 + s.index,
  email: (s, _a, ctx) => ctx.shop.orders.strings.get(ctx.shop.orders.emails.get(s.index)),
  createdAt: (s, _a, ctx) => formatTimestamp(ctx.shop.orders.createdAt.get(s.index)),
  processedAt: (s, _a, ctx) => formatTimestamp(ctx.shop.orders.processedAt.get(s.index)),
  updatedAt: (s, _a, ctx) => formatTimestamp(ctx.shop.orders.updatedAt.get(s.index)),
  cancelledAt: (s, _a, ctx) => formatTimestamp(ctx.shop.orders.cancelledAt.get(s.index)),
  cancelReason: (s, _a, ctx) => (Number.isNaN(ctx.shop.orders.cancelledAt.get(s.index)) ? null : 'CUSTOMER'),
  closed: () => false,
  closedAt: () => null,
  confirmed: () => true,
  test: () => false,
  tags: () => [],
  note: () => null,
  discountCode: () => null,
  discountCodes: () => [],
  currencyCode: (s, _a, ctx) => currency(ctx, s.index),
  presentmentCurrencyCode: (s, _a, ctx) => currency(ctx, s.index),
  customer: (s, _a, ctx) => {
    const customerId = ctx.shop.orders.customerIds.get(s.index);
    const record = Number.isNaN(customerId) ? undefined : ctx.shop.customers.byId.get(customerId);
    return record ? customerRef(record) : null;
  },
  displayFinancialStatus: (s, _a, ctx) => financialStatus(ctx.shop.orders, s.index),
  displayFulfillmentStatus: () => 'FULFILLED',
  subtotalLineItemsQuantity: (s, _a, ctx) => ctx.shop.orders.quantities.get(s.index),
  currentSubtotalLineItemsQuantity: (s, _a, ctx) => ctx.shop.orders.quantities.get(s.index),
  totalPriceSet: (s, _a, ctx) => money(ctx, s.index, ctx.shop.orders.total(s.index)),
  originalTotalPriceSet: (s, _a, ctx) => money(ctx, s.index, ctx.shop.orders.total(s.index)),
  currentTotalPriceSet: (s, _a, ctx) => money(ctx, s.index, ctx.shop.orders.total(s.index) - ctx.shop.orders.refundedTotals.get(s.index)),
  subtotalPriceSet: (s, _a, ctx) => money(ctx, s.index, ctx.shop.orders.total(s.index)),
  currentSubtotalPriceSet: (s, _a, ctx) => money(ctx, s.index, ctx.shop.orders.total(s.index)),
  totalDiscountsSet: (s, _a, ctx) => money(ctx, s.index, ctx.shop.orders.discounts.get(s.index)),
  currentTotalDiscountsSet: (s, _a, ctx) => money(ctx, s.index, ctx.shop.orders.discounts.get(s.index)),
  cartDiscountAmountSet: (s, _a, ctx) => money(ctx, s.index, ctx.shop.orders.discounts.get(s.index)),
  totalRefundedSet: (s, _a, ctx) => money(ctx, s.index, ctx.shop.orders.refundedTotals.get(s.index)),
  totalTaxSet: (s, _a, ctx) => money(ctx, s.index, 0),
  currentTotalTaxSet: (s, _a, ctx) => money(ctx, s.index, 0),
  totalShippingPriceSet: (s, _a, ctx) => money(ctx, s.index, 0),
  currentShippingPriceSet: (s, _a, ctx) => money(ctx, s.index, 0),
  refunds: (s, args, ctx) => refunds(ctx, s, args),
  lineItems: (s, args, ctx) => lineItemsConnection(ctx, s, args),
});

export const lineItemResolvers = defineResolvers<LineItemRef>({
  id: (s, _a, ctx) => toGid('LineItem', ctx.shop.orders.lines.ids.get(s.line)),
  title: (s, _a, ctx) => ctx.shop.strings.get(ctx.shop.orders.lines.titles.get(s.line)) ?? '',
  name: (s, _a, ctx) => ctx.shop.strings.get(ctx.shop.orders.lines.titles.get(s.line)) ?? '',
  quantity: (s, _a, ctx) => ctx.shop.orders.lines.quantities.get(s.line),
  currentQuantity: (s, _a, ctx) => ctx.shop.orders.lines.quantities.get(s.line),
  refundableQuantity: (s, _a, ctx) => ctx.shop.orders.lines.quantities.get(s.line),
  unfulfilledQuantity: () => 0,
  nonFulfillableQuantity: () => 0,
  sku: (s, _a, ctx) => ctx.shop.strings.get(ctx.shop.orders.lines.skus.get(s.line)),
  vendor: (s, _a, ctx) => ctx.shop.strings.get(ctx.shop.orders.lines.vendors.get(s.line)),
  variantTitle: () => null,
  variant: () => null,
  requiresShipping: () => true,
  taxable: () => true,
  isGiftCard: () => false,
  customAttributes: () => [],
  discountAllocations: () => [],
  taxLines: () => [],
  duties: () => [],
  originalUnitPriceSet: (s, _a, ctx) => money(ctx, s.order, ctx.shop.orders.lines.prices.get(s.line)),
  discountedUnitPriceSet: (s, _a, ctx) => money(ctx, s.order, ctx.shop.orders.lines.prices.get(s.line)),
  originalTotalSet: (s, _a, ctx) => money(ctx, s.order, ctx.shop.orders.lines.prices.get(s.line) * ctx.shop.orders.lines.quantities.get(s.line)),
  discountedTotalSet: (s, _a, ctx) => money(ctx, s.order, ctx.shop.orders.lines.prices.get(s.line) * ctx.shop.orders.lines.quantities.get(s.line)),
  product: (s, _a, ctx) => {
    const lines = ctx.shop.orders.lines;
    const titleId = lines.titles.get(s.line);
    return {
      __typename: 'Product',
      id: toGid('Product', titleId),
      legacyResourceId: String(titleId),
      title: ctx.shop.strings.get(titleId) ?? '',
      productType: ctx.shop.strings.get(lines.productTypes.get(s.line)) ?? '',
      vendor: ctx.shop.strings.get(lines.vendors.get(s.line)) ?? '',
      tags: [],
    };
  },
});
