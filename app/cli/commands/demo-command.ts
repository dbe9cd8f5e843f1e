// `refinery demo`: a Shopify emulator with a store built from the real Online Retail sample (and
// generated storefront behaviour), a full sync through the real SDK (bulk export -> RFM -> tags and
// native segments), a second sync that must write nothing, what the emulated store now holds, then
// live storefront events through the web pixel changing segments in real time, and a third sync.
import { fileURLToPath } from 'node:url';
import { RefineryError } from '../../../core/errors.ts';
import { DEFAULT_HOLDOUT_SHARE } from '../../../core/holdout/holdout.ts';
import { DEFAULT_TAG_PREFIX, segmentTag } from '../../../core/segment-tags.ts';
import { createShopifyEmulator } from '../../../test/emulators/shopify/index.ts';
import { createHubSpotEmulator } from '../../../test/emulators/hubspot/index.ts';
import { buildDemoContacts } from '../../demo/demo-portal.ts';
import { buildDemoSeed } from '../../demo/demo-store.ts';
import { buildStorefrontHistory, DEMO_BEHAVIOUR_RULES, demoProducts } from '../../demo/demo-storefront.ts';
import { PIXEL_EVENTS_PATH } from '../../pixel/activate-pixel.ts';
import { pixelKey } from '../../pixel/pixel-key.ts';
import type { LocalQueue } from '../../jobs/local-queue.ts';
import { runLiveStorefront } from './demo-storefront-view.ts';
import { describeHubSpot } from './demo-hubspot-view.ts';
import { readOrderFile } from '../../import/read-order-file.ts';
import { runSync } from '../../sync/run-sync.ts';
import type { CliContext } from '../context.ts';
import { createInProcessJobs } from '../../jobs/in-process-jobs.ts';
import { listenAppServer, type RunningAppServer } from '../../server/app-server.ts';
import type { ShopifyEmulator } from '../../../test/emulators/shopify/types.ts';
import { table } from '../format.ts';
import { describeReport } from './sync-command.ts';

export const DEMO_SHOP = 'demo-store.myshopify.com';
const DEMO_TOKEN = 'shpat_demo_store_offline_token';
const DEMO_PORTAL = 4_200_042;
const DEMO_HUBSPOT_TOKEN = 'pat-demo-portal-private-app';
/** The demo app's client id and secret, known to the emulated Shopify (which signs session tokens with it). */
const DEMO_APP = { clientId: 'segment-refinery-demo', clientSecret: 'demo-app-secret-not-for-production' };
export const DEMO_UI_PORT = 3000;
const DEMO_HOLDOUT = { share: DEFAULT_HOLDOUT_SHARE, salt: 'demo-store-holdout' };
const DEMO_FILE = fileURLToPath(new URL('../../demo/data/online-retail-sample.csv', import.meta.url));

function parsePort(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(port) || port < 0 || port > 65535) throw new RefineryError('INPUT', `${flag} "${text}" is not a port number (0 to 65535)`);
  return port;
}

