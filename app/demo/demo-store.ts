// Builds the demo store (emulator seed) from canonical orders read out of the Online Retail file.
// Everything derived is a pure function of the data and the demo date: same input, same store.
import type { Order } from '../../core/model.ts';
import type { EmailMarketingState, SeedCustomer, SeedOrder } from '../../test/emulators/shopify/types.ts';
import { fnvHash } from './fnv-hash.ts';

const DAY = 86_400_000;

const hash = fnvHash;

const FIRST_NAMES = ['Alex', 'Sam', 'Jordan', 'Charlie', 'Robin', 'Morgan', 'Jamie', 'Taylor', 'Casey', 'Avery', 'Riley', 'Quinn'];
const LAST_NAMES = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Wright', 'Evans', 'Walker'];

/** 60% subscribed, 28% not subscribed, 9% unsubscribed, 3% pending. */
export function demoConsent(customerId: string): EmailMarketingState {
  const bucket = hash(`consent:${customerId}`) % 100;
  if (bucket < 60) return 'SUBSCRIBED';
  if (bucket < 88) return 'NOT_SUBSCRIBED';
  if (bucket < 97) return 'UNSUBSCRIBED';
  return 'PENDING';
}

export const demoEmail = (customerId: string) => `shopper-${customerId}@example.com`;

const PRODUCT_TYPES: Array<[RegExp, string]> = [
  [/CHRISTMAS|XMAS|ADVENT|SNOW|REINDEER|SANTA/, 'Seasonal'],
  [/BAG|TOTE|PURSE/, 'Bags'],
  [/CANDLE|LIGHT|LANTERN|T-LIGHT|LAMP/, 'Lighting'],
  [/MUG|CUP|PLATE|BOWL|TEA|CAKE|BAKING|JAR|LUNCH|BOTTLE|SPOON|CUTLERY/, 'Kitchen'],
  [/CARD|WRAP|PAPER|NOTEBOOK|PENCIL|STICKER|ENVELOPE/, 'Stationery'],
  [/HEART|SIGN|FRAME|CLOCK|DOORMAT|CUSHION|MIRROR|HOOK|DECORATION/, 'Home decor'],
  [/GARDEN|PLANT|BIRD|FLOWER/, 'Garden'],
  [/CHILD|TOY|DOLLY|GAME|SPACEBOY|DOLLY|PARTY/, 'Kids and party'],
];

export function demoProductType(title: string): string {
  const upper = title.toUpperCase();
  for (const [pattern, type] of PRODUCT_TYPES) if (pattern.test(upper)) return type;
  return 'Gifts';
}

/** Whole days to add so that the latest order lands on the day before `today`. */
export function demoShiftDays(orders: readonly Pick<Order, 'processedAt'>[], today: Date): number {
  let latest = 0;
  for (const o of orders) latest = Math.max(latest, Date.parse(o.processedAt));
  if (latest === 0) return 0;
  const target = Math.floor(today.getTime() / DAY) * DAY - DAY;
  return Math.max(0, Math.floor((target - Math.floor(latest / DAY) * DAY) / DAY));
}

export interface DemoSeed {
  customers: SeedCustomer[];
  orders: SeedOrder[];
  shiftDays: number;
}

/** Orders with `source: 'csv'` (customer ids such as `12923`) become the demo store. */
export function buildDemoSeed(orders: readonly Order[], today: Date): DemoSeed {
  const shiftDays = demoShiftDays(orders, today);
  const shift = (iso: string) => new Date(Date.parse(iso) + shiftDays * DAY).toISOString();
  const firstOrder = new Map<string, number>();
  for (const o of orders) {
    if (o.customerId === null) continue;
    const t = Date.parse(o.processedAt);
    firstOrder.set(o.customerId, Math.min(firstOrder.get(o.customerId) ?? t, t));
  }
  const customers: SeedCustomer[] = [...firstOrder.entries()]
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([id, first]) => {
      const h = hash(id);
      // Accounts open between 0 and 29 days before the first order.
      const createdAt = shift(new Date(first - (h % 30) * DAY).toISOString());
      return {
        id: Number(id),
        email: demoEmail(id),
        firstName: FIRST_NAMES[h % FIRST_NAMES.length] ?? null,
        lastName: LAST_NAMES[(h >>> 8) % LAST_NAMES.length] ?? null,
        marketingState: demoConsent(id),
        tags: h % 7 === 0 ? ['wholesale'] : [],
        createdAt,
        updatedAt: createdAt,
      };
    });
  const usedIds = new Set<number>();
  const seedOrders: SeedOrder[] = orders.map((o, index) => {
    const numeric = Number(o.id.replace(/^\D+/, ''));
    const id = Number.isSafeInteger(numeric) && numeric > 0 && !usedIds.has(numeric) ? numeric : 10_000_000 + index;
    usedIds.add(id);
    const processedAt = shift(o.processedAt);
    return {
      id,
      customerId: o.customerId === null ? null : Number(o.customerId),
      email: o.customerId === null ? null : demoEmail(o.customerId),
      name: `#${o.id}`,
      createdAt: processedAt,
      processedAt,
      updatedAt: o.cancelledAt ? shift(o.cancelledAt) : processedAt,
      cancelledAt: o.cancelledAt ? shift(o.cancelledAt) : null,
      currency: o.currency,
      discount: o.discount,
      lineItems: o.lineItems.map((li) => ({
        title: li.title,
        quantity: li.quantity,
        price: li.price,
        productType: demoProductType(li.title),
        vendor: 'Online Retail',
        sku: li.sku,
      })),
    };
  });
  return { customers, orders: seedOrders, shiftDays };
}
