// app/uninstalled, as the ingest job carries it out: the install part (sessions deleted, Shopify
// access forgotten: app/server/forget-installation.ts), then what the jobs add: a saved schedule
// is paused (without Shopify access every scheduled sync would fail) and the shop's jobs still
// waiting are removed. Its data stays: Shopify sends shop/redact 48 hours later, and a reinstall
// within that time finds the shop as it was.
import { forgetInstallation } from '../server/forget-installation.ts';
import type { PrivacyPurger } from '../privacy/queue-purge.ts';
import type { Store } from '../store/store.ts';

export interface UninstallOutcome {
  known: boolean;
  sessions: number;
  pendingJobs: number;
}

export async function forgetShopInstallation(store: Store, shopId: string, purger: PrivacyPurger | null, now: Date): Promise<UninstallOutcome> {
  const forgot = await forgetInstallation(store, shopId);
  const settings = await store.getShopSettings(shopId);
  if (settings?.schedule && !settings.schedule.paused) {
    await store.saveShopSettings(shopId, { ...settings, schedule: { ...settings.schedule, paused: true } }, now.toISOString());
  }
  const pendingJobs = purger ? await purger.removePendingJobs(shopId) : 0;
  return { known: forgot.known, sessions: forgot.sessions, pendingJobs };
}
