// The Shopify admin around an embedded app, for browser tests: a page that frames the app as the
// admin does (embedded=1, shop, host, id_token, hmac...), session tokens for App Bridge, and an App
// Bridge stand-in script (window.shopify: config, idToken(), toast.show(); session tokens on the
// app's own fetch calls, retried once when the app asks for a fresh one; the bounce page reload).
//   GET /admin/apps/{client id}?shop=...&path=/...   the admin page
//   GET /admin/session-token?shop=...&client_id=...  { idToken } (CORS for loopback origins)
//   GET /shopifycloud/app-bridge.js                  the stand-in
import type { IncomingMessage, ServerResponse } from 'node:http';
import { adminHost, signQuery, type InstallState } from './app-install.ts';
import { sendJson } from './http-util.ts';
import { signSessionToken } from './session-token.ts';
import type { ShopState } from './shop-state.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return {};
  try {
    if (!LOOPBACK.has(new URL(origin).hostname)) return {};
  } catch {
    return {};
  }
  return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin', 'Access-Control-Allow-Methods': 'GET', 'Access-Control-Allow-Headers': 'Content-Type' };
}

/** The query the admin puts on an embedded app's URL, with a fresh session token. */
export function embeddedQuery(install: InstallState, shop: string, userId = '1'): URLSearchParams {
  const app = install.app;
  if (!app) throw new Error('no app configured on the emulator');
  const params: Record<string, string> = {
    embedded: '1',
    host: adminHost(shop),
    id_token: signSessionToken({ shop, apiKey: app.clientId, apiSecret: app.clientSecret, userId }),
    locale: 'en',
    session: Buffer.from(`${shop}:${userId}`).toString('hex'),
    shop,
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
  return new URLSearchParams({ ...params, hmac: signQuery(params, app.clientSecret) });
}

export function adminPageRoute(install: InstallState, shops: Map<string, ShopState>, clientId: string, url: URL, res: ServerResponse): void {
  const app = install.app;
  const shop = shops.get(url.searchParams.get('shop') ?? '');
  if (!app || app.clientId !== clientId || !app.appUrl) return sendJson(res, 404, { errors: 'No such app (configure the app with its appUrl)' });
  if (!shop) return sendJson(res, 404, { errors: 'Unknown shop' });
  const path = url.searchParams.get('path') ?? '/';
  const target = new URL(path.startsWith('/') ? path : `/${path}`, app.appUrl);
  // Only the app's own pages get a session token (`//elsewhere/x` would resolve to another origin).
  if (target.origin !== new URL(app.appUrl).origin) return sendJson(res, 400, { errors: 'path must be a path of the app' });
  for (const [key, value] of embeddedQuery(install, shop.domain)) target.searchParams.set(key, value);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(shop.name)} · Shopify admin (emulator)</title>
<style>body{margin:0;font-family:sans-serif}header{padding:8px 16px;background:#1a1a1a;color:#fff}iframe{border:0;width:100%;height:calc(100vh - 40px)}</style></head>
<body><header id="admin-bar">Shopify admin (emulator) · ${escapeHtml(shop.domain)}</header>
<iframe id="app-iframe" name="app-iframe" title="${escapeHtml(app.clientId)}" src="${escapeHtml(target.href)}"></iframe></body></html>`;
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(Buffer.byteLength(html)) });
  res.end(html);
}

export function sessionTokenRoute(install: InstallState, shops: Map<string, ShopState>, url: URL, req: IncomingMessage, res: ServerResponse): void {
  const headers = corsHeaders(req);
  if (req.method === 'OPTIONS') {
    res.writeHead(204, headers);
    res.end();
    return;
  }
  const app = install.app;
  const shop = shops.get(url.searchParams.get('shop') ?? '');
  if (!app || url.searchParams.get('client_id') !== app.clientId) return sendJson(res, 400, { errors: 'Unknown client_id' }, headers);
  if (!shop) return sendJson(res, 404, { errors: 'Unknown shop' }, headers);
  const idToken = signSessionToken({ shop: shop.domain, apiKey: app.clientId, apiSecret: app.clientSecret, userId: url.searchParams.get('user_id') ?? '1' });
  sendJson(res, 200, { idToken }, { ...headers, 'Cache-Control': 'no-store' });
}

const APP_BRIDGE_JS = String.raw`// App Bridge stand-in served by the Shopify emulator (tests and the demo only).
(function () {
  'use strict';
  var script = document.currentScript;
  var origin = new URL(script.src).origin;
  var meta = document.querySelector('meta[name="shopify-api-key"]');
  var apiKey = (script.getAttribute('data-api-key')) || (meta && meta.getAttribute('content')) || '';
  var params = new URLSearchParams(location.search);
  // In the admin the app is a cross-site frame: a browser that blocks third-party storage (Chromium
  // in incognito, Safari) refuses sessionStorage there. Keep the values in memory then.
  var memory = {};
  var storage = {
    getItem: function (key) { try { return sessionStorage.getItem(key); } catch (e) { return Object.prototype.hasOwnProperty.call(memory, key) ? memory[key] : null; } },
    setItem: function (key, value) { try { sessionStorage.setItem(key, value); } catch (e) { memory[key] = String(value); } },
    removeItem: function (key) { try { sessionStorage.removeItem(key); } catch (e) { delete memory[key]; } }
  };
  var remember = function (name) {
    var value = params.get(name) || storage.getItem('app-bridge:' + name) || '';
    if (value) storage.setItem('app-bridge:' + name, value);
    return value;
  };
  var shop = remember('shop');
  var host = remember('host');
  var originalFetch = window.fetch.bind(window);
  function idToken() {
    var url = origin + '/admin/session-token?shop=' + encodeURIComponent(shop) + '&client_id=' + encodeURIComponent(apiKey);
    return originalFetch(url).then(function (response) {
      if (!response.ok) throw new Error('App Bridge: no session token (' + response.status + ')');
      return response.json();
    }).then(function (body) { return body.idToken; });
  }
  var toasts = [];
  function showToast(message, options) {
    var toast = { id: 'toast-' + (toasts.length + 1), message: String(message), isError: Boolean(options && options.isError) };
    toasts.push(toast);
    var node = document.createElement('div');
    node.setAttribute('role', 'status');
    node.setAttribute('data-app-bridge-toast', toast.isError ? 'error' : 'info');
    node.textContent = toast.message;
    node.style.cssText = 'position:fixed;bottom:16px;left:50%;transform:translateX(-50%);background:#303030;color:#fff;padding:8px 16px;border-radius:8px;z-index:10000';
    (document.body || document.documentElement).appendChild(node);
    setTimeout(function () { node.remove(); }, (options && options.duration) || 5000);
    return toast.id;
  }
  window.shopify = {
    config: { apiKey: apiKey, shop: shop, host: host, locale: params.get('locale') || 'en' },
    environment: { embedded: true, mobile: false, pos: false },
    idToken: idToken,
    toast: { show: showToast, hide: function () {} },
    emulator: { toasts: toasts, origin: origin }
  };
  // Like App Bridge: the app's own fetch calls carry a fresh session token; a 401 that asks for a
  // retry (X-Shopify-Retry-Invalid-Session-Request: 1) is retried once.
  window.fetch = function (input, init) {
    var url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, location.href);
    if (url.origin !== location.origin) return originalFetch(input, init);
    var attempt = function () {
      return idToken().then(function (token) {
        var headers = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined));
        if (!headers.has('Authorization')) headers.set('Authorization', 'Bearer ' + token);
        return originalFetch(input, Object.assign({}, init, { headers: headers }));
      });
    };
    return attempt().then(function (response) {
      if (response.status === 401 && response.headers.get('X-Shopify-Retry-Invalid-Session-Request') === '1') return attempt();
      return response;
    });
  };
  // The bounce page (a document that is only this script): reload with a fresh id_token, at most 3 times.
  function bounce() {
    if (!document.body || document.body.children.length > 0 || !shop) return;
    var tries = Number(storage.getItem('app-bridge:bounces') || '0');
    if (tries >= 3) return;
    storage.setItem('app-bridge:bounces', String(tries + 1));
    idToken().then(function (token) {
      var next = new URL(location.href);
      next.searchParams.set('id_token', token);
      location.replace(next.href);
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', bounce); else bounce();
  window.addEventListener('load', function () { if (document.body && document.body.children.length > 0) storage.removeItem('app-bridge:bounces'); });
})();
`;

export function appBridgeRoute(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Content-Length': String(Buffer.byteLength(APP_BRIDGE_JS)), 'Cache-Control': 'no-store', ...corsHeaders(req) });
  res.end(APP_BRIDGE_JS);
}
