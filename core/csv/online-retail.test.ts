import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ONLINE_RETAIL_COLUMNS,
  createOnlineRetailAccumulator,
  parseOnlineRetailLine,
  type OnlineRetailColumn,
  type OnlineRetailLine,
} from './online-retail.ts';

function row(values: string): (column: OnlineRetailColumn) => string {
  const fields = values.split('|');
  return (column) => fields[ONLINE_RETAIL_COLUMNS.indexOf(column)] ?? '';
}

function line(values: string, lineNo: number): OnlineRetailLine {
  const parsed = parseOnlineRetailLine(row(values), lineNo);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

test('a line is typed and normalised', () => {
  assert.deepEqual(line('569901|23256|CHILDRENS CUTLERY SPACEBOY |2|2011-10-06 16:20:00|4.15|12923.0|United Kingdom', 2), {
    line: 2,
    invoiceNo: '569901',
    cancellation: false,
    stockCode: '23256',
    description: 'CHILDRENS CUTLERY SPACEBOY',
    quantity: 2,
    invoicedAt: '2011-10-06T16:20:00.000Z',
    unitPrice: 4.15,
    customerId: '12923',
    country: 'United Kingdom',
  });
  assert.equal(line('C1|X|d|-2|2011-10-06 16:20:00|1|12923.0|UK', 3).cancellation, true);
  assert.equal(line('1|X|d|2|2011-10-06 16:20:00|1||UK', 4).customerId, null);
});

test('bad lines are reported with their line number and a reason', () => {
  const cases: [string, RegExp][] = [
    ['|X|d|1|2011-10-06 16:20:00|1|1.0|UK', /InvoiceNo is missing/],
    ['1||d|1|2011-10-06 16:20:00|1|1.0|UK', /StockCode is missing/],
    ['1|X|d|1.5|2011-10-06 16:20:00|1|1.0|UK', /Quantity is not an integer/],
    ['1|X|d|0|2011-10-06 16:20:00|1|1.0|UK', /Quantity is 0/],
    ['1|X|d|-1|2011-10-06 16:20:00|0|||UK', /negative on invoice 1, which is not a cancellation/],
    ['C1|X|d|1|2011-10-06 16:20:00|1|1.0|UK', /positive on cancellation invoice C1/],
    ['1|X|d|1|2011-02-30 16:20:00|1|1.0|UK', /InvoiceDate is not a valid date/],
    ['1|X|d|1|2011-10-06 16:20:00|abc|1.0|UK', /UnitPrice is not a number: "abc"/],
    ['1|X|d|1|2011-10-06 16:20:00|-1|1.0|UK', /UnitPrice is negative/],
    ['1|X|d|1|2011-10-06 16:20:00|1|12a|UK', /CustomerID is not a number/],
  ];
  for (const [values, message] of cases) {
    const parsed = parseOnlineRetailLine(row(values), 42);
    assert.equal(parsed.ok, false, values);
    if (!parsed.ok) {
      assert.equal(parsed.error.line, 42);
      assert.match(parsed.error.message, message);
    }
  }
});

test('lines group into orders by InvoiceNo, wherever they are in the file', () => {
  const accumulator = createOnlineRetailAccumulator();
  const lines = [
    line('100|A|Mug |2|2011-01-05 10:00:00|1.25|17.0|UK', 2),
    line('200|B|Pen|1|2011-01-04 09:00:00|0.65||UK', 3),
    line('100|C||3|2011-01-05 09:59:00|0.1|17.0|UK', 4),
    line('C300|A|Mug|-2|2011-01-06 08:00:00|1.25|17.0|UK', 5),
  ];
  for (const l of lines) assert.equal(accumulator.add(l), null);
  const { orders, customers } = accumulator.finish();
  assert.deepEqual(orders.map((o) => [o.id, o.customerId, o.processedAt, o.cancelledAt, o.total, o.currency]), [
    ['200', null, '2011-01-04T09:00:00.000Z', null, 0.65, 'GBP'],
    ['100', '17', '2011-01-05T09:59:00.000Z', null, 2.8, 'GBP'],
    ['C300', '17', '2011-01-06T08:00:00.000Z', '2011-01-06T08:00:00.000Z', 2.5, 'GBP'],
  ]);
  const invoice100 = orders.find((o) => o.id === '100');
  assert.deepEqual(invoice100?.lineItems, [
    { title: 'Mug', quantity: 2, price: 1.25, productType: null, vendor: null, sku: 'A' },
    { title: 'C', quantity: 3, price: 0.1, productType: null, vendor: null, sku: 'C' },
  ]);
  assert.equal(orders.find((o) => o.id === 'C300')?.lineItems[0]?.quantity, 2);
  assert.equal(invoice100?.source, 'csv');
  assert.equal(invoice100?.email, null);
  assert.deepEqual(customers, [
    {
      source: 'csv',
      id: '17',
      email: null,
      marketingState: null,
      firstName: null,
      lastName: null,
      tags: [],
      createdAt: '2011-01-05T09:59:00.000Z',
      updatedAt: '2011-01-06T08:00:00.000Z',
    },
  ]);
});

test('a line naming another customer than its invoice is an error and is left out', () => {
  const accumulator = createOnlineRetailAccumulator();
  accumulator.add(line('100|A|Mug|1|2011-01-05 10:00:00|1|17.0|UK', 2));
  assert.deepEqual(accumulator.add(line('100|B|Pen|1|2011-01-05 10:00:00|5|18.0|UK', 9)), {
    line: 9,
    message: 'invoice 100 belongs to customer 17 (line 2) but this line names customer 18',
  });
  assert.match(accumulator.add(line('100|B|Pen|1|2011-01-05 10:00:00|5||UK', 10))?.message ?? '', /names no customer \(guest\)/);
  const { orders } = accumulator.finish();
  assert.equal(orders[0]?.total, 1);
  assert.equal(orders[0]?.lineItems.length, 1);
});

test('totals are rounded to cents and do not depend on line order', () => {
  const a = createOnlineRetailAccumulator();
  const b = createOnlineRetailAccumulator();
  const lines = [
    line('1|A|x|3|2011-01-05 10:00:00|0.1|1.0|UK', 2),
    line('1|B|y|7|2011-01-05 10:00:00|0.29|1.0|UK', 3),
    line('1|C|z|1|2011-01-05 10:00:00|0.001|1.0|UK', 4),
  ];
  lines.forEach((l) => a.add(l));
  [...lines].reverse().forEach((l) => b.add(l));
  assert.equal(a.finish().orders[0]?.total, 2.33);
  assert.equal(b.finish().orders[0]?.total, 2.33);
});
