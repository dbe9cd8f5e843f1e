// Rule segments, holdout settings and the lift report through the CLI, with bad input: errors name
// the problem (and, for rules, where it is), exit 2, and leave what is stored as it was.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { cliEnv, runCli } from '../support/run-cli.ts';

const SHOP = 'rules-shop.myshopify.com';
const env = cliEnv();

before(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'refinery-rules-')), 'orders.csv');
  writeFileSync(file, ['order_id,customer_id,email,processed_at,total,currency', '1,c1,ada@example.com,2026-01-05T10:00:00Z,25.50,USD'].join('\n'));
  const imported = await runCli(['import', 'orders', file, '--shop', SHOP], env);
  assert.equal(imported.code, 0, imported.stderr);
});

const list = async () => JSON.parse((await runCli(['rules', '--shop', SHOP, '--json'], env)).stdout) as Array<{ key: string; name: string; rule: string; segmentKey: string }>;

test('rules: add, list, replace and remove; a rule that does not parse is shown with its position and not stored', async () => {
  const added = await runCli(['rules', 'add', 'big-subscribers', '--shop', SHOP, '--name', 'Big subscribers', '--rule', "amount_spent > 500 AND email_subscribed = true"], env);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /rule-big-subscribers/);
  assert.deepEqual((await list()).map((r) => [r.key, r.name, r.segmentKey]), [['big-subscribers', 'Big subscribers', 'rule-big-subscribers']]);

  const bad = await runCli(['rules', 'add', 'big-subscribers', '--shop', SHOP, '--name', 'Changed', '--rule', 'amount_spent > 500 AND emial_subscribed = true'], env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /line 1, column 24: .*emial_subscribed/);
  assert.match(bad.stderr, /did you mean email_subscribed/);
  assert.match(bad.stderr, /\n {25}\^{16}\n/, 'a caret line under the unknown field');
  assert.deepEqual((await list()).map((r) => r.name), ['Big subscribers'], 'the stored rule is unchanged');

  const unclosed = await runCli(['rules', 'check', '--rule', "cluster = 'Big spenders"], env);
  assert.equal(unclosed.code, 2);
  assert.match(unclosed.stderr, /column 11/);
  const ok = await runCli(['rules', 'check', '--rule', "cluster = 'Big spenders' or rfm_group in ('CHAMPIONS')"], env);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /the rule parses: /);

  for (const [args, pattern] of [
    [['rules', 'add', 'Bad Key', '--name', 'x', '--rule', 'orders_count > 1'], /lower-case slug/],
    [['rules', 'add', 'fine', '--rule', 'orders_count > 1'], /--name NAME is required/],
    [['rules', 'add', 'fine', '--name', 'x'], /--rule RULE is required/],
    [['rules', 'remove', 'never-added'], /no rule segment "never-added"/],
    [['rules', 'frobnicate'], /usage: refinery rules/],
  ] as const) {
    const result = await runCli([...args, '--shop', SHOP], env);
    assert.notEqual(result.code, 0, args.join(' '));
    assert.match(result.stderr, pattern, args.join(' '));
  }

  const replaced = await runCli(['rules', 'add', 'big-subscribers', '--shop', SHOP, '--name', 'Bigger subscribers', '--rule', 'amount_spent > 900'], env);
  assert.equal(replaced.code, 0, replaced.stderr);
  assert.deepEqual((await list()).map((r) => [r.name, r.rule]), [['Bigger subscribers', 'amount_spent > 900']]);
  const removed = await runCli(['rules', 'remove', 'big-subscribers', '--shop', SHOP], env);
  assert.equal(removed.code, 0, removed.stderr);
  assert.deepEqual(await list(), []);
});

test('holdout share: shown, set from 0 to 50 %, bad values refused without changing it; lift before any write-back', async () => {
  const shown = JSON.parse((await runCli(['holdout', '--shop', SHOP, '--json'], env)).stdout) as { share: number };
  assert.equal(shown.share, 0.1, 'the default is 10 %');
  for (const bad of ['0.6', '-0.1', 'ten', '51%', '']) {
    const result = await runCli(['holdout', '--shop', SHOP, `--share=${bad}`], env);
    assert.equal(result.code, 2, bad);
    assert.match(result.stderr, /must be a share from 0 to 0.5/);
  }
  assert.equal((JSON.parse((await runCli(['holdout', '--shop', SHOP, '--json'], env)).stdout) as { share: number }).share, 0.1);
  for (const [given, share] of [['25%', 0.25], ['0', 0], ['0.5', 0.5]] as const) {
    const set = await runCli(['holdout', '--shop', SHOP, '--share', given, '--json'], env);
    assert.equal(set.code, 0, set.stderr);
    assert.equal((JSON.parse(set.stdout) as { share: number }).share, share);
  }
  const lift = await runCli(['report', 'lift', '--shop', SHOP], env);
  assert.equal(lift.code, 0, lift.stderr);
  assert.match(lift.stdout, /no segment of rules-shop\.myshopify\.com has been written back yet/);
  const one = await runCli(['report', 'lift', '--shop', SHOP, '--segment', 'champions'], env);
  assert.equal(one.code, 1);
  assert.match(one.stderr, /has not been written back/);
  const wrongFlag = await runCli(['report', 'models', '--shop', SHOP, '--as-of', '2026-01-01', '--segment', 'x'], env);
  assert.equal(wrongFlag.code, 2);
});
