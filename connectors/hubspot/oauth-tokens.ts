// HubSpot access tokens through the official SDK: which portal a token belongs to (account info),
// and the OAuth token endpoint (authorization code, refresh token). The SDK is built with no
// retries and no limiter (its settings are process-wide); failures become RefineryErrors: AUTH
// when HubSpot refuses the token or code, UPSTREAM_UNAVAILABLE / NETWORK otherwise.
import { Client } from '@hubspot/api-client';
import { RefineryError } from '../../core/errors.ts';

export interface HubSpotOAuthApp {
  clientId: string;
  clientSecret: string;
}

export interface HubSpotTokens {
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token lives. */
  expiresIn: number;
}

const sdk = (basePath: string | null, accessToken?: string) =>
  new Client({ ...(accessToken ? { accessToken } : {}), ...(basePath ? { basePath: basePath.replace(/\/+$/, '') } : {}), numberOfApiCallRetries: 0 });

function statusOf(error: unknown): number | null {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : null;
}

function mapFailure(error: unknown, what: string): RefineryError {
  const status = statusOf(error);
  if (status !== null && status >= 400 && status < 500) return new RefineryError('AUTH', `HubSpot refused ${what} (HTTP ${status})`, { cause: error });
  if (status !== null) return new RefineryError('UPSTREAM_UNAVAILABLE', `HubSpot failed on ${what} (HTTP ${status})`, { cause: error });
  return new RefineryError('NETWORK', `HubSpot could not be reached for ${what}: ${(error as Error).message}`, { cause: error });
}

/** The portal (hub id) a token belongs to: GET /account-info/v3/details. */
export async function fetchPortalId(accessToken: string, basePath: string | null): Promise<number> {
  let response: Response;
  try {
    response = await sdk(basePath, accessToken).apiRequest({ method: 'GET', path: '/account-info/v3/details' });
  } catch (error) {
    throw mapFailure(error, 'the account details request');
  }
  if (response.status === 401 || response.status === 403) throw new RefineryError('AUTH', `HubSpot refused the access token (HTTP ${response.status})`);
  if (!response.ok) throw new RefineryError('UPSTREAM_UNAVAILABLE', `HubSpot answered HTTP ${response.status} to the account details request`);
  const body = (await response.json()) as { portalId?: unknown };
  if (typeof body.portalId !== 'number' || !Number.isSafeInteger(body.portalId) || body.portalId < 1) {
    throw new RefineryError('UPSTREAM_UNAVAILABLE', 'HubSpot account details came without a portal id');
  }
  return body.portalId;
}

export async function exchangeHubSpotCode(app: HubSpotOAuthApp, code: string, redirectUri: string, basePath: string | null): Promise<HubSpotTokens> {
  try {
    const tokens = await sdk(basePath).oauth.tokensApi.create('authorization_code', code, redirectUri, app.clientId, app.clientSecret);
    return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresIn: tokens.expiresIn };
  } catch (error) {
    throw mapFailure(error, 'the authorization code');
  }
}

export async function refreshHubSpotToken(app: HubSpotOAuthApp, refreshToken: string, basePath: string | null): Promise<HubSpotTokens> {
  try {
    const tokens = await sdk(basePath).oauth.tokensApi.create('refresh_token', undefined, undefined, app.clientId, app.clientSecret, refreshToken);
    return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken || refreshToken, expiresIn: tokens.expiresIn };
  } catch (error) {
    throw mapFailure(error, 'the refresh token');
  }
}
