// The platform clients of a shop, from its stored settings, for a sync or a job. Workers pass shared budgets
// (Redis) so that every worker together stays within a shop's Shopify cost bucket and a portal's
// HubSpot window; without them the limits are this process's own.
import { RefineryError } from '../../core/errors.ts';
import { createAdminClient, type AdminClient, type AdminClientConfig, type ClientDeps } from '../../connectors/shopify/admin-client.ts';
import { createHubSpotClient, type HubSpotClient, type HubSpotClientConfig, type HubSpotDeps } from '../../connectors/hubspot/hubspot-client.ts';
import type { ShopSettings, Store } from '../store/store.ts';
import type { SyncDeps } from './sync-types.ts';
import { ensureFreshHubSpotToken } from './hubspot-token-refresh.ts';

export interface PlatformClients {
  settings: ShopSettings;
  shopify: AdminClient;
  hubspot: HubSpotClient | null;
}

export type PlatformClientFactory = (shopId: string) => Promise<PlatformClients>;

/** How the clients are made: new ones by default; the job handlers' cache keeps them (app/jobs/platform-client-cache.ts). */
export interface ClientMakers {
  shopify(config: AdminClientConfig, deps: ClientDeps): AdminClient;
  hubspot(config: HubSpotClientConfig, deps: HubSpotDeps): HubSpotClient;
}

const NEW_CLIENTS: ClientMakers = { shopify: createAdminClient, hubspot: createHubSpotClient };

/** A shop's stored settings; NOT_FOUND for a shop this app does not know. */
export async function storedShopSettings(store: Store, shopId: string): Promise<ShopSettings> {
  const stored = await store.getShopSettings(shopId);
  if (!stored) throw new RefineryError('NOT_FOUND', `unknown shop ${shopId}; run \`refinery demo\` or connect the shop first`);
  return stored;
}

/** The clients of a shop from settings already read. */
export async function platformClientsFrom(store: Store, deps: SyncDeps, shopId: string, stored: ShopSettings, make: ClientMakers = NEW_CLIENTS): Promise<PlatformClients> {
  // An OAuth-connected HubSpot portal: a token about to expire is refreshed (and saved) first.
  const settings = await ensureFreshHubSpotToken(store, shopId, stored, deps);
  if (!settings.shopify) throw new RefineryError('AUTH', `shop ${shopId} has no Shopify access token configured`);
  const clientDeps = { now: () => deps.now().getTime(), sleep: deps.sleep, random: deps.random, log: deps.log, ...(deps.budgets ? { budgets: deps.budgets } : {}) };
  return {
    settings,
    shopify: make.shopify({ shop: shopId, accessToken: settings.shopify.accessToken, adminOrigin: settings.shopify.adminOrigin }, clientDeps),
    hubspot: settings.hubspot
      ? make.hubspot({ accessToken: settings.hubspot.accessToken, basePath: settings.hubspot.basePath, requestsPerTenSeconds: settings.hubspot.requestsPerTenSeconds }, clientDeps)
      : null,
  };
}

export function createPlatformClients(store: Store, deps: SyncDeps): PlatformClientFactory {
  return async (shopId) => platformClientsFrom(store, deps, shopId, await storedShopSettings(store, shopId));
}
