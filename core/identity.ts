// Identity resolution: one person per normalised email across Shopify customers, CSV-imported
// customers and HubSpot contacts. The rules are written down in core/identity.md; in short:
// - email is normalised by trimming and lower-casing, nothing cleverer;
// - every record with the same normalised email joins the person `email:<normalised>`, except
//   that only one HubSpot contact (the lowest id) can be linked per email;
// - a record without an email is a person of its own (`shopify:<gid>`, `csv:<id>`, `hubspot:<id>`),
//   never linked to anything;
// - marketing consent needs a SUBSCRIBED Shopify customer and no opt-out anywhere on the person.
// Memory is O(records): a few Maps keyed by source id and by email.
import type { Contact, Customer, MarketingState, Memberships, Source } from './model.ts';
import { compareStrings } from './instant.ts';

/** A source of identity records. */
export type PersonSource = Source | 'hubspot';

export interface Person {
  /** `email:<normalised email>`, or `<source>:<id>` for a record that is not linked by email. */
  personId: string;
  /** Normalised email, or null. Not a unique key: a duplicate contact keeps its email (see rules). */
  email: string | null;
  /** Shopify customer GIDs, sorted. */
  shopifyCustomerIds: string[];
  /** CSV customer ids, sorted. */
  csvCustomerIds: string[];
  hubspotContactId: string | null;
  marketingConsent: boolean;
}

export interface IdentityReport {
  /** Distinct customer records read (Shopify and CSV). */
  customers: number;
  /** Distinct contacts read. */
  contacts: number;
  /** Records whose source id was seen more than once; the last one read was kept. */
  repeatedRecords: number;
  people: number;
  /** People with at least one Shopify or CSV customer and a HubSpot contact. */
  linkedPeople: number;
  /** People with a contact and no customer: they never bought (as far as we know). */
  prospects: number;
  /** People holding more than one Shopify customer (same email on several customers). */
  peopleWithSeveralShopifyCustomers: number;
  /** CSV customers that share a person with a Shopify customer. */
  csvCustomersLinkedToShopify: number;
  /** Customers (Shopify or CSV) without an email: each is a person of its own. */
  customersWithoutEmail: number;
  /** Contacts without an email: each is a person of its own and cannot be matched. */
  contactsWithoutEmail: number;
  /** Contacts left unlinked because a contact with a lower id holds the same email. */
  duplicateEmailContacts: number;
}

export interface PersonIndex {
  /** The person id a source record belongs to, or undefined for a record the resolution never saw. */
  personIdOf(source: PersonSource, id: string): string | undefined;
  personOf(source: PersonSource, id: string): Person | undefined;
  get(personId: string): Person | undefined;
  readonly size: number;
}

export interface IdentityResolution {
  /** Sorted by personId. */
  people: Person[];
  index: PersonIndex;
  report: IdentityReport;
}

/** Trimmed and lower-cased; null for a missing or blank email. Nothing cleverer (see identity.md). */
export function normaliseEmail(email: string | null | undefined): string | null {
  if (email == null) return null;
  const normalised = email.trim().toLowerCase();
  return normalised === '' ? null : normalised;
}

/** The person id of a record that is not linked by email: `<source>:<id>`. */
export function sourceKey(source: PersonSource, id: string): string {
  return `${source}:${id}`;
}

/** The person id of an email: `email:<normalised>`. */
export function emailPersonId(normalisedEmail: string): string {
  return `email:${normalisedEmail}`;
}

const DIGITS = /^[0-9]+$/;

/**
 * Compare record ids: numerically when both are decimal digit strings (HubSpot ids), else by code
 * units. "Lowest contact id" means the numerically lowest, i.e. the oldest contact.
 */
export function compareRecordIds(a: string, b: string): number {
  if (DIGITS.test(a) && DIGITS.test(b)) {
    const x = a.replace(/^0+(?=.)/, '');
    const y = b.replace(/^0+(?=.)/, '');
    if (x.length !== y.length) return x.length - y.length;
    const byValue = compareStrings(x, y);
    return byValue !== 0 ? byValue : compareStrings(a, b);
  }
  return compareStrings(a, b);
}

/** Shopify states that withdraw or forbid email marketing for the address: they veto consent. */
const VETO_STATES: ReadonlySet<MarketingState> = new Set(['UNSUBSCRIBED', 'INVALID', 'REDACTED']);

interface CustomerEntry {
  email: string | null;
  state: MarketingState | null;
}

interface ContactEntry {
  email: string | null;
  optOut: boolean | null;
}

