// A Shopify emulator in its own process, seeded from the bench generator, so that the process
// being measured holds only the connector's memory. Prints one JSON line {origin} when ready.
import { createShopifyEmulator } from '../emulators/shopify/index.ts';
import { generateStore } from './store-generator.ts';

const [shop, token, customersArg, ordersArg] = process.argv.slice(2);
if (!shop || !token || !customersArg || !ordersArg) {
  console.error('usage: emulator-process.ts <shop> <token> <customers> <orders>');
  process.exit(2);
}
const emulator = await createShopifyEmulator({ restoreRate: 1000, maximumAvailable: 10_000 });
emulator.addShop(shop, { accessToken: token, restoreRate: 1000, maximumAvailable: 10_000 });
const generated = generateStore({ customers: Number(customersArg), orders: Number(ordersArg), seed: 42 });
await emulator.seed(shop, { customers: generated.customers(), orders: generated.orders() });
process.stdout.write(`${JSON.stringify({ origin: emulator.origin })}\n`);
process.on('SIGTERM', () => {
  void emulator.close().then(() => process.exit(0));
});
