// The Shopify and HubSpot emulators in their own process for the end-to-end bench, seeded from the
// bench generator, so that the process being measured holds only the app's memory and work.
// Prints one JSON line {shopify, hubspot} (origins) when ready, then takes JSON-line commands on
// stdin and answers each with one JSON line:
//   {"op":"change","share":0.01,"at":"<iso>"}  a share of the customers change: a new order each,
//                                              and every other one a new marketing consent state
//   {"op":"stats"}                             the Shopify emulator's call counts for the shop
import { createInterface } from 'node:readline';
import { createHubSpotEmulator } from '../emulators/hubspot/index.ts';
import { createShopifyEmulator } from '../emulators/shopify/index.ts';
import type { SeedOrder } from '../emulators/shopify/types.ts';
import { generateStore } from './store-generator.ts';

const [shop, shopToken, portalArg, portalToken, customersArg, ordersArg, rateArg] = process.argv.slice(2);
if (!shop || !shopToken || !portalArg || !portalToken || !customersArg || !ordersArg || !rateArg) {
  console.error('usage: platforms-process.ts <shop> <token> <portal id> <portal token> <customers> <orders> <hubspot requests per 10 s>');
  process.exit(2);
}
const customers = Number(customersArg);
const portalId = Number(portalArg);

// Shopify Plus: 1,000 points a second restored (the GraphQL Admin API's Plus rate), 10,000 bucket.
const shopify = await createShopifyEmulator({ restoreRate: 1000, maximumAvailable: 10_000 });
shopify.addShop(shop, { accessToken: shopToken, restoreRate: 1000, maximumAvailable: 10_000 });
const hubspot = await createHubSpotEmulator();
hubspot.addPortal(portalId, { accessToken: portalToken, requestsPerTenSeconds: Number(rateArg), dailyLimit: 10_000_000 });

const generated = generateStore({ customers, orders: Number(ordersArg), seed: 42 });
const seeded = await shopify.seed(shop, { customers: generated.customers(), orders: generated.orders() });
const contacts = await hubspot.seed(portalId, { contacts: generated.contacts() });
process.stdout.write(`${JSON.stringify({ shopify: shopify.origin, hubspot: hubspot.origin, customers: seeded.customers, orders: seeded.orders, contacts: contacts.contacts, groups: generated.groups })}\n`);

let nextOrderId = seeded.orders + 1_000_000;
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  void (async () => {
    try {
      const command = JSON.parse(line) as { op: string; share?: number; at?: string };
      if (command.op === 'change') {
        const share = command.share ?? 0.01;
        const at = command.at ?? new Date().toISOString();
        const step = Math.max(1, Math.round(1 / share));
        const changedAt = new Date().toISOString();
        const orders: SeedOrder[] = [];
        let consent = 0;
        for (let id = 1; id <= customers; id += step) {
          // Placed at `at`, changed now: an incremental pull sees what changed since its checkpoint.
          orders.push({ id: nextOrderId++, customerId: id, email: `c${id}@example.com`, createdAt: at, processedAt: at, updatedAt: changedAt, currency: 'USD', lineItems: [{ title: 'Product 7', quantity: 1, price: 42, productType: 'Tea', vendor: 'Bench', sku: 'SKU-7' }] });
          if (id % 2 === 1) {
            shopify.updateCustomer(shop, `gid://shopify/Customer/${id}`, { marketingState: 'UNSUBSCRIBED', updatedAt: changedAt });
            consent += 1;
          }
        }
        await shopify.seed(shop, { orders });
        process.stdout.write(`${JSON.stringify({ ok: true, orders: orders.length, consentChanges: consent })}\n`);
      } else if (command.op === 'stats') {
        process.stdout.write(`${JSON.stringify({ ok: true, shopify: shopify.stats(shop) })}\n`);
      } else {
        process.stdout.write(`${JSON.stringify({ ok: false, error: `unknown op ${command.op}` })}\n`);
      }
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ ok: false, error: String(error) })}\n`);
    }
  })();
});
process.on('SIGTERM', () => {
  void Promise.all([shopify.close(), hubspot.close()]).then(() => process.exit(0));
});
