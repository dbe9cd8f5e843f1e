// After a customers/redact, the customer must not come back through a later webhook, sync or CSV
// import. What is kept to recognise them holds no personal data: HMAC-SHA256 digests, keyed with
// the shop's random salt (privacy_salts), of `shopify:<customer GID>` and `email:<normalised email>`.
// Without the salt the digests cannot be checked against a list of emails; with the database and
// the salt they still cannot be reversed, only tested against a guess, which is the least a
// suppression list needs. A record matching a digest is dropped and counted.
import { createHmac } from 'node:crypto';
import { normaliseEmail } from '../../core/identity.ts';
import type { Contact, Customer, Order } from '../../core/model.ts';
import type { PrivacySubject } from '../store/privacy-records.ts';
import type { PulledPage, Store } from '../store/store.ts';

export function suppressionDigest(salt: string, key: string): string {
  return createHmac('sha256', salt).update(key, 'utf8').digest('hex');
}

/** The keys of a subject to suppress: its Shopify customer ids and its emails. */
export function subjectKeys(subject: PrivacySubject): string[] {
  return [...subject.shopifyCustomerIds.map((id) => `shopify:${id}`), ...subject.emails.map((e) => `email:${e}`)];
}

export interface SuppressionFilter {
  /** True when nothing is suppressed for the shop (the common case: no work per record). */
  readonly empty: boolean;
  customer(c: Pick<Customer, 'source' | 'id' | 'email'>): boolean;
  contact(c: Pick<Contact, 'email'>): boolean;
  order(o: Pick<Order, 'source' | 'customerId' | 'email'>): boolean;
  /** The page without suppressed records, and how many were dropped. */
  filterPage(page: PulledPage): { page: PulledPage; dropped: number };
}

export async function loadSuppression(store: Pick<Store, 'getSuppressions'>, shopId: string): Promise<SuppressionFilter> {
  const { salt, digests } = await store.getSuppressions(shopId);
  const hit = (key: string) => salt !== null && digests.has(suppressionDigest(salt, key));
  const byEmail = (email: string | null | undefined) => {
    const e = normaliseEmail(email);
    return e !== null && hit(`email:${e}`);
  };
  const empty = salt === null || digests.size === 0;
  const filter: SuppressionFilter = {
    empty,
    customer: (c) => !empty && ((c.source === 'shopify' && hit(`shopify:${c.id}`)) || byEmail(c.email)),
    contact: (c) => !empty && byEmail(c.email),
    order: (o) => !empty && ((o.source === 'shopify' && o.customerId !== null && hit(`shopify:${o.customerId}`)) || byEmail(o.email)),
    filterPage(page) {
      if (empty) return { page, dropped: 0 };
      let dropped = 0;
      const keep = <T>(records: T[] | undefined, suppressed: (r: T) => boolean): T[] | undefined => {
        if (records === undefined) return undefined;
        const kept = records.filter((r) => !suppressed(r));
        dropped += records.length - kept.length;
        return kept;
      };
      const next: PulledPage = { ...page };
      if (page.customers) next.customers = keep(page.customers, filter.customer);
      if (page.orders) next.orders = keep(page.orders, filter.order);
      if (page.contacts) next.contacts = keep(page.contacts, filter.contact);
      return { page: next, dropped };
    },
  };
  return filter;
}
