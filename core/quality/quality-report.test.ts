import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefineryError } from '../errors.ts';
import { resolveIdentities, type IdentityReport } from '../identity.ts';
import type { Contact, Customer, Order } from '../model.ts';
import { testContact, testCustomer } from '../test-records.ts';
import { assessQuality, createQualityAccumulator, type QualityReport } from './quality-report.ts';
import type { QualityCheck, QualityCheckId } from './quality-checks.ts';

const AS_OF = '2026-04-01T00:00:00.000Z';
const RECENT = '2026-03-30T00:00:00Z';

function customer(id: string, email: string | null, fields: Partial<Customer> = {}): Customer {
  return testCustomer(id, email, { createdAt: RECENT, updatedAt: RECENT, ...fields });
}

function contact(id: string, email: string | null, fields: Partial<Contact> = {}): Contact {
  return testContact(id, email, { createdAt: RECENT, updatedAt: RECENT, ...fields });
}

function order(id: string, fields: Partial<Order> = {}): Order {
  return {
    source: 'shopify',
    id,
    customerId: 'c1',
    email: null,
    processedAt: RECENT,
    cancelledAt: null,
    currency: 'EUR',
    total: 10,
    refunded: 0,
    discount: 0,
    lineItems: [],
    updatedAt: RECENT,
    ...fields,
  };
}

function identity(fields: Partial<IdentityReport>): IdentityReport {
  return {
    ...resolveIdentities([], []).report,
    ...fields,
  };
}

function check(report: QualityReport, id: QualityCheckId): QualityCheck {
  const found = report.checks.find((c) => c.id === id);
  assert.ok(found !== undefined, id);
  return found;
}

function assertFinite(report: QualityReport): void {
  const text = JSON.stringify(report);
  assert.deepEqual(JSON.parse(text), report, 'serialisable without loss');
  const walk = (value: unknown): void => {
    if (typeof value === 'number') assert.ok(Number.isFinite(value), `non-finite number in ${text}`);
    else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) walk(item);
  };
  walk(report);
}

const customers = [
  customer('c1', 'ann@example.com'),
  customer('c2', ' ANN@example.com'),
  customer('c3', null),
  customer('c4', 'bad@@example.com'),
  customer('k1', 'bob@example', { source: 'csv', updatedAt: '2026-01-01T00:00:00Z' }),
];
const contacts = [contact('1', 'ann@example.com'), contact('2', 'ann@example.com'), contact('3', null), contact('4', 'not-an-email'), contact('5', '')];
const orders = [
  order('o1'),
  order('o2', { customerId: null }),
  order('o3', { cancelledAt: '2026-03-31T00:00:00Z', total: 0 }),
  order('o4', { total: 0 }),
  order('o5', { total: -1, currency: 'usd ' }),
  order('o6', { source: 'csv', customerId: 'k1', updatedAt: '2026-01-02T00:00:00Z' }),
  order('o7', { processedAt: 'yesterday' }),
];

test('empty inputs give a valid report of zeros, never NaN', () => {
  const report = assessQuality({ identity: resolveIdentities([], []).report }, { asOf: AS_OF });
  assert.equal(report.asOf, AS_OF);
  assert.equal(report.severity, 'ok');
  assert.deepEqual(report.counts, {
    shopifyCustomers: 0,
    csvCustomers: 0,
    contacts: 0,
    orders: 0,
    shopifyOrders: 0,
    csvOrders: 0,
    people: 0,
    linkedPeople: 0,
    prospects: 0,
    csvCustomersLinkedToShopify: 0,
  });
  assert.deepEqual(report.currencies, []);
  for (const c of report.checks) {
    assert.equal(c.severity, 'ok', c.id);
    if (c.available) {
      assert.equal(c.count, 0, c.id);
      assert.equal(c.share, 0, c.id);
    }
  }
  assert.deepEqual(
    report.checks.map((c) => c.id),
    [
      'people-without-email',
      'shopify-customers-sharing-email',
      'duplicate-email-contacts',
      'invalid-emails',
      'guest-orders',
      'cancelled-orders',
      'test-orders',
      'zero-value-orders',
      'currency-mix',
      'stale-sources',
      'unparseable-dates',
    ],
  );
  for (const source of report.sources) assert.deepEqual({ ...source, source: '' }, { source: '', records: 0, newestUpdatedAt: null, ageDays: null, staleAfterDays: 7, stale: false });
  assertFinite(report);
});

