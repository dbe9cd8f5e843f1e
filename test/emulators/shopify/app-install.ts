// The app's side of the Shopify admin: installing an app and giving it access tokens. One app is
// configured (client id and secret, its URL); each shop's offline access token is the one its
// GraphQL endpoint accepts, so a sync works with what the install stored.
//   POST /shops/{shop}/admin/oauth/access_token  token exchange (session token -> offline/online
//        access token) and the authorization-code grant, answered as Shopify does
//   GET  /shops/{shop}/admin/oauth/authorize     the OAuth grant screen, auto-approved: redirects to
//        the app's redirect_uri with code, hmac, host, shop, state and timestamp
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './http-util.ts';
import { verifySessionToken } from './session-token.ts';
import type { ShopState } from './shop-state.ts';

export interface EmulatorApp {
  clientId: string;
  clientSecret: string;
  /** The app's URL (application_url), framed by the admin page; e.g. http://127.0.0.1:3000. */
  appUrl?: string;
  /** Scopes granted by token exchange (Shopify managed installation); default the shop's scopes. */
  scopes?: string[];
}

interface AuthorizationCode {
  shop: string;
  clientId: string;
  scope: string;
  perUser: boolean;
  expiresAt: number;
}

export class InstallState {
  app: EmulatorApp | null = null;
  readonly codes = new Map<string, AuthorizationCode>();
  /** Access tokens issued per shop (online ones included), for the tests' inspection. */
  readonly issued: Array<{ shop: string; grant: 'token-exchange' | 'authorization-code'; online: boolean }> = [];
}

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';
const OFFLINE = 'urn:shopify:params:oauth:token-type:offline-access-token';
const ONLINE = 'urn:shopify:params:oauth:token-type:online-access-token';
const CODE_TTL_MS = 60_000;
const ONLINE_TTL_SECONDS = 86_399;

/** `host` as the admin passes it: base64 of admin.shopify.com/store/{store}. */
export function adminHost(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.split('.')[0] ?? shop}`).toString('base64').replace(/=+$/, '');
}

/** Shopify's HMAC over a query: sorted parameters, URL-encoded (%20 for spaces), hex HMAC-SHA256. */
export function signQuery(params: Record<string, string>, secret: string): string {
  const sorted = new URLSearchParams(Object.entries(params).sort(([a], [b]) => a.localeCompare(b)));
  return createHmac('sha256', secret).update(sorted.toString().replace(/\+/g, '%20')).digest('hex');
}

async function readParams(req: IncomingMessage): Promise<Record<string, string>> {
  const text = (await readBody(req, 64 * 1024)).toString('utf8');
  if (String(req.headers['content-type'] ?? '').includes('application/json')) {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function onlineUser(id: string) {
  return { id: Number(id) || 1, first_name: 'Staff', last_name: `Member ${id}`, email: `staff${id}@example.com`, account_owner: id === '1', locale: 'en', collaborator: false, email_verified: true };
}

function grantTokens(shop: ShopState, scope: string, online: boolean, userId: string): Record<string, unknown> {
  if (!online) return { access_token: shop.accessToken, scope };
  const token = `shpua_${randomBytes(16).toString('hex')}`;
  shop.issuedTokens.add(token);
  return { access_token: token, scope, expires_in: ONLINE_TTL_SECONDS, associated_user_scope: scope, session: randomUUID(), account_number: 0, associated_user: onlineUser(userId) };
}

export async function accessTokenRoute(install: InstallState, shop: ShopState | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let params: Record<string, string>;
  try {
    params = await readParams(req);
  } catch {
    return sendJson(res, 400, { error: 'invalid_request', error_description: 'The body must be JSON or form-encoded' });
  }
  const app = install.app;
  if (!shop) return sendJson(res, 404, { errors: 'Not Found' });
  if (!app || params['client_id'] !== app.clientId || params['client_secret'] !== app.clientSecret) {
    return sendJson(res, 401, { error: 'invalid_client', error_description: 'Client credentials are invalid' });
  }
  const appScopes = (app.scopes ?? [...shop.scopes]).join(',');
  if (params['grant_type'] === TOKEN_EXCHANGE) {
    if (params['subject_token_type'] !== ID_TOKEN || (params['requested_token_type'] !== OFFLINE && params['requested_token_type'] !== ONLINE)) {
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'subject_token_type must be an id_token and requested_token_type an offline or online access token' });
    }
    const claims = verifySessionToken(params['subject_token'] ?? '', app.clientId, app.clientSecret);
    if (!claims || claims.dest !== `https://${shop.domain}`) {
      return sendJson(res, 400, { error: 'invalid_subject_token', error_description: 'The subject token is invalid or expired' });
    }
    const online = params['requested_token_type'] === ONLINE;
    install.issued.push({ shop: shop.domain, grant: 'token-exchange', online });
    return sendJson(res, 200, grantTokens(shop, appScopes, online, claims.sub));
  }
  if (params['grant_type'] === undefined || params['grant_type'] === 'authorization_code') {
    const code = install.codes.get(params['code'] ?? '');
    install.codes.delete(params['code'] ?? '');
    if (!code || code.shop !== shop.domain || code.clientId !== app.clientId || code.expiresAt < Date.now()) {
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'The authorization code was not found or was already used' });
    }
    install.issued.push({ shop: shop.domain, grant: 'authorization-code', online: code.perUser });
    return sendJson(res, 200, grantTokens(shop, code.scope, code.perUser, '1'));
  }
  return sendJson(res, 400, { error: 'unsupported_grant_type' });
}

export function authorizeRoute(install: InstallState, shop: ShopState | undefined, url: URL, res: ServerResponse): void {
  const app = install.app;
  const redirectUri = url.searchParams.get('redirect_uri') ?? '';
  if (!shop) return sendJson(res, 404, { errors: 'Not Found' });
  if (!app || url.searchParams.get('client_id') !== app.clientId) return sendJson(res, 400, { errors: 'Unknown client_id' });
  let redirect: URL;
  try {
    redirect = new URL(redirectUri);
  } catch {
    return sendJson(res, 400, { errors: 'The redirect_uri is missing or not a URL' });
  }
  if (app.appUrl && redirect.origin !== new URL(app.appUrl).origin) return sendJson(res, 400, { errors: 'The redirect_uri is not whitelisted' });
  const code = randomBytes(16).toString('hex');
  const scope = url.searchParams.get('scope') ?? [...shop.scopes].join(',');
  install.codes.set(code, { shop: shop.domain, clientId: app.clientId, scope, perUser: url.searchParams.get('grant_options[]') === 'per-user', expiresAt: Date.now() + CODE_TTL_MS });
  const params: Record<string, string> = {
    code,
    host: adminHost(shop.domain),
    shop: shop.domain,
    state: url.searchParams.get('state') ?? '',
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
  for (const [key, value] of Object.entries({ ...params, hmac: signQuery(params, app.clientSecret) })) redirect.searchParams.set(key, value);
  res.writeHead(302, { Location: redirect.href });
  res.end();
}
