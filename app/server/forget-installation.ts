// app/uninstalled: the shop removed the app. Its sessions and Shopify access token are forgotten
// at once (they no longer work); its data stays until shop/redact, which Shopify sends 48 hours
// later, deletes it. A reinstall stores a new session and token.
import type { Store } from '../store/store.ts';

export interface ForgottenInstallation {
  /** Whether the shop is known to the store. */
  known: boolean;
  /** Shopify sessions deleted. */
  sessions: number;
}

export async function forgetInstallation(store: Store, shopId: string): Promise<ForgottenInstallation> {
  const sessions = await store.deleteShopSessions(shopId);
  const settings = await store.getShopSettings(shopId);
  if (!settings) return { known: false, sessions };
  if (settings.shopify !== null) await store.saveShopSettings(shopId, { ...settings, shopify: null }, new Date().toISOString());
  return { known: true, sessions };
}
