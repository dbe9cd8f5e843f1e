import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  normaliseCustomerId,
  parseCurrency,
  parseDateTime,
  parseDecimal,
  parseEmail,
  parseInteger,
  roundMoney,
} from './field-values.ts';

test('dates: the Online Retail spelling is UTC; offsets are applied; the calendar is checked', () => {
  assert.equal(parseDateTime('2011-10-06 16:20:00'), '2011-10-06T16:20:00.000Z');
  assert.equal(parseDateTime('2011-10-06 16:20'), '2011-10-06T16:20:00.000Z');
  assert.equal(parseDateTime('2011-10-06'), '2011-10-06T00:00:00.000Z');
  assert.equal(parseDateTime('2024-02-29T23:59:59.5Z'), '2024-02-29T23:59:59.500Z');
  assert.equal(parseDateTime('2024-03-01T01:00:00+02:00'), '2024-02-29T23:00:00.000Z');
  assert.equal(parseDateTime('2024-03-01T01:00:00-0530'), '2024-03-01T06:30:00.000Z');
  for (const bad of ['', 'yesterday', '2011-02-30 10:00:00', '2023-02-29', '2011-13-01', '2011-10-06 24:00:00', '06/10/2011 16:20', '2011-10-06T16:20:00+25:00']) {
    assert.equal(parseDateTime(bad), null, bad);
  }
});

test('numbers: plain decimals only; integers may be written as floats', () => {
  assert.equal(parseDecimal('4.15'), 4.15);
  assert.equal(parseDecimal(' -2 '), -2);
  assert.equal(parseDecimal('.5'), 0.5);
  for (const bad of ['', 'abc', '1,5', '1e3', '£3', 'NaN', 'Infinity', '1.2.3']) assert.equal(parseDecimal(bad), null, bad);
  assert.equal(parseInteger('12'), 12);
  assert.equal(parseInteger('-3'), -3);
  assert.equal(parseInteger('12.0'), 12);
  assert.equal(parseInteger('1.5'), null);
});

test('emails, currencies and customer ids', () => {
  assert.equal(parseEmail(' ann@example.com '), 'ann@example.com');
  for (const bad of ['ann', 'ann@', '@example.com', 'ann@example', 'a b@example.com', 'ann@example.com,bob@example.com']) {
    assert.equal(parseEmail(bad), null, bad);
  }
  assert.equal(parseCurrency('gbp'), 'GBP');
  assert.equal(parseCurrency('GBPX'), null);
  assert.equal(parseCurrency('£'), null);
  assert.equal(normaliseCustomerId('12923.0'), '12923');
  assert.equal(normaliseCustomerId(' 12923 '), '12923');
  assert.equal(normaliseCustomerId('gid://shopify/Customer/1'), 'gid://shopify/Customer/1');
  assert.equal(normaliseCustomerId('  '), null);
  assert.equal(roundMoney(0.1 + 0.2), 0.3);
});
