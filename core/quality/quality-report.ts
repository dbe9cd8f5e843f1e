// The data quality report: what is missing, broken, duplicated or old in the data a shop gave us,
// with a severity per check. Built by streaming pages of customers, contacts and orders into an
// accumulator (memory grows with the number of currencies, not with the records), plus the
// identity report for the checks about people and duplicates. Every record is expected once (a
// full pull): a record fed twice counts twice (the identity report's `repeatedRecords` says how
// many were repeated). Rules and thresholds: quality.md.
import type { Contact, Customer, Order } from '../model.ts';
import type { IdentityReport } from '../identity.ts';
import { RefineryError } from '../errors.ts';
import { compareStrings, parseEpochMs, toCents, toEpochMs, toIso, type InstantInput } from '../instant.ts';
import { isValidEmailSyntax } from './email-syntax.ts';
import { FRESHNESS_SOURCES, createFreshnessTracker, staleSourcesCheck, type FreshnessSource, type SourceFreshness } from './freshness.ts';
import {
  CURRENCY_MIX_PROBLEM_SHARE,
  DEFAULT_THRESHOLDS,
  percent,
  plural,
  ratio,
  ratioCheck,
  unavailableCheck,
  worstSeverity,
  type QualityCheck,
  type RatioCheckId,
  type Severity,
  type Thresholds,
} from './quality-checks.ts';

export type { FreshnessSource, SourceFreshness } from './freshness.ts';
export type { QualityCheck, QualityCheckId, Severity, Thresholds } from './quality-checks.ts';

export const DEFAULT_STALE_AFTER_DAYS = 7;

export interface QualityOptions {
  /** The instant the report is about (freshness is measured against it). */
  asOf: InstantInput;
  /** A source whose newest updatedAt is older than this is stale; default 7 days. */
  staleAfterDays?: number;
  /** Per source: a number of days, or null to leave the source out of the staleness check. */
  staleAfterDaysBySource?: Partial<Record<FreshnessSource, number | null>>;
  /** Override the share thresholds of some checks. */
  thresholds?: Partial<Record<RatioCheckId, Thresholds>>;
}

export interface QualityCounts {
  shopifyCustomers: number;
  csvCustomers: number;
  contacts: number;
  orders: number;
  shopifyOrders: number;
  csvOrders: number;
  /** From the identity report; null without one. */
  people: number | null;
  linkedPeople: number | null;
  prospects: number | null;
  csvCustomersLinkedToShopify: number | null;
}

export interface CurrencyShare {
  /** Trimmed, upper-cased; `UNKNOWN` for an order without one. */
  currency: string;
  orders: number;
  share: number;
}

export interface QualityReport {
  asOf: string;
  /** The worst severity of the checks. */
  severity: Severity;
  counts: QualityCounts;
  checks: QualityCheck[];
  /** Orders per currency, most orders first (ties by code). */
  currencies: CurrencyShare[];
  sources: SourceFreshness[];
}

export interface QualityAccumulator {
  addCustomers(customers: Iterable<Customer>): void;
  addContacts(contacts: Iterable<Contact>): void;
  addOrders(orders: Iterable<Order>): void;
  /** The report so far; the accumulator stays usable. Without an identity report the people checks are not available. */
  report(identity?: IdentityReport | null): QualityReport;
}

interface Tally {
  shopifyCustomers: number;
  csvCustomers: number;
  contacts: number;
  shopifyOrders: number;
  csvOrders: number;
  emailsChecked: number;
  invalidCustomerEmails: number;
  invalidContactEmails: number;
  guestOrders: number;
  cancelledOrders: number;
  zeroValueOrders: number;
  recordsWithUnparseableDates: number;
  currencies: Map<string, number>;
}

function validDays(value: number, what: string): number {
  if (!Number.isFinite(value) || value < 0) throw new RefineryError('VALIDATION', `${what} must be a number of days >= 0, got ${String(value)}`);
  return value;
}

