// The whole web app composed once: webhooks, install and session-token auth, the admin API, the
// embedded UI, and (with bull) the queue dashboard. `npm run server` and the demo both start it
// through listenAppServer; the demo adds a standalone entry (the demo store without the admin).
import { createServer as createHttpServer } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { HubSpotAppConfig, ShopifyAppConfig } from '../config.ts';
import type { BullQueues } from '../jobs/bull-queues.ts';
import type { JobQueue } from '../jobs/job-types.ts';
import type { Store } from '../store/store.ts';
import { createServer, type ServerOptions } from './create-server.ts';
import { createShopifyApp, type RefineryShopifyApp } from './shopify-app.ts';

export interface AppServerOptions {
  store: Store;
  queue: JobQueue;
  queues?: BullQueues;
  shopifyApp: ShopifyAppConfig;
  hubspotApp: HubSpotAppConfig | null;
  /** Where a HubSpot connection without a basePath points (the emulator in the demo); null: HubSpot. */
  hubspotBasePath?: string | null;
  hubspotClientSecret: string | null;
  admin: { user: string; password: string } | null;
  now: () => Date;
  /**
   * The demo's standalone entry: a page opened without `shop` (http://localhost:3000/) is sent to
   * this shop's embedded URL, where App Bridge (the emulator's) supplies session tokens. Never set
   * for a real deployment: there the Shopify admin opens the app.
   */
  standaloneShop?: string | null;
  /** Called once a shop finished installing (token exchange or OAuth). */
  onInstalled?: (shopId: string) => Promise<void>;
  /** The pixel endpoint's tuning, e.g. the server's rate limiter shared in Redis; default this process's own. */
  pixel?: ServerOptions['pixel'];
}

/** The `host` parameter the admin gives an embedded app: base64 of admin.shopify.com/store/<name>. */
export function adminHostParam(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.split('.')[0] ?? shop}`).toString('base64').replace(/=+$/, '');
}

function standaloneEntry(shop: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (typeof req.query['shop'] === 'string') return next();
    const query = new URLSearchParams({ shop, host: adminHostParam(shop), embedded: '1' });
    res.redirect(`${req.path}?${query}`);
  };
}

export function createAppServer(options: AppServerOptions): { app: ReturnType<typeof createServer>; shopify: RefineryShopifyApp } {
  const config = options.shopifyApp;
  const shopify = createShopifyApp(config, { store: options.store, now: options.now, ...(options.onInstalled ? { onInstalled: options.onInstalled } : {}) });
  const documentMiddleware = options.standaloneShop ? [standaloneEntry(options.standaloneShop), shopify.ensureInstalled()] : [shopify.ensureInstalled()];
  const app = createServer({
    store: options.store,
    queue: options.queue,
    ...(options.queues ? { queues: options.queues } : {}),
    shopifyApiSecret: config.apiSecret,
    hubspotClientSecret: options.hubspotClientSecret,
    admin: options.admin,
    now: options.now,
    shopify: { app: shopify, hubspotApp: options.hubspotApp, hubspotBasePath: options.hubspotBasePath ?? options.hubspotApp?.basePath ?? null },
    ui: {
      apiKey: config.apiKey,
      appBridgeUrl: config.appBridgeUrl,
      frameAncestors: config.adminOrigin ? [config.adminOrigin] : [],
      documentMiddleware,
    },
    ...(options.pixel ? { pixel: options.pixel } : {}),
  });
  return { app, shopify };
}

export interface RunningAppServer {
  port: number;
  /** http://<host>:<port> as the listener answers. */
  url: string;
  shopify: RefineryShopifyApp;
  close(): Promise<void>;
}

/**
 * Listens first, then builds the app for the address it got: with port 0 the app's URL (which the
 * Shopify library and the install need) is known only once the port is.
 */
export async function listenAppServer(optionsFor: (url: string) => AppServerOptions, listen: { port: number; host: string }): Promise<RunningAppServer> {
  const server = createHttpServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  const url = `http://${listen.host === '127.0.0.1' || listen.host === '0.0.0.0' ? 'localhost' : listen.host}:${port}`;
  const { app, shopify } = createAppServer(optionsFor(url));
  server.on('request', app);
  return {
    port,
    url,
    shopify,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
