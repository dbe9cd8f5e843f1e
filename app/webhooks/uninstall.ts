// app/uninstalled, as the ingest job carries it out: the install part (sessions deleted, Shopify
// access forgotten: app/server/forget-installation.ts), then what the jobs add: a saved schedule
// is paused (without Shopify access every scheduled sync would fail; a reinstall resumes it) and
// the shop's jobs still waiting are removed. Its data stays: Shopify sends shop/redact 48 hours
// later, and a reinstall within that time finds the shop as it was. An uninstall delivered after
// a newer install (a late job) does nothing.
import { forgetInstallation } from '../server/forget-installation.ts';
import type { PrivacyPurger } from '../privacy/queue-purge.ts';
import type { Store } from '../store/store.ts';

export interface UninstallOutcome {
  known: boolean;
  sessions: number;
  pendingJobs: number;
  /** The shop was installed again after the uninstall happened: nothing was done. */
  superseded: boolean;
}

/** `occurredAt`: when the uninstall happened (the job's occurredAt); default `now`. */
export async function forgetShopInstallation(store: Store, shopId: string, purger: PrivacyPurger | null, now: Date, occurredAt?: string): Promise<UninstallOutcome> {
  const forgot = await forgetInstallation(store, shopId, { now, pauseSchedule: true, ...(occurredAt === undefined ? {} : { occurredAt }) });
  if (forgot.superseded) return { known: forgot.known, sessions: 0, pendingJobs: 0, superseded: true };
  const pendingJobs = purger ? await purger.removePendingJobs(shopId) : 0;
  return { known: forgot.known, sessions: forgot.sessions, pendingJobs, superseded: false };
}