/** A person keyed by email, while it is being built. */
interface EmailGroup {
  person: Person;
  /** Some Shopify customer is SUBSCRIBED. */
  subscribed: boolean;
  /** Some Shopify customer is in a veto state. */
  veto: boolean;
  /** hs_email_optout of the linked contact. */
  contactOptOut?: boolean | null;
}

function emptyReport(): IdentityReport {
  return {
    customers: 0,
    contacts: 0,
    repeatedRecords: 0,
    people: 0,
    linkedPeople: 0,
    prospects: 0,
    peopleWithSeveralShopifyCustomers: 0,
    csvCustomersLinkedToShopify: 0,
    customersWithoutEmail: 0,
    contactsWithoutEmail: 0,
    duplicateEmailContacts: 0,
  };
}

/**
 * The consent rule (identity.md): true when at least one Shopify customer of the person is
 * SUBSCRIBED, no Shopify customer of the person is UNSUBSCRIBED, INVALID or REDACTED, and the
 * linked contact has not opted out (hs_email_optout). A person without a Shopify customer has no
 * consent we can vouch for: false. CSV customers carry no consent evidence.
 */
export function hasMarketingConsent(
  shopifyStates: Iterable<MarketingState | null>,
  contactOptOut: boolean | null,
): boolean {
  if (contactOptOut === true) return false;
  let subscribed = false;
  for (const state of shopifyStates) {
    if (state === null) continue;
    if (VETO_STATES.has(state)) return false;
    if (state === 'SUBSCRIBED') subscribed = true;
  }
  return subscribed;
}

/**
 * Resolve people from customers (source `shopify` or `csv`) and HubSpot contacts. A source id
 * read twice keeps its last record. Deterministic: the result does not depend on input order
 * (except which of two records with the same source id is kept).
 */
export function resolveIdentities(customers: Iterable<Customer>, contacts: Iterable<Contact>): IdentityResolution {
  const report = emptyReport();

  const shopifyById = new Map<string, CustomerEntry>();
  const csvById = new Map<string, CustomerEntry>();
  let read = 0;
  for (const customer of customers) {
    read += 1;
    const target = customer.source === 'csv' ? csvById : shopifyById;
    target.set(customer.id, { email: normaliseEmail(customer.email), state: customer.marketingState });
  }
  const contactsById = new Map<string, ContactEntry>();
  for (const contact of contacts) {
    read += 1;
    contactsById.set(contact.id, { email: normaliseEmail(contact.email), optOut: contact.emailOptOut });
  }
  report.repeatedRecords = read - shopifyById.size - csvById.size - contactsById.size;
  report.customers = shopifyById.size + csvById.size;
  report.contacts = contactsById.size;

  const people: Person[] = [];
  const groups = new Map<string, EmailGroup>();
  function group(email: string): EmailGroup {
    let entry = groups.get(email);
    if (entry === undefined) {
      entry = {
        person: {
          personId: emailPersonId(email),
          email,
          shopifyCustomerIds: [],
          csvCustomerIds: [],
          hubspotContactId: null,
          marketingConsent: false,
        },
        subscribed: false,
        veto: false,
      };
      groups.set(email, entry);
    }
    return entry;
  }

  for (const [id, entry] of shopifyById) {
    if (entry.email === null) {
      report.customersWithoutEmail += 1;
      people.push({
        personId: sourceKey('shopify', id),
        email: null,
        shopifyCustomerIds: [id],
        csvCustomerIds: [],
        hubspotContactId: null,
        marketingConsent: hasMarketingConsent([entry.state], null),
      });
      continue;
    }
    const target = group(entry.email);
    target.person.shopifyCustomerIds = append(target.person.shopifyCustomerIds, id);
    if (entry.state === 'SUBSCRIBED') target.subscribed = true;
    else if (entry.state !== null && VETO_STATES.has(entry.state)) target.veto = true;
  }
  shopifyById.clear();
  for (const [id, entry] of csvById) {
    if (entry.email === null) {
      report.customersWithoutEmail += 1;
      people.push({
        personId: sourceKey('csv', id),
        email: null,
        shopifyCustomerIds: [],
        csvCustomerIds: [id],
        hubspotContactId: null,
        marketingConsent: false,
      });
      continue;
    }
    const target = group(entry.email);
    target.person.csvCustomerIds = append(target.person.csvCustomerIds, id);
  }
  csvById.clear();
  for (const [id, entry] of contactsById) {
    if (entry.email === null) {
      report.contactsWithoutEmail += 1;
      people.push(contactOnlyPerson(id, null));
      continue;
    }
    const target = group(entry.email);
    const current = target.person.hubspotContactId;
    // The lowest contact id of an email is linked; every other one is a person of its own.
    if (current === null || compareRecordIds(id, current) < 0) {
      target.person.hubspotContactId = id;
      target.contactOptOut = entry.optOut;
      if (current !== null) {
        report.duplicateEmailContacts += 1;
        people.push(contactOnlyPerson(current, entry.email));
      }
    } else {
      report.duplicateEmailContacts += 1;
      people.push(contactOnlyPerson(id, entry.email));
    }
  }
  contactsById.clear();

  for (const { person, subscribed, veto, contactOptOut } of groups.values()) {
    if (person.shopifyCustomerIds.length > 1) person.shopifyCustomerIds.sort(compareStrings);
    if (person.csvCustomerIds.length > 1) person.csvCustomerIds.sort(compareStrings);
    person.marketingConsent = subscribed && !veto && contactOptOut !== true;
    const shopify = person.shopifyCustomerIds.length;
    const hasCustomer = shopify > 0 || person.csvCustomerIds.length > 0;
    if (hasCustomer && person.hubspotContactId !== null) report.linkedPeople += 1;
    if (shopify > 1) report.peopleWithSeveralShopifyCustomers += 1;
    if (shopify > 0) report.csvCustomersLinkedToShopify += person.csvCustomerIds.length;
    people.push(person);
  }
  groups.clear();

  people.sort((a, b) => compareStrings(a.personId, b.personId));
  for (const person of people) {
    const contactOnly = person.shopifyCustomerIds.length === 0 && person.csvCustomerIds.length === 0;
    if (contactOnly && person.hubspotContactId !== null) report.prospects += 1;
  }
  report.people = people.length;
  return { people, index: createPersonIndex(people), report };
}

