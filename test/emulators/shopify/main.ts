// Standalone entry: `node test/emulators/shopify/main.ts --port 8787 [--shop demo.myshopify.com --token shpat_demo]
// [--client-id ID --client-secret SECRET --app-url http://127.0.0.1:3000]` (the app that installs)
// starts the emulator (with one empty shop) and prints its origin.
import { parseArgs } from 'node:util';
import { createShopifyEmulator } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    shop: { type: 'string', default: 'demo.myshopify.com' },
    token: { type: 'string', default: 'shpat_emulator_demo' },
    'restore-rate': { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'app-url': { type: 'string' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid --port ${values.port}`);
  process.exit(2);
}
const restoreRate = values['restore-rate'] === undefined ? undefined : Number(values['restore-rate']);
const app = values['client-id'] && values['client-secret']
  ? { clientId: values['client-id'], clientSecret: values['client-secret'], ...(values['app-url'] ? { appUrl: values['app-url'] } : {}) }
  : undefined;
const emulator = await createShopifyEmulator({ port, restoreRate, ...(app ? { app } : {}) });
emulator.addShop(values.shop, { accessToken: values.token });
console.log(emulator.origin);
console.error(`[shopify-emulator] shop ${values.shop} (token ${values.token}) at ${emulator.origin}/shops/${values.shop}/admin/api/${emulator.apiVersion}/graphql.json`);

const stop = (): void => {
  void emulator.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