test('without an identity report the people checks are not available', () => {
  const report = assessQuality({ customers, contacts, orders }, { asOf: AS_OF });
  for (const id of ['people-without-email', 'shopify-customers-sharing-email', 'duplicate-email-contacts'] as const) {
    const c = check(report, id);
    assert.deepEqual({ available: c.available, count: c.count, total: c.total, share: c.share, severity: c.severity }, { available: false, count: null, total: null, share: null, severity: 'ok' });
    assert.match(c.finding, /^Not available/);
  }
  assert.equal(report.counts.people, null);
  assertFinite(report);
});

test('people without email, duplicates merged and duplicate contacts come from the identity report', () => {
  const resolved = resolveIdentities(customers, contacts).report;
  const report = assessQuality({ customers, contacts, orders, identity: resolved }, { asOf: AS_OF });
  // People: ann (c1, c2, contact 1), c3, c4's bad email, bob (k1), contact 2 (duplicate), 3, 4, 5.
  assert.equal(resolved.people, 8);
  const without = check(report, 'people-without-email');
  assert.deepEqual([without.count, without.total, without.share, without.severity], [3, 8, 3 / 8, 'problem']);
  assert.equal(without.finding, '3 of 8 people (37.5 %) have no email (1 customer, 2 contacts): they cannot be matched across platforms or emailed.');
  const merged = check(report, 'shopify-customers-sharing-email');
  assert.deepEqual([merged.count, merged.total, merged.severity], [1, 8, 'warning']);
  const duplicates = check(report, 'duplicate-email-contacts');
  assert.deepEqual([duplicates.count, duplicates.total, duplicates.severity], [1, 5, 'problem']);
  assert.equal(report.counts.people, 8);
  assert.equal(report.counts.linkedPeople, 1);
});

test('people-without-email thresholds: above 5 % a warning, above 25 % a problem', () => {
  const severity = (withoutEmail: number): string =>
    check(assessQuality({ identity: identity({ people: 100, customersWithoutEmail: withoutEmail }) }, { asOf: AS_OF }), 'people-without-email').severity;
  assert.equal(severity(0), 'ok');
  assert.equal(severity(5), 'ok');
  assert.equal(severity(6), 'warning');
  assert.equal(severity(25), 'warning');
  assert.equal(severity(26), 'problem');
});

test('merged Shopify duplicates are at worst a warning; duplicate contacts a problem above 10 %', () => {
  const merged = check(assessQuality({ identity: identity({ people: 10, peopleWithSeveralShopifyCustomers: 9 }) }, { asOf: AS_OF }), 'shopify-customers-sharing-email');
  assert.equal(merged.severity, 'warning');
  assert.equal(check(assessQuality({ identity: identity({ people: 100, peopleWithSeveralShopifyCustomers: 2 }) }, { asOf: AS_OF }), 'shopify-customers-sharing-email').severity, 'ok');
  const contactsCheck = (n: number): string =>
    check(assessQuality({ identity: identity({ contacts: 100, duplicateEmailContacts: n }) }, { asOf: AS_OF }), 'duplicate-email-contacts').severity;
  assert.deepEqual([contactsCheck(1), contactsCheck(2), contactsCheck(10), contactsCheck(11)], ['ok', 'warning', 'warning', 'problem']);
});

test('invalid emails: checked over records with an email, per source in the finding', () => {
  const report = assessQuality({ customers, contacts }, { asOf: AS_OF });
  const invalid = check(report, 'invalid-emails');
  // Emails present: c1, c2, c4, k1, contacts 1, 2, 4 = 7; invalid: c4, k1, contact 4.
  assert.deepEqual([invalid.count, invalid.total, invalid.severity], [3, 7, 'problem']);
  assert.equal(invalid.finding, '3 of 7 emails (42.9 %) are not valid addresses (2 customers, 1 contact): mail to them will bounce.');
  const clean = check(assessQuality({ customers: [customer('a', 'a@b.co')] }, { asOf: AS_OF }), 'invalid-emails');
  assert.deepEqual([clean.count, clean.total, clean.severity, clean.finding], [0, 1, 'ok', 'Every email checked (1) looks like a valid address.']);
});

