// The CLI as a user runs it: import with bad rows, argument errors, segments and runs output.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliEnv, ROOT, runCli } from '../support/run-cli.ts';

const SHOP = 'csv-shop.myshopify.com';

test('import keeps good rows and reports bad ones with their line numbers', async () => {
  const env = cliEnv();
  const file = join(mkdtempSync(join(tmpdir(), 'refinery-csv-')), 'orders.csv');
  writeFileSync(file, [
    'order_id,customer_id,email,processed_at,total,currency,cancelled_at',
    '1001,c1,ada@example.com,2026-01-05T10:00:00Z,25.50,USD,',
    '1002,c1,ada@example.com,not-a-date,10.00,USD,',
    '1003,c2,bob@example.com,2026-02-01T09:00:00Z,abc,USD,',
    '1004,c2,bob@example.com,2026-02-03T09:00:00Z,12.00,USD,',
    '1005,c3,"unterminated,2026-02-03T09:00:00Z,12.00,USD,',
  ].join('\n'));
  const result = await runCli(['import', 'orders', file, '--shop', SHOP, '--json'], env);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { orders: number; rejectedRows: number; errors: Array<{ line: number; message: string }> };
  assert.equal(report.orders, 2);
  assert.deepEqual(report.errors.map((e) => e.line), [3, 4, 6]);
  assert.match(report.errors[0]?.message ?? '', /processed_at/);
  assert.match(report.errors[1]?.message ?? '', /total/);
  // A second import of the same file adds nothing and loses nothing.
  const again = await runCli(['import', 'orders', file, '--shop', SHOP], env);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /imported 2 orders/);
  assert.match(again.stdout, /line 3: /);
});

test('the real Online Retail sample imports with its dirt reported, not fatal', async () => {
  const env = cliEnv();
  const result = await runCli(['import', 'orders', join(ROOT, 'app/demo/data/online-retail-sample.csv'), '--shop', SHOP, '--json'], env);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { format: string; customers: number; guestOrders: number; cancelledOrders: number; rows: number };
  assert.equal(report.format, 'online-retail');
  assert.equal(report.rows, 30_000);
  assert.equal(report.customers, 3569);
  assert.ok(report.guestOrders > 0 && report.cancelledOrders > 0);
});

test('bad command lines get a clear message and exit code 2', async () => {
  const env = cliEnv();
  const cases: Array<[string[], RegExp]> = [
    [['frobnicate'], /unknown command "frobnicate"/],
    [['sync', '--shop', 'not a shop'], /not a shop domain/],
    [['sync', '--nope'], /Unknown option '--nope'/],
    [['demo', '--port', 'abc'], /--port "abc" is not a port number/],
    [['segments', '--full'], /does not take --full/],
    [['import', 'customers', 'x.csv', '--shop', SHOP], /usage: refinery import orders/],
    [['import', 'orders', '/no/such/file.csv', '--shop', SHOP], /no such file/],
    [['sync'], /no shop yet/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args, env);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message, args.join(' '));
  }
  const asOf = await runCli(['sync', '--shop', SHOP, '--as-of', 'yesterday-ish'], env);
  assert.equal(asOf.code, 2);
  assert.match(asOf.stderr, /--as-of "yesterday-ish" is not a date/);
});
