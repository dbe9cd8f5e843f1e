// Which people the app writes to the platforms (tags, native segment members, list members):
// everyone, or only people with email marketing consent (core/identity.ts hasMarketingConsent,
// carried on each Person as `marketingConsent`). Pure: the batch and real time share it.
import type { Person } from './identity.ts';
import type { Memberships } from './model.ts';

export type ConsentPolicy = 'all' | 'subscribed-only';

export const CONSENT_POLICIES: readonly ConsentPolicy[] = ['all', 'subscribed-only'];
export const DEFAULT_CONSENT_POLICY: ConsentPolicy = 'all';

export function isConsentPolicy(value: unknown): value is ConsentPolicy {
  return typeof value === 'string' && (CONSENT_POLICIES as readonly string[]).includes(value);
}

/** Whether the policy lets the app write this person's segments anywhere. */
export function mayWritePerson(policy: ConsentPolicy | undefined, person: Pick<Person, 'marketingConsent'>): boolean {
  return (policy ?? DEFAULT_CONSENT_POLICY) === 'all' || person.marketingConsent;
}

/**
 * The memberships the write-back may carry: under 'subscribed-only', people without consent are
 * left out of every segment (so their tags and list memberships are removed, never added). The
 * same memberships are returned as they are under 'all'.
 */
export function writableMemberships(memberships: Memberships, people: Iterable<Person>, policy: ConsentPolicy | undefined): Memberships {
  if ((policy ?? DEFAULT_CONSENT_POLICY) === 'all') return memberships;
  const allowed = new Set<string>();
  for (const person of people) if (person.marketingConsent) allowed.add(person.personId);
  const out: Memberships = new Map();
  for (const [key, members] of memberships) {
    const kept = new Set<string>();
    for (const id of members) if (allowed.has(id)) kept.add(id);
    out.set(key, kept);
  }
  return out;
}
