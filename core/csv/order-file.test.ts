import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createOrderFileReader, detectOrderFileFormat, parseOrderFile } from './order-file.ts';

// The copy of the sample shipped with the demo (see app/demo/data/README.md).
const SAMPLE = fileURLToPath(new URL('../../app/demo/data/online-retail-sample.csv', import.meta.url));
const RETAIL_HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

test('detects both layouts, in any column order, ignoring case, spaces and extra columns', () => {
  const retail = detectOrderFileFormat(RETAIL_HEADER.split(','));
  assert.equal(retail.ok && retail.format, 'online-retail');
  const shuffled = detectOrderFileFormat([' customerid', 'Country', 'InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'Extra']);
  assert.equal(shuffled.ok && shuffled.format, 'online-retail');
  assert.equal(shuffled.ok && shuffled.columns.get('CustomerID'), 0);
  const canonical = detectOrderFileFormat(['order_id', 'customer_id', 'email', 'processed_at', 'total', 'currency']);
  assert.equal(canonical.ok && canonical.format, 'canonical');
  assert.equal(canonical.ok && canonical.columns.has('cancelled_at'), false);
  const withCancel = detectOrderFileFormat(['order_id', 'customer_id', 'email', 'processed_at', 'total', 'currency', 'cancelled_at']);
  assert.equal(withCancel.ok && withCancel.columns.get('cancelled_at'), 6);
});

test('an unknown header is one clear error naming the expected columns; no rows are read', () => {
  const result = parseOrderFile('id,amount\n1,2\n3,4\n');
  assert.equal(result.format, null);
  assert.deepEqual(result.orders, []);
  assert.equal(result.errors.length, 1);
  const [error] = result.errors;
  assert.equal(error?.line, 1);
  assert.match(error?.message ?? '', /unrecognised order file header \(found: id, amount\)/);
  assert.match(error?.message ?? '', /InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country/);
  assert.match(error?.message ?? '', /order_id, customer_id, email, processed_at, total, currency \(optional: cancelled_at\)/);
  assert.match(detectOrderFileFormat(['order_id', 'ORDER_ID']).ok ? '' : 'repeats', /repeats/);
});

test('an empty file says so', () => {
  assert.deepEqual(parseOrderFile('').errors, [{ line: 1, message: 'the file is empty: expected a header row' }]);
});

test('malformed Online Retail rows are reported by line; good rows survive', () => {
  const text = [
    RETAIL_HEADER,
    '536365,85123A,WHITE HANGING HEART ,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom', // 2 ok
    '536366,22633,"HAND WARMER, UNION JACK",6,2010-12-01 08:28:00,1.85,17850.0,United Kingdom', // 3 ok
    '536367,84879,ASSORTED BIRD,32,2010-12-01 08:34:00,1.69,13047.0', // 4 wrong column count
    '536368,22960,JAM JAR,6,2010-13-01 08:34:00,4.25,13047.0,United Kingdom', // 5 bad date
    '536369,21756,BATH BUILDING,3,2010-12-01 08:35:00,five,13047.0,United Kingdom', // 6 price not a number
    '536370,22728,"ALARM CLOCK, PINK,24,2010-12-01 08:45:00,3.75,12583.0,France', // 7 quote never closes
    '536371,22086,PAPER CHAIN,80,2010-12-01 09:00:00,2.55,13748.0,United Kingdom', // 8 ok
    'C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527.0,United Kingdom', // 9 ok, cancellation
    '536372,22632,HAND WARMER,6,2010-12-01 09:01:00,1.85,,United Kingdom', // 10 ok, guest
    '',
  ].join('\r\n');
  for (const input of [text, chunks(text, 17)]) {
    const result = parseOrderFile(input);
    assert.equal(result.format, 'online-retail');
    assert.deepEqual(
      result.errors.map((e) => [e.line, e.message]),
      [
        [4, 'expected 8 fields, found 7'],
        [5, 'InvoiceDate is not a valid date: "2010-13-01 08:34:00"'],
        [6, 'UnitPrice is not a number: "five"'],
        [7, 'unterminated quoted field (a quote opens here and never closes)'],
      ],
    );
    assert.deepEqual(
      result.orders.map((o) => [o.id, o.customerId, o.total, o.cancelledAt !== null]),
      [
        ['536365', '17850', 15.3, false],
        ['536366', '17850', 11.1, false],
        ['536371', '13748', 204, false],
        ['536372', null, 11.1, false],
        ['C536379', '14527', 27.5, true],
      ],
    );
    assert.equal(result.orders[1]?.lineItems[0]?.title, 'HAND WARMER, UNION JACK');
    assert.deepEqual(result.customers.map((c) => c.id), ['13748', '14527', '17850']);
    assert.deepEqual(result.stats, { rows: 7, rejected: 4, orders: 5, guestOrders: 1, cancelledOrders: 1, customers: 3 });
  }
});

test('canonical files stream orders as they are read', () => {
  const reader = createOrderFileReader();
  const first = reader.push('order_id,customer_id,email,processed_at,total,currency,cancelled_at\n1,c1,a@example.com,2024-01-01,10.50,EUR,\n2,c2,,2024-01-0');
  assert.deepEqual(first.orders.map((o) => o.id), ['1']);
  const second = reader.push('2,5,EUR,2024-01-03\n3,c1,,bad,1,EUR,\n');
  assert.deepEqual(second.orders.map((o) => [o.id, o.cancelledAt]), [['2', '2024-01-03T00:00:00.000Z']]);
  assert.deepEqual(second.errors, [{ line: 4, message: 'processed_at is not a valid date: "bad"' }]);
  const end = reader.end();
  assert.equal(end.format, 'canonical');
  assert.deepEqual(end.orders, []);
  assert.deepEqual(end.customers.map((c) => [c.id, c.email]), [['c1', 'a@example.com'], ['c2', null]]);
  assert.deepEqual(end.stats, { rows: 3, rejected: 1, orders: 2, guestOrders: 0, cancelledOrders: 1, customers: 2 });
});

test('the real Online Retail sample (30,000 lines) parses fully', () => {
  const text = readFileSync(SAMPLE ?? '', 'utf8');
  const result = parseOrderFile(chunks(text, 64 * 1024));
  assert.equal(result.format, 'online-retail');
  assert.equal(result.stats.rows, 30_000);

  // Distinct non-blank CustomerIDs: 3,569. The data README's "3,570 distinct customers" counts
  // the blank CustomerID as one more value; with it the raw column has 3,570 distinct values.
  const rawIds = new Set(text.split(/\r?\n/).slice(1).filter((l) => l !== '').map((l) => /,([^,]*),[^,]*$/.exec(l)?.[1] ?? '?'));
  assert.equal(rawIds.size, 3_570);
  assert.ok(rawIds.has(''));
  assert.equal(result.customers.length, 3_569);
  assert.equal(new Set(result.orders.flatMap((o) => (o.customerId === null ? [] : [o.customerId]))).size, 3_569);
  assert.ok(result.customers.every((c) => /^\d+$/.test(c.id) && c.source === 'csv'));

  // The only rejected lines: stock adjustments (negative quantity on a normal invoice, no customer).
  assert.equal(result.errors.length, 13);
  assert.ok(result.errors.every((e) => /is negative on invoice \d+, which is not a cancellation/.test(e.message) && e.line > 1));
  const lineItems = result.orders.reduce((n, o) => n + o.lineItems.length, 0);
  assert.equal(lineItems, 30_000 - 13);

  // Guests: the 2,000 blank-CustomerID lines (minus the 13 rejected) are guest orders.
  const guests = result.orders.filter((o) => o.customerId === null);
  assert.equal(guests.reduce((n, o) => n + o.lineItems.length, 0), 2_000 - 13);
  assert.equal(result.stats.guestOrders, guests.length);

  // Cancellations: all 620 C lines, as cancelled orders with positive amounts.
  const cancelled = result.orders.filter((o) => o.cancelledAt !== null);
  assert.ok(cancelled.length > 0);
  assert.ok(cancelled.every((o) => o.id.startsWith('C') && o.cancelledAt === o.processedAt && o.total >= 0));
  assert.ok(result.orders.filter((o) => o.id.startsWith('C')).every((o) => o.cancelledAt !== null));
  assert.equal(cancelled.reduce((n, o) => n + o.lineItems.length, 0), 620);
  assert.ok(cancelled.every((o) => o.lineItems.every((item) => item.quantity > 0)));

  assert.ok(result.orders.every((o) => o.currency === 'GBP' && Number.isFinite(o.total) && o.total >= 0));
  assert.ok(result.orders.every((o) => o.processedAt >= '2010-12-01' && o.processedAt < '2011-12-10'));
  assert.ok(result.orders.flatMap((o) => o.lineItems).every((item) => item.title === item.title.trim()));

  // Deterministic: one text or many chunks give the same result.
  assert.deepEqual(parseOrderFile(text), result);
});
