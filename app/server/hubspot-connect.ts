// Connecting a shop to HubSpot, from the embedded admin (behind authenticateApi: res.locals.shopId).
//   POST   /api/hubspot/connect       a private-app token, checked against the portal, stored sealed
//   DELETE /api/hubspot               disconnect
//   GET    /api/hubspot/oauth/start   { url }: HubSpot's install screen for the public app, with a
//                                     state bound to the shop (HMAC with the app secret, 10 minutes)
//   GET    /hubspot/oauth/callback    (no session token: the popup HubSpot redirects to) checks the
//                                     state, stores nothing, and hands { code, state } to the app
//                                     window that opened it (postMessage to the app's own origin);
//                                     when it cannot (no opener, or the app does not acknowledge),
//                                     it shows a one-time "connection code" (code and state) to
//                                     paste into Settings, which completes the same way
//   POST   /api/hubspot/oauth/complete { code, state } from that app window, with its session token:
//                                     the state must be this shop's and unused; then the code is
//                                     exchanged and access + refresh token are stored sealed
// Completing through the API binds the connection to whoever started it: a start URL passed to a
// HubSpot admin of another portal cannot connect that portal to the shop, since only the shop's
// own admin session can complete it.
// Bad input is 400 (body) or 422 (HubSpot refused the token) with a JSON error; nothing is stored.
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { exchangeHubSpotCode, fetchPortalId } from '../../connectors/hubspot/oauth-tokens.ts';
import { RefineryError } from '../../core/errors.ts';
import type { HubSpotAppConfig } from '../config.ts';
import { HubSpotOAuthCompleteRequest } from './api/api-schemas.ts';
import { readOAuthState, signOAuthState, UsedOAuthStates } from './hubspot-oauth-state.ts';
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

const redirectUri = (deps: HubSpotConnectDeps) => `${deps.appUrl.replace(/\/+$/, '')}/hubspot/oauth/callback`;

function failValidation(res: Response, error: z.ZodError): void {
  const issues = error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  fail(res, 400, 'VALIDATION', `the connection is not valid: ${issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; ')}`, { issues });
}

export function createHubSpotConnectRouter(deps: HubSpotConnectDeps): Router {
  const router = express.Router();
  const usedStates = new UsedOAuthStates();
  router.use(express.json({ limit: '16kb' }));

  router.post('/connect', async (req: Request, res: Response) => {
    const parsed = ConnectBody.safeParse(req.body);
    if (!parsed.success) return failValidation(res, parsed.error);
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

  // The second half of the OAuth flow, from the app window that started it (see the callback page).
  router.post('/oauth/complete', async (req: Request, res: Response) => {
    const app = deps.hubspotApp;
    if (!app) {
      fail(res, 404, 'NOT_CONFIGURED', 'HubSpot OAuth is not configured (HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET): connect with a private-app token instead');
      return;
    }
    const parsed = HubSpotOAuthCompleteRequest.safeParse(req.body);
    if (!parsed.success) return failValidation(res, parsed.error);
    const { code, state } = parsed.data;
    const now = deps.now();
    const details = readOAuthState(state, app.clientSecret, now);
    if (!details) {
      fail(res, 400, 'INVALID_STATE', 'the HubSpot authorization is invalid or expired: start again with "Connect with OAuth"');
      return;
    }
    const shopId = String(res.locals['shopId']);
    if (details.shopId !== shopId) {
      fail(res, 403, 'FORBIDDEN', 'this HubSpot authorization was started for another shop');
      return;
    }
    const { settings } = await installedSettings(deps, res);
    if (!settings) return;
    if (!usedStates.take(details.nonce, details.expiresAt, now)) {
      fail(res, 409, 'STATE_USED', 'this HubSpot authorization was already used: start again with "Connect with OAuth"');
      return;
    }
    let tokens: Awaited<ReturnType<typeof exchangeHubSpotCode>>;
    let portalId: number;
    try {
      tokens = await exchangeHubSpotCode(app, code, redirectUri(deps), deps.basePath);
      portalId = await fetchPortalId(tokens.accessToken, deps.basePath);
    } catch (error) {
      const status = statusOf(error);
      if (status === 422) fail(res, 422, 'HUBSPOT_CODE_REJECTED', 'HubSpot did not accept the authorization (it may have expired or been used): start again with "Connect with OAuth"');
      else fail(res, 502, 'HUBSPOT_UNAVAILABLE', 'HubSpot could not be reached to complete the connection: try again later');
      return;
    }
    const storedAt = deps.now();
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
        expiresAt: new Date(storedAt.getTime() + tokens.expiresIn * 1000).toISOString(),
      };
      return { ...current, hubspot };
    }, storedAt.toISOString());
    if (!saved) return fail(res, 409, 'NOT_INSTALLED', `the app is not installed on ${shopId}`);
    res.json({ connected: true, portalId, authKind: 'oauth' });
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