export function createQualityAccumulator(options: QualityOptions): QualityAccumulator {
  const asOfMs = toEpochMs(options.asOf, 'asOf');
  const staleAfterDays = validDays(options.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS, 'staleAfterDays');
  const thresholdsFor = new Map<FreshnessSource, number | null>();
  for (const source of FRESHNESS_SOURCES) {
    const override = options.staleAfterDaysBySource?.[source];
    thresholdsFor.set(source, override === null ? null : override === undefined ? staleAfterDays : validDays(override, `staleAfterDays of ${source}`));
  }
  const thresholds: Record<RatioCheckId, Thresholds> = { ...DEFAULT_THRESHOLDS, ...options.thresholds };

  const tally: Tally = {
    shopifyCustomers: 0,
    csvCustomers: 0,
    contacts: 0,
    shopifyOrders: 0,
    csvOrders: 0,
    emailsChecked: 0,
    invalidCustomerEmails: 0,
    invalidContactEmails: 0,
    guestOrders: 0,
    cancelledOrders: 0,
    zeroValueOrders: 0,
    recordsWithUnparseableDates: 0,
    currencies: new Map(),
  };
  const tracker = createFreshnessTracker();

  /** Returns 1 when the email is present and invalid, else 0. */
  function checkEmail(email: string | null): number {
    if (email == null || email.trim() === '') return 0;
    tally.emailsChecked += 1;
    return isValidEmailSyntax(email) ? 0 : 1;
  }

  return {
    addCustomers(customers) {
      for (const customer of customers) {
        if (customer.source === 'csv') tally.csvCustomers += 1;
        else tally.shopifyCustomers += 1;
        tally.invalidCustomerEmails += checkEmail(customer.email);
        if (!tracker.seen(customer.source === 'csv' ? 'csv' : 'shopify-customers', customer.updatedAt)) tally.recordsWithUnparseableDates += 1;
      }
    },
    addContacts(contacts) {
      for (const contact of contacts) {
        tally.contacts += 1;
        tally.invalidContactEmails += checkEmail(contact.email);
        if (!tracker.seen('hubspot-contacts', contact.updatedAt)) tally.recordsWithUnparseableDates += 1;
      }
    },
    addOrders(orders) {
      for (const order of orders) {
        if (order.source === 'csv') tally.csvOrders += 1;
        else tally.shopifyOrders += 1;
        const updatedOk = tracker.seen(order.source === 'csv' ? 'csv' : 'shopify-orders', order.updatedAt);
        if (!updatedOk || parseEpochMs(order.processedAt) === null) tally.recordsWithUnparseableDates += 1;
        if (order.customerId === null || order.customerId === '') tally.guestOrders += 1;
        const cancelled = order.cancelledAt != null && order.cancelledAt !== '';
        if (cancelled) tally.cancelledOrders += 1;
        else if (!(toCents(order.total) > 0)) tally.zeroValueOrders += 1;
        const currency = order.currency.trim().toUpperCase() || 'UNKNOWN';
        tally.currencies.set(currency, (tally.currencies.get(currency) ?? 0) + 1);
      }
    },
    report(identity) {
      return buildReport(tally, tracker.result(asOfMs, thresholdsFor), identity ?? null, { asOfMs, thresholds });
    },
  };
}

/** One-shot form. */
export function assessQuality(
  input: { customers?: Iterable<Customer>; contacts?: Iterable<Contact>; orders?: Iterable<Order>; identity?: IdentityReport | null },
  options: QualityOptions,
): QualityReport {
  const accumulator = createQualityAccumulator(options);
  accumulator.addCustomers(input.customers ?? []);
  accumulator.addContacts(input.contacts ?? []);
  accumulator.addOrders(input.orders ?? []);
  return accumulator.report(input.identity ?? null);
}

interface Settings {
  asOfMs: number;
  thresholds: Record<RatioCheckId, Thresholds>;
}

function buildReport(tally: Tally, sources: SourceFreshness[], identity: IdentityReport | null, settings: Settings): QualityReport {
  const orders = tally.shopifyOrders + tally.csvOrders;
  const currencies = currencyShares(tally.currencies, orders);
  const checks: QualityCheck[] = [
    ...identityChecks(identity, settings.thresholds),
    invalidEmails(tally, settings.thresholds['invalid-emails']),
    ...orderChecks(tally, orders, settings.thresholds),
    currencyMix(currencies, orders),
    staleSourcesCheck(sources, settings.asOfMs),
    unparseableDates(tally, orders, settings.thresholds['unparseable-dates']),
  ];
  return {
    asOf: toIso(settings.asOfMs),
    severity: worstSeverity(checks.map((check) => check.severity)),
    counts: {
      shopifyCustomers: tally.shopifyCustomers,
      csvCustomers: tally.csvCustomers,
      contacts: tally.contacts,
      orders,
      shopifyOrders: tally.shopifyOrders,
      csvOrders: tally.csvOrders,
      people: identity?.people ?? null,
      linkedPeople: identity?.linkedPeople ?? null,
      prospects: identity?.prospects ?? null,
      csvCustomersLinkedToShopify: identity?.csvCustomersLinkedToShopify ?? null,
    },
    checks,
    currencies,
    sources,
  };
}

const NO_IDENTITY = 'Not available: no identity report was given.';

