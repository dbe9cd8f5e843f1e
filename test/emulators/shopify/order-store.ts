// Columnar storage for one shop's orders and their line items and refunds. Strings that repeat
// (emails, titles, vendors, SKUs, currencies) are interned; numbers live in typed arrays.
import { F64Column, U32Column, nowSeconds, parseTimestamp } from './columns.ts';
import type { StringTable } from './columns.ts';
import { ChangeLog } from './sorted-cache.ts';
import type { OrderPatch, SeedLineItem, SeedOrder, SeedRefund } from './types.ts';

export interface StoredRefund {
  id: number;
  amount: number;
  createdAt: number;
}

class LineItemColumns {
  readonly ids = new F64Column();
  readonly titles = new U32Column();
  readonly productTypes = new U32Column();
  readonly vendors = new U32Column();
  readonly skus = new U32Column();
  readonly quantities = new U32Column();
  readonly prices = new F64Column();
}

export type OrderSortKey = 'ID' | 'CREATED_AT' | 'UPDATED_AT' | 'PROCESSED_AT';

export class OrderStore {
  readonly strings: StringTable;
  readonly ids = new F64Column();
  readonly customerIds = new F64Column();
  readonly createdAt = new F64Column();
  readonly processedAt = new F64Column();
  readonly updatedAt = new F64Column();
  readonly cancelledAt = new F64Column();
  readonly emails = new U32Column();
  readonly currencies = new U32Column();
  readonly discounts = new F64Column();
  readonly subtotals = new F64Column();
  readonly refundedTotals = new F64Column();
  readonly quantities = new U32Column();
  readonly lineStarts = new U32Column();
  readonly lineCounts = new U32Column();
  readonly lines = new LineItemColumns();
  readonly names = new Map<number, string>();
  readonly refunds = new Map<number, StoredRefund[]>();
  readonly byId = new Map<number, number>();
  readonly byCustomer = new Map<number, number[]>();
  /** Positions added or changed, so cached sort orders can catch up. */
  readonly changes = new ChangeLog();
  private maxId = 0;
  private maxLineId = 0;
  private maxRefundId = 0;
  private readonly defaultCurrency: string;

  constructor(strings: StringTable, defaultCurrency: string) {
    this.strings = strings;
    this.defaultCurrency = defaultCurrency;
  }

  get count(): number {
    return this.ids.length;
  }

  add(order: SeedOrder): number {
    const id = order.id ?? this.maxId + 1;
    if (this.byId.has(id)) throw new Error(`Order ${id} already exists`);
    this.maxId = Math.max(this.maxId, id);
    const index = this.ids.push(id);
    this.byId.set(id, index);
    const createdAt = parseTimestamp(order.createdAt);
    this.customerIds.push(order.customerId ?? Number.NaN);
    this.createdAt.push(createdAt);
    this.processedAt.push(order.processedAt ? parseTimestamp(order.processedAt) : createdAt);
    this.cancelledAt.push(parseTimestamp(order.cancelledAt));
    this.emails.push(this.strings.intern(order.email));
    this.currencies.push(this.strings.intern(order.currency ?? this.defaultCurrency));
    this.discounts.push(order.discount ?? 0);
    this.subtotals.push(0);
    this.refundedTotals.push(0);
    this.quantities.push(0);
    this.lineStarts.push(0);
    this.lineCounts.push(0);
    this.updatedAt.push(createdAt);
    if (order.name !== undefined) this.names.set(index, order.name);
    this.setLineItems(index, order.lineItems);
    this.setRefunds(index, order.refunds ?? []);
    const latest = Math.max(createdAt, this.processedAt.get(index), this.latestRefundAt(index), zeroIfNaN(this.cancelledAt.get(index)));
    this.updatedAt.set(index, order.updatedAt ? parseTimestamp(order.updatedAt) : latest);
    if (order.customerId != null) this.linkCustomer(order.customerId, index);
    this.changes.record(index);
    return index;
  }

