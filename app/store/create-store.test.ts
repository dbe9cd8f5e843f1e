// createStore: backend choice from configuration, migration on open, clear rejection of bad URLs.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import pg from 'pg';
import { RefineryError } from '../../core/errors.ts';
import { createStore } from './create-store.ts';

const PG_URL = process.env['DATABASE_URL_TEST'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const NOW = '2024-05-01T12:00:00.000Z';

test('without a database URL it opens a migrated SQLite file in WAL mode', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'refinery-create-'));
  try {
    const path = join(dir, 'data', 'refinery.db');
    for (const databaseUrl of [undefined, null, '']) {
      const store = await createStore({ databaseUrl, sqlitePath: path });
      assert.equal(store.kind, 'sqlite');
      await store.ensureShop('demo.myshopify.com', NOW);
      await store.close();
    }
    const db = new DatabaseSync(path, { readOnly: true });
    assert.deepEqual({ ...db.prepare('PRAGMA journal_mode').get() }, { journal_mode: 'wal' });
    assert.equal(db.prepare('SELECT count(*) AS n FROM shops').get()?.['n'], 1);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with a postgres URL it opens a migrated PostgreSQL store in the given schema', async () => {
  const schema = `refinery_create_${process.pid}_${Date.now().toString(36)}`;
  const store = await createStore({ databaseUrl: PG_URL.replace(/^postgres:/, 'postgresql:'), pgSchema: schema });
  try {
    assert.equal(store.kind, 'postgres');
    await store.ensureShop('demo.myshopify.com', NOW);
    assert.deepEqual((await store.listShops()).map((s) => s.shopId), ['demo.myshopify.com']);
  } finally {
    await store.close();
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
});

test('an unsupported or malformed URL is rejected clearly, without echoing credentials', async () => {
  for (const databaseUrl of ['mysql://user:secret@db/app', 'sqlite:///tmp/x.db', 'user:secret@host/db not a url']) {
    await assert.rejects(createStore({ databaseUrl }), (error: unknown) => {
      assert.ok(error instanceof RefineryError);
      assert.equal(error.code, 'INPUT');
      assert.match(error.message, /postgres:\/\//);
      assert.doesNotMatch(error.message, /secret/);
      return true;
    });
  }
  await assert.rejects(createStore({ databaseUrl: PG_URL, pgSchema: 'Robert"; DROP SCHEMA public; --' }), { code: 'INPUT' });
});
