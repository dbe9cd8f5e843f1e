import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Contact, Customer, MarketingState } from './model.ts';
import { testContact, testCustomer } from './test-records.ts';
import {
  compareRecordIds,
  contactsToCreate,
  createPersonIndex,
  hasMarketingConsent,
  normaliseEmail,
  resolveIdentities,
  shopifyMemberships,
  type Person,
} from './identity.ts';

const gid = (n: number): string => `gid://shopify/Customer/${n}`;

function customer(id: string, email: string | null, marketingState: MarketingState | null = null, source: 'shopify' | 'csv' = 'shopify'): Customer {
  return testCustomer(id, email, { marketingState, source });
}

function contact(id: string, email: string | null, emailOptOut: boolean | null = null): Contact {
  return testContact(id, email, { emailOptOut });
}

function person(overrides: Partial<Person> & Pick<Person, 'personId'>): Person {
  return {
    email: null,
    shopifyCustomerIds: [],
    csvCustomerIds: [],
    hubspotContactId: null,
    marketingConsent: false,
    ...overrides,
  };
}

test('normaliseEmail trims and lower-cases, nothing cleverer; blank is no email', () => {
  assert.equal(normaliseEmail('  Ann@Example.COM '), 'ann@example.com');
  assert.equal(normaliseEmail('ann+shop@example.com'), 'ann+shop@example.com');
  assert.equal(normaliseEmail('a.n.n@gmail.com'), 'a.n.n@gmail.com');
  assert.equal(normaliseEmail('   '), null);
  assert.equal(normaliseEmail(''), null);
  assert.equal(normaliseEmail(null), null);
});

test('the same email on both sides is one person with both ids', () => {
  const { people, index, report } = resolveIdentities(
    [customer(gid(1), ' Ann@Example.com', 'SUBSCRIBED')],
    [contact('501', 'ann@example.com')],
  );
  assert.deepEqual(people, [
    person({
      personId: 'email:ann@example.com',
      email: 'ann@example.com',
      shopifyCustomerIds: [gid(1)],
      hubspotContactId: '501',
      marketingConsent: true,
    }),
  ]);
  assert.equal(index.personIdOf('shopify', gid(1)), 'email:ann@example.com');
  assert.equal(index.personIdOf('hubspot', '501'), 'email:ann@example.com');
  assert.equal(report.linkedPeople, 1);
  assert.equal(report.prospects, 0);
});

test('several Shopify customers with one email are one person holding all their ids', () => {
  const { people, index, report } = resolveIdentities(
    [customer(gid(3), 'bo@example.com'), customer(gid(2), 'BO@example.com'), customer(gid(10), 'bo@example.com ')],
    [],
  );
  assert.equal(people.length, 1);
  assert.deepEqual(people[0]?.shopifyCustomerIds, [gid(10), gid(2), gid(3)]);
  for (const n of [2, 3, 10]) assert.equal(index.personIdOf('shopify', gid(n)), 'email:bo@example.com');
  assert.equal(report.peopleWithSeveralShopifyCustomers, 1);
});

test('all Shopify customers of a person get the person\'s segments', () => {
  const { index } = resolveIdentities(
    [customer(gid(1), 'bo@example.com'), customer(gid(2), 'bo@example.com'), customer(gid(3), 'cy@example.com')],
    [contact('9', 'dee@example.com')],
  );
  const memberships = shopifyMemberships(
    new Map([
      ['champions', new Set(['email:bo@example.com', 'email:dee@example.com', 'email:nobody@example.com'])],
      ['at-risk', new Set(['email:cy@example.com'])],
    ]),
    index,
  );
  assert.deepEqual(memberships.get('champions'), new Set([gid(1), gid(2)]));
  assert.deepEqual(memberships.get('at-risk'), new Set([gid(3)]));
});

test('contacts that never bought are prospects: persons without customer ids', () => {
  const { people, report } = resolveIdentities([], [contact('7', 'pat@example.com')]);
  assert.deepEqual(people, [
    person({ personId: 'email:pat@example.com', email: 'pat@example.com', hubspotContactId: '7' }),
  ]);
  assert.equal(report.prospects, 1);
});

test('customers without email are their own person and are never linked', () => {
  const { people, index, report } = resolveIdentities(
    [customer(gid(1), null, 'SUBSCRIBED'), customer(gid(2), '  '), customer('c-9', null, null, 'csv')],
    [contact('5', null)],
  );
  assert.deepEqual(
    people.map((p) => p.personId),
    ['csv:c-9', 'hubspot:5', `shopify:${gid(1)}`, `shopify:${gid(2)}`],
  );
  assert.equal(index.personOf('shopify', gid(2))?.email, null);
  assert.equal(report.customersWithoutEmail, 3);
});

