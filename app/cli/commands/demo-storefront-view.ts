// The demo's real-time part: live shoppers' visits replayed through the web pixel to the running
// app's endpoint, and for each the change that reaches the emulated Shopify store (and HubSpot), with
// how long after the events were sent.
import type { HubSpotEmulator } from '../../../test/emulators/hubspot/index.ts';
import type { SeedCustomer } from '../../../test/emulators/shopify/types.ts';
import type { ShopifyEmulator } from '../../../test/emulators/shopify/types.ts';
import { chooseLiveShoppers, type LiveShopper } from '../../demo/demo-storefront.ts';
import { replayVisits, type PixelTarget, type StorefrontProduct } from '../../demo/storefront-simulator.ts';
import type { LocalQueue } from '../../jobs/local-queue.ts';

/** How long the demo waits for a shopper's change to reach Shopify. */
const WAIT_MS = 20_000;

export interface LiveStorefrontOptions {
  emulator: ShopifyEmulator;
  hubspot: HubSpotEmulator;
  portalId: number;
  shop: string;
  target: PixelTarget;
  queue: LocalQueue;
  customers: readonly SeedCustomer[];
  products: readonly StorefrontProduct[];
  tagPrefix: string;
  holdout: { share: number; salt: string };
  out: (line: string) => void;
}

export interface LiveShopperOutcome {
  shopper: LiveShopper;
  /** The segment changed in Shopify as the visit should change it. */
  changed: boolean;
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<number | null> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (check()) return Date.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check() ? Date.now() - start : null;
}

export async function runLiveStorefront(options: LiveStorefrontOptions): Promise<LiveShopperOutcome[]> {
  const { emulator, shop, tagPrefix } = options;
  const tagsOf = (gid: string) => emulator.customerTags(shop, gid);
  const shoppers = chooseLiveShoppers(options.customers, options.products, new Date(), { tagsOf, tagPrefix, holdout: options.holdout });
  options.out(
    `The emulated storefront runs the web pixel's own code (extensions/web-pixel) and sends its batches to ${options.target.endpoint}; each shopper is re-scored as the events arrive and the change is written back.`,
  );
  const outcomes: LiveShopperOutcome[] = [];
  for (const shopper of shoppers) {
    const gid = `gid://shopify/Customer/${shopper.customer.id}`;
    const tag = `${tagPrefix}${shopper.segmentKey}`;
    const before = new Set(tagsOf(gid));
    const sent = await replayVisits(options.target, [shopper.visit]);
    const elapsed = await waitFor(() => tagsOf(gid).includes(tag) === shopper.enters, WAIT_MS);
    await options.queue.idle();
    const after = tagsOf(gid);
    const added = after.filter((t) => !before.has(t));
    const removed = [...before].filter((t) => !after.includes(t));
    const change = [...added.map((t) => `+${t}`), ...removed.map((t) => `-${t}`)].join(' ') || 'no tag changed';
    const contact = shopper.customer.email ? options.hubspot.getContactByEmail(options.portalId, shopper.customer.email) : null;
    const hubspot = contact ? `; HubSpot refinery_segments = ${contact.properties.refinery_segments ?? ''}` : '';
    const statuses = Object.entries(sent.statuses).map(([status, n]) => `${n}× ${status}`).join(', ');
    const timing = elapsed === null ? `not seen in Shopify within ${WAIT_MS / 1000} s` : `${(elapsed / 1000).toFixed(1)} s later in Shopify: ${change}`;
    options.out(`${shopper.customer.email} ${shopper.story}: ${sent.events} events in ${sent.bodies} request(s) (${statuses}), ${sent.accepted} stored; ${timing}${hubspot}`);
    outcomes.push({ shopper, changed: elapsed !== null });
  }
  return outcomes;
}
