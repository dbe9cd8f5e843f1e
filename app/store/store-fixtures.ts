// Test data for the store contract suite: canonical records with sensible defaults.
import type { Contact, Customer, Order } from '../../core/model.ts';

export function customer(id: string, overrides: Partial<Customer> = {}): Customer {
  return {
    source: 'shopify',
    id,
    email: `${id.toLowerCase().replace(/[^a-z0-9]/g, '')}@example.com`,
    marketingState: 'SUBSCRIBED',
    firstName: 'Ada',
    lastName: 'Lovelace',
    tags: ['vip'],
    createdAt: '2024-01-02T03:04:05Z',
    updatedAt: '2024-02-03T04:05:06Z',
    ...overrides,
  };
}

export function order(id: string, customerId: string | null, overrides: Partial<Order> = {}): Order {
  return {
    source: 'shopify',
    id,
    customerId,
    email: null,
    processedAt: '2024-03-01T10:00:00Z',
    cancelledAt: null,
    currency: 'EUR',
    total: 42.5,
    refunded: 0,
    discount: 2.25,
    lineItems: [{ title: 'Tea', quantity: 2, price: 22.375, productType: 'Drinks', vendor: 'Leaf & Co', sku: 'TEA-1' }],
    updatedAt: '2024-03-01T10:05:00Z',
    ...overrides,
  };
}

/** A HubSpot contact with every engagement value known; override with nulls for unknown ones. */
export function contact(id: string, overrides: Partial<Contact> = {}): Contact {
  return {
    source: 'hubspot',
    id,
    email: `contact${id.toLowerCase().replace(/[^a-z0-9]/g, '')}@example.com`,
    firstName: 'Grace',
    lastName: 'Hopper',
    lifecycleStage: 'customer',
    emailDelivered: 12,
    emailOpens: 7,
    emailClicks: 3,
    emailBounces: 0,
    emailOptOut: false,
    pageViews: 40,
    visits: 9,
    lastVisitAt: '2024-04-01T08:00:00.000Z',
    createdAt: '2023-11-05T10:00:00.000Z',
    updatedAt: '2024-04-02T09:00:00.000Z',
    ...overrides,
  };
}

/** Sort key of the documented order stream: customer orders by (customerId, source, processedAt, id), then guests. */
export function orderSortKey(o: Order): string[] {
  return o.customerId === null ? ['1', '', o.source, o.processedAt, o.id] : ['0', o.customerId, o.source, o.processedAt, o.id];
}

export function compareKeys(a: string[], b: string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export async function collect<T>(pages: AsyncIterable<T[]>): Promise<{ items: T[]; sizes: number[] }> {
  const items: T[] = [];
  const sizes: number[] = [];
  for await (const page of pages) {
    sizes.push(page.length);
    items.push(...page);
  }
  return { items, sizes };
}