export async function demoCommand(ctx: CliContext, flags: { once?: boolean; port?: string; 'ui-port'?: string }): Promise<number> {
  const port = parsePort(flags.port, '--port', 0);
  const uiPort = parsePort(flags['ui-port'], '--ui-port', DEMO_UI_PORT);

  ctx.out('Segment Refinery demo: a Shopify store built from the Online Retail sample (UCI, CC BY 4.0)');
  const file = await readOrderFile(DEMO_FILE);
  const seed = buildDemoSeed(file.orders, new Date());
  ctx.out(`read ${file.stats.rows.toLocaleString('en')} invoice lines: ${file.orders.length.toLocaleString('en')} orders, ${seed.customers.length.toLocaleString('en')} customers (${file.stats.guestOrders} guest orders, ${file.stats.cancelledOrders} cancelled, ${file.errors.length} bad lines skipped); dates moved forward ${seed.shiftDays} days`);

  const emulator = await createShopifyEmulator({ port });
  const hubspot = await createHubSpotEmulator({ port: port === 0 ? 0 : port + 1 });
  try {
    emulator.addShop(DEMO_SHOP, { accessToken: DEMO_TOKEN, currency: 'GBP' });
    await emulator.seed(DEMO_SHOP, { customers: seed.customers, orders: seed.orders });
    ctx.out(`Shopify emulator serving ${DEMO_SHOP} at ${emulator.origin}`);
    // A Professional portal: 190 requests per ten seconds.
    hubspot.addPortal(DEMO_PORTAL, { accessToken: DEMO_HUBSPOT_TOKEN, requestsPerTenSeconds: 190 });
    const contacts = buildDemoContacts(seed.customers, new Date());
    await hubspot.seed(DEMO_PORTAL, { contacts });
    ctx.out(`HubSpot emulator serving portal ${DEMO_PORTAL} at ${hubspot.origin}: ${contacts.length.toLocaleString('en')} contacts, ${(contacts.length - 600).toLocaleString('en')} of them also Shopify customers`);

    await ctx.store.deleteShop(DEMO_SHOP);
    await ctx.store.saveShopSettings(
      DEMO_SHOP,
      {
        tagPrefix: DEFAULT_TAG_PREFIX,
        shopify: { accessToken: DEMO_TOKEN, adminOrigin: emulator.origin },
        hubspot: { accessToken: DEMO_HUBSPOT_TOKEN, basePath: hubspot.origin, requestsPerTenSeconds: 190, createContacts: true },
        // A fixed salt so that every demo holds out the same people.
        holdout: DEMO_HOLDOUT,
      },
      new Date().toISOString(),
    );
    // Storefront behaviour: four weeks of the web pixel's events (generated, stored as the endpoint
    // stores them) and two rule segments on it.
    const products = demoProducts(seed.orders, 'GBP');
    const history = buildStorefrontHistory(seed.customers, products, new Date());
    for (let i = 0; i < history.length; i += 1000) await ctx.store.savePixelEvents(DEMO_SHOP, history.slice(i, i + 1000));
    const defined = new Date().toISOString();
    for (const rule of DEMO_BEHAVIOUR_RULES) await ctx.store.saveRuleSegment(DEMO_SHOP, { ...rule, createdAt: defined, updatedAt: defined });
    const browsing = new Set(history.map((e) => e.customerId)).size;
    ctx.out(
      `storefront: ${history.length.toLocaleString('en')} web pixel events of ${browsing.toLocaleString('en')} customers over four weeks (generated); rule segments ${DEMO_BEHAVIOUR_RULES.map((r) => `"${r.name}" (${r.rule})`).join(' and ')}`,
    );

    const deps = ctx.syncDeps();
    const first = await runSync(ctx.store, deps, { shopId: DEMO_SHOP, trigger: 'demo', full: true, pollIntervalMs: 50 });
    ctx.out('\n== First sync ==');
    ctx.out(describeReport(first));
    if (first.status !== 'succeeded') return 1;

    ctx.out('\n== What the emulated Shopify store now holds ==');
    const customers = emulator.listCustomers(DEMO_SHOP);
    const segments = emulator.listSegments(DEMO_SHOP);
    const definitions = (await ctx.store.listSegmentSnapshot(DEMO_SHOP)).map((snapshot) => snapshot.definition);
    const rows = definitions.map((definition) => {
      const tag = segmentTag(DEFAULT_TAG_PREFIX, definition.key);
      const tagged = customers.filter((c) => c.tags.includes(tag)).length;
      const native = segments.find((s) => s.query.includes(`'${tag}'`));
      return [tag, tagged.toLocaleString('en'), native ? native.name : '(none)', native ? emulator.segmentMembers(DEMO_SHOP, native.id).length.toLocaleString('en') : '-'];
    });
    ctx.out(table(['customer tag', 'customers tagged', 'native segment', 'segment members'], rows, new Set([1, 3])));
    const foreign = customers.filter((c) => c.tags.includes('wholesale')).length;
    ctx.out(`(${foreign} customers also carry the merchant's own "wholesale" tag, left untouched)`);

    ctx.out('\n== What the emulated HubSpot portal now holds ==');
    ctx.out(describeHubSpot(hubspot, DEMO_PORTAL, emulator, DEMO_SHOP));

    // Scored as of the first sync's instant: the same data at the same instant must write nothing.
    // (A later instant legitimately moves scores: an order's recency crosses a whole day.)
    const second = await runSync(ctx.store, deps, { shopId: DEMO_SHOP, trigger: 'demo', pollIntervalMs: 50, asOf: first.asOf });
    const w = second.wrote.shopify;
    const hw = second.wrote.hubspot;
    ctx.out('\n== Second sync, nothing changed ==');
    ctx.out(`${second.status} (as of ${second.asOf}): read ${second.read.customers} customers, ${second.read.orders} orders and ${second.read.hubspot.contacts} contacts incrementally; wrote ${w.tagsAdded} tags added, ${w.tagsRemoved} removed, ${w.segmentsCreated} segments created, ${w.segmentsUpdated} updated`);
    ctx.out(`HubSpot: ${hw.contactsUpserted} contacts upserted, ${hw.listsCreated} lists created, ${hw.membershipsAdded} memberships added, ${hw.membershipsRemoved} removed`);
    if (second.status !== 'succeeded') return 1;

    // The web app serves the admin UI and the pixel endpoint; with --once on a free port unless one is given.
    const app = await serveDemoApp(ctx, { emulator, hubspotOrigin: hubspot.origin, port: flags.once && flags['ui-port'] === undefined ? 0 : uiPort });
    try {
      ctx.out('\n== Storefront events, in real time ==');
      const live = await runLiveStorefront({
        emulator,
        hubspot,
        portalId: DEMO_PORTAL,
        shop: DEMO_SHOP,
        target: { endpoint: `${app.server.url}${PIXEL_EVENTS_PATH}`, shop: DEMO_SHOP, key: pixelKey(DEMO_APP.clientSecret, DEMO_SHOP) },
        queue: app.queue,
        customers: seed.customers,
        products,
        tagPrefix: DEFAULT_TAG_PREFIX,
        holdout: DEMO_HOLDOUT,
        out: ctx.out,
      });
      if (!live.some((o) => o.changed)) {
        ctx.err('no storefront event changed a segment in real time');
        return 1;
      }

      const third = await runSync(ctx.store, deps, { shopId: DEMO_SHOP, trigger: 'demo', pollIntervalMs: 50 });
      const kept = live.filter((o) => o.changed && emulator.customerTags(DEMO_SHOP, `gid://shopify/Customer/${o.shopper.customer.id}`).includes(`${DEFAULT_TAG_PREFIX}${o.shopper.segmentKey}`) === o.shopper.enters).length;
      ctx.out('\n== Third sync, after the storefront events ==');
      ctx.out(
        `${third.status} (as of ${third.asOf}): wrote ${third.wrote.shopify.tagsAdded} tags added, ${third.wrote.shopify.tagsRemoved} removed; HubSpot ${third.wrote.hubspot.contactsUpserted} contacts upserted, ${third.wrote.hubspot.membershipsAdded} memberships added, ${third.wrote.hubspot.membershipsRemoved} removed; the batch agrees with ${kept} of ${live.filter((o) => o.changed).length} real-time changes`,
      );
      if (third.status !== 'succeeded') return 1;

      if (flags.once) return 0;
      ctx.out(`\n== Admin UI ==\nOpen ${app.server.url}/ in a browser: the embedded admin of ${DEMO_SHOP} (overview, segments, models, data quality, sync history, rule segments, settings), standalone; the emulated Shopify signs its session tokens. Embedded in the emulated Shopify admin: ${emulator.origin}/admin/apps/${DEMO_APP.clientId}?shop=${DEMO_SHOP}`);
      ctx.out(`\nThe emulators keep serving (Shopify ${emulator.origin}, HubSpot ${hubspot.origin}). In another terminal, \`npx refinery sync --json\` runs another sync against them (expect zero writes), \`npx refinery segments\` lists the segments. Ctrl-C stops.`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    } finally {
      await app.server.close();
    }
    return 0;
  } finally {
    await emulator.close();
    await hubspot.close();
  }
}

/**
 * The web app on the demo store: install by token exchange with the emulated Shopify, the admin
 * API and UI, webhooks; jobs (sync now, rule write-back) run in this process.
 */
async function serveDemoApp(ctx: CliContext, options: { emulator: ShopifyEmulator; hubspotOrigin: string; port: number }): Promise<{ server: RunningAppServer; queue: LocalQueue }> {
  const { emulator } = options;
  const deps = ctx.syncDeps();
  const queue = createInProcessJobs(ctx.store, deps, { pollIntervalMs: 50 });
  const shopifyApp = (appUrl: string) => ({
    apiKey: DEMO_APP.clientId,
    apiSecret: DEMO_APP.clientSecret,
    appUrl,
    adminOrigin: emulator.origin,
    appBridgeUrl: `${emulator.origin}/shopifycloud/app-bridge.js`,
  });
  let server: RunningAppServer;
  try {
    server = await listenAppServer(
      (url) => ({ store: ctx.store, queue, shopifyApp: shopifyApp(url), hubspotApp: null, hubspotBasePath: options.hubspotOrigin, hubspotClientSecret: null, admin: null, now: () => new Date(), standaloneShop: DEMO_SHOP }),
      { port: options.port, host: '127.0.0.1' },
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new RefineryError('INPUT', `port ${options.port} is in use: pass --ui-port with a free port (0 picks one)`);
    throw error;
  }
  // The emulated Shopify frames the app at its URL and signs session tokens with its secret.
  emulator.configureApp({ ...DEMO_APP, appUrl: server.url });
  return { server, queue };
}
