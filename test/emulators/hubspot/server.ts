// HTTP front door: bearer-token authentication (the token names the portal), injected faults, the
// rate limits (daily, ten-second rolling window, search per second) with HubSpot's headers and 429
// bodies, then routing to the handlers and turning HubSpotErrors into HubSpot's error JSON.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AUTH_MESSAGE, HubSpotError, errorBody, invalidJson, rateLimitBody } from './errors.ts';
import { BodyTooLargeError, readBody, sendJson } from './http-util.ts';
import { TEN_SECONDS_MS } from './portal-state.ts';
import type { PortalState } from './portal-state.ts';
import type { Route, RouteResult } from './route-types.ts';
import { batchRoutes } from './routes-batch.ts';
import { contactRoutes } from './routes-contacts.ts';
import { listRoutes } from './routes-lists.ts';
import { membershipRoutes } from './routes-memberships.ts';
import { propertyRoutes } from './routes-properties.ts';
import { searchRoutes } from './routes-search.ts';
import { accountRoutes } from './routes-account.ts';
import { authorizeRoute, tokenRoute, type OAuthState } from './oauth.ts';
import type { Fault } from './types.ts';

export interface ServerState {
  origin: string;
  readonly portalsById: Map<number, PortalState>;
  readonly portalsByToken: Map<string, PortalState>;
  /** The public app's OAuth (oauth.ts). */
  readonly oauth: OAuthState;
}

const ROUTES: Route[] = [...accountRoutes, ...searchRoutes, ...batchRoutes, ...contactRoutes, ...propertyRoutes, ...membershipRoutes, ...listRoutes];
const MAX_BODY = 10 * 1024 * 1024;
const FAULT_MESSAGES: Record<number, string> = {
  500: 'internal error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
type Policy = 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY';

function matchRoute(method: string, path: string): { route: Route; params: string[] } | 'method-not-allowed' | null {
  let pathMatched = false;
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (route.method === method) return { route, params: match.slice(1).map((p) => decodeURIComponent(p ?? '')) };
  }
  return pathMatched ? 'method-not-allowed' : null;
}

function authenticate(state: ServerState, req: IncomingMessage): PortalState | undefined {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  const token = match?.[1] ?? '';
  const expires = state.oauth.expiry.get(token);
  if (expires !== undefined && expires < Date.now()) return undefined;
  return match ? state.portalsByToken.get(token) : undefined;
}

function rateHeaders(portal: PortalState, now: number): Record<string, string> {
  return {
    'X-HubSpot-RateLimit-Interval-Milliseconds': String(TEN_SECONDS_MS),
    'X-HubSpot-RateLimit-Max': String(portal.tenSecondly.limit),
    'X-HubSpot-RateLimit-Remaining': String(portal.tenSecondly.remaining(now)),
    'X-HubSpot-RateLimit-Daily': String(portal.dailyLimit),
    'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, portal.dailyLimit - portal.dailyCount)),
  };
}

function sendRateLimited(res: ServerResponse, portal: PortalState, policy: Policy, now: number, injected: boolean): void {
  portal.stats.tooManyRequests++;
  if (!injected) portal.stats.rateLimitedByPolicy[policy]++;
  const headers = rateHeaders(portal, now);
  if (policy === 'TEN_SECONDLY_ROLLING') headers['X-HubSpot-RateLimit-Remaining'] = '0';
  if (policy === 'DAILY') headers['X-HubSpot-RateLimit-Daily-Remaining'] = '0';
  sendJson(res, 429, rateLimitBody(policy, portal.portalId), headers);
}

/** Answers per an injected fault; true when the request is done with (delays let it go on). */
async function applyFault(portal: PortalState, fault: Fault, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  portal.stats.faults++;
  switch (fault.kind) {
    case 'drop':
      req.socket.destroy();
      return true;
    case 'delay':
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      return false;
    case 'http':
      if (fault.status === 429) sendRateLimited(res, portal, fault.policyName ?? 'TEN_SECONDLY_ROLLING', Date.now(), true);
      else sendJson(res, fault.status, errorBody(FAULT_MESSAGES[fault.status] ?? 'error', 'INTERNAL_ERROR'));
      return true;
  }
}

/** The policy that refuses this request, or null after counting it as accepted. */
function admit(portal: PortalState, search: boolean, now: number): Policy | null {
  if (portal.dailyCount >= portal.dailyLimit) return 'DAILY';
  if (!portal.tenSecondly.hasRoom(now)) return 'TEN_SECONDLY_ROLLING';
  if (search && !portal.secondlySearch.hasRoom(now)) return 'SECONDLY';
  portal.tenSecondly.accept(now);
  if (search) portal.secondlySearch.accept(now);
  portal.dailyCount++;
  return null;
}

export function createRequestHandler(state: ServerState): (req: IncomingMessage, res: ServerResponse) => void {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', state.origin);
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const method = req.method ?? 'GET';
    if (path === '/health') return sendJson(res, 200, { ok: true });
    if (path === '/oauth/authorize' && method === 'GET') return authorizeRoute(state.oauth, url, res);
    if (path === '/oauth/v1/token' && method === 'POST') return tokenRoute(state.oauth, state.portalsById, state.portalsByToken, req, res);
    const portal = authenticate(state, req);
    if (!portal) return sendJson(res, 401, errorBody(AUTH_MESSAGE, 'INVALID_AUTHENTICATION'));
    const fault = portal.faults.take(method, path);
    if (fault && (await applyFault(portal, fault, req, res))) return;
    const matched = matchRoute(method, path);
    const route = typeof matched === 'object' && matched !== null ? matched.route : null;
    const now = Date.now();
    const refused = admit(portal, route?.search === true, now);
    if (refused) return sendRateLimited(res, portal, refused, now, false);
    const headers = rateHeaders(portal, now);
    portal.countRequest(route?.kind ?? 'unrouted');
    let result: RouteResult;
    try {
      if (matched === null) throw new HubSpotError(404, 'OBJECT_NOT_FOUND', `No route for ${method} ${path}`);
      if (matched === 'method-not-allowed') throw new HubSpotError(405, 'VALIDATION_ERROR', `HTTP method ${method} is not supported by ${path}`);
      result = await matched.route.handle({
        portal,
        url,
        params: matched.params,
        origin: state.origin,
        body: async () => {
          let text: string;
          try {
            text = (await readBody(req, MAX_BODY)).toString('utf8');
          } catch (error) {
            if (error instanceof BodyTooLargeError) throw new HubSpotError(413, 'VALIDATION_ERROR', 'Request body too large');
            throw error;
          }
          if (text.trim() === '') return undefined;
          try {
            return JSON.parse(text) as unknown;
          } catch (error) {
            throw invalidJson(error instanceof Error ? error.message : String(error));
          }
        },
      });
    } catch (error) {
      if (!(error instanceof HubSpotError)) throw error;
      result = { status: error.status, body: error.toJson() };
    }
    if (result.status >= 400 && result.status < 500) portal.stats.clientErrors++;
    sendJson(res, result.status, result.body, headers);
  };
  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('[hubspot-emulator] request failed:', error);
      if (!res.headersSent) sendJson(res, 500, errorBody('internal error', 'INTERNAL_ERROR'));
      else res.destroy();
    });
  };
}
