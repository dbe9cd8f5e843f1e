// Pure mapping from raw Shopify records to the canonical model.
import type { Customer, LineItem, MarketingState, Order } from '../../core/model.ts';
import { RefineryError } from '../../core/errors.ts';
import type { RawCustomer, RawLineItem, RawOrder } from './raw-schemas.ts';

const MARKETING_STATES: ReadonlySet<string> = new Set(['SUBSCRIBED', 'NOT_SUBSCRIBED', 'UNSUBSCRIBED', 'PENDING', 'REDACTED', 'INVALID']);

function amount(value: string, field: string, id: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new RefineryError('VALIDATION', `${id}: ${field} is not a number (${JSON.stringify(value)})`);
  return n;
}

function isoDate(value: string, field: string, id: string): string {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new RefineryError('VALIDATION', `${id}: ${field} is not a date (${JSON.stringify(value)})`);
  return new Date(t).toISOString();
}

export function mapCustomer(raw: RawCustomer): Customer {
  const state = raw.defaultEmailAddress?.marketingState;
  return {
    source: 'shopify',
    id: raw.id,
    email: raw.defaultEmailAddress?.emailAddress.trim().toLowerCase() || null,
    marketingState: state ? ((MARKETING_STATES.has(state) ? state : 'UNKNOWN') as MarketingState) : null,
    firstName: raw.firstName ?? null,
    lastName: raw.lastName ?? null,
    tags: [...raw.tags],
    createdAt: isoDate(raw.createdAt, 'createdAt', raw.id),
    updatedAt: isoDate(raw.updatedAt, 'updatedAt', raw.id),
  };
}

export function mapLineItem(raw: RawLineItem): LineItem {
  return {
    title: raw.title,
    quantity: raw.quantity,
    price: amount(raw.originalUnitPriceSet.shopMoney.amount, 'originalUnitPriceSet', raw.id),
    productType: raw.product?.productType || null,
    vendor: raw.vendor || null,
    sku: raw.sku || null,
  };
}

export function mapOrder(raw: RawOrder, lineItems: RawLineItem[]): Order {
  return {
    source: 'shopify',
    id: raw.id,
    customerId: raw.customer?.id ?? null,
    email: raw.email?.trim().toLowerCase() || null,
    processedAt: isoDate(raw.processedAt, 'processedAt', raw.id),
    cancelledAt: raw.cancelledAt ? isoDate(raw.cancelledAt, 'cancelledAt', raw.id) : null,
    currency: raw.currencyCode,
    total: amount(raw.totalPriceSet.shopMoney.amount, 'totalPriceSet', raw.id),
    refunded: amount(raw.totalRefundedSet.shopMoney.amount, 'totalRefundedSet', raw.id),
    discount: raw.totalDiscountsSet ? amount(raw.totalDiscountsSet.shopMoney.amount, 'totalDiscountsSet', raw.id) : 0,
    lineItems: lineItems.map(mapLineItem),
    updatedAt: isoDate(raw.updatedAt, 'updatedAt', raw.id),
  };
}
