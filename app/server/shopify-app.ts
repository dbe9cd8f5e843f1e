// The Shopify app: @shopify/shopify-app-express for an embedded app with token exchange (Shopify
// managed installation: the admin's session token buys the offline access token on the first
// load), offline sessions kept in our store (session-storage.ts, tokens sealed), and the install
// hook that records the shop and its access token in the shop's settings. Also the middlewares the
// routes use: authenticateApi() for /api (JSON 401/403) and ensureInstalled() for the embedded
// document load. The OAuth code flow (/auth, /auth/callback) is mounted by mount-shopify-app.ts.
import { ApiVersion, LogSeverity, type Session } from '@shopify/shopify-api';
import { shopifyApp, type ShopifyApp } from '@shopify/shopify-app-express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { routeShopToOrigin } from '../../connectors/shopify/transport.ts';
import { createAdminClient } from '../../connectors/shopify/admin-client.ts';
import { realSleep } from '../../connectors/shared/with-retry.ts';
import { activateWebPixel, pixelSettings, type PixelActivation } from '../pixel/activate-pixel.ts';
import { SHOPIFY_API_VERSION } from '../../connectors/shopify/platform.ts';
import { RefineryError, describeError } from '../../core/errors.ts';
import type { ShopifyAppConfig } from '../config.ts';
import { DEFAULT_SHOP_SETTINGS } from '../store/row-mapping.ts';
import type { ShopSettings, Store } from '../store/store.ts';
import { createSessionStorage, type StoreSessionStorage } from './session-storage.ts';

/** The scopes of shopify.app.toml ([access_scopes] scopes); a test keeps them equal. */
export const SHOPIFY_APP_SCOPES = ['read_customers', 'write_customers', 'read_orders', 'read_all_orders', 'write_pixels', 'read_customer_events'];
export const AUTH_PATH = '/auth';
export const AUTH_CALLBACK_PATH = '/auth/callback';
/** Headers (besides ?shop=) by which an API request may name the shop it is about. */
export const SHOP_HEADERS = ['x-shop', 'x-shopify-shop-domain'];

export interface ShopifyAppDeps {
  store: Store;
  now: () => Date;
  /** Library log lines (warnings and errors); default stderr. */
  log?: (line: string) => void;
  /** Called once an install stored the shop's offline token (e.g. to enqueue a first sync). */
  onInstalled?: (shopId: string) => Promise<void>;
  /**
   * Activate the web pixel on the shop after each install (app/pixel/activate-pixel.ts); default
   * true. A failure is logged, never fails the install.
   */
  activatePixel?: boolean;
  /** Told the outcome of each pixel activation (tests, logs). */
  onPixelActivated?: (shopId: string, outcome: PixelActivation | { error: string }) => void;
}

export interface RefineryShopifyApp {
  readonly config: ShopifyAppConfig;
  /** The library's app (token exchange); `.api` is the configured shopify-api instance. */
  readonly app: ShopifyApp;
  readonly sessionStorage: StoreSessionStorage;
  /** The install hook (also run after the OAuth code flow). */
  afterAuth(session: Session): Promise<void>;
  /** In emulator mode, sends the Admin API calls (token exchange included) of the shops a request names to the emulator. */
  routeRequestShops(req: Request): void;
  /** /api/*: a valid session token, then res.locals.shopId; 401 / 403 as JSON. */
  authenticateApi(): RequestHandler;
  /** The embedded document load: the App Bridge bounce without a usable id_token, else token exchange (install) before next(). */
  ensureInstalled(): RequestHandler;
}

function apiVersion(): ApiVersion {
  const version = Object.values(ApiVersion).find((v) => v === SHOPIFY_API_VERSION);
  if (!version) throw new RefineryError('INTERNAL', `@shopify/shopify-api does not know API version ${SHOPIFY_API_VERSION}`);
  return version;
}

export function jsonError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

function bearer(req: Request): string | null {
  return /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
}

