// The platform clients of a shop, from its stored settings, for a sync or a job. Workers pass shared budgets
// (Redis) so that every worker together stays within a shop's Shopify cost bucket and a portal's
// HubSpot window; without them the limits are this process's own.
import { RefineryError } from '../../core/errors.ts';
import { createAdminClient, type AdminClient } from '../../connectors/shopify/admin-client.ts';
import { createHubSpotClient, type HubSpotClient } from '../../connectors/hubspot/hubspot-client.ts';
import type { ShopSettings, Store } from '../store/store.ts';
import type { SyncDeps } from './sync-types.ts';
import { ensureFreshHubSpotToken } from './hubspot-token-refresh.ts';

export interface PlatformClients {
  settings: ShopSettings;
  shopify: AdminClient;
  hubspot: HubSpotClient | null;
}

export type PlatformClientFactory = (shopId: string) => Promise<PlatformClients>;

export function createPlatformClients(store: Store, deps: SyncDeps): PlatformClientFactory {
  return async (shopId) => {
    const stored = await store.getShopSettings(shopId);
    if (!stored) throw new RefineryError('NOT_FOUND', `unknown shop ${shopId}; run \`refinery demo\` or connect the shop first`);
    // An OAuth-connected HubSpot portal: a token about to expire is refreshed (and saved) first.
    const settings = await ensureFreshHubSpotToken(store, shopId, stored, deps);
    if (!settings.shopify) throw new RefineryError('AUTH', `shop ${shopId} has no Shopify access token configured`);
    const clientDeps = { now: () => deps.now().getTime(), sleep: deps.sleep, random: deps.random, log: deps.log, ...(deps.budgets ? { budgets: deps.budgets } : {}) };
    return {
      settings,
      shopify: createAdminClient({ shop: shopId, accessToken: settings.shopify.accessToken, adminOrigin: settings.shopify.adminOrigin }, clientDeps),
      hubspot: settings.hubspot
        ? createHubSpotClient({ accessToken: settings.hubspot.accessToken, basePath: settings.hubspot.basePath, requestsPerTenSeconds: settings.hubspot.requestsPerTenSeconds }, clientDeps)
        : null,
    };
  };
}
