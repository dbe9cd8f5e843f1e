// Connecting a shop to HubSpot, from the embedded admin (behind authenticateApi: res.locals.shopId).
//   POST   /api/hubspot/connect       a private-app token, checked against the portal, stored sealed
//   DELETE /api/hubspot               disconnect
//   GET    /api/hubspot/oauth/start   { url }: HubSpot's install screen for the public app, with a
//                                     state bound to the shop (HMAC with the app secret, 10 minutes)
//   GET    /hubspot/oauth/callback    exchanges the code, stores access + refresh token sealed
// Bad input is 400 (body) or 422 (HubSpot refused the token) with a JSON error; nothing is stored.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import { exchangeHubSpotCode, fetchPortalId } from '../../connectors/hubspot/oauth-tokens.ts';
import { RefineryError, describeError } from '../../core/errors.ts';
import type { HubSpotAppConfig } from '../config.ts';
import type { HubSpotSettings, Store } from '../store/store.ts';

export interface HubSpotConnectDeps {
  store: Store;
  now: () => Date;
  /** The public app (OAuth); null: only private-app tokens. */
  hubspotApp: HubSpotAppConfig | null;
  /** API base for OAuth connections (the emulator in tests); null for HubSpot. */
  basePath: string | null;
  /** The app's public URL: the OAuth redirect goes to {appUrl}/hubspot/oauth/callback. */
  appUrl: string;
}

export const PRIVATE_APP_REQUESTS_PER_TEN_SECONDS = 100;
export const OAUTH_REQUESTS_PER_TEN_SECONDS = 110;
const STATE_TTL_MS = 10 * 60_000;

const ConnectBody = z.strictObject({
  accessToken: z.string().trim().min(1, 'accessToken must not be empty').max(512),
  basePath: z.url({ protocol: /^https?$/ }).nullable().optional(),
  requestsPerTenSeconds: z.number().int().min(1).max(1000).optional(),
  createContacts: z.boolean().optional(),
});

function fail(res: Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ error: { code, message, ...extra } });
}

function statusOf(error: unknown): number {
  if (!(error instanceof RefineryError)) return 500;
  if (error.code === 'AUTH') return 422;
  if (error.code === 'NETWORK' || error.code === 'UPSTREAM_UNAVAILABLE' || error.code === 'TIMEOUT') return 502;
  return 500;
}

/** The shop's settings, or an answer saying the app is not installed. */
async function installedSettings(deps: HubSpotConnectDeps, res: Response) {
  const shopId = String(res.locals['shopId']);
  const settings = await deps.store.getShopSettings(shopId);
  if (!settings) fail(res, 409, 'NOT_INSTALLED', `the app is not installed on ${shopId}`);
  return { shopId, settings };
}