/** The `dest` shop of a session token, unverified (only to route calls; the library verifies it). */
function unverifiedTokenShop(token: string): string | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { dest?: unknown };
    return typeof payload.dest === 'string' ? new URL(payload.dest).hostname : null;
  } catch {
    return null;
  }
}

/** Every shop an API request names besides its token: ?shop= and the shop headers. */
function namedShops(req: Request): string[] {
  const named: string[] = [];
  const query = req.query['shop'];
  for (const value of Array.isArray(query) ? query : [query]) if (typeof value === 'string') named.push(value);
  for (const header of SHOP_HEADERS) {
    const value = req.headers[header];
    if (typeof value === 'string') named.push(value);
  }
  return named.map((shop) => shop.trim().toLowerCase());
}

/**
 * The settings after an install stored the shop's offline token: the token and when it was stored
 * (an app/uninstalled that happened earlier is then ignored: app/webhooks/uninstall.ts). After an
 * uninstall, the schedule it paused is resumed; one the merchant had paused stays paused.
 */
export function installedSettings(current: ShopSettings | null, accessToken: string, adminOrigin: string | null, now: string): ShopSettings {
  const { uninstalled, ...settings } = current ?? structuredClone(DEFAULT_SHOP_SETTINGS);
  const next: ShopSettings = { ...settings, shopify: { accessToken, adminOrigin, installedAt: now } };
  if (uninstalled?.pausedSchedule && next.schedule) next.schedule = { ...next.schedule, paused: false };
  return next;
}

