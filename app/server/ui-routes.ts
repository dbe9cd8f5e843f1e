// Serves the embedded admin UI: the bundle (/assets/app.js, /assets/app.css) and the HTML shell
// for every page path. The shell loads App Bridge first (Shopify's CDN, or the emulator's
// stand-in), names the app's API key, lists the pages for the admin's navigation (<ui-nav-menu>),
// and may only be framed by the shop's admin (Content-Security-Policy frame-ancestors).
import type { IRouter, Request, RequestHandler, Response } from 'express';
import { NAV_ITEMS } from '../ui/lib/routes.ts';
import { getUiBundle, type UiAsset, type UiBundle } from '../ui/build-ui.ts';

export const DEFAULT_APP_BRIDGE_URL = 'https://cdn.shopify.com/shopifycloud/app-bridge.js';
export const SHOPIFY_ADMIN_ORIGIN = 'https://admin.shopify.com';
/** Every path the UI routes in the browser; each loads the same shell. */
export const UI_DOCUMENT_PATHS = ['/', '/segments/:key', ...NAV_ITEMS.map((n) => n.path).filter((p) => p !== '/')];
export const UI_ASSET_PATHS = { js: '/assets/app.js', css: '/assets/app.css' } as const;

export interface UiOptions {
  /** The app's client id: App Bridge reads it from <meta name="shopify-api-key">. */
  apiKey: string;
  /** App Bridge script; default Shopify's CDN. Tests and the demo pass the emulator's stand-in. */
  appBridgeUrl?: string;
  /** More origins allowed to frame the app (the emulator's admin), besides the shop and admin.shopify.com. */
  frameAncestors?: readonly string[];
  /** Run before the shell is sent (e.g. shopify-app.ts' ensureInstalled: token exchange on first load). */
  documentMiddleware?: RequestHandler | readonly RequestHandler[];
  /** The bundle; default: built once per process from app/ui/src (app/ui/build-ui.ts). */
  bundle?: () => Promise<UiBundle>;
  /** The page title; default "Segment Refinery". */
  title?: string;
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** The frame-ancestors directive: the shop's admin and Shopify's admin, or nobody without a valid shop. */
export function frameAncestorsFor(shop: unknown, extra: readonly string[] = []): string {
  const normalized = typeof shop === 'string' ? shop.trim().toLowerCase() : '';
  if (!SHOP_DOMAIN.test(normalized)) return extra.length > 0 ? `frame-ancestors ${extra.join(' ')}` : "frame-ancestors 'none'";
  return `frame-ancestors ${[`https://${normalized}`, SHOPIFY_ADMIN_ORIGIN, ...extra].join(' ')}`;
}

export function renderShell(options: { apiKey: string; appBridgeUrl: string; title: string; jsHash: string; cssHash: string }): string {
  const nav = NAV_ITEMS.map((item) => `    <a href="${escapeHtml(item.path)}"${item.path === '/' ? ' rel="home"' : ''}>${escapeHtml(item.label)}</a>`).join('\n');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="shopify-api-key" content="${escapeHtml(options.apiKey)}">
    <script src="${escapeHtml(options.appBridgeUrl)}"></script>
    <title>${escapeHtml(options.title)}</title>
    <style>ui-nav-menu { display: none; }</style>
    <link rel="stylesheet" href="${UI_ASSET_PATHS.css}?v=${options.cssHash}">
  </head>
  <body>
    <ui-nav-menu>
${nav}
    </ui-nav-menu>
    <div id="app"></div>
    <noscript>Segment Refinery needs JavaScript.</noscript>
    <script src="${UI_ASSET_PATHS.js}?v=${options.jsHash}" defer></script>
  </body>
</html>
`;
}

function sendAsset(req: Request, res: Response, asset: UiAsset, contentType: string): void {
  const etag = `"${asset.hash}"`;
  res.setHeader('Content-Type', contentType);
  res.setHeader('ETag', etag);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // A versioned URL never changes content: cache it for a year. Without the version, revalidate.
  res.setHeader('Cache-Control', req.query.v === asset.hash ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (req.get('if-none-match') === etag) {
    res.status(304).end();
    return;
  }
  res.status(200).send(asset.body);
}

function buildFailed(res: Response, error: unknown): void {
  res.status(500).type('text/plain').send(`The admin UI could not be built: ${error instanceof Error ? error.message : String(error)}`);
}

/** Mounts the UI's assets and page routes on an express app or router. */
export function mountUi(app: IRouter, options: UiOptions): void {
  const bundle = options.bundle ?? getUiBundle;
  // Start building now so the first page load does not wait for it; failures surface per request.
  bundle().catch(() => undefined);
  const appBridgeUrl = options.appBridgeUrl ?? DEFAULT_APP_BRIDGE_URL;
  const extraAncestors = options.frameAncestors ?? [];
  const title = options.title ?? 'Segment Refinery';
  const before: RequestHandler[] = options.documentMiddleware === undefined ? [] : Array.isArray(options.documentMiddleware) ? [...options.documentMiddleware] : [options.documentMiddleware as RequestHandler];

  app.get(UI_ASSET_PATHS.js, async (req, res) => {
    try {
      sendAsset(req, res, (await bundle()).js, 'text/javascript; charset=utf-8');
    } catch (error) {
      buildFailed(res, error);
    }
  });
  app.get(UI_ASSET_PATHS.css, async (req, res) => {
    try {
      sendAsset(req, res, (await bundle()).css, 'text/css; charset=utf-8');
    } catch (error) {
      buildFailed(res, error);
    }
  });

  const document: RequestHandler = async (req, res) => {
    let built: UiBundle;
    try {
      built = await bundle();
    } catch (error) {
      buildFailed(res, error);
      return;
    }
    res.setHeader('Content-Security-Policy', frameAncestorsFor(req.query.shop, extraAncestors));
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
    res.type('html').send(renderShell({ apiKey: options.apiKey, appBridgeUrl, title, jsHash: built.js.hash, cssHash: built.css.hash }));
  };
  for (const path of UI_DOCUMENT_PATHS) app.get(path, [...before, document]);
}
