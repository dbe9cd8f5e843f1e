// A seeded generator of a store: customers and orders over two years with skew (many one-time
// buyers, a loyal head), two to four line items per order. Generators, so nothing is held whole.
import { mulberry32 } from '../../core/prng.ts';
import type { SeedCustomer, SeedOrder } from '../emulators/shopify/types.ts';

const DAY = 86_400_000;
const PRODUCT_TYPES = ['Mugs', 'Tea', 'Candles', 'Cards', 'Bags', 'Kitchen', 'Garden', 'Toys'];


export function generateStore(options: { customers: number; orders: number; seed: number; end?: Date }) {
  const end = (options.end ?? new Date('2026-11-01T00:00:00Z')).getTime();
  const start = end - 730 * DAY;
  return {
    *customers(): Generator<SeedCustomer> {
      const random = mulberry32(options.seed);
      for (let i = 1; i <= options.customers; i++) {
        const createdAt = new Date(start + Math.floor(random() * 700) * DAY).toISOString();
        yield { id: i, email: `c${i}@example.com`, firstName: 'Bench', lastName: `C${i}`, marketingState: random() < 0.6 ? 'SUBSCRIBED' : 'NOT_SUBSCRIBED', tags: [], createdAt, updatedAt: createdAt };
      }
    },
    *orders(): Generator<SeedOrder> {
      const random = mulberry32(options.seed + 1);
      for (let i = 1; i <= options.orders; i++) {
        // Skew: a squared uniform puts most orders on low customer ids (the loyal head).
        const customerId = 1 + Math.floor(random() ** 2 * options.customers);
        const at = new Date(start + Math.floor(random() * 730 * DAY)).toISOString();
        const items = 2 + Math.floor(random() * 3);
        yield {
          id: i,
          customerId,
          email: `c${customerId}@example.com`,
          createdAt: at,
          processedAt: at,
          updatedAt: at,
          currency: 'USD',
          lineItems: Array.from({ length: items }, (_, n) => ({
            title: `Product ${(i + n) % 500}`,
            quantity: 1 + Math.floor(random() * 3),
            price: Math.round((5 + random() * 60) * 100) / 100,
            productType: PRODUCT_TYPES[(i + n) % PRODUCT_TYPES.length] ?? 'Gifts',
            vendor: 'Bench',
            sku: `SKU-${(i + n) % 500}`,
          })),
        };
      }
    },
  };
}
