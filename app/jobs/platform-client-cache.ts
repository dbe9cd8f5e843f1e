// The platform clients of a shop for the job handlers, as app/sync/platform-clients.ts makes them,
// but kept from one job to the next: a real-time write is a few milliseconds of work, and building
// the SDK clients for every job cost about as much again. The shop's settings are still read for
// every job (a new token, a new origin or a disconnected portal counts at once); a client is made
// again whenever what it was made from changes. Kept clients also keep their in-process budgets
// (when there are no shared ones), which is what those budgets are for.
import { createAdminClient, type AdminClient } from '../../connectors/shopify/admin-client.ts';
import { routeShopToOrigin } from '../../connectors/shopify/transport.ts';
import { createHubSpotClient, type HubSpotClient } from '../../connectors/hubspot/hubspot-client.ts';
import type { ShopSettings, Store } from '../store/store.ts';
import { platformClientsFrom, storedShopSettings, type ClientMakers, type PlatformClientFactory, type PlatformClients } from '../sync/platform-clients.ts';
import type { SyncDeps } from '../sync/sync-types.ts';

/** Clients kept per process at most (the oldest made goes first). */
export const KEPT_CLIENTS = 200;

/** A factory that can also start from settings the caller has just read (one read less). */
export type CachedPlatformClients = PlatformClientFactory & {
  withSettings(shopId: string, stored: ShopSettings): Promise<PlatformClients>;
};

/** Clients from settings just read when the factory can start from them, else the factory's own read. */
export function clientsWithSettings(factory: PlatformClientFactory, shopId: string, stored: ShopSettings): Promise<PlatformClients> {
  const withSettings = (factory as Partial<CachedPlatformClients>).withSettings;
  return withSettings ? withSettings(shopId, stored) : factory(shopId);
}

export function createCachedPlatformClients(store: Store, deps: SyncDeps): CachedPlatformClients {
  const kept = new Map<string, AdminClient | HubSpotClient>();
  const keep = <T extends AdminClient | HubSpotClient>(key: string, make: () => T): T => {
    const found = kept.get(key);
    if (found) return found as T;
    const made = make();
    if (kept.size >= KEPT_CLIENTS) kept.delete(kept.keys().next().value as string);
    kept.set(key, made);
    return made;
  };
  // Keyed by what each client is made from: a new token, origin or rate makes a new client.
  const makers: ClientMakers = {
    shopify: (config, clientDeps) => {
      // Routing to an emulator is process-wide per shop: set again, in case another client moved it.
      if (config.adminOrigin) routeShopToOrigin(config.shop, config.adminOrigin);
      return keep(JSON.stringify(['shopify', config.shop, config.accessToken, config.adminOrigin ?? null]), () => createAdminClient(config, clientDeps));
    },
    hubspot: (config, clientDeps) =>
      keep(JSON.stringify(['hubspot', config.accessToken, config.basePath ?? null, config.requestsPerTenSeconds ?? null]), () => createHubSpotClient(config, clientDeps)),
  };
  const withSettings = (shopId: string, stored: ShopSettings): Promise<PlatformClients> => platformClientsFrom(store, deps, shopId, stored, makers);
  const factory = async (shopId: string): Promise<PlatformClients> => withSettings(shopId, await storedShopSettings(store, shopId));
  return Object.assign(factory, { withSettings });
}
