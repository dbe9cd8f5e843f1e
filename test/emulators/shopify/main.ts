// Standalone entry: `node test/emulators/shopify/main.ts --port 8787 [--shop demo.myshopify.com --token shpat_demo]`
// starts the emulator (with one empty shop) and prints its origin.
import { parseArgs } from 'node:util';
import { createShopifyEmulator } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    shop: { type: 'string', default: 'demo.myshopify.com' },
    token: { type: 'string', default: 'shpat_emulator_demo' },
    'restore-rate': { type: 'string' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid --port ${values.port}`);
  process.exit(2);
}
const restoreRate = values['restore-rate'] === undefined ? undefined : Number(values['restore-rate']);
const emulator = await createShopifyEmulator({ port, restoreRate });
emulator.addShop(values.shop, { accessToken: values.token });
console.log(emulator.origin);
console.error(`[shopify-emulator] shop ${values.shop} (token ${values.token}) at ${emulator.origin}/shops/${values.shop}/admin/api/${emulator.apiVersion}/graphql.json`);

const stop = (): void => {
  void emulator.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