test('contacts without email are their own person, never linked, and counted', () => {
  const { people, report } = resolveIdentities([customer(gid(1), null)], [contact('5', null), contact('6', '')]);
  assert.deepEqual(
    people.filter((p) => p.hubspotContactId !== null).map((p) => p.personId),
    ['hubspot:5', 'hubspot:6'],
  );
  assert.ok(people.every((p) => p.shopifyCustomerIds.length + (p.hubspotContactId === null ? 0 : 1) === 1));
  assert.equal(report.contactsWithoutEmail, 2);
});

test('two contacts with one email: the lowest id is linked, the others are their own persons, counted', () => {
  const { people, index, report } = resolveIdentities(
    [customer(gid(1), 'kim@example.com', 'SUBSCRIBED')],
    [contact('1000', 'kim@example.com'), contact('999', 'KIM@example.com'), contact('20000', 'kim@example.com')],
  );
  assert.equal(index.personIdOf('hubspot', '999'), 'email:kim@example.com', 'numerically lowest, not "1000"');
  assert.equal(index.personIdOf('hubspot', '1000'), 'hubspot:1000');
  assert.equal(index.personIdOf('hubspot', '20000'), 'hubspot:20000');
  assert.deepEqual(index.get('hubspot:1000'), person({ personId: 'hubspot:1000', email: 'kim@example.com', hubspotContactId: '1000' }));
  assert.equal(people.length, 3);
  assert.equal(report.duplicateEmailContacts, 2);
});

test('CSV customers link to the Shopify customer with the same email, else are their own person', () => {
  const { people, index, report } = resolveIdentities(
    [
      customer(gid(1), 'lee@example.com', 'SUBSCRIBED'),
      customer('17850', 'Lee@Example.com', null, 'csv'),
      customer('12346', 'solo@example.com', null, 'csv'),
    ],
    [],
  );
  assert.deepEqual(index.personOf('csv', '17850'), index.personOf('shopify', gid(1)));
  assert.deepEqual(index.personOf('csv', '17850')?.csvCustomerIds, ['17850']);
  assert.deepEqual(
    index.personOf('csv', '12346'),
    person({ personId: 'email:solo@example.com', email: 'solo@example.com', csvCustomerIds: ['12346'] }),
  );
  assert.equal(people.length, 2);
  assert.equal(report.csvCustomersLinkedToShopify, 1);
});

test('personId is stable: independent of input order, email-keyed or source-prefixed', () => {
  const customers = [
    customer(gid(1), 'a@example.com'),
    customer(gid(2), null),
    customer(gid(3), 'b@example.com'),
    customer('x1', 'a@example.com', null, 'csv'),
  ];
  const contacts = [contact('3', 'b@example.com'), contact('2', 'c@example.com'), contact('1', null)];
  const forward = resolveIdentities(customers, contacts);
  const backward = resolveIdentities([...customers].reverse(), [...contacts].reverse());
  assert.deepEqual(forward.people, backward.people);
  assert.deepEqual(
    forward.people.map((p) => p.personId),
    ['email:a@example.com', 'email:b@example.com', 'email:c@example.com', 'hubspot:1', `shopify:${gid(2)}`],
  );
});

test('a source id read twice keeps the last record', () => {
  const { people, report } = resolveIdentities(
    [customer(gid(1), 'old@example.com'), customer(gid(1), 'new@example.com')],
    [contact('1', 'x@example.com'), contact('1', 'x@example.com')],
  );
  assert.deepEqual(
    people.map((p) => p.personId),
    ['email:new@example.com', 'email:x@example.com'],
  );
  assert.equal(report.repeatedRecords, 2);
  assert.equal(report.customers, 1);
  assert.equal(report.contacts, 1);
});

