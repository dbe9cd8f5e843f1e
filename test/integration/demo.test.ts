// `npm run demo`: the whole loop on the real sample; while it serves, a second
// `refinery sync --json` from another process writes nothing.
import assert from 'node:assert/strict';
import { RFM_SEGMENTS } from '../../core/rfm.ts';
import { test } from 'node:test';
import { PG_URL } from '../../app/store/store-test-backends.ts';
import { dropSchema } from '../support/cleanup.ts';
import { cliEnv, runCli, spawnCli } from '../support/run-cli.ts';

test('demo tags customers and creates native segments, then a separate sync writes nothing', async () => {
  const env = cliEnv();
  // Port 0: the admin UI on a free port (3000 by default, which another process may hold).
  const demo = spawnCli(['demo', '--ui-port', '0'], env);
  let out = '';
  let err = '';
  demo.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => demo.on('close', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`demo did not get ready:\n${out}\n${err}`)), 180_000);
      demo.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('keep serving')) {
          clearTimeout(timer);
          resolve();
        }
      });
      demo.on('close', () => reject(new Error(`demo exited early:\n${out}\n${err}`)));
    });
    assert.match(out, /== First sync ==/);
    assert.match(out, /wrote to Shopify: [1-9]\d* tags added, 0 removed, (\d+) segments created, 0 updated/);
    assert.match(out, /refinery:champions\s+[1-9]/, 'champions are tagged in the emulated store');
    assert.match(out, /Refinery · Champions/);
    assert.match(out, /Second sync[\s\S]*wrote 0 tags added, 0 removed, 0 segments created, 0 updated/);
    assert.match(out, /wrote to HubSpot: [1-9]\d* contacts upserted \(\d+ created\), (\d+) lists created, [1-9]\d* memberships added, 0 removed, 6 properties created/);
    assert.match(out, /HubSpot: 0 contacts upserted, 0 lists created, 0 memberships added, 0 removed/);
    // One person on both platforms carries the same segment on both sides.
    const both = out.match(/tags ([a-z0-9:, -]+)\n\s+HubSpot contact \d+: lists [^\n]+\n\s+HubSpot properties: refinery_segments = ([a-z0-9;-]*), refinery_rfm_group = ([a-z-]+), refinery_cluster = ([^,]*), refinery_purchase_propensity = ([0-9.]*), refinery_churn_risk = ([0-9.]*), refinery_predicted_clv = ([0-9.]*)/);
    assert.ok(both, 'the demo shows a person on both platforms');
    const tagKeys = (both[1] ?? '').split(', ').map((t) => t.replace(/^refinery:/, '')).sort();
    assert.equal(both[2], tagKeys.join(';'), 'the same segments on both sides');
    assert.ok(RFM_SEGMENTS.some((d) => d.key === both[3]));
    assert.ok((both[4] ?? '').length > 0 && Number(both[5]) > 0 && Number(both[5]) <= 1 && Number(both[7]) >= 0, 'cluster, propensity and CLV reach HubSpot');

    // Storefront events through the web pixel change segments in real time, and the batch agrees.
    assert.match(out, /storefront: [\d,]+ web pixel events of [\d,]+ customers over four weeks/);
    assert.match(out, /== Storefront events, in real time ==/);
    assert.match(out, /adds it to the cart and leaves: \d+ events in \d+ request\(s\) \(\d+× 202\), \d+ stored; [\d.]+ s later in Shopify: [^\n]*\+refinery:rule-cart-abandoners/);
    assert.match(out, /== Third sync, after the storefront events ==\nsucceeded [^\n]*the batch agrees with (\d+) of \1 real-time changes/);

    // The admin UI is served and says where: the standalone entry sends the page to the demo store.
    const ui = out.match(/Open (http:\/\/localhost:\d+)\/ in a browser/);
    assert.ok(ui?.[1], 'the demo says where the admin UI is');
    const entry = await fetch(`${ui[1]}/`, { redirect: 'manual' });
    assert.equal(entry.status, 302);
    assert.match(entry.headers.get('location') ?? '', /^\/\?shop=demo-store\.myshopify\.com&host=[A-Za-z0-9+/]+&embedded=1$/);
    const bounce = await fetch(`${ui[1]}${entry.headers.get('location')}`);
    assert.equal(bounce.status, 200);
    assert.match(await bounce.text(), /shopifycloud\/app-bridge\.js/, 'without a session token the page loads App Bridge to get one');
    const api = await fetch(`${ui[1]}/api/overview`);
    assert.equal(api.status, 401, 'the API needs a session token');

    // The same as-of instant as the demo's last sync: scores move with the clock (an order's
    // recency crosses a whole day, the models retrain), so "nothing changed" means the same data at
    // the same instant.
    const lastAsOf = out.match(/== Third sync, after the storefront events ==\n\w+ \(as of ([^)]+)\)/)?.[1];
    assert.ok(lastAsOf, 'the demo says as of when its last sync scored');
    const sync = await runCli(['sync', '--json', '--as-of', lastAsOf], env);
    assert.equal(sync.code, 0, sync.stderr);
    const report = JSON.parse(sync.stdout) as { status: string; wrote: { shopify: Record<string, number>; hubspot: Record<string, number> }; people: { total: number }; errors: unknown[] };
    assert.equal(report.status, 'succeeded');
    assert.deepEqual(report.wrote.shopify, { tagsAdded: 0, tagsRemoved: 0, segmentsCreated: 0, segmentsUpdated: 0, segmentsDeleted: 0 });
    assert.deepEqual(report.wrote.hubspot, { contactsUpserted: 0, contactsCreated: 0, listsCreated: 0, listsDeleted: 0, membershipsAdded: 0, membershipsRemoved: 0, propertiesCreated: 0 });
    assert.deepEqual(report.errors, []);

    const segments = await runCli(['segments', '--json'], env);
    const all = JSON.parse(segments.stdout) as Array<{ key: string; kind: string; size: number; revenueShare: number }>;
    for (const kind of ['rfm', 'cluster', 'prediction', 'micro']) assert.ok(all.some((r) => r.kind === kind), `the demo has ${kind} segments`);
    const rows = all.filter((r) => r.kind === 'rfm');
    assert.equal(rows.length, 11);
    const total = rows.reduce((n, r) => n + r.size, 0);
    assert.equal(total, report.people.total, 'every person (customers and contacts) is in exactly one RFM group');
    assert.ok(report.people.total > 3569, 'contacts who never bought are people too');
    const share = rows.reduce((n, r) => n + r.revenueShare, 0);
    assert.ok(Math.abs(share - 1) < 1e-6, `revenue shares add up to ${share}`);

    // The three reports run on the demo store.
    const asOf = new Date(Date.now() - 120 * 86_400_000).toISOString().slice(0, 10);
    const models = await runCli(['report', 'models', '--as-of', asOf, '--horizon', '90', '--json'], env);
    assert.equal(models.code, 0, models.stderr);
    const m = JSON.parse(models.stdout) as { propensity: { ok: boolean; auc: number }; bgnbd: { ok: boolean } };
    assert.ok(m.propensity.ok && Number.isFinite(m.propensity.auc));
    assert.ok(m.bgnbd.ok);
    const clusters = await runCli(['report', 'clusters', '--json'], env);
    assert.equal((JSON.parse(clusters.stdout) as { status: string }).status, 'clustered');
    const quality = await runCli(['report', 'quality', '--json'], env);
    assert.equal(quality.code, 0, quality.stderr);
    assert.ok(Array.isArray((JSON.parse(quality.stdout) as { checks: unknown[] }).checks));
  } finally {
    demo.kill('SIGINT');
  }
  assert.equal(await exited, 0, 'Ctrl-C stops the demo cleanly');
});

test('demo --once on PostgreSQL (DATABASE_URL) exits after the sync, the second writing nothing', async () => {
  const schema = `refinery_demo_${process.pid}_${Date.now().toString(36)}`;
  try {
    const result = await runCli(['demo', '--once'], cliEnv({ DATABASE_URL: PG_URL, REFINERY_PG_SCHEMA: schema }));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /First sync ==\nrun [0-9a-f-]+ for demo-store\.myshopify\.com: succeeded/);
    assert.match(result.stdout, /Second sync[\s\S]*wrote 0 tags added, 0 removed, 0 segments created, 0 updated/);
    assert.match(result.stdout, /s later in Shopify: [^\n]*\+refinery:rule-cart-abandoners/, 'storefront events change a segment in real time on PostgreSQL too');
  } finally {
    await dropSchema(schema);
  }
});