export function createShopifyApp(config: ShopifyAppConfig, deps: ShopifyAppDeps): RefineryShopifyApp {
  const appUrl = new URL(config.appUrl);
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const sessionStorage = createSessionStorage(deps.store);

  const activatePixel = async (shopId: string, accessToken: string): Promise<void> => {
    let outcome: PixelActivation | { error: string };
    try {
      const client = createAdminClient({ shop: shopId, accessToken, adminOrigin: config.adminOrigin }, { now: () => deps.now().getTime(), sleep: realSleep, random: Math.random, log });
      outcome = await activateWebPixel(client, pixelSettings(config.appUrl, config.apiSecret, shopId));
    } catch (error) {
      outcome = { error: describeError(error) };
      log(`[pixel] ${shopId}: the web pixel could not be activated: ${outcome.error}`);
    }
    deps.onPixelActivated?.(shopId, outcome);
  };

  const afterAuth = async (session: Session): Promise<void> => {
    if (session.isOnline || !session.accessToken) return;
    const shopId = session.shop;
    const now = deps.now().toISOString();
    const accessToken = session.accessToken;
    await deps.store.ensureShop(shopId, now);
    await deps.store.updateShopSettings(shopId, (current) => installedSettings(current, accessToken, config.adminOrigin, now), now);
    if (config.adminOrigin) routeShopToOrigin(shopId, config.adminOrigin);
    if (deps.activatePixel !== false) await activatePixel(shopId, accessToken);
    await deps.onInstalled?.(shopId);
  };

  const app = shopifyApp({
    api: {
      apiKey: config.apiKey,
      apiSecretKey: config.apiSecret,
      apiVersion: apiVersion(),
      scopes: SHOPIFY_APP_SCOPES,
      hostName: appUrl.host,
      hostScheme: appUrl.protocol === 'http:' ? 'http' : 'https',
      isEmbeddedApp: true,
      logger: { level: LogSeverity.Warning, log: async (severity, message) => log(`[shopify-app ${LogSeverity[severity]}] ${message}`) },
    },
    auth: { path: AUTH_PATH, callbackPath: AUTH_CALLBACK_PATH },
    webhooks: { path: '/webhooks/shopify' },
    useOnlineTokens: false,
    sessionStorage,
    future: { tokenExchange: true },
    hooks: { afterAuth: ({ session }) => afterAuth(session) },
  });

  const routeRequestShops = (req: Request): void => {
    if (!config.adminOrigin) return;
    const token = bearer(req) ?? (typeof req.query['id_token'] === 'string' ? req.query['id_token'] : null);
    const candidates = [...namedShops(req), ...(token ? [unverifiedTokenShop(token)] : [])];
    for (const candidate of candidates) {
      const shop = candidate ? app.api.utils.sanitizeShop(candidate) : null;
      if (shop) routeShopToOrigin(shop, config.adminOrigin);
    }
  };

  /** Lets the emulator's admin page frame the app (the library allows Shopify's admin only). */
  const allowEmulatorFraming = (res: Response): void => {
    const csp = res.getHeader('Content-Security-Policy');
    if (!config.adminOrigin || typeof csp !== 'string' || !csp.startsWith('frame-ancestors') || csp.includes("'none'")) return;
    res.setHeader('Content-Security-Policy', csp.replace(/;\s*$/, ` ${new URL(config.adminOrigin).origin};`));
  };

  const validate = app.validateAuthenticatedSession();

  const authenticateApi = (): RequestHandler => (req: Request, res: Response, next: NextFunction) => {
    if (!bearer(req)) {
      jsonError(res, 401, 'UNAUTHENTICATED', 'a session token is required: send Authorization: Bearer <shopify.idToken()>');
      return;
    }
    routeRequestShops(req);
    // The library answers a bad token with 401 and a text message (and the retry header when a
    // fresh token would do): the same status and headers, as our JSON error.
    const send = res.send.bind(res);
    res.send = ((body?: unknown) => {
      res.send = send;
      if (res.statusCode === 401) {
        return res.json({ error: { code: 'UNAUTHENTICATED', message: 'the session token is invalid or expired, or the app is not installed on the shop' } });
      }
      return send(body);
    }) as Response['send'];
    // The library's middleware is async: a failure inside it (the store down during a token
    // exchange, say) goes to express's error handler rather than becoming an unhandled rejection.
    Promise.resolve(validate(req, res, (error?: unknown) => {
      res.send = send;
      if (error) return next(error);
      const session = (res.locals['shopify'] as { session?: Session } | undefined)?.session;
      if (!session) return jsonError(res, 401, 'UNAUTHENTICATED', 'no session for this token');
      const other = namedShops(req).find((shop) => shop !== session.shop);
      if (other !== undefined) return jsonError(res, 403, 'FORBIDDEN', `this session is for ${session.shop}, not ${other}`);
      res.locals['shopId'] = session.shop;
      next();
    })).catch(next);
  };

  const ensureOnShop = app.ensureInstalledOnShop();

  const ensureInstalled = (): RequestHandler => (req: Request, res: Response, next: NextFunction) => {
    routeRequestShops(req);
    const loadApp = async (): Promise<void> => {
      const idToken = typeof req.query['id_token'] === 'string' ? req.query['id_token'] : null;
      let usable = false;
      if (idToken) {
        try {
          await app.api.session.decodeSessionToken(idToken);
          usable = true;
        } catch {
          usable = false;
        }
      }
      if (!usable) {
        // The bounce: App Bridge (from the configured URL) fetches a fresh token and reloads.
        allowEmulatorFraming(res);
        res.status(200).type('html').send(`<script data-api-key="${config.apiKey}" src="${config.appBridgeUrl}"></script>`);
        return;
      }
      await validate(req, res, (failure?: unknown) => {
        if (failure) return next(failure);
        const session = (res.locals['shopify'] as { session?: Session } | undefined)?.session;
        if (session) res.locals['shopId'] = session.shop;
        allowEmulatorFraming(res);
        next();
      });
    };
    Promise.resolve(ensureOnShop(req, res, (error?: unknown) => {
      if (error) return next(error);
      loadApp().catch(next);
    })).catch(next);
  };

  return { config, app: app as unknown as ShopifyApp, sessionStorage, afterAuth, routeRequestShops, authenticateApi, ensureInstalled };
}