test('orders: guests, cancelled, zero-value (not cancelled, total 0 or less), test orders not available', () => {
  const report = assessQuality({ orders }, { asOf: AS_OF });
  assert.equal(report.counts.orders, 7);
  assert.equal(report.counts.shopifyOrders, 6);
  assert.equal(report.counts.csvOrders, 1);
  const guests = check(report, 'guest-orders');
  assert.deepEqual([guests.count, guests.total, guests.severity], [1, 7, 'ok']);
  const cancelled = check(report, 'cancelled-orders');
  assert.deepEqual([cancelled.count, cancelled.total, cancelled.severity], [1, 7, 'warning']);
  const zero = check(report, 'zero-value-orders');
  assert.deepEqual([zero.count, zero.total, zero.severity], [2, 6, 'problem']);
  const testOrders = check(report, 'test-orders');
  assert.deepEqual([testOrders.available, testOrders.count, testOrders.share, testOrders.severity], [false, null, null, 'ok']);
  assert.match(testOrders.finding, /test flag/);
});

test('order thresholds: guests above 20 % / 50 %, cancelled above 10 % / 25 %', () => {
  const many = (n: number, special: number, fields: Partial<Order>): Order[] =>
    Array.from({ length: n }, (_, i) => order(`o${i}`, i < special ? fields : {}));
  const guest = (k: number): string => check(assessQuality({ orders: many(100, k, { customerId: null }) }, { asOf: AS_OF }), 'guest-orders').severity;
  assert.deepEqual([guest(20), guest(21), guest(50), guest(51)], ['ok', 'warning', 'warning', 'problem']);
  const cancel = (k: number): string => check(assessQuality({ orders: many(100, k, { cancelledAt: RECENT }) }, { asOf: AS_OF }), 'cancelled-orders').severity;
  assert.deepEqual([cancel(10), cancel(11), cancel(25), cancel(26)], ['ok', 'warning', 'warning', 'problem']);
});

test('currency mix: one currency ok, a minor second one a warning, more than 10 % a problem', () => {
  const mix = (eur: number, other: number, code = 'USD'): QualityReport =>
    assessQuality({ orders: [...Array.from({ length: eur }, (_, i) => order(`e${i}`)), ...Array.from({ length: other }, (_, i) => order(`u${i}`, { currency: code }))] }, { asOf: AS_OF });
  const single = check(mix(10, 0), 'currency-mix');
  assert.deepEqual([single.count, single.share, single.severity, single.finding], [1, 0, 'ok', 'Every order is in EUR.']);
  const minor = mix(95, 5);
  assert.deepEqual(minor.currencies, [
    { currency: 'EUR', orders: 95, share: 0.95 },
    { currency: 'USD', orders: 5, share: 0.05 },
  ]);
  assert.deepEqual([check(minor, 'currency-mix').count, check(minor, 'currency-mix').severity], [2, 'warning']);
  assert.equal(check(minor, 'currency-mix').finding, 'Orders come in 2 currencies (EUR 95.0 %, USD 5.0 %): money figures add them up without conversion.');
  assert.equal(check(mix(80, 20), 'currency-mix').severity, 'problem');
  // Codes are trimmed and upper-cased; a missing code is UNKNOWN; ties go by code.
  assert.deepEqual(mix(1, 1, ' eur').currencies, [{ currency: 'EUR', orders: 2, share: 1 }]);
  assert.deepEqual(mix(1, 1, '').currencies.map((c) => c.currency), ['EUR', 'UNKNOWN']);
  assert.deepEqual(mix(0, 2, 'AUD').currencies.map((c) => c.currency), ['AUD']);
});

test('stale sources: newest updatedAt per source against the threshold, problem beyond 4 times', () => {
  const report = assessQuality({ customers, contacts, orders }, { asOf: AS_OF });
  const byName = Object.fromEntries(report.sources.map((s) => [s.source, s]));
  assert.deepEqual(byName['shopify-customers'], { source: 'shopify-customers', records: 4, newestUpdatedAt: '2026-03-30T00:00:00.000Z', ageDays: 2, staleAfterDays: 7, stale: false });
  assert.deepEqual(byName['csv'], { source: 'csv', records: 2, newestUpdatedAt: '2026-01-02T00:00:00.000Z', ageDays: 89, staleAfterDays: 7, stale: true });
  const stale = check(report, 'stale-sources');
  assert.deepEqual([stale.count, stale.total, stale.severity], [1, 4, 'problem']);
  assert.equal(stale.finding, '1 source had no update for longer than the threshold (CSV imports: last update 89 days ago): check that syncs run.');

  // Exactly at the threshold is fresh; one millisecond older is stale; a warning up to 4 times it.
  const at = (updatedAt: string, staleAfterDays = 7): QualityCheck =>
    check(assessQuality({ contacts: [contact('1', 'a@b.co', { updatedAt })] }, { asOf: AS_OF, staleAfterDays }), 'stale-sources');
  assert.equal(at('2026-03-25T00:00:00.000Z').severity, 'ok');
  assert.equal(at('2026-03-24T23:59:59.999Z').severity, 'warning');
  assert.equal(at('2026-03-04T00:00:00.000Z').severity, 'warning');
  assert.equal(at('2026-03-03T23:59:59.999Z').severity, 'problem');
  assert.equal(at('2026-03-24T00:00:00.000Z', 30).severity, 'ok');
  assert.equal(at('2026-05-01T00:00:00.000Z').severity, 'ok'); // newer than asOf: age 0
});

