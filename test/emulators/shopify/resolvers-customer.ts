// Customer fields and the customers connection (search, sort keys, pagination).
import { formatTimestamp } from './columns.ts';
import { API_PAGING, BULK_PAGING, paginate, toConnection } from './connection.ts';
import type { Connection } from './connection.ts';
import { argString, defineResolvers, pageArgs } from './context.ts';
import type { Args, RequestContext } from './context.ts';
import { displayName } from './customer-store.ts';
import type { CustomerRecord, CustomerSortKey } from './customer-store.ts';
import { EmulatorError } from './errors.ts';
import { toGid } from './gid.ts';
import { moneyV2 } from './money.ts';
import { compileSearch, dateTerm, exactTerm, numberTerm } from './search-query.ts';
import type { TermCompiler } from './search-query.ts';
import type { ShopState } from './shop-state.ts';
import { customerRef, orderRef } from './refs.ts';
import type { CustomerRef } from './refs.ts';
import { ordersConnection } from './resolvers-order.ts';

const CUSTOMER_SORT_KEYS: readonly CustomerSortKey[] = ['ID', 'CREATED_AT', 'UPDATED_AT'];

function customerSearchFields(): Record<string, TermCompiler<CustomerRecord>> {
  const hasTag = (record: CustomerRecord, tag: string): boolean => record.tags.some((t) => t.toLowerCase() === tag);
  return {
    id: numberTerm((r) => r.id),
    created_at: dateTerm((r) => r.createdAt),
    updated_at: dateTerm((r) => r.updatedAt),
    email: exactTerm((r) => r.email),
    first_name: exactTerm((r) => r.firstName),
    last_name: exactTerm((r) => r.lastName),
    tag: (term) => (item) => hasTag(item, term.value.toLowerCase()),
    tag_not: (term) => (item) => !hasTag(item, term.value.toLowerCase()),
    email_marketing_state: exactTerm((r) => r.marketingState),
  };
}

/** Filters customers by a search query, recording any warnings on the context. */
export function customerFilter(ctx: RequestContext, query: string | null, path: string): ((record: CustomerRecord) => boolean) | null {
  const compiled = compileSearch(query, customerSearchFields());
  if (compiled.warnings.length > 0 && query !== null) ctx.searchReports.push({ path: [path], query, warnings: compiled.warnings });
  return compiled.predicate;
}

export function customersConnection(ctx: RequestContext, args: Args, path = 'customers'): Connection<CustomerRef> {
  const shop = ctx.shop;
  const sortKey = (argString(args, 'sortKey') ?? 'ID') as CustomerSortKey;
  if (!CUSTOMER_SORT_KEYS.includes(sortKey)) throw new EmulatorError(`sortKey ${sortKey} is not supported by the emulator (use ${CUSTOMER_SORT_KEYS.join(', ')})`, 'NOT_IMPLEMENTED');
  const predicate = customerFilter(ctx, argString(args, 'query'), path);
  const list = shop.customers.list;
  const source = {
    order: shop.customerOrder(sortKey),
    key: shop.customerSortValue(sortKey),
    id: (i: number) => list[i]?.id ?? 0,
    filter: predicate ? (i: number) => predicate(list[i] as CustomerRecord) : () => true,
  };
  const page = paginate(source, pageArgs(args), ctx.bulk ? BULK_PAGING : API_PAGING);
  return toConnection(source, page, (i) => customerRef(list[i] as CustomerRecord));
}

export interface CustomerTotals {
  count: number;
  spent: number;
}

/** Orders placed (all) and amount spent (non-cancelled totals less refunds). */
export function customerTotals(shop: ShopState, customerId: number): CustomerTotals {
  const orders = shop.orders;
  const indexes = orders.byCustomer.get(customerId) ?? [];
  let spent = 0;
  for (const index of indexes) {
    if (!Number.isNaN(orders.cancelledAt.get(index))) continue;
    spent += orders.total(index) - orders.refundedTotals.get(index);
  }
  return { count: indexes.length, spent };
}

function emailAddress(record: CustomerRecord): Record<string, unknown> | null {
  if (record.email === null) return null;
  const unsubscribe = `https://emulator.invalid/unsubscribe?customer=${record.id}`;
  return {
    emailAddress: record.email,
    marketingState: record.marketingState,
    marketingOptInLevel: record.marketingOptInLevel,
    marketingUpdatedAt: formatTimestamp(record.marketingUpdatedAt),
    marketingUnsubscribeUrl: unsubscribe,
    openTrackingLevel: 'UNKNOWN',
    openTrackingUrl: `https://emulator.invalid/open-tracking?customer=${record.id}`,
    validFormat: /^[^@\s]+@[^@\s]+$/.test(record.email),
    sourceLocation: null,
  };
}

export const customerResolvers = defineResolvers<CustomerRef>({
  id: (s) => toGid('Customer', s.record.id),
  legacyResourceId: (s) => String(s.record.id),
  email: (s) => s.record.email,
  firstName: (s) => s.record.firstName,
  lastName: (s) => s.record.lastName,
  displayName: (s) => displayName(s.record),
  tags: (s) => [...s.record.tags],
  createdAt: (s) => formatTimestamp(s.record.createdAt),
  updatedAt: (s) => formatTimestamp(s.record.updatedAt),
  numberOfOrders: (s, _args, ctx) => String(customerTotals(ctx.shop, s.record.id).count),
  amountSpent: (s, _args, ctx) => moneyV2(customerTotals(ctx.shop, s.record.id).spent, ctx.shop.currency),
  defaultEmailAddress: (s) => emailAddress(s.record),
  emailMarketingConsent: (s) =>
    s.record.email === null
      ? null
      : { marketingState: s.record.marketingState, marketingOptInLevel: s.record.marketingOptInLevel, consentUpdatedAt: formatTimestamp(s.record.marketingUpdatedAt), sourceLocation: null },
  verifiedEmail: () => true,
  validEmailAddress: (s) => s.record.email !== null,
  state: () => 'ENABLED',
  locale: () => 'en',
  note: () => null,
  phone: () => null,
  defaultPhoneNumber: () => null,
  defaultAddress: () => null,
  taxExempt: () => false,
  taxExemptions: () => [],
  dataSaleOptOut: () => false,
  canDelete: (s, _args, ctx) => customerTotals(ctx.shop, s.record.id).count === 0,
  orders: (s, args, ctx) => ordersConnection(ctx, args, 'orders', s.record.id),
  lastOrder: (s, _args, ctx) => {
    const orders = ctx.shop.orders;
    const visible = ctx.shop.orderVisibility(ctx.now);
    let best = -1;
    for (const index of orders.byCustomer.get(s.record.id) ?? []) {
      if (!visible(index)) continue;
      if (best < 0 || orders.createdAt.get(index) >= orders.createdAt.get(best)) best = index;
    }
    return best < 0 ? null : orderRef(best);
  },
});