// People come from the identity report, which de-duplicates records by source id.
function identityChecks(identity: IdentityReport | null, thresholds: Record<RatioCheckId, Thresholds>): QualityCheck[] {
  if (identity === null) {
    return [
      unavailableCheck('people-without-email', 'People without email', NO_IDENTITY),
      unavailableCheck('shopify-customers-sharing-email', 'Shopify customers sharing an email (merged)', NO_IDENTITY),
      unavailableCheck('duplicate-email-contacts', 'HubSpot contacts with a duplicate email', NO_IDENTITY),
    ];
  }
  const withoutEmail = identity.customersWithoutEmail + identity.contactsWithoutEmail;
  const severalShopify = identity.peopleWithSeveralShopifyCustomers;
  const duplicates = identity.duplicateEmailContacts;
  return [
    ratioCheck('people-without-email', 'People without email', withoutEmail, identity.people, thresholds['people-without-email'], (share) =>
      withoutEmail === 0
        ? 'Every person has an email.'
        : `${withoutEmail} of ${identity.people} people (${percent(share)}) have no email (${plural(identity.customersWithoutEmail, 'customer')}, ` +
          `${plural(identity.contactsWithoutEmail, 'contact')}): they cannot be matched across platforms or emailed.`,
    ),
    ratioCheck(
      'shopify-customers-sharing-email',
      'Shopify customers sharing an email (merged)',
      severalShopify,
      identity.people,
      thresholds['shopify-customers-sharing-email'],
      (share) =>
        severalShopify === 0
          ? 'No two Shopify customers share an email.'
          : `${severalShopify} of ${identity.people} people (${percent(share)}) have several Shopify customer records with one email; they were merged into one person each.`,
    ),
    ratioCheck('duplicate-email-contacts', 'HubSpot contacts with a duplicate email', duplicates, identity.contacts, thresholds['duplicate-email-contacts'], (share) =>
      duplicates === 0
        ? 'No two HubSpot contacts share an email.'
        : `${duplicates} of ${identity.contacts} HubSpot contacts (${percent(share)}) repeat another contact's email; only the oldest is linked, so merge the duplicates in HubSpot.`,
    ),
  ];
}

function invalidEmails(tally: Tally, thresholds: Thresholds): QualityCheck {
  const invalid = tally.invalidCustomerEmails + tally.invalidContactEmails;
  return ratioCheck('invalid-emails', 'Invalid email addresses', invalid, tally.emailsChecked, thresholds, (share) =>
    invalid === 0
      ? tally.emailsChecked === 0
        ? 'No emails to check.'
        : `Every email checked (${tally.emailsChecked}) looks like a valid address.`
      : `${invalid} of ${tally.emailsChecked} emails (${percent(share)}) are not valid addresses (${plural(tally.invalidCustomerEmails, 'customer')}, ` +
        `${plural(tally.invalidContactEmails, 'contact')}): mail to them will bounce.`,
  );
}

function orderChecks(tally: Tally, orders: number, thresholds: Record<RatioCheckId, Thresholds>): QualityCheck[] {
  const live = orders - tally.cancelledOrders;
  return [
    ratioCheck('guest-orders', 'Orders without a customer (guest checkouts)', tally.guestOrders, orders, thresholds['guest-orders'], (share) =>
      tally.guestOrders === 0
        ? 'Every order has a customer.'
        : `${tally.guestOrders} of ${orders} orders (${percent(share)}) have no customer: they count for nobody's segments.`,
    ),
    ratioCheck('cancelled-orders', 'Cancelled orders', tally.cancelledOrders, orders, thresholds['cancelled-orders'], (share) =>
      tally.cancelledOrders === 0
        ? 'No order is cancelled.'
        : `${tally.cancelledOrders} of ${orders} orders (${percent(share)}) are cancelled; they are left out of every figure.`,
    ),
    unavailableCheck(
      'test-orders',
      'Test orders',
      "Not available: the order data does not carry Shopify's test flag; zero-value orders are the nearest sign.",
    ),
    ratioCheck('zero-value-orders', 'Zero-value orders', tally.zeroValueOrders, live, thresholds['zero-value-orders'], (share) =>
      tally.zeroValueOrders === 0
        ? 'Every order that is not cancelled has a positive total.'
        : `${tally.zeroValueOrders} of ${live} orders that are not cancelled (${percent(share)}) have a total of 0 or less: free orders, test orders or broken imports.`,
    ),
  ];
}

function currencyShares(counts: Map<string, number>, orders: number): CurrencyShare[] {
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || compareStrings(a, b))
    .map(([currency, count]) => ({ currency, orders: count, share: ratio(count, orders) }));
}

function currencyMix(currencies: CurrencyShare[], orders: number): QualityCheck {
  const main = currencies[0];
  const others = main === undefined ? 0 : orders - main.orders;
  const share = ratio(others, orders);
  let severity: Severity = 'ok';
  if (currencies.length > 1) severity = share > CURRENCY_MIX_PROBLEM_SHARE ? 'problem' : 'warning';
  let finding: string;
  if (main === undefined) finding = 'No orders, so no currency.';
  else if (currencies.length === 1) finding = `Every order is in ${main.currency}.`;
  else {
    const list = currencies.map((c) => `${c.currency} ${percent(c.share)}`).join(', ');
    finding = `Orders come in ${currencies.length} currencies (${list}): money figures add them up without conversion.`;
  }
  return { id: 'currency-mix', title: 'Currency mix', available: true, count: currencies.length, total: orders, share, severity, finding };
}

function unparseableDates(tally: Tally, orders: number, thresholds: Thresholds): QualityCheck {
  const records = tally.shopifyCustomers + tally.csvCustomers + tally.contacts + orders;
  const count = tally.recordsWithUnparseableDates;
  return ratioCheck('unparseable-dates', 'Records with unreadable dates', count, records, thresholds, (share) =>
    count === 0
      ? 'Every date reads.'
      : `${count} of ${records} records (${percent(share)}) have a date that does not read; orders among them are left out of the figures.`,
  );
}
