// app/uninstalled: the shop removed the app. Its sessions and Shopify access token are forgotten
// at once (they no longer work); its data stays until shop/redact, which Shopify sends 48 hours
// later, deletes it. A reinstall stores a new session and token.
//
// Deliveries can be late (a queued job, Shopify's retries): an uninstall that happened before the
// shop's current install (shopify.installedAt, recorded by the install hook) belongs to an earlier
// install and changes nothing, so that a quick reinstall keeps its new session and token.
import type { ShopSettings, Store } from '../store/store.ts';

export interface ForgottenInstallation {
  /** Whether the shop is known to the store. */
  known: boolean;
  /** Shopify sessions deleted. */
  sessions: number;
  /** The shop was installed again after the uninstall happened: nothing was forgotten. */
  superseded: boolean;
}

export interface ForgetOptions {
  /** When the uninstall happened (the webhook's X-Shopify-Triggered-At, ISO-8601); default now. */
  occurredAt?: string;
  /** Also pause a saved schedule that runs (the jobs' part: app/webhooks/uninstall.ts). */
  pauseSchedule?: boolean;
  now?: Date;
}

/** Whether the stored install is newer than an uninstall that happened at `occurredAt`. */
export function installedAfter(settings: ShopSettings, occurredAt: string): boolean {
  const installedAt = settings.shopify?.installedAt;
  return installedAt !== undefined && Date.parse(installedAt) > Date.parse(occurredAt);
}

export async function forgetInstallation(store: Store, shopId: string, options: ForgetOptions = {}): Promise<ForgottenInstallation> {
  const now = options.now ?? new Date();
  const occurredAt = options.occurredAt ?? now.toISOString();
  let known = false;
  let superseded = false;
  // One transaction: an install that stores its token meanwhile is seen, or comes after.
  await store.updateShopSettings(shopId, (current) => {
    known = current !== null;
    superseded = current !== null && installedAfter(current, occurredAt);
    if (current === null || superseded) return null;
    const pause = options.pauseSchedule === true && current.schedule !== undefined && !current.schedule.paused;
    const next: ShopSettings = {
      ...current,
      shopify: null,
      // Whether the uninstall paused the schedule, so that a reinstall resumes it (and only then).
      uninstalled: { at: occurredAt, pausedSchedule: pause || (current.uninstalled?.pausedSchedule ?? false) },
    };
    if (pause && current.schedule) next.schedule = { ...current.schedule, paused: true };
    return next;
  }, now.toISOString());
  if (superseded) return { known, sessions: 0, superseded };
  // Sessions go after the settings: a shop never installed (its session stored before the install
  // hook ran) has some too.
  const sessions = await store.deleteShopSessions(shopId);
  return { known, sessions, superseded };
}
