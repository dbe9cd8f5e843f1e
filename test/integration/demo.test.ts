// `npm run demo`: the whole loop on the real sample; while it serves, a second
// `refinery sync --json` from another process writes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliEnv, runCli, spawnCli } from '../support/run-cli.ts';

test('demo tags customers and creates native segments, then a separate sync writes nothing', async () => {
  const env = cliEnv();
  const demo = spawnCli(['demo'], env);
  let out = '';
  let err = '';
  demo.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => demo.on('close', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`demo did not get ready:\n${out}\n${err}`)), 180_000);
      demo.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('keeps serving')) {
          clearTimeout(timer);
          resolve();
        }
      });
      demo.on('close', () => reject(new Error(`demo exited early:\n${out}\n${err}`)));
    });
    assert.match(out, /== First sync ==/);
    assert.match(out, /wrote to Shopify: [1-9]\d* tags added, 0 removed, 11 segments created, 0 updated/);
    assert.match(out, /refinery:champions\s+[1-9]/, 'champions are tagged in the emulated store');
    assert.match(out, /Refinery · Champions/);
    assert.match(out, /Second sync[\s\S]*wrote 0 tags added, 0 removed, 0 segments created, 0 updated/);

    const sync = await runCli(['sync', '--json'], env);
    assert.equal(sync.code, 0, sync.stderr);
    const report = JSON.parse(sync.stdout) as { status: string; wrote: { shopify: Record<string, number> }; errors: unknown[] };
    assert.equal(report.status, 'succeeded');
    assert.deepEqual(report.wrote.shopify, { tagsAdded: 0, tagsRemoved: 0, segmentsCreated: 0, segmentsUpdated: 0 });
    assert.deepEqual(report.errors, []);

    const segments = await runCli(['segments', '--json'], env);
    const rows = JSON.parse(segments.stdout) as Array<{ key: string; size: number; revenueShare: number }>;
    assert.equal(rows.length, 11);
    const total = rows.reduce((n, r) => n + r.size, 0);
    assert.equal(total, 3569, 'every customer of the sample is in exactly one RFM group');
    const share = rows.reduce((n, r) => n + r.revenueShare, 0);
    assert.ok(Math.abs(share - 1) < 1e-6, `revenue shares add up to ${share}`);
  } finally {
    demo.kill('SIGINT');
  }
  assert.equal(await exited, 0, 'Ctrl-C stops the demo cleanly');
});

test('demo --once exits after the sync', async () => {
  const result = await runCli(['demo', '--once'], cliEnv());
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Second sync/);
});
