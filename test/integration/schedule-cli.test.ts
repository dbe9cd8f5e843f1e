// Sync schedules through the CLI: the default, set and shown in the shop's local time and UTC,
// paused and resumed; bad values exit 2 with a message naming the option, and store nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { cliEnv, runCli } from '../support/run-cli.ts';

const SHOP = 'schedule-shop.myshopify.com';
const env = cliEnv();

interface ScheduleView {
  shop: string;
  saved: boolean;
  active: boolean;
  schedule: { fullSyncCron: string | null; timeZone: string; incrementalEveryMinutes: number | null; paused: boolean };
  nextFullSyncs: Array<{ local: string; utc: string }>;
  nextIncrementalSync: string | null;
}

before(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'refinery-schedule-')), 'orders.csv');
  writeFileSync(file, ['order_id,customer_id,email,processed_at,total,currency', '1,c1,ada@example.com,2026-01-05T10:00:00Z,25.50,USD'].join('\n'));
  const imported = await runCli(['import', 'orders', file, '--shop', SHOP], env);
  assert.equal(imported.code, 0, imported.stderr);
});

async function show(): Promise<ScheduleView> {
  const result = await runCli(['schedule', 'show', '--shop', SHOP, '--json'], env);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as ScheduleView;
}

const DAY = 86_400_000;

test('schedule: the default, then set, shown in local time and UTC, paused and resumed', async () => {
  const started = Date.now();
  const initial = await show();
  assert.equal(initial.saved, false);
  assert.equal(initial.active, false, 'a shop not connected to Shopify with no saved schedule does not run');
  assert.deepEqual(initial.schedule, { fullSyncCron: '0 3 * * *', timeZone: 'UTC', incrementalEveryMinutes: 15, paused: false });
  assert.equal(initial.nextFullSyncs.length, 3);
  for (const fire of initial.nextFullSyncs) {
    assert.match(fire.utc, /T03:00:00\.000Z$/);
    assert.match(fire.local, /T03:00:00\+00:00$/);
  }

  const set = await runCli(['schedule', 'set', '--shop', SHOP, '--cron', '0 9 * * *', '--tz', 'asia/tokyo', '--every', '30', '--json'], env);
  assert.equal(set.code, 0, set.stderr);
  const saved = JSON.parse(set.stdout) as ScheduleView;
  assert.deepEqual(saved.schedule, { fullSyncCron: '0 9 * * *', timeZone: 'Asia/Tokyo', incrementalEveryMinutes: 30, paused: false });
  assert.equal(saved.saved, true);
  assert.equal(saved.active, true);
  const shown = await show();
  assert.deepEqual(shown.schedule, saved.schedule);
  // 09:00 in Tokyo is 00:00 UTC: three days in a row, the first within a day of now.
  assert.equal(shown.nextFullSyncs.length, 3);
  const utc = shown.nextFullSyncs.map((f) => Date.parse(f.utc));
  for (const [i, fire] of shown.nextFullSyncs.entries()) {
    assert.match(fire.utc, /T00:00:00\.000Z$/);
    assert.match(fire.local, /T09:00:00\+09:00$/);
    assert.equal(fire.local.slice(0, 10), fire.utc.slice(0, 10));
    if (i > 0) assert.equal((utc[i] ?? 0) - (utc[i - 1] ?? 0), DAY);
  }
  assert.ok((utc[0] ?? 0) > started && (utc[0] ?? 0) <= Date.now() + DAY);
  const nextIncremental = Date.parse(shown.nextIncrementalSync ?? '');
  assert.equal(nextIncremental % (30 * 60_000), 0, 'incremental boundaries are epoch-aligned');

  const text = await runCli(['schedule', '--shop', SHOP], env);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /full sync +0 9 \* \* \* +\(cron, in Asia\/Tokyo\)/);
  assert.match(text.stdout, /incremental +every 30 minutes/);
  assert.match(text.stdout, /status +active/);
  assert.equal(text.stdout.match(/^ {2}\w{3} \d{4}-\d\d-\d\d 09:00 Asia\/Tokyo \(\+09:00\) {2}= {2}\d{4}-\d\d-\d\d 00:00 UTC$/gm)?.length, 3, text.stdout);

  const paused = await runCli(['schedule', 'set', '--shop', SHOP, '--pause'], env);
  assert.equal(paused.code, 0, paused.stderr);
  assert.match(paused.stdout, /paused: nothing runs until `refinery schedule set --resume`/);
  const pausedView = await show();
  assert.deepEqual(pausedView.schedule, { ...saved.schedule, paused: true }, 'pausing keeps the rest');
  assert.equal(pausedView.active, false);
  const resumed = await runCli(['schedule', 'set', '--shop', SHOP, '--resume', '--cron', 'off', '--every', 'off', '--json'], env);
  assert.equal(resumed.code, 0, resumed.stderr);
  const off = JSON.parse(resumed.stdout) as ScheduleView;
  assert.deepEqual(off.schedule, { fullSyncCron: null, timeZone: 'Asia/Tokyo', incrementalEveryMinutes: null, paused: false });
  assert.deepEqual(off.nextFullSyncs, []);
  assert.equal(off.nextIncrementalSync, null);
  const back = await runCli(['schedule', 'set', '--shop', SHOP, '--cron', '30 2 * * 1-5', '--tz', 'Europe/Paris', '--every', '15'], env);
  assert.equal(back.code, 0, back.stderr);
  assert.equal(back.stdout.match(/^ {2}(Mon|Tue|Wed|Thu|Fri) \d{4}-\d\d-\d\d 02:30 Europe\/Paris \(\+0[12]:00\) {2}= {2}\d{4}-\d\d-\d\d 0[01]:30 UTC$/gm)?.length, 3, back.stdout);
});

