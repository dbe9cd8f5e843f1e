// OAuth-connected HubSpot portals: an access token lives 30 minutes. Before building a client the
// factory refreshes a token that has expired or is about to, and saves the new one (sealed) with
// updateShopSettings, changing nothing else.
import { refreshHubSpotToken, type HubSpotOAuthApp } from '../../connectors/hubspot/oauth-tokens.ts';
import { RefineryError } from '../../core/errors.ts';
import type { ShopSettings, Store } from '../store/store.ts';

/** Refresh this long before the token expires. */
export const HUBSPOT_REFRESH_MARGIN_MS = 5 * 60_000;

export async function ensureFreshHubSpotToken(
  store: Store,
  shopId: string,
  settings: ShopSettings,
  deps: { now: () => Date; hubspotOAuth?: HubSpotOAuthApp | null },
): Promise<ShopSettings> {
  const hubspot = settings.hubspot;
  if (!hubspot || hubspot.authKind !== 'oauth' || !hubspot.expiresAt) return settings;
  const now = deps.now();
  if (Date.parse(hubspot.expiresAt) - HUBSPOT_REFRESH_MARGIN_MS > now.getTime()) return settings;
  if (!hubspot.refreshToken) throw new RefineryError('AUTH', `the HubSpot token of ${shopId} expired and there is no refresh token: connect HubSpot again`);
  if (!deps.hubspotOAuth) {
    throw new RefineryError('AUTH', `the HubSpot token of ${shopId} expired; set HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET so that it can be refreshed`);
  }
  const usedRefreshToken = hubspot.refreshToken;
  const tokens = await refreshHubSpotToken(deps.hubspotOAuth, hubspot.refreshToken, hubspot.basePath);
  const expiresAt = new Date(now.getTime() + tokens.expiresIn * 1000).toISOString();
  // Only the token fields change, on the settings as stored now (the refresh took a round trip:
  // a schedule saved meanwhile stays), and only while the portal is still connected with the
  // refresh token used (not disconnected or connected again, nor refreshed by another worker:
  // then the stored settings are used as they are).
  const stored = await store.updateShopSettings(shopId, (current) => {
    const connected = current?.hubspot;
    if (!current || !connected || connected.authKind !== 'oauth' || connected.refreshToken !== usedRefreshToken) return null;
    return { ...current, hubspot: { ...connected, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt } };
  }, now.toISOString());
  if (!stored) throw new RefineryError('NOT_FOUND', `unknown shop ${shopId}: it was deleted while its HubSpot token was refreshed`);
  return stored;
}
