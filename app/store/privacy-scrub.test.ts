// Whole-token matching of the privacy scrub: a person's identifiers are found where they stand
// alone, never inside another customer's longer identifier.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containsExact, mentions, REDACTED, scrubJson, tokenPattern } from './privacy-scrub.ts';

const BOB = ['bob@example.com', 'gid://shopify/Customer/12', 'email:bob@example.com', 'shopify:gid://shopify/Customer/12', '12'];
const pattern = tokenPattern(BOB);

test('an email, a GID, a person id or a numeric id is found as a whole token', () => {
  for (const text of [
    'bob@example.com', 'BOB@Example.com', '"bob@example.com"', 'email:bob@example.com', 'bob@example.com: rejected', '<bob@example.com>',
    'contact bob@example.com.', 'gid://shopify/Customer/12', 'gid://shopify/Customer/12 failed', 'customer 12 failed', 'shopify:gid://shopify/Customer/12|3',
    'push-shopify|shop.myshopify.com|email:bob@example.com|4',
  ]) assert.ok(mentions(text, pattern), text);
});

test("another customer's longer identifier is not a mention", () => {
  for (const text of [
    'jbob@example.com', 'email:jbob@example.com', 'x.bob@example.com', 'a+bob@example.com', 'bob@example.com.au', 'bob@example.community',
    'gid://shopify/Customer/123', 'gid://shopify/Customer/1299', 'shopify:gid://shopify/Customer/123', 'gid://shopify/Order/12', '#12',
    '+15551212', '{"id":123}', '12@example.com', 'csv-12-a', 'v1.12', '2026-03-05T10:12:33Z',
  ]) assert.ok(!mentions(text, pattern), text);
});

test('scrubbing rewrites and drops whole tokens only', () => {
  const value = {
    byPerson: { 'email:bob@example.com': 1, 'email:jbob@example.com': 2, 'shopify:gid://shopify/Customer/123': 3, 'shopify:gid://shopify/Customer/1299': 4, 'shopify:gid://shopify/Customer/12': 5 },
    people: ['email:bob@example.com', 'email:jbob@example.com', 'gid://shopify/Customer/1299'],
    messages: ['bob@example.com: rejected', 'jbob@example.com: rejected', 'gid://shopify/Customer/1299 failed', 'gid://shopify/Customer/12 failed'],
  };
  const { value: scrubbed, changed } = scrubJson(value, pattern);
  assert.ok(changed);
  assert.deepEqual(scrubbed, {
    byPerson: { 'email:jbob@example.com': 2, 'shopify:gid://shopify/Customer/123': 3, 'shopify:gid://shopify/Customer/1299': 4 },
    people: ['email:jbob@example.com', 'gid://shopify/Customer/1299'],
    messages: [`${REDACTED}: rejected`, 'jbob@example.com: rejected', 'gid://shopify/Customer/1299 failed', `${REDACTED} failed`],
  });
  const others = { people: ['email:jbob@example.com', 'gid://shopify/Customer/1299'] };
  assert.deepEqual(scrubJson(others, pattern), { value: others, changed: false });
});

test('a numeric id inside JSON is found by value, not in the text', () => {
  const exact = new Set(['12']);
  assert.ok(containsExact({ customer: { id: 12 } }, exact));
  assert.ok(containsExact({ customer_id: '12' }, exact));
  assert.ok(containsExact({ customerIds: [7, 12] }, exact));
  assert.ok(!containsExact({ customer: { id: 123 }, quantity: 12, paid: 12, at: '2026-03-05T10:12:33Z', name: '#12', gid: 'gid://shopify/Customer/12' }, exact));
});
