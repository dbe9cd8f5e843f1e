import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapContact } from './mapping.ts';
import { rawContactSchema } from './raw-contact.ts';

const raw = (properties: Record<string, string | null>) => rawContactSchema.parse({ id: '101', properties });

test('engagement strings become numbers; absent values stay unknown', () => {
  const contact = mapContact(raw({
    email: ' Ada@Example.com ', firstname: 'Ada', lastname: '', lifecyclestage: 'customer',
    hs_email_delivered: '12', hs_email_open: '7', hs_email_click: '2.0', hs_email_bounce: null,
    hs_email_optout: 'false', hs_analytics_num_page_views: '40', hs_analytics_num_visits: '9',
    hs_analytics_last_visit_timestamp: '2026-03-01T10:00:00Z', createdate: '1704067200000', lastmodifieddate: '2026-03-02T00:00:00.000Z',
  }));
  assert.deepEqual(contact, {
    source: 'hubspot', id: '101', email: 'ada@example.com', firstName: 'Ada', lastName: null, lifecycleStage: 'customer',
    emailDelivered: 12, emailOpens: 7, emailClicks: 2, emailBounces: null, emailOptOut: false, pageViews: 40, visits: 9,
    lastVisitAt: '2026-03-01T10:00:00.000Z', createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2026-03-02T00:00:00.000Z',
  });
});

test('a contact without email maps with email null; garbage counts are unknown, not zero', () => {
  const contact = mapContact(raw({ createdate: '2024-01-01T00:00:00Z', hs_email_open: 'lots', hs_analytics_num_visits: '-3', hs_email_optout: 'true' }));
  assert.equal(contact.email, null);
  assert.equal(contact.emailOpens, null);
  assert.equal(contact.visits, null);
  assert.equal(contact.emailOptOut, true);
  assert.equal(contact.updatedAt, contact.createdAt);
});

test('a contact with no dates at all is refused with its id', () => {
  assert.throws(() => mapContact(raw({ email: 'x@example.com' })), /contact 101 has no readable/);
});
