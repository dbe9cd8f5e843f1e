// The analysis reports through the CLI: on the imported real sample, on an empty shop, and with
// bad arguments.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { cliEnv, ROOT, runCli } from '../support/run-cli.ts';

const SHOP = 'sample-reports.myshopify.com';
const env = cliEnv();

before(async () => {
  const imported = await runCli(['import', 'orders', join(ROOT, 'app/demo/data/online-retail-sample.csv'), '--shop', SHOP], env);
  assert.equal(imported.code, 0, imported.stderr);
});

const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

test('the model report on the imported sample gives the documented keys, all finite', async () => {
  const result = await runCli(['report', 'models', '--shop', SHOP, '--as-of', '2011-09-09', '--horizon', '90', '--json'], env);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { propensity: Record<string, unknown>; bgnbd: Record<string, unknown> };
  for (const key of ['auc', 'topDecileLift', 'brier', 'baseRate', 'n']) assert.ok(finite(report.propensity[key]), `propensity.${key} = ${String(report.propensity[key])}`);
  for (const key of ['r', 'alpha', 'a', 'b', 'logLikelihood', 'predictedRepeat', 'actualRepeat']) assert.ok(finite(report.bgnbd[key]), `bgnbd.${key} = ${String(report.bgnbd[key])}`);
  assert.equal(report.bgnbd.timeUnit, 'week');
  assert.ok((report.propensity.auc as number) > 0.55, `the model ranks better than chance on its own history (AUC ${String(report.propensity.auc)})`);
  assert.ok((report.propensity.brier as number) < (report.propensity.brierBaseline as number), 'calibrated better than the base rate');
});

test('the cluster and quality reports on the imported sample', async () => {
  const clusters = await runCli(['report', 'clusters', '--shop', SHOP, '--as-of', '2011-12-10', '--json'], env);
  assert.equal(clusters.code, 0, clusters.stderr);
  const c = JSON.parse(clusters.stdout) as { status: string; k: number; silhouette: number; clusters: Array<{ name: string; size: number; explanation: string }> };
  assert.equal(c.status, 'clustered');
  assert.ok(c.k >= 2 && c.k <= 10);
  assert.ok(c.silhouette > 0 && c.silhouette <= 1);
  assert.equal(new Set(c.clusters.map((x) => x.name)).size, c.k, 'names are unique');
  assert.ok(c.clusters.every((x) => x.size > 0 && x.explanation.length > 10));
  const quality = await runCli(['report', 'quality', '--shop', SHOP, '--as-of', '2011-12-10', '--json'], env);
  assert.equal(quality.code, 0, quality.stderr);
  const q = JSON.parse(quality.stdout) as { checks: Array<{ id: string; count: number | null }> };
  const count = (id: string) => q.checks.find((x) => x.id === id)?.count;
  assert.equal(count('guest-orders'), 652);
  assert.equal(count('cancelled-orders'), 523);
});

test('an empty shop gets reports that say why, not a crash', async () => {
  const empty = cliEnv();
  await runCli(['import', 'orders', join(ROOT, 'app/demo/data/README.md'), '--shop', 'empty.myshopify.com'], empty);
  const clusters = await runCli(['report', 'clusters', '--shop', 'empty.myshopify.com', '--json'], empty);
  assert.equal(clusters.code, 0, clusters.stderr);
  assert.equal((JSON.parse(clusters.stdout) as { status: string }).status, 'skipped');
  const models = await runCli(['report', 'models', '--shop', 'empty.myshopify.com', '--as-of', '2026-01-01', '--json'], empty);
  assert.equal(models.code, 0, models.stderr);
  const m = JSON.parse(models.stdout) as { bgnbd: { ok: boolean; reason?: string } };
  assert.equal(m.bgnbd.ok, false);
  assert.match(m.bgnbd.reason ?? '', /not-enough-data/);
  assert.doesNotMatch(models.stdout, /NaN/);
});

test('bad report arguments get a clear message and exit code 2', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['report', 'models', '--shop', SHOP], /needs --as-of DATE/],
    [['report', 'forecast', '--shop', SHOP], /usage: refinery report/],
    [['report', 'models', '--shop', SHOP, '--as-of', '2011-09-09', '--horizon', '0'], /--horizon "0" must be a whole number/],
    [['report', 'clusters', '--shop', SHOP, '--horizon', '30'], /--horizon applies to report models only/],
    [['report', 'quality', '--shop', SHOP, '--as-of', 'soon'], /--as-of "soon" is not a date/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args, env);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
});