test('a source can be left out of the staleness check (CSV imports are one-off)', () => {
  const report = assessQuality({ customers, contacts, orders }, { asOf: AS_OF, staleAfterDaysBySource: { csv: null, 'hubspot-contacts': 1 } });
  const byName = Object.fromEntries(report.sources.map((s) => [s.source, s]));
  assert.equal(byName['csv']?.stale, false);
  assert.equal(byName['csv']?.staleAfterDays, null);
  assert.equal(byName['hubspot-contacts']?.stale, true);
  const stale = check(report, 'stale-sources');
  assert.deepEqual([stale.count, stale.total, stale.severity], [1, 3, 'warning']);
  assert.throws(() => assessQuality({}, { asOf: AS_OF, staleAfterDays: -1 }), RefineryError);
  assert.throws(() => assessQuality({}, { asOf: AS_OF, staleAfterDaysBySource: { csv: Number.NaN } }), RefineryError);
  assert.throws(() => assessQuality({}, { asOf: 'not a date' }), RefineryError);
});

test('unreadable dates: any is a warning, above 1 % a problem; they do not count as newest', () => {
  const report = assessQuality(
    { customers: [customer('x', 'a@b.co', { updatedAt: 'garbage' })], orders: [order('1'), order('2', { processedAt: '' })] },
    { asOf: AS_OF },
  );
  const dates = check(report, 'unparseable-dates');
  assert.deepEqual([dates.count, dates.total, dates.severity], [2, 3, 'problem']);
  assert.equal(report.sources.find((s) => s.source === 'shopify-customers')?.newestUpdatedAt, null);
  assert.equal(report.sources.find((s) => s.source === 'shopify-customers')?.records, 1);
  const few = assessQuality({ orders: [...Array.from({ length: 199 }, (_, i) => order(`o${i}`)), order('bad', { updatedAt: 'x' })] }, { asOf: AS_OF });
  assert.equal(check(few, 'unparseable-dates').severity, 'warning');
});

test('thresholds can be overridden; the report severity is the worst of its checks', () => {
  const input = { orders: [order('1'), order('2', { customerId: null }), order('3'), order('4')] };
  assert.equal(check(assessQuality(input, { asOf: AS_OF }), 'guest-orders').severity, 'warning');
  const relaxed = assessQuality(input, { asOf: AS_OF, thresholds: { 'guest-orders': { warning: 0.3, problem: null } } });
  assert.equal(check(relaxed, 'guest-orders').severity, 'ok');
  assert.equal(relaxed.severity, 'ok');
  assert.equal(assessQuality(input, { asOf: AS_OF }).severity, 'warning');
  assert.equal(assessQuality({ customers, contacts, orders }, { asOf: AS_OF }).severity, 'problem');
});

test('streaming in pages equals one-shot, and the accumulator stays usable', () => {
  const resolved = resolveIdentities(customers, contacts).report;
  const oneShot = assessQuality({ customers, contacts, orders, identity: resolved }, { asOf: AS_OF });
  const accumulator = createQualityAccumulator({ asOf: AS_OF });
  accumulator.addOrders(orders.slice(0, 3));
  accumulator.addCustomers(customers.slice(0, 2));
  accumulator.addContacts(contacts.slice(0, 1));
  const partial = accumulator.report(resolved);
  assert.equal(partial.counts.orders, 3);
  accumulator.addCustomers(customers.slice(2));
  accumulator.addOrders(orders.slice(3));
  accumulator.addContacts(contacts.slice(1, 3));
  accumulator.addContacts([]);
  accumulator.addContacts(contacts.slice(3));
  assert.deepEqual(accumulator.report(resolved), oneShot);
  assert.deepEqual(accumulator.report(resolved), oneShot);
  assertFinite(oneShot);
});