  update(index: number, patch: OrderPatch): void {
    if (patch.customerId !== undefined) {
      const previous = this.customerIds.get(index);
      if (!Number.isNaN(previous)) this.unlinkCustomer(previous, index);
      this.customerIds.set(index, patch.customerId ?? Number.NaN);
      if (patch.customerId != null) this.linkCustomer(patch.customerId, index);
    }
    if (patch.email !== undefined) this.emails.set(index, this.strings.intern(patch.email));
    if (patch.name !== undefined) this.names.set(index, patch.name);
    if (patch.createdAt !== undefined) this.createdAt.set(index, parseTimestamp(patch.createdAt));
    if (patch.processedAt !== undefined) this.processedAt.set(index, parseTimestamp(patch.processedAt));
    if (patch.cancelledAt !== undefined) this.cancelledAt.set(index, parseTimestamp(patch.cancelledAt));
    if (patch.currency !== undefined) this.currencies.set(index, this.strings.intern(patch.currency));
    if (patch.discount !== undefined) this.discounts.set(index, patch.discount);
    if (patch.lineItems !== undefined) this.setLineItems(index, patch.lineItems);
    if (patch.refunds !== undefined) this.setRefunds(index, patch.refunds);
    this.updatedAt.set(index, patch.updatedAt ? parseTimestamp(patch.updatedAt) : nowSeconds());
    this.changes.record(index);
  }

  orderName(index: number): string {
    return this.names.get(index) ?? `#${1001 + index}`;
  }

  total(index: number): number {
    return this.subtotals.get(index) - this.discounts.get(index);
  }

  lineIndexes(index: number): number[] {
    const start = this.lineStarts.get(index);
    const count = this.lineCounts.get(index);
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(start + i);
    return out;
  }

  refundsOf(index: number): StoredRefund[] {
    return this.refunds.get(index) ?? [];
  }

  private setLineItems(index: number, items: SeedLineItem[]): void {
    const lines = this.lines;
    let subtotal = 0;
    let quantity = 0;
    this.lineStarts.set(index, lines.ids.length);
    this.lineCounts.set(index, items.length);
    for (const item of items) {
      const id = item.id ?? this.maxLineId + 1;
      this.maxLineId = Math.max(this.maxLineId, id);
      lines.ids.push(id);
      lines.titles.push(this.strings.intern(item.title));
      lines.productTypes.push(this.strings.intern(item.productType ?? ''));
      lines.vendors.push(this.strings.intern(item.vendor ?? null));
      lines.skus.push(this.strings.intern(item.sku ?? null));
      lines.quantities.push(item.quantity);
      lines.prices.push(item.price);
      subtotal += item.price * item.quantity;
      quantity += item.quantity;
    }
    this.subtotals.set(index, subtotal);
    this.quantities.set(index, quantity);
  }

  private setRefunds(index: number, refunds: SeedRefund[]): void {
    if (refunds.length === 0) {
      this.refunds.delete(index);
      this.refundedTotals.set(index, 0);
      return;
    }
    let total = 0;
    const stored = refunds.map((refund) => {
      const id = refund.id ?? this.maxRefundId + 1;
      this.maxRefundId = Math.max(this.maxRefundId, id);
      total += refund.amount;
      return { id, amount: refund.amount, createdAt: parseTimestamp(refund.createdAt) };
    });
    this.refunds.set(index, stored);
    this.refundedTotals.set(index, total);
  }

  private latestRefundAt(index: number): number {
    let latest = 0;
    for (const refund of this.refundsOf(index)) latest = Math.max(latest, refund.createdAt);
    return latest;
  }

  private linkCustomer(customerId: number, index: number): void {
    const list = this.byCustomer.get(customerId);
    if (list) list.push(index);
    else this.byCustomer.set(customerId, [index]);
  }

  private unlinkCustomer(customerId: number, index: number): void {
    const list = this.byCustomer.get(customerId);
    if (!list) return;
    const at = list.indexOf(index);
    if (at >= 0) list.splice(at, 1);
  }
}

function zeroIfNaN(value: number): number {
  return Number.isNaN(value) ? 0 : value;
}
