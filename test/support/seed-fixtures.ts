// Deterministic emulator seeds for tests: customers and orders with known shapes.
import type { SeedCustomer, SeedOrder } from '../emulators/shopify/types.ts';

const DAY = 86_400_000;

export function makeCustomers(count: number, options: { startId?: number; createdAt?: string; tags?: (i: number) => string[] } = {}): SeedCustomer[] {
  const start = options.startId ?? 1;
  const created = options.createdAt ?? '2025-01-01T00:00:00.000Z';
  return Array.from({ length: count }, (_, i) => ({
    id: start + i,
    email: `person${start + i}@example.com`,
    firstName: `First${start + i}`,
    lastName: 'Tester',
    marketingState: i % 3 === 0 ? 'NOT_SUBSCRIBED' : 'SUBSCRIBED',
    tags: options.tags?.(i) ?? [],
    createdAt: created,
    updatedAt: new Date(Date.parse(created) + i * 1000).toISOString(),
  }));
}

/**
 * Orders giving customers graded behaviour: customer k (0-based) gets (k % 6) orders, spaced
 * `gapDays` apart ending `k % 40` days before `asOf`, each of `lineItems` items.
 */
export function makeOrders(customers: readonly SeedCustomer[], asOf: string, options: { startId?: number; lineItems?: number; gapDays?: number } = {}): SeedOrder[] {
  const orders: SeedOrder[] = [];
  let id = options.startId ?? 1;
  const end = Date.parse(asOf);
  customers.forEach((customer, k) => {
    const count = k % 6;
    for (let j = 0; j < count; j++) {
      const at = new Date(end - ((k % 40) + j * (options.gapDays ?? 30)) * DAY - 3600_000).toISOString();
      orders.push({
        id: id++,
        customerId: customer.id ?? null,
        email: customer.email,
        createdAt: at,
        processedAt: at,
        updatedAt: at,
        currency: 'USD',
        lineItems: Array.from({ length: options.lineItems ?? 2 }, (_, n) => ({
          title: `Item ${n}`,
          quantity: 1 + (n % 3),
          price: 5 + ((k * 7 + n) % 50),
          productType: n % 2 === 0 ? 'Mugs' : 'Tea',
          vendor: 'Acme',
          sku: `SKU-${n}`,
        })),
      });
    }
  });
  return orders;
}