test('schedule: bad values exit 2 naming the option, and nothing is stored', async () => {
  const set = await runCli(['schedule', 'set', '--shop', SHOP, '--cron', '0 9 * * *', '--tz', 'Asia/Tokyo', '--every', '30'], env);
  assert.equal(set.code, 0, set.stderr);
  const before = await show();
  for (const [args, pattern] of [
    [['--cron', '0 9 * *'], /--cron: "0 9 \* \*" must have 5 fields \(minute hour day-of-month month day-of-week\)/],
    [['--cron', '@daily'], /--cron: "@daily" must have 5 fields/],
    [['--cron', '61 9 * * *'], /--cron: .*minute field "61": 61 is out of range/],
    [['--cron', '0 0 30 2 *'], /--cron: "0 0 30 2 \*" never fires/],
    [['--tz', 'Mars/Olympus'], /--tz: "Mars\/Olympus" is not an IANA time zone/],
    [['--tz', '+09:00'], /--tz: "\+09:00" is a UTC offset, not an IANA time zone/],
    [['--every', '0'], /--every "0": must be a whole number of minutes from 1 to 1440, or off/],
    [['--every', '1441'], /--every "1441"/],
    [['--every', 'often'], /--every "often"/],
    [['--pause', '--resume'], /--pause and --resume cannot be used together/],
    [[], /nothing to set: pass --cron, --tz, --every, --pause or --resume/],
    [['--cron', '0 9 * * *', '--tz', 'Nowhere/Land', '--every', 'x'], /2 problems, nothing saved:\n {2}--tz: "Nowhere\/Land".*\n {2}--every "x"/],
  ] as const) {
    const result = await runCli(['schedule', 'set', '--shop', SHOP, ...args], env);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, pattern, args.join(' '));
  }
  const several = await runCli(['schedule', 'set', '--shop', SHOP, '--cron', '0 9 * *', '--tz', 'Mars/Olympus', '--every', '0'], env);
  assert.equal(several.code, 2);
  assert.match(several.stderr, /3 problems, nothing saved:\n {2}--cron: .*\n {2}--tz: .*\n {2}--every "0"/);

  for (const [args, pattern] of [
    [['schedule', 'show', '--cron', '0 3 * * *'], /refinery schedule show does not take --cron: use refinery schedule set/],
    [['schedule', 'frobnicate'], /usage: refinery schedule/],
    [['schedule', 'set', 'extra', '--pause'], /usage: refinery schedule/],
    [['holdout', '--cron', '0 3 * * *'], /refinery holdout does not take --cron/],
  ] as const) {
    const result = await runCli([...args, '--shop', SHOP], env);
    assert.equal(result.code, 2, args.join(' '));
    assert.match(result.stderr, pattern, args.join(' '));
  }
  assert.deepEqual((await show()).schedule, before.schedule, 'nothing was stored');
});
