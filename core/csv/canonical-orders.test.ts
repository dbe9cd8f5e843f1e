import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CANONICAL_OPTIONAL_COLUMNS,
  CANONICAL_REQUIRED_COLUMNS,
  createCanonicalOrderAccumulator,
  parseCanonicalOrderRow,
  type CanonicalColumn,
} from './canonical-orders.ts';
import type { Order } from '../model.ts';

const COLUMNS: readonly CanonicalColumn[] = [...CANONICAL_REQUIRED_COLUMNS, ...CANONICAL_OPTIONAL_COLUMNS];

function row(values: string): (column: CanonicalColumn) => string {
  const fields = values.split('|');
  return (column) => fields[COLUMNS.indexOf(column)] ?? '';
}

function order(values: string, line = 2): Order {
  const parsed = parseCanonicalOrderRow(row(values), line);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

test('a row becomes a canonical order', () => {
  assert.deepEqual(order('A-1|42.0|Ann@Example.com|2024-05-01T10:00:00+02:00|19.999|eur|'), {
    source: 'csv',
    id: 'A-1',
    customerId: '42',
    email: 'Ann@Example.com',
    processedAt: '2024-05-01T08:00:00.000Z',
    cancelledAt: null,
    currency: 'EUR',
    total: 20,
    refunded: 0,
    discount: 0,
    lineItems: [],
    updatedAt: '2024-05-01T08:00:00.000Z',
  });
  const cancelled = order('A-2||| 2024-05-01 |0|USD|2024-05-03');
  assert.equal(cancelled.customerId, null);
  assert.equal(cancelled.email, null);
  assert.equal(cancelled.cancelledAt, '2024-05-03T00:00:00.000Z');
  assert.equal(cancelled.updatedAt, '2024-05-03T00:00:00.000Z');
});

test('each bad value is reported with the line and the column', () => {
  const cases: [string, RegExp][] = [
    ['|1||2024-05-01|1|EUR|', /order_id is missing/],
    ['A|1||||EUR|', /processed_at is missing/],
    ['A|1||01/05/2024|1|EUR|', /processed_at is not a valid date: "01\/05\/2024"/],
    ['A|1||2024-05-01|1|EUR|soon', /cancelled_at is not a valid date/],
    ['A|1||2024-05-02|1|EUR|2024-05-01', /cancelled_at is before processed_at/],
    ['A|1||2024-05-01||EUR|', /total is missing/],
    ['A|1||2024-05-01|ten|EUR|', /total is not a number: "ten"/],
    ['A|1||2024-05-01|-1|EUR|', /total is negative/],
    ['A|1||2024-05-01|1|EURO|', /currency is not a three-letter code/],
    ['A|1|ann(at)example.com|2024-05-01|1|EUR|', /email is not an email address/],
  ];
  for (const [values, message] of cases) {
    const parsed = parseCanonicalOrderRow(row(values), 7);
    assert.equal(parsed.ok, false, values);
    if (!parsed.ok) {
      assert.equal(parsed.error.line, 7);
      assert.match(parsed.error.message, message);
    }
  }
});

test('duplicate order ids are errors; implied customers carry the first email and the order span', () => {
  const accumulator = createCanonicalOrderAccumulator();
  assert.equal(accumulator.add(order('A|7||2024-05-02|1|EUR|'), 2), null);
  assert.equal(accumulator.add(order('B|7|x@example.com|2024-05-01|1|EUR|'), 3), null);
  assert.equal(accumulator.add(order('C|7|y@example.com|2024-06-01|1|EUR|'), 4), null);
  assert.equal(accumulator.add(order('D|||2024-06-01|1|EUR|'), 5), null);
  assert.deepEqual(accumulator.add(order('A|8||2024-05-02|1|EUR|'), 6), { line: 6, message: 'order_id A already appears on line 2' });
  assert.deepEqual(accumulator.customers(), [
    {
      source: 'csv',
      id: '7',
      email: 'x@example.com',
      marketingState: null,
      firstName: null,
      lastName: null,
      tags: [],
      createdAt: '2024-05-01T00:00:00.000Z',
      updatedAt: '2024-06-01T00:00:00.000Z',
    },
  ]);
});
