// Tests that use both emulators: one Shopify and one HubSpot emulator for the file, and a shop
// connected to a portal the way an admin would connect it.
import { after, before } from 'node:test';
import { DEFAULT_TAG_PREFIX } from '../../core/segment-tags.ts';
import { createHubSpotEmulator, type HubSpotEmulator } from '../emulators/hubspot/index.ts';
import { createShopifyEmulator } from '../emulators/shopify/index.ts';
import type { ShopifyEmulator } from '../emulators/shopify/types.ts';
import type { Harness } from './harness.ts';
import { NO_HOLDOUT } from './harness.ts';
import type { PortalHarness } from './hubspot-harness.ts';

export interface BothEmulators {
  readonly shopify: ShopifyEmulator;
  readonly hubspot: HubSpotEmulator;
}

/** Starts both emulators before the file's tests and closes them after. */
export function useBothEmulators(): BothEmulators {
  let shopify: ShopifyEmulator | null = null;
  let hubspot: HubSpotEmulator | null = null;
  before(async () => {
    shopify = await createShopifyEmulator();
    hubspot = await createHubSpotEmulator();
  });
  after(async () => {
    await shopify?.close();
    await hubspot?.close();
  });
  return {
    get shopify() {
      if (!shopify) throw new Error('the Shopify emulator starts in before()');
      return shopify;
    },
    get hubspot() {
      if (!hubspot) throw new Error('the HubSpot emulator starts in before()');
      return hubspot;
    },
  };
}

/** Saves the shop's settings with the portal connected (contacts not created unless asked). */
export async function connectPortal(
  h: Harness,
  hubspot: HubSpotEmulator,
  portal: PortalHarness,
  options: { createContacts?: boolean; holdout?: { share: number; salt: string } } = {},
): Promise<void> {
  await h.store.saveShopSettings(h.shop, {
    tagPrefix: DEFAULT_TAG_PREFIX,
    shopify: { accessToken: h.token, adminOrigin: h.emulator.origin },
    hubspot: { accessToken: portal.token, basePath: hubspot.origin, requestsPerTenSeconds: 1000, createContacts: options.createContacts ?? false },
    holdout: options.holdout ?? NO_HOLDOUT,
  }, new Date().toISOString());
}
