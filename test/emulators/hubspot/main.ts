// Standalone entry: `node test/emulators/hubspot/main.ts --port 8788 [--portal 1234567 --token pat-demo --rate 100]`
// starts the emulator with one empty portal and prints its origin (use it as the SDK's basePath).
import { parseArgs } from 'node:util';
import { createHubSpotEmulator } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    portal: { type: 'string', default: '1234567' },
    token: { type: 'string', default: 'pat-emulator-demo' },
    rate: { type: 'string' },
  },
});

const port = Number(values.port);
const portalId = Number(values.portal);
const rate = values.rate === undefined ? undefined : Number(values.rate);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid --port ${values.port}`);
  process.exit(2);
}
if (!Number.isInteger(portalId) || portalId <= 0) {
  console.error(`Invalid --portal ${values.portal}`);
  process.exit(2);
}
if (rate !== undefined && !(Number.isInteger(rate) && rate > 0)) {
  console.error(`Invalid --rate ${values.rate}`);
  process.exit(2);
}
const emulator = await createHubSpotEmulator({ port });
emulator.addPortal(portalId, { accessToken: values.token, requestsPerTenSeconds: rate });
console.log(emulator.origin);
console.error(`[hubspot-emulator] portal ${portalId} (token ${values.token}) at ${emulator.origin}; new Client({ accessToken, basePath: '${emulator.origin}' })`);

const stop = (): void => {
  void emulator.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