test('consent: a SUBSCRIBED Shopify customer and no HubSpot opt-out', () => {
  const cases: Array<[string, Customer[], Contact[], boolean]> = [
    ['subscribed, no contact', [customer(gid(1), 'a@x.io', 'SUBSCRIBED')], [], true],
    ['subscribed, contact not opted out', [customer(gid(1), 'a@x.io', 'SUBSCRIBED')], [contact('1', 'a@x.io', false)], true],
    ['subscribed, contact opt-out unknown', [customer(gid(1), 'a@x.io', 'SUBSCRIBED')], [contact('1', 'a@x.io', null)], true],
    ['subscribed, contact opted out: opt-out wins', [customer(gid(1), 'a@x.io', 'SUBSCRIBED')], [contact('1', 'a@x.io', true)], false],
    ['not subscribed', [customer(gid(1), 'a@x.io', 'NOT_SUBSCRIBED')], [], false],
    ['pending', [customer(gid(1), 'a@x.io', 'PENDING')], [], false],
    ['no state', [customer(gid(1), 'a@x.io', null)], [], false],
    [
      'one of two customers subscribed',
      [customer(gid(1), 'a@x.io', 'SUBSCRIBED'), customer(gid(2), 'a@x.io', 'NOT_SUBSCRIBED')],
      [],
      true,
    ],
    [
      'one subscribed, one unsubscribed: the withdrawal wins',
      [customer(gid(1), 'a@x.io', 'SUBSCRIBED'), customer(gid(2), 'a@x.io', 'UNSUBSCRIBED')],
      [],
      false,
    ],
    ['contact only, not opted out: no consent', [], [contact('1', 'a@x.io', false)], false],
    ['CSV only, even if marked subscribed', [customer('c1', 'a@x.io', 'SUBSCRIBED', 'csv')], [], false],
  ];
  for (const [name, customers, contacts, expected] of cases) {
    const { people } = resolveIdentities(customers, contacts);
    assert.equal(people[0]?.marketingConsent, expected, name);
  }
  assert.equal(hasMarketingConsent(['SUBSCRIBED', 'INVALID'], null), false);
  assert.equal(hasMarketingConsent(['SUBSCRIBED', 'REDACTED'], false), false);
  assert.equal(hasMarketingConsent([], false), false);
});

test('contactsToCreate: Shopify customers, no contact, an email and consent; empty when not allowed', () => {
  const { people } = resolveIdentities(
    [
      customer(gid(1), 'create@x.io', 'SUBSCRIBED'),
      customer(gid(2), 'has-contact@x.io', 'SUBSCRIBED'),
      customer(gid(3), 'no-consent@x.io', 'NOT_SUBSCRIBED'),
      customer(gid(4), null, 'SUBSCRIBED'),
      customer('c1', 'csv-only@x.io', 'SUBSCRIBED', 'csv'),
    ],
    [contact('1', 'has-contact@x.io'), contact('2', 'prospect@x.io')],
  );
  assert.deepEqual(
    contactsToCreate(people, { allowCreate: true }).map((p) => p.personId),
    ['email:create@x.io'],
  );
  assert.deepEqual(contactsToCreate(people, { allowCreate: false }), []);
});

test('compareRecordIds: numeric for digit strings, code units otherwise', () => {
  assert.deepEqual(['1000', '999', '20', '0021', 'abc'].sort(compareRecordIds), ['20', '0021', '999', '1000', 'abc']);
  assert.equal(compareRecordIds('18446744073709551617', '18446744073709551616') > 0, true, 'beyond 2^64, exact');
});

test('createPersonIndex looks a person up by person id or any source id', () => {
  const p = person({ personId: 'email:a@x.io', email: 'a@x.io', shopifyCustomerIds: [gid(1)], csvCustomerIds: ['9'], hubspotContactId: '4' });
  const index = createPersonIndex([p]);
  assert.equal(index.size, 1);
  assert.equal(index.get('email:a@x.io'), p);
  assert.equal(index.personOf('csv', '9'), p);
  assert.equal(index.personIdOf('hubspot', '4'), 'email:a@x.io');
  assert.equal(index.personIdOf('shopify', '4'), undefined);
});

test('scales to 1,000,000 customers', () => {
  const N = 1_000_000;
  function* customers(): Generator<Customer> {
    // Every 10th customer shares its email with the previous one; every 50th has none.
    for (let i = 0; i < N; i += 1) {
      const email = i % 50 === 0 ? null : `u${i % 10 === 0 ? i - 1 : i}@example.com`;
      yield customer(gid(i), email, i % 3 === 0 ? 'SUBSCRIBED' : 'NOT_SUBSCRIBED');
    }
  }
  function* contacts(): Generator<Contact> {
    for (let i = 0; i < 300_000; i += 1) yield contact(String(i + 1), `u${i * 4 + 1}@example.com`);
  }
  const started = performance.now();
  const { people, index, report } = resolveIdentities(customers(), contacts());
  const elapsedMs = performance.now() - started;
  assert.equal(report.customers, N);
  assert.equal(report.customersWithoutEmail, N / 50);
  assert.equal(index.size, people.length);
  assert.equal(index.personIdOf('shopify', gid(10)), 'email:u9@example.com');
  assert.ok(elapsedMs < 60_000, `took ${Math.round(elapsedMs)} ms`);
});
