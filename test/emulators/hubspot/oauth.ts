// HubSpot OAuth for a public app, as the app sees it: the install screen (auto-approved by the
// portal the test chose), the token endpoint (authorization code and refresh token grants, form
// encoded), and access tokens that expire. Tokens issued here authenticate like a portal's own.
//   GET  /oauth/authorize   -> 302 to redirect_uri?code=...&state=...
//   POST /oauth/v1/token    grant_type=authorization_code | refresh_token
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './http-util.ts';
import type { PortalState } from './portal-state.ts';

export interface OAuthAppOptions {
  clientId: string;
  clientSecret: string;
  /** The portal that approves installs. */
  portalId: number;
  /** Lifetime of access tokens; HubSpot's is 30 minutes. */
  accessTokenTtlSeconds?: number;
}

export class OAuthState {
  app: OAuthAppOptions | null = null;
  readonly codes = new Map<string, { portalId: number; redirectUri: string; expiresAt: number }>();
  readonly refreshTokens = new Map<string, number>();
  /** Access token -> when it stops working (ms). */
  readonly expiry = new Map<string, number>();
  readonly stats = { authorizationCodes: 0, refreshes: 0 };
}

const DEFAULT_TTL_SECONDS = 1800;

function badRequest(res: ServerResponse, message: string, status = 400): void {
  sendJson(res, status, { status: 'BAD_AUTH_CODE', message, correlationId: randomBytes(8).toString('hex') });
}

export function authorizeRoute(oauth: OAuthState, url: URL, res: ServerResponse): void {
  const app = oauth.app;
  if (!app || url.searchParams.get('client_id') !== app.clientId) return badRequest(res, 'Unknown client_id');
  const redirectUri = url.searchParams.get('redirect_uri') ?? '';
  let target: URL;
  try {
    target = new URL(redirectUri);
  } catch {
    return badRequest(res, 'redirect_uri is missing or not a URL');
  }
  const code = randomBytes(12).toString('hex');
  oauth.codes.set(code, { portalId: app.portalId, redirectUri, expiresAt: Date.now() + 5 * 60_000 });
  target.searchParams.set('code', code);
  const state = url.searchParams.get('state');
  if (state !== null) target.searchParams.set('state', state);
  res.writeHead(302, { Location: target.href });
  res.end();
}

export async function tokenRoute(oauth: OAuthState, portalsById: Map<number, PortalState>, portalsByToken: Map<string, PortalState>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const params = new URLSearchParams((await readBody(req, 64 * 1024)).toString('utf8'));
  const app = oauth.app;
  if (!app || params.get('client_id') !== app.clientId || params.get('client_secret') !== app.clientSecret) {
    return badRequest(res, 'missing or unknown client id', 400);
  }
  let portalId: number | undefined;
  if (params.get('grant_type') === 'authorization_code') {
    const code = oauth.codes.get(params.get('code') ?? '');
    oauth.codes.delete(params.get('code') ?? '');
    if (!code || code.expiresAt < Date.now() || code.redirectUri !== params.get('redirect_uri')) return badRequest(res, 'missing or invalid authorization code');
    portalId = code.portalId;
    oauth.stats.authorizationCodes++;
  } else if (params.get('grant_type') === 'refresh_token') {
    portalId = oauth.refreshTokens.get(params.get('refresh_token') ?? '');
    if (portalId === undefined) return badRequest(res, 'missing or invalid refresh token');
    oauth.stats.refreshes++;
  } else {
    return badRequest(res, 'grant_type must be authorization_code or refresh_token');
  }
  const portal = portalsById.get(portalId);
  if (!portal) return badRequest(res, `portal ${portalId} is gone`);
  const ttl = app.accessTokenTtlSeconds ?? DEFAULT_TTL_SECONDS;
  const accessToken = `oauth-${randomBytes(16).toString('hex')}`;
  const refreshToken = params.get('refresh_token') ?? `refresh-${randomBytes(16).toString('hex')}`;
  portalsByToken.set(accessToken, portal);
  oauth.expiry.set(accessToken, Date.now() + ttl * 1000);
  oauth.refreshTokens.set(refreshToken, portalId);
  sendJson(res, 200, { token_type: 'bearer', access_token: accessToken, refresh_token: refreshToken, expires_in: ttl });
}
