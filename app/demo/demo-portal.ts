// Builds the demo HubSpot portal from the demo store's customers: a deterministic share of the
// customers are contacts too (same email), plus people who never bought (newsletter sign-ups),
// with plausible email and web engagement. A pure function of its input.
import type { SeedContact } from '../../test/emulators/hubspot/types.ts';
import type { SeedCustomer } from '../../test/emulators/shopify/types.ts';
import { fnvHash } from './fnv-hash.ts';

const hash = fnvHash;

/** Share of customers who are also HubSpot contacts, in percent. */
export const DEMO_CONTACT_SHARE = 65;
export const DEMO_NEVER_BOUGHT = 600;

function engagement(seed: string, optOut: boolean): Record<string, string> {
  const h = hash(seed);
  const delivered = 4 + (h % 37);
  const opens = Math.floor((delivered * ((h >>> 6) % 70)) / 100);
  const clicks = Math.floor((opens * ((h >>> 12) % 40)) / 100);
  const visits = (h >>> 18) % 25;
  return {
    hs_email_delivered: String(delivered),
    hs_email_open: String(opens),
    hs_email_click: String(clicks),
    hs_email_bounce: String(h % 50 === 0 ? 1 : 0),
    hs_email_optout: String(optOut),
    hs_analytics_num_visits: String(visits),
    hs_analytics_num_page_views: String(visits * (1 + ((h >>> 3) % 6))),
  };
}

export function buildDemoContacts(customers: readonly SeedCustomer[], today: Date): SeedContact[] {
  const contacts: SeedContact[] = [];
  for (const customer of customers) {
    if (!customer.email || hash(`contact:${customer.id}`) % 100 >= DEMO_CONTACT_SHARE) continue;
    contacts.push({
      email: customer.email,
      firstname: customer.firstName ?? null,
      lastname: customer.lastName ?? null,
      lifecyclestage: 'customer',
      createdate: customer.createdAt,
      lastmodifieddate: customer.createdAt,
      ...engagement(customer.email, customer.marketingState === 'UNSUBSCRIBED'),
    });
  }
  const start = today.getTime() - 400 * 86_400_000;
  for (let n = 1; n <= DEMO_NEVER_BOUGHT; n++) {
    const created = new Date(start + (hash(`lead:${n}`) % 390) * 86_400_000).toISOString();
    contacts.push({
      email: `newsletter-${n}@example.com`,
      firstname: null,
      lastname: null,
      lifecyclestage: n % 4 === 0 ? 'lead' : 'subscriber',
      createdate: created,
      lastmodifieddate: created,
      ...engagement(`lead:${n}`, n % 17 === 0),
    });
  }
  return contacts;
}