/** Add to a list; a first element gets an exact-size array (push would reserve 16 slots). */
function append(list: string[], id: string): string[] {
  if (list.length === 0) return [id];
  list.push(id);
  return list;
}

function contactOnlyPerson(contactId: string, email: string | null): Person {
  return {
    personId: sourceKey('hubspot', contactId),
    email,
    shopifyCustomerIds: [],
    csvCustomerIds: [],
    hubspotContactId: contactId,
    marketingConsent: false,
  };
}

/**
 * An index from every source id (and every person id) to its person. Each map is built on first
 * use, so a caller that only looks up Shopify ids never pays for the others.
 */
export function createPersonIndex(people: Iterable<Person>): PersonIndex {
  const list: readonly Person[] = Array.isArray(people) ? people : [...people];
  let byPersonId: Map<string, Person> | undefined;
  const bySource: Partial<Record<PersonSource, Map<string, Person>>> = {};

  function personMap(): Map<string, Person> {
    if (byPersonId === undefined) {
      byPersonId = new Map();
      for (const person of list) byPersonId.set(person.personId, person);
    }
    return byPersonId;
  }
  function sourceMap(source: PersonSource): Map<string, Person> {
    let map = bySource[source];
    if (map === undefined) {
      map = new Map();
      for (const person of list) {
        if (source === 'hubspot') {
          if (person.hubspotContactId !== null) map.set(person.hubspotContactId, person);
        } else {
          for (const id of source === 'shopify' ? person.shopifyCustomerIds : person.csvCustomerIds) map.set(id, person);
        }
      }
      bySource[source] = map;
    }
    return map;
  }

  return {
    personIdOf(source, id) {
      return sourceMap(source).get(id)?.personId;
    },
    personOf(source, id) {
      return sourceMap(source).get(id);
    },
    get(personId) {
      return personMap().get(personId);
    },
    get size() {
      return personMap().size;
    },
  };
}

/**
 * Persons to create as HubSpot contacts: with at least one Shopify customer, no contact, an email
 * and marketing consent. Empty unless creation is allowed. Keeps the input order.
 */
export function contactsToCreate(people: Iterable<Person>, options: { allowCreate: boolean }): Person[] {
  if (!options.allowCreate) return [];
  const result: Person[] = [];
  for (const person of people) {
    if (
      person.shopifyCustomerIds.length > 0 &&
      person.hubspotContactId === null &&
      person.email !== null &&
      person.marketingConsent
    ) {
      result.push(person);
    }
  }
  return result;
}

/**
 * Person memberships (segment key -> person ids) as Shopify memberships (segment key -> customer
 * GIDs): every Shopify customer of a person gets the person's segments. Unknown person ids and
 * persons without a Shopify customer contribute nothing.
 */
export function shopifyMemberships(personMemberships: Memberships, index: PersonIndex): Memberships {
  const result: Memberships = new Map();
  for (const [key, personIds] of personMemberships) {
    const customers = new Set<string>();
    for (const personId of personIds) {
      const person = index.get(personId);
      if (person === undefined) continue;
      for (const id of person.shopifyCustomerIds) customers.add(id);
    }
    result.set(key, customers);
  }
  return result;
}
