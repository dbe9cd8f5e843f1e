// Mounts the Shopify app on the express server: the OAuth code flow (/auth, /auth/callback: for
// installs that do not come through Shopify managed installation), session-token authentication of
// everything under /api, and the HubSpot connection (/api/hubspot, /hubspot/oauth/callback).
// The embedded UI's document route uses shopify.ensureInstalled() itself.
import type { Express, Request, Response } from 'express';
import { describeError } from '../../core/errors.ts';
import type { HubSpotAppConfig } from '../config.ts';
import type { Store } from '../store/store.ts';
import { createHubSpotConnectRouter } from './hubspot-connect.ts';
import { createHubSpotOAuthCallback } from './hubspot-oauth-callback.ts';
import { AUTH_CALLBACK_PATH, AUTH_PATH, type RefineryShopifyApp } from './shopify-app.ts';

/** createServer's `shopify` option. */
export interface ShopifyServerOptions {
  app: RefineryShopifyApp;
  hubspotApp?: HubSpotAppConfig | null;
  hubspotBasePath?: string | null;
}

/**
 * The library's error class name. @shopify/shopify-app-express loads the SDK's CommonJS build, so its
 * errors are not instances of the classes this ES module would import.
 */
const errorName = (error: unknown): string => (typeof error === 'object' && error !== null ? error.constructor.name : '');

export interface MountShopifyAppDeps {
  store: Store;
  now: () => Date;
  /** The HubSpot public app (OAuth connections); null: private-app tokens only. */
  hubspotApp?: HubSpotAppConfig | null;
  /** Where a HubSpot connection without a basePath points (HubSpot itself when null). */
  hubspotBasePath?: string | null;
}

export function mountShopifyApp(app: Express, shopify: RefineryShopifyApp, deps: MountShopifyAppDeps): void {
  const api = shopify.app.api;

  app.get(AUTH_PATH, async (req: Request, res: Response) => {
    const shop = api.utils.sanitizeShop(typeof req.query['shop'] === 'string' ? req.query['shop'] : '');
    if (!shop) {
      res.status(400).type('text/plain').send('Open the app from the Shopify admin, or give ?shop=your-store.myshopify.com');
      return;
    }
    shopify.routeRequestShops(req);
    try {
      await api.auth.begin({ shop, callbackPath: AUTH_CALLBACK_PATH, isOnline: false, rawRequest: req, rawResponse: res });
    } catch (error) {
      if (!res.headersSent) res.status(500).type('text/plain').send(`could not start the install: ${describeError(error)}`);
    }
  });

  app.get(AUTH_CALLBACK_PATH, async (req: Request, res: Response) => {
    shopify.routeRequestShops(req);
    try {
      const { session } = await api.auth.callback({ rawRequest: req, rawResponse: res });
      await shopify.sessionStorage.storeSession(session);
      await shopify.afterAuth(session);
      const origin = shopify.config.adminOrigin;
      const target = origin
        ? `${origin}/admin/apps/${encodeURIComponent(shopify.config.apiKey)}?shop=${encodeURIComponent(session.shop)}`
        : typeof req.query['host'] === 'string' && api.utils.sanitizeHost(req.query['host'])
          ? await api.auth.getEmbeddedAppUrl({ rawRequest: req, rawResponse: res })
          : `/?shop=${encodeURIComponent(session.shop)}`;
      res.redirect(target);
    } catch (error) {
      if (res.headersSent) return;
      const name = errorName(error);
      if (name === 'InvalidOAuthError' || name === 'InvalidHmacError') res.status(400).type('text/plain').send('The install link is invalid (its signature or state does not match): start again from the Shopify admin.');
      else if (name === 'CookieNotFound') res.redirect(`${AUTH_PATH}?shop=${encodeURIComponent(String(req.query['shop'] ?? ''))}`);
      else if (name === 'BotActivityDetected') res.status(410).type('text/plain').send('Gone');
      else res.status(500).type('text/plain').send(`the install did not complete: ${describeError(error)}`);
    }
  });

  app.use('/api', shopify.authenticateApi());
  const hubspot = { store: deps.store, now: deps.now, hubspotApp: deps.hubspotApp ?? null, basePath: deps.hubspotBasePath ?? deps.hubspotApp?.basePath ?? null, appUrl: shopify.config.appUrl };
  app.use('/api/hubspot', createHubSpotConnectRouter(hubspot));
  app.get('/hubspot/oauth/callback', createHubSpotOAuthCallback(hubspot));
}