export function signOAuthState(shopId: string, secret: string, now: Date): string {
  const body = `${Buffer.from(shopId).toString('base64url')}.${now.getTime() + STATE_TTL_MS}.${randomBytes(9).toString('base64url')}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** The shop a state was made for, or null (forged, damaged or expired). */
export function verifyOAuthState(state: string, secret: string, now: Date): string | null {
  const parts = state.split('.');
  if (parts.length !== 4) return null;
  const body = parts.slice(0, 3).join('.');
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(parts[3] ?? '', 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  if (Number(parts[1]) < now.getTime()) return null;
  return Buffer.from(parts[0] ?? '', 'base64url').toString('utf8');
}

const redirectUri = (deps: HubSpotConnectDeps) => `${deps.appUrl.replace(/\/+$/, '')}/hubspot/oauth/callback`;

export function createHubSpotConnectRouter(deps: HubSpotConnectDeps): Router {
  const router = express.Router();
  router.use(express.json({ limit: '16kb' }));

  router.post('/connect', async (req: Request, res: Response) => {
    const parsed = ConnectBody.safeParse(req.body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
      fail(res, 400, 'VALIDATION', `the connection is not valid: ${issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; ')}`, { issues });
      return;
    }
    const { shopId, settings } = await installedSettings(deps, res);
    if (!settings) return;
    const input = parsed.data;
    // Where the token is checked and later used is the server's choice, never the request's: a
    // basePath from the body would let any merchant make the server call any address.
    const basePath = input.basePath === undefined || input.basePath === null ? deps.basePath : input.basePath.replace(/\/+$/, '');
    if (basePath !== deps.basePath) {
      fail(res, 400, 'VALIDATION', deps.basePath === null ? 'basePath is not accepted: the app connects to HubSpot (https://api.hubapi.com)' : `basePath must be ${deps.basePath} (the HubSpot this server is configured for) or omitted`, { issues: [{ path: 'basePath', message: 'not accepted' }] });
      return;
    }
    let portalId: number;
    try {
      portalId = await fetchPortalId(input.accessToken, basePath);
    } catch (error) {
      const status = statusOf(error);
      fail(res, status, status === 422 ? 'HUBSPOT_TOKEN_REJECTED' : 'HUBSPOT_UNAVAILABLE', status === 422 ? 'HubSpot did not accept this access token: check that it is the private app\'s token and has the CRM scopes' : 'HubSpot could not be reached to check the token: try again later');
      return;
    }
    // Only the connection changes, on the settings as stored now (the check above took a round trip).
    const saved = await deps.store.updateShopSettings(shopId, (current) => {
      if (!current) return null;
      const hubspot: HubSpotSettings = {
        accessToken: input.accessToken,
        basePath,
        requestsPerTenSeconds: input.requestsPerTenSeconds ?? PRIVATE_APP_REQUESTS_PER_TEN_SECONDS,
        createContacts: input.createContacts ?? current.hubspot?.createContacts ?? false,
        portalId,
        authKind: 'private-app',
        refreshToken: null,
        expiresAt: null,
      };
      return { ...current, hubspot };
    }, deps.now().toISOString());
    if (!saved) return fail(res, 409, 'NOT_INSTALLED', `the app is not installed on ${shopId}`);
    res.json({ connected: true, portalId, authKind: 'private-app' });
  });

  router.delete('/', async (_req: Request, res: Response) => {
    const { shopId, settings } = await installedSettings(deps, res);
    if (!settings) return;
    let was: number | null = null;
    await deps.store.updateShopSettings(shopId, (current) => {
      was = current?.hubspot?.portalId ?? null;
      return current?.hubspot ? { ...current, hubspot: null } : null;
    }, deps.now().toISOString());
    res.json({ connected: false, disconnectedPortalId: was });
  });

  router.get('/oauth/start', (_req: Request, res: Response) => {
    const app = deps.hubspotApp;
    if (!app) {
      fail(res, 404, 'NOT_CONFIGURED', 'HubSpot OAuth is not configured (HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET): connect with a private-app token instead');
      return;
    }
    const url = new URL(app.authorizeUrl);
    url.searchParams.set('client_id', app.clientId);
    url.searchParams.set('redirect_uri', redirectUri(deps));
    url.searchParams.set('scope', app.scopes);
    url.searchParams.set('state', signOAuthState(String(res.locals['shopId']), app.clientSecret, deps.now()));
    res.json({ url: url.href });
  });

  // A body express.json cannot read (not JSON, too large): the same JSON error as a bad field.
  router.use((error: unknown, _req: Request, res: Response, next: (error?: unknown) => void) => {
    if (res.headersSent) return next(error);
    const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 500;
    if (status >= 500) return next(error);
    fail(res, status === 413 ? 413 : 400, 'VALIDATION', status === 413 ? 'the body is too large' : 'the body must be a JSON object');
  });

  // Anything else under /api/hubspot: JSON, as the rest of the API answers.
  router.use((req: Request, res: Response) => {
    fail(res, 404, 'NOT_FOUND', `no route ${req.method} /api/hubspot${req.path}`);
  });
  return router;
}

function page(res: Response, status: number, title: string, text: string): void {
  const escape = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  res.status(status).type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1><p>${escape(text)}</p></body></html>`);
}

export function createHubSpotOAuthCallback(deps: HubSpotConnectDeps): RequestHandler {
  return async (req: Request, res: Response) => {
    const app = deps.hubspotApp;
    if (!app) return page(res, 404, 'HubSpot OAuth is not configured', 'Set HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET.');
    const code = typeof req.query['code'] === 'string' ? req.query['code'] : '';
    const shopId = verifyOAuthState(typeof req.query['state'] === 'string' ? req.query['state'] : '', app.clientSecret, deps.now());
    if (!code || !shopId) return page(res, 400, 'HubSpot was not connected', 'The link is invalid or expired: start again from the app.');
    const notInstalled = () => page(res, 409, 'HubSpot was not connected', `The app is not installed on ${shopId}.`);
    if (!(await deps.store.getShopSettings(shopId))) return notInstalled();
    try {
      const tokens = await exchangeHubSpotCode(app, code, redirectUri(deps), deps.basePath);
      const portalId = await fetchPortalId(tokens.accessToken, deps.basePath);
      const now = deps.now();
      // Only the connection changes, on the settings as stored after the token exchange.
      const saved = await deps.store.updateShopSettings(shopId, (current) => {
        if (!current) return null;
        const hubspot: HubSpotSettings = {
          accessToken: tokens.accessToken,
          basePath: deps.basePath,
          requestsPerTenSeconds: OAUTH_REQUESTS_PER_TEN_SECONDS,
          createContacts: current.hubspot?.createContacts ?? false,
          portalId,
          authKind: 'oauth',
          refreshToken: tokens.refreshToken,
          expiresAt: new Date(now.getTime() + tokens.expiresIn * 1000).toISOString(),
        };
        return { ...current, hubspot };
      }, now.toISOString());
      if (!saved) return notInstalled();
      page(res, 200, 'HubSpot connected', `Portal ${portalId} is connected to ${shopId}. You can close this window and go back to the app.`);
    } catch (error) {
      page(res, statusOf(error) === 422 ? 400 : 502, 'HubSpot was not connected', describeError(error));
    }
  };
}
